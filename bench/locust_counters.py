"""Locust model of a province's counters talking to the sync server (issue 17).

Each simulated user is one counter device. It enrols once with a one-time code made by the
runner (``admin.enrol_device``), leases a block of dossier numbers, catches up once (push,
upload, push, pull: every endpoint is exercised by every counter), then loops over a weighted
mix (6:3:1) of:

* ``push``: a batch of outbox events as the desk builds them: ``dossier.received`` (payload from
  ``motcua_desk.sync.payloads.dossier_received_payload``) numbered from the leased block, the
  receipt's ``print.recorded``, ``dossier.status_changed`` RECEIVED -> PROCESSING for the
  previous batch's dossiers, and ``attachment.put`` for papers uploaded since;
* ``pull``: the change log from its cursor, page after page until ``has_more`` is false;
* ``upload``: a digitised paper (~250 KB, unique bytes) by the resumable blob endpoints:
  ``GET /api/v1/blobs/{sha}/upload`` then ``PUT …?offset=&total=`` chunks of the desk's size.

Requests are named by endpoint (``enrol``, ``lease``, ``push``, ``pull``, ``blob state``,
``blob chunk``) so Locust's statistics group by endpoint. A push counts as failed unless every
event is accepted with its own code; every other call unless it answers 200 with the expected
body. Event counts go to ``--summary-json`` when Locust quits (events/s in the runner).

Run it with ``bench/locust_run.py`` (which makes the database, the codes and the server). By
hand: ``locust -f bench/locust_counters.py CounterUser --headless -u 4 -r 4 -t 10s
--host http://127.0.0.1:8765 --codes-file codes.json`` where codes.json is
``[{"agency_id": …, "code": …, "name": …}, …]``. ``HealthUser`` is the floor: the same HTTP
stack against ``GET /api/v1/health``; ``ProbeUser`` (one, beside the counters) asks the same
while the counters load the server.

Loaded by Locust (gevent); never imported by the tests (``tests/bench`` runs it in a subprocess).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import uuid
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

from motcua_desk.domain.dossier import ChecklistItem, Dossier, PaperForm, Person, Sex, Status
from motcua_desk.sync import payloads as pl
from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import CHUNK_SIZE

JSON = "application/json"
TOTALS: Counter[str] = Counter()
_codes: list[dict[str, str]] = []
_hosts: list[str] = []
_next_user = 0

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
GIVEN = ("Thị Hoa", "Văn Nam", "Thị Lan", "Minh Tuấn", "Thu Trang", "Đức Anh", "Ngọc Ánh")
PROCEDURES = (
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
    ("1.001193", "Đăng ký khai sinh"),
    ("2.000908", "Cấp bản sao từ sổ gốc"),
    ("1.004227", "Đăng ký thường trú"),
)


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--codes-file", default=os.environ.get("MOTCUA_LOCUST_CODES", ""))
    parser.add_argument("--summary-json", default="")
    parser.add_argument("--hosts", default="", help="comma-separated base URLs to spread over")
    parser.add_argument("--batch-dossiers", type=int, default=20, help="new dossiers per push")
    parser.add_argument("--lease-block", type=int, default=100)
    parser.add_argument("--blob-bytes", type=int, default=250_000)


@events.init.add_listener
def _load(environment: Any, **_: Any) -> None:
    opts = environment.parsed_options
    if opts is None:
        return
    if opts.codes_file:
        _codes.extend(json.loads(Path(opts.codes_file).read_text(encoding="utf-8")))
    _hosts.extend(h for h in opts.hosts.split(",") if h)


@events.quitting.add_listener
def _summary(environment: Any, **_: Any) -> None:
    opts = environment.parsed_options
    if opts is None or not opts.summary_json:
        return
    stats = environment.stats
    total = stats.total
    elapsed = max(1e-9, (total.last_request_timestamp or total.start_time) - total.start_time)

    def row(name: str, e: Any) -> dict[str, Any]:
        pct = e.get_response_time_percentile
        return {
            "name": name,
            "count": e.num_requests,
            "failures": e.num_failures,
            "rps": e.num_requests / elapsed,
            "p50": pct(0.5) if e.num_requests else 0,
            "p95": pct(0.95) if e.num_requests else 0,
            "p99": pct(0.99) if e.num_requests else 0,
            "max": e.max_response_time or 0,
        }

    rows = [row(name, e) for (name, _), e in sorted(stats.entries.items())]
    data = {
        "totals": {**TOTALS, "elapsed_s": elapsed, "loadgen_cpu_s": _cpu_seconds()},
        "rows": [*rows, row("TOTAL", total)],
        "failures": [f"{e.name}: {e.error} x{e.occurrences}" for e in stats.errors.values()],
    }
    Path(opts.summary_json).write_text(json.dumps(data), encoding="utf-8")


def _cpu_seconds() -> float:
    import resource

    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _pick_host() -> str | None:
    global _next_user
    _next_user += 1
    return _hosts[(_next_user - 1) % len(_hosts)] if _hosts else None


class CounterUser(FastHttpUser):
    """One counter device of a unit."""

    wait_time = between(0.05, 0.3)  # a burst: counters catching up after a network outage
    network_timeout = 120.0
    connection_timeout = 10.0

    def __init__(self, environment: Any) -> None:
        host = _pick_host()
        if host is not None:
            self.host = host
        super().__init__(environment)
        opts = environment.parsed_options
        self.batch_dossiers = int(getattr(opts, "batch_dossiers", 20))
        self.lease_block = int(getattr(opts, "lease_block", 100))
        self.blob_bytes = int(getattr(opts, "blob_bytes", 250_000))
        self.headers = {p.HEADER: str(p.PROTOCOL_VERSION), "Content-Type": JSON}
        self.device_id = ""
        self.agency_id = ""
        self.seq = 0
        self.cursor = 0
        self.block: list[int] = []
        self.block_day: date | None = None
        self.received: list[str] = []  # dossiers of the last push: moved on in the next one
        self.papers: list[dict[str, Any]] = []  # uploaded, announced in the next push
        self.rng = random.Random()

    # ------------------------------------------------------------------ helpers

    def _post(self, path: str, body: dict[str, Any], name: str) -> Any:
        data = json.dumps(body, ensure_ascii=False).encode()
        return self.client.post(
            path, data=data, headers=self.headers, name=name, catch_response=True
        )

    @staticmethod
    def _body(res: Any) -> Any:
        try:
            return json.loads(res.content)
        except (TypeError, ValueError):
            return None

    def _event(self, kind: str, aggregate: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        event = p.OutboxEvent(
            str(uuid.uuid4()), self.seq, kind, aggregate, datetime.now(pl.OFFICE_TZ), payload
        )
        return event.to_dict()

    def _dossier(self, number: int, at: datetime) -> Dossier:
        procedure = self.rng.choice(PROCEDURES)
        id_number = f"0{self.rng.randrange(10**10, 10**11)}"
        return Dossier(
            sync_id=str(uuid.uuid4()),
            code=p.format_code(self.agency_id, at.date(), number),
            agency_id=self.agency_id,
            procedure_code=procedure[0],
            procedure_name=procedure[1],
            applicant=Person(
                f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}",
                id_number,
                sex=self.rng.choice((Sex.MALE, Sex.FEMALE)),
                phone=f"09{self.rng.randrange(10**7, 10**8)}",
                address="Số 12 đường Lê Lợi, phường Bến Thành, TP Hồ Chí Minh",
            ),
            received_at=at,
            due_at=None,
            status=Status.RECEIVED,
            checklist=(
                ChecklistItem("Tờ khai theo mẫu", PaperForm.ORIGINAL, received=True),
                ChecklistItem("Căn cước công dân", PaperForm.SHOWN, received=True),
                ChecklistItem("Giấy tờ chứng minh nơi cư trú", PaperForm.COPY, received=True),
            ),
            fee_vnd=self.rng.choice((0, 10_000, 50_000)),
            clerk_username="canbo1",
        )

    # ------------------------------------------------------------------ lifecycle

    def on_start(self) -> None:
        if not _codes:
            raise StopUser()  # more users than enrolment codes
        code = _codes.pop(0)
        body = {"enrolment_code": code["code"], "device_name": code["name"]}
        with self._post("/api/v1/enrol", body, "enrol") as res:
            reply = self._body(res)
            if res.status_code != 200 or not isinstance(reply, dict) or "token" not in reply:
                res.failure(f"enrol {res.status_code}")
                raise StopUser()
            res.success()
        self.device_id = reply["device_id"]
        self.agency_id = reply["agency_id"]
        self.headers["Authorization"] = f"Bearer {reply['token']}"
        TOTALS["enrolled"] += 1
        # Back on line after an outage: the backlog goes up, then the papers, then the news.
        # Every counter thus exercises every endpoint once before the weighted mix.
        if self.lease():
            self.push()
            self.upload()
            self.push()
            self.pull()

    def lease(self) -> bool:
        today = datetime.now(pl.OFFICE_TZ).date()
        if today != self.block_day:  # numbers are per office day: past midnight, a new block
            self.block.clear()
        body = p.LeaseRequest(today, self.lease_block).to_dict()
        with self._post("/api/v1/codes/lease", body, "lease") as res:
            try:
                got = p.LeaseResponse.from_dict(self._body(res))
            except p.ProtocolError:
                res.failure(f"lease {res.status_code}")
                return False
            self.block.extend(range(got.first, got.last + 1))
            self.block_day = got.day
            res.success()
        return True

    # ------------------------------------------------------------------ tasks

    @task(6)
    def push(self) -> None:
        now = datetime.now(pl.OFFICE_TZ)
        short = len(self.block) < self.batch_dossiers or now.date() != self.block_day
        if short and not self.lease():
            return
        now = datetime.now(pl.OFFICE_TZ)
        if now.date() != self.block_day:
            return  # midnight passed between the lease and now: next round
        batch = [
            self._event(
                p.KIND_STATUS,
                sid,
                pl.status_changed_payload(Status.RECEIVED, Status.PROCESSING, now, "canbo1"),
            )
            for sid in self.received
        ]
        batch += [self._event("attachment.put", a["sync_id"], a) for a in self.papers]
        fresh = []
        for _ in range(self.batch_dossiers):
            d = self._dossier(self.block.pop(0), now)
            fresh.append(d.sync_id)
            batch.append(self._event(p.KIND_RECEIVED, d.sync_id, pl.dossier_received_payload(d)))
            receipt = {
                "dossier_code": d.code,
                "doc_type": "receipt",
                "printer": "Quầy 1",
                "outcome": "printed",
                "reprint_reason": None,
                "sha256": hashlib.sha256(d.sync_id.encode()).hexdigest(),
                "clerk": "canbo1",
                "at": now.isoformat(),
            }
            batch.append(self._event("print.recorded", d.sync_id, receipt))
        with self._post(
            "/api/v1/sync/push", {"device_id": self.device_id, "events": batch}, "push"
        ) as res:
            try:
                outcomes = p.PushResponse.from_dict(self._body(res)).outcomes
            except p.ProtocolError:
                res.failure(f"push {res.status_code}")
                return
            bad = [o for o in outcomes if o.status != p.ACCEPTED or o.assigned_code or o.reason]
            if len(outcomes) != len(batch) or bad:
                first = bad[0] if bad else None
                res.failure(f"push outcome {first and (first.status, first.reason)}")
                return
            res.success()
        TOTALS["events"] += len(batch)
        TOTALS["dossiers"] += len(fresh)
        self.received = fresh
        self.papers = []

    @task(3)
    def pull(self) -> None:
        while True:
            url = f"/api/v1/sync/pull?cursor={self.cursor}&limit=500"
            with self.client.get(
                url, headers=self.headers, name="pull", catch_response=True
            ) as res:
                try:
                    page = p.PullResponse.from_dict(self._body(res))
                except p.ProtocolError:
                    res.failure(f"pull {res.status_code}")
                    return
                res.success()
            TOTALS["changes"] += len(page.changes)
            self.cursor = page.next_cursor
            if not page.has_more:
                return

    @task(1)
    def upload(self) -> None:
        if not self.received:
            return  # a paper belongs to a dossier this counter received
        data = self.rng.randbytes(self.blob_bytes)
        sha = hashlib.sha256(data).hexdigest()
        url = f"/api/v1/blobs/{sha}/upload"
        with self.client.get(
            url, headers=self.headers, name="blob state", catch_response=True
        ) as r:
            state = self._body(r)
            if r.status_code != 200 or not isinstance(state, dict) or state.get("complete"):
                r.failure(f"blob state {r.status_code}")
                return
            r.success()
        offset = 0
        headers = {**self.headers, "Content-Type": "application/octet-stream"}
        while offset < len(data):
            chunk = data[offset : offset + CHUNK_SIZE]
            with self.client.put(
                f"{url}?offset={offset}&total={len(data)}",
                data=chunk,
                headers=headers,
                name="blob chunk",
                catch_response=True,
            ) as r:
                state = self._body(r)
                held = state.get("received") if isinstance(state, dict) else None
                if r.status_code != 200 or not isinstance(held, int) or held <= offset:
                    r.failure(f"blob chunk {r.status_code}")
                    return
                r.success()
            offset = held
        if not state.get("complete"):
            return
        TOTALS["blobs"] += 1
        TOTALS["blob_bytes"] += len(data)
        dossier = self.rng.choice(self.received)
        self.papers.append(
            {
                "sync_id": str(uuid.uuid4()),
                "dossier_sync_id": dossier,
                "position": 1,
                "source": "scanned",
                "paper_type": "cccd",
                "number": None,
                "issuer": None,
                "issued_on": None,
                "valid_until": None,
                "digitised_by": "canbo1",
                "digitised_at": datetime.now(pl.OFFICE_TZ).isoformat(),
                "sha256": sha,
                "ocr_sha256": None,
                "size": len(data),
                "pages": 1,
                "media_type": "application/pdf",
                "reused_from": None,
                "applicant_id_number": "038195001234",
            }
        )


class ProbeUser(FastHttpUser):
    """One user beside the counters asking ``/api/v1/health`` twice a second: how long the
    cheapest request waits while the server is busy (queueing, not database work)."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def probe(self) -> None:
        with self.client.get("/api/v1/health", name="health (load)", catch_response=True) as res:
            if res.status_code != 200:
                res.failure(f"health {res.status_code}")
            else:
                res.success()


class HealthUser(FastHttpUser):
    """The floor: the same client stack and pacing against the cheapest endpoint."""

    wait_time = between(0.05, 0.3)

    def __init__(self, environment: Any) -> None:
        host = _pick_host()
        if host is not None:
            self.host = host
        super().__init__(environment)

    @task
    def health(self) -> None:
        with self.client.get("/api/v1/health", name="health", catch_response=True) as res:
            if res.status_code != 200:
                res.failure(f"health {res.status_code}")
            else:
                res.success()

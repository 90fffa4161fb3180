"""The applicant-paper index answers as the event scan it replaced, for the asking unit only,
survives a rebuild by the migration, and never holds or logs an ID number in clear."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from sync_support import AGENCY_A, AGENCY_B, Server

from motcua_desk.sync import protocol as p
from motcua_server import papers
from motcua_server.db import MIGRATIONS_DIR
from motcua_server.models import ApplicantPaperRow, BlobOwner, Device, EventRow, Unit

NUMBERS = ["038195001234", "001099000001", "079203004455"]


def scan(engine: Engine, unit_id: int, id_number: str) -> list[dict[str, Any]]:
    """The lookup as the server did it before the index: every attachment event of the unit."""
    with Session(engine) as s:
        rows = s.scalars(
            select(EventRow)
            .where(EventRow.unit_id == unit_id, EventRow.kind == "attachment.put")
            .order_by(EventRow.received_at)
        )
        latest: dict[str, dict[str, Any]] = {}
        for r in rows:
            payload = r.payload if isinstance(r.payload, dict) else {}
            if payload.get("applicant_id_number") == id_number and payload.get("sha256"):
                latest[r.aggregate_id] = payload
        removed = set(
            s.scalars(
                select(EventRow.aggregate_id).where(
                    EventRow.unit_id == unit_id, EventRow.kind == "attachment.removed"
                )
            )
        )
        owned = {o.sha256 for o in s.scalars(select(BlobOwner).where(BlobOwner.unit_id == unit_id))}
    return [v for k, v in latest.items() if k not in removed and v.get("sha256") in owned]


class Counter:
    """A device pushing events through the real ``POST /api/v1/sync/push``."""

    def __init__(self, server: Server, agency_id: str, name: str) -> None:
        self.enrolled = server.enrol(agency_id, name)
        self.transport = server.client(self.enrolled.token)
        self.seq = 0

    def push(self, events: list[tuple[str, str, dict[str, Any]]]) -> None:
        out = []
        for kind, aid, payload in events:
            self.seq += 1
            at = datetime.now(UTC)
            out.append(p.OutboxEvent(str(uuid.uuid4()), self.seq, kind, aid, at, payload))
        res = self.transport.push(p.PushRequest(self.enrolled.device_id, tuple(out)))
        assert {o.status for o in res.outcomes} == {p.ACCEPTED}


def unit_of(engine: Engine, agency_id: str) -> int:
    with Session(engine) as s:
        found = s.scalar(select(Unit.id).where(Unit.agency_id == agency_id))
    assert found is not None
    return found


def own(engine: Engine, agency_id: str, sha: str) -> None:
    """The unit holds the file (what a completed upload records)."""
    with Session(engine) as s, s.begin():
        unit = unit_of(engine, agency_id)
        device = s.scalar(select(Device.id).where(Device.unit_id == unit))
        if s.get(BlobOwner, (unit, sha)) is None:
            s.add(
                BlobOwner(
                    unit_id=unit, sha256=sha, size=1, device_id=device, created_at=datetime.now(UTC)
                )
            )


def random_history(server: Server, rng: random.Random) -> list[str]:
    """Two counters of unit A and one of unit B put, re-put (OCR done, corrected metadata,
    another applicant) and remove papers in random batches; some files are held, some not."""
    counters = [
        Counter(server, AGENCY_A, "Quầy 1"),
        Counter(server, AGENCY_A, "Quầy 2"),
        Counter(server, AGENCY_B, "Quầy 1"),
    ]
    papers_ids = [str(uuid.uuid4()) for _ in range(8)]
    shas = [f"{i:064x}" for i in range(1, 6)]
    for _ in range(30):
        counter = rng.choice(counters)
        batch = []
        for _ in range(rng.randint(1, 6)):
            aid = rng.choice(papers_ids)
            if rng.random() < 0.15:
                batch.append(("attachment.removed", aid, {"sync_id": aid}))
                continue
            payload: dict[str, Any] = {
                "sync_id": aid,
                "paper_type": rng.choice(["cccd", "giay_khai_sinh", "so_ho_khau"]),
                "issuer": rng.choice(["Công an tỉnh", "UBND xã Hòa Bình", ""]),
                "pages": rng.randint(1, 4),
                "applicant_id_number": rng.choice([*NUMBERS, ""]),
                "sha256": rng.choice([*shas, None, "not-a-hash"]),
            }
            batch.append(("attachment.put", aid, payload))
        counter.push(batch)
    for sha in shas[:4]:
        own(server.engine, rng.choice([AGENCY_A, AGENCY_B]), sha)
    own(server.engine, AGENCY_A, shas[0])
    return papers_ids


def test_the_index_answers_as_the_event_scan(server: Server) -> None:
    rng = random.Random(20261203)
    for _round in range(3):
        random_history(server, rng)
        listed = 0
        for agency in (AGENCY_A, AGENCY_B):
            unit = unit_of(server.engine, agency)
            for number in NUMBERS:
                found = papers.lookup(server.engine, unit, number)
                assert found == scan(server.engine, unit, number)
                listed += len(found)
                assert all(f["applicant_id_number"] == number for f in found)
        assert listed > 0  # the random history lists something: the comparison is not vacuous


def test_only_the_asking_units_papers_over_http(server: Server) -> None:
    a = Counter(server, AGENCY_A, "Quầy 1")
    b = Counter(server, AGENCY_B, "Quầy 1")
    sha = "ab" * 32
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    number = NUMBERS[0]
    a.push(
        [("attachment.put", mine, {"sync_id": mine, "sha256": sha, "applicant_id_number": number})]
    )
    b.push(
        [
            (
                "attachment.put",
                theirs,
                {"sync_id": theirs, "sha256": sha, "applicant_id_number": number},
            )
        ]
    )
    own(server.engine, AGENCY_A, sha)

    def ask(token: str) -> list[str]:
        import httpx

        with httpx.Client(base_url="http://test", transport=server.transport()) as c:
            res = c.get(
                "/api/v1/attachments",
                params={"id_number": number},
                headers={"Authorization": f"Bearer {token}", p.HEADER: "1"},
            )
        assert res.status_code == 200
        return [x["sync_id"] for x in res.json()["attachments"]]

    assert ask(a.enrolled.token) == [mine]
    assert ask(b.enrolled.token) == []  # B's paper: B does not hold the file yet
    own(server.engine, AGENCY_B, sha)
    assert ask(b.enrolled.token) == [theirs]  # never A's paper, though it is the same file
    a.push([("attachment.removed", mine, {"sync_id": mine})])
    assert ask(a.enrolled.token) == []


def _migrate(engine: Engine, target: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)
        conn.commit()


def test_the_migration_rebuilds_the_same_index(server: Server) -> None:
    random_history(server, random.Random(7))

    def snapshot() -> list[tuple[Any, ...]]:
        with Session(server.engine) as s:
            rows = s.scalars(select(ApplicantPaperRow).order_by(ApplicantPaperRow.id)).all()
            return [
                (r.unit_id, r.attachment_id, r.id_hash, r.sha256, r.event_id, r.removed)
                for r in rows
            ]

    built_at_ingest = snapshot()
    answers = {
        (u, n): papers.lookup(server.engine, u, n)
        for u in (unit_of(server.engine, AGENCY_A), unit_of(server.engine, AGENCY_B))
        for n in NUMBERS
    }
    assert built_at_ingest and any(answers.values())
    _migrate(server.engine, "0005_blob_store", down=True)
    _migrate(server.engine, "head")
    # The same rows up to order (a batch's events share their time, the migration orders
    # them by seq), hence the same answers.
    assert sorted(snapshot(), key=repr) == sorted(built_at_ingest, key=repr)
    for (u, n), before in answers.items():
        assert sorted(map(repr, papers.lookup(server.engine, u, n))) == sorted(map(repr, before))


def test_id_numbers_are_neither_stored_in_the_index_nor_logged(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    random_history(server, random.Random(11))
    with server.engine.connect() as conn:
        dump = repr(conn.execute(text("SELECT * FROM applicant_papers")).all())
    assert any(papers.id_digest(number) in dump for number in NUMBERS)
    for number in NUMBERS:
        assert number not in dump
        papers.lookup(server.engine, unit_of(server.engine, AGENCY_A), number)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG)
    assert not any(number in logged for number in NUMBERS)


def test_a_removal_recorded_by_a_concurrent_push_still_hides_the_paper(server: Server) -> None:
    a = Counter(server, AGENCY_A, "Quầy 1")
    aid, sha, number = str(uuid.uuid4()), "cd" * 32, NUMBERS[1]
    a.push(
        [("attachment.put", aid, {"sync_id": aid, "sha256": sha, "applicant_id_number": number})]
    )
    own(server.engine, AGENCY_A, sha)
    unit = unit_of(server.engine, AGENCY_A)
    assert [x["sync_id"] for x in papers.lookup(server.engine, unit, number)] == [aid]
    # Two workers, one storing the put and one the removal, each saw no row of the other:
    # the removal left its own row instead of marking the put's.
    with Session(server.engine) as s, s.begin():
        s.add(
            ApplicantPaperRow(
                unit_id=unit,
                attachment_id=aid,
                id_hash=None,
                sha256=None,
                event_id=str(uuid.uuid4()),
                removed=True,
                updated_at=datetime.now(UTC),
            )
        )
    assert papers.lookup(server.engine, unit, number) == []

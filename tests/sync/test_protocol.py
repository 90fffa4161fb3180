"""Wire DTOs: round trips, strict validation with field paths, version negotiation."""

from __future__ import annotations

import ast
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain.dossier import Status
from motcua_desk.sync import protocol as p

VN = timezone(timedelta(hours=7))
EID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
AGG = "6fa459ea-ee8a-4ca4-894e-db77e160355e"
AT = datetime(2026, 3, 10, 9, 30, tzinfo=VN)


def received(**over: Any) -> dict[str, Any]:
    base = {
        "sync_id": AGG,
        "agency_id": "000.00.06.H56",
        "code": "000.00.06.H56-260310-0001",
        "provisional_code": False,
        "procedure_code": "2.000815",
        "procedure_name": "Chứng thực bản sao",
        "applicant": {"full_name": "Lê Thị Hoa", "id_number": "038195001234"},
        "received_at": AT.isoformat(),
        "due_at": None,
        "status": 2,
        "channel": 1,
    }
    base.update(over)
    return base


def event(**over: Any) -> dict[str, Any]:
    base = {
        "event_id": EID,
        "seq": 1,
        "kind": "dossier.received",
        "aggregate_id": AGG,
        "occurred_at": AT.isoformat(),
        "payload": received(),
    }
    base.update(over)
    return base


def test_push_request_round_trip() -> None:
    raw = {"device_id": AGG, "events": [event()]}
    req = p.PushRequest.from_dict(raw)
    assert req.events[0].occurred_at == AT
    assert req.to_dict() == raw
    assert p.PushRequest.from_dict(req.to_dict()) == req


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (lambda d: d.pop("device_id"), "$.device_id", "missing"),
        (lambda d: d.update(extra=1), "$.extra", "unknown_field"),
        (lambda d: d.update(device_id="not-a-uuid"), "$.device_id", "not_uuid"),
        (lambda d: d.update(device_id=AGG.upper()), "$.device_id", "not_uuid"),
        (lambda d: d.update(events={}), "$.events", "not_list"),
        (lambda d: d.update(events=[event()] * 2), "$.events", "duplicate_event_id"),
        (lambda d: d["events"][0].update(seq=0), "$.events[0].seq", "out_of_range"),
        (lambda d: d["events"][0].update(seq="1"), "$.events[0].seq", "not_integer"),
        (lambda d: d["events"][0].update(seq=True), "$.events[0].seq", "not_integer"),
        (lambda d: d["events"][0].update(kind="x.y"), "$.events[0].kind", "unknown_kind"),
        (lambda d: d["events"][0].update(payload=[]), "$.events[0].payload", "not_object"),
        (
            lambda d: d["events"][0].update(occurred_at="2026-03-10T09:30:00"),
            "$.events[0].occurred_at",
            "naive_datetime",
        ),
        (
            lambda d: d["events"][0].update(occurred_at="yesterday"),
            "$.events[0].occurred_at",
            "not_datetime",
        ),
        (lambda d: d["events"][0].update(event_id=7), "$.events[0].event_id", "not_string"),
    ],
)
def test_push_request_malformed(mutate: Any, path: str, reason: str) -> None:
    raw = {"device_id": AGG, "events": [event()]}
    mutate(raw)
    with pytest.raises(p.ProtocolError) as err:
        p.PushRequest.from_dict(raw)
    assert err.value.data == {"path": path, "reason": reason}


def test_push_request_too_many_events() -> None:
    events = [event(event_id=str(uuid.uuid4())) for _ in range(p.MAX_BATCH + 1)]
    with pytest.raises(p.ProtocolError) as err:
        p.PushRequest.from_dict({"device_id": AGG, "events": events})
    assert err.value.data["reason"] == "too_many"


@pytest.mark.parametrize("value", [None, 1, "x", [], ["a"]])
def test_every_message_refuses_non_objects(value: object) -> None:
    for cls in (
        p.EnrolRequest,
        p.EnrolResponse,
        p.PushRequest,
        p.PushResponse,
        p.EventOutcome,
        p.PullResponse,
        p.Change,
        p.LeaseRequest,
        p.LeaseResponse,
        p.ErrorReply,
        p.OutboxEvent,
    ):
        with pytest.raises(p.ProtocolError) as err:
            cls.from_dict(value)
        assert err.value.data["path"] == "$"


def test_outcomes() -> None:
    ok = p.EventOutcome(EID, p.ACCEPTED, None, "000.00.06.H56-260310-0007")
    assert p.PushResponse.from_dict(p.PushResponse((ok,)).to_dict()).outcomes == (ok,)
    with pytest.raises(p.ProtocolError, match="unknown_status"):
        p.EventOutcome.from_dict({**ok.to_dict(), "status": "maybe"})
    with pytest.raises(p.ProtocolError) as err:
        p.EventOutcome.from_dict({**ok.to_dict(), "status": "rejected", "reason": None})
    assert err.value.data == {"path": "$.reason", "reason": "missing"}


def test_pull_response() -> None:
    change = p.Change(5, "procedure", "2.000815", {"name": "x"})
    res = p.PullResponse((change,), 5, True)
    assert p.PullResponse.from_dict(res.to_dict()) == res
    bad = res.to_dict()
    bad["next_cursor"] = 4
    with pytest.raises(p.ProtocolError, match="behind_changes"):
        p.PullResponse.from_dict(bad)
    bad = res.to_dict()
    bad["changes"][0]["entity"] = "secret"
    with pytest.raises(p.ProtocolError, match="unknown_entity"):
        p.PullResponse.from_dict(bad)
    bad = res.to_dict()
    bad["has_more"] = "yes"
    with pytest.raises(p.ProtocolError, match="not_boolean"):
        p.PullResponse.from_dict(bad)


def test_lease_messages() -> None:
    req = p.LeaseRequest(date(2026, 3, 10), 500)
    assert req.to_dict() == {"date": "2026-03-10", "count": 500}
    assert p.LeaseRequest.from_dict(req.to_dict()) == req
    for bad in (
        {"date": "2026-02-30", "count": 1},
        {"date": "2026-03-10", "count": 0},
        {"date": "2026-03-10", "count": p.MAX_LEASE + 1},
        {"date": 20260310, "count": 1},
    ):
        with pytest.raises(p.ProtocolError):
            p.LeaseRequest.from_dict(bad)
    with pytest.raises(p.ProtocolError, match="before_first"):
        p.LeaseResponse.from_dict({"date": "2026-03-10", "first": 9, "last": 3})


def test_enrol_messages() -> None:
    assert p.EnrolRequest.from_dict({"enrolment_code": "ABCD-EFGH", "device_name": "Q1"})
    with pytest.raises(p.ProtocolError, match="bad_length"):
        p.EnrolRequest.from_dict({"enrolment_code": "A", "device_name": "Q1"})
    with pytest.raises(p.ProtocolError, match="bad_length"):
        p.EnrolResponse.from_dict(
            {"device_id": AGG, "token": "short", "agency_id": "X", "unit_name": "U"}
        )


def test_error_reply() -> None:
    reply = p.ErrorReply("invalid_request", {"path": "$.x"})
    assert p.ErrorReply.from_dict(reply.to_dict()) == reply
    with pytest.raises(p.ProtocolError):
        p.ErrorReply.from_dict({"detail": "Not Found"})


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing_or_malformed"),
        ("abc", "missing_or_malformed"),
        ("-1", "missing_or_malformed"),
        ("0", "client_too_old"),
        ("2", "client_too_new"),
        ("9999999", "missing_or_malformed"),
    ],
)
def test_check_version_refuses(header: str | None, reason: str) -> None:
    with pytest.raises(p.VersionError) as err:
        p.check_version(header)
    assert err.value.data["reason"] == reason


def test_check_version_accepts_current() -> None:
    assert p.check_version(str(p.PROTOCOL_VERSION)) == p.PROTOCOL_VERSION


# --------------------------------------------------------------------------- payloads


def test_received_payload_valid_and_nfc() -> None:
    nfd = "Le\u0302\u0301 Thi\u0323 Hoa"
    body = p.validate_payload(p.KIND_RECEIVED, received(applicant={"full_name": nfd}))
    assert isinstance(body, p.DossierReceived)
    assert body.applicant_name == "Lế Thị Hoa"
    assert body.status is Status.RECEIVED


@pytest.mark.parametrize(
    ("over", "path", "reason"),
    [
        ({"code": "000.00.06.H56-260311-0001"}, "$.payload.code", "date_mismatch"),
        ({"code": "000.00.07.H56-260310-0001"}, "$.payload.code", "agency_mismatch"),
        ({"code": "rubbish"}, "$.payload.code", "bad_code"),
        ({"code": "000.00.06.H56-260310-T02-0001"}, "$.payload.provisional_code", "mismatch"),
        ({"provisional_code": True}, "$.payload.provisional_code", "mismatch"),
        ({"provisional_code": "no"}, "$.payload.provisional_code", "not_boolean"),
        ({"sync_id": "x"}, "$.payload.sync_id", "not_uuid"),
        ({"applicant": "Hoa"}, "$.payload.applicant", "not_object"),
        ({"applicant": {"full_name": "A", "sex": "x"}}, "$.payload.applicant.sex", "unknown_value"),
        ({"applicant": {"name": "A"}}, "$.payload.applicant.full_name", "missing"),
        ({"checklist": [1]}, "$.payload.checklist[0]", "not_object"),
        ({"regime": "ND1"}, "$.payload.regime", "unknown_value"),
        ({"status": 11}, "$.payload.status", "out_of_range"),
        ({"channel": 4}, "$.payload.channel", "out_of_range"),
        ({"applicant": {"full_name": ""}}, "$.payload.applicant.full_name", "bad_length"),
        ({"applicant": {"full_name": "x" * 201}}, "$.payload.applicant.full_name", "bad_length"),
        ({"due_at": "soon"}, "$.payload.due_at", "not_datetime"),
        ({"return_method": "drone"}, "$.payload.return_method", "unknown_value"),
        ({"secret": 1}, "$.payload.secret", "unknown_field"),
    ],
)
def test_received_payload_malformed(over: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(p.ProtocolError) as err:
        p.validate_payload(p.KIND_RECEIVED, received(**over))
    assert err.value.data == {"path": path, "reason": reason}


def test_provisional_received_payload() -> None:
    body = p.validate_payload(
        p.KIND_RECEIVED, received(code="000.00.06.H56-260310-T02-0001", provisional_code=True)
    )
    assert isinstance(body, p.DossierReceived) and body.provisional


def test_status_and_update_payloads() -> None:
    ok = p.status_changed_payload(Status.RECEIVED, Status.PROCESSING, AT, "clerk")
    assert isinstance(p.validate_payload(p.KIND_STATUS, ok), p.StatusChanged)
    with pytest.raises(p.ProtocolError, match="out_of_range"):
        p.validate_payload(p.KIND_STATUS, {**ok, "status_to": 0})
    upd = p.validate_payload(p.KIND_UPDATED, {"fields": {"note": "ghi chú", "fee_vnd": 2000}})
    assert isinstance(upd, p.DossierUpdated)
    for bad in ({"fields": {}}, {"fields": {"code": "x"}}, {"fields": {"fee_vnd": "2"}}, {}):
        with pytest.raises(p.ProtocolError):
            p.validate_payload(p.KIND_UPDATED, bad)
    assert p.validate_payload("print.recorded", {"anything": [1, 2]}) is None
    with pytest.raises(p.ProtocolError):
        p.validate_payload("print.recorded", "text")


def test_parse_code() -> None:
    assert p.parse_code("000.00.06.H56-231027-0361") == ("000.00.06.H56", date(2023, 10, 27), 361)
    assert p.format_code("H56.14", date(2026, 3, 10), 7) == "H56.14-260310-0007"
    with pytest.raises(p.ProtocolError, match="provisional_code"):
        p.parse_code("000.00.06.H56-231027-T01-0361")


@given(
    seq=st.integers(min_value=1, max_value=p.MAX_SEQ),
    payload=st.dictionaries(
        st.text(max_size=10), st.integers() | st.text(max_size=20), max_size=20
    ),
    minutes=st.integers(min_value=-720, max_value=840),
)
def test_outbox_event_round_trip(seq: int, payload: dict[str, Any], minutes: int) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC).astimezone(timezone(timedelta(minutes=minutes)))
    ev = p.OutboxEvent(str(uuid.uuid4()), seq, "audit.appended", AGG, at, payload)
    assert p.OutboxEvent.from_dict(ev.to_dict()) == ev


def test_a_seq_beyond_the_servers_integer_column_still_parses() -> None:
    # The server rejects such an event on its own (tests/server/test_malformed_events.py): a
    # parse error would refuse the whole batch and the counter would retry it forever.
    at = datetime(2026, 1, 1, tzinfo=UTC)
    ev = p.OutboxEvent(str(uuid.uuid4()), p.MAX_SEQ + 1, "audit.appended", AGG, at, {})
    assert p.OutboxEvent.from_dict(ev.to_dict()).seq == p.MAX_SEQ + 1


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists, max_leaves=8))
def test_from_dict_never_crashes_on_garbage(value: object) -> None:
    for cls in (p.PushRequest, p.PullResponse, p.PushResponse, p.LeaseResponse):
        with pytest.raises(p.ProtocolError):
            cls.from_dict(value)


def test_wire_modules_use_only_the_standard_library() -> None:
    sync_dir = Path(p.__file__).parent
    for name in ("protocol.py", "validation.py", "payloads.py", "errors.py"):
        tree = ast.parse((sync_dir / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods: list[str] = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module]
            for mod in mods:
                top = mod.split(".")[0]
                ok = top in sys.stdlib_module_names or mod.startswith(
                    (
                        "motcua_desk.domain",
                        "motcua_desk.sync.validation",
                        "motcua_desk.sync.payloads",
                    )
                )
                assert ok, f"{name} imports {mod}"


def test_payload_of_the_desk_reception_service_validates() -> None:
    """The desk's own outbox shape (services.payloads) is what the server accepts."""
    from sync_support import make_dossier

    from motcua_desk.domain.dossier import ChecklistItem, Person
    from motcua_desk.services.payloads import dossier_payload

    d = make_dossier(AGG, "000.00.06.H56", "000.00.06.H56-260310-T03-0002", AT, True)
    from dataclasses import replace

    d = replace(
        d,
        submitter=Person("Trần Văn Nam", "001090001234", phone="0912345678"),
        checklist=(ChecklistItem("Tờ khai"),),
        due_at=AT + timedelta(days=3),
    )
    for payload in (
        dossier_payload(d) | {"event": "received", "detail": {"processing_days": 3}},
        p.dossier_received_payload(d),
    ):
        body = p.validate_payload(p.KIND_RECEIVED, payload)
        assert isinstance(body, p.DossierReceived)
        assert body.provisional and body.sync_id == AGG
    assert dossier_payload(d) == p.dossier_received_payload(d)


def test_code_date_is_the_office_date_even_when_sent_in_utc() -> None:
    early = datetime(2026, 3, 10, 6, 45, tzinfo=VN)  # 23:45 UTC the day before
    payload = received(received_at=early.astimezone(UTC).isoformat())
    body = p.validate_payload(p.KIND_RECEIVED, payload)
    assert isinstance(body, p.DossierReceived)
    assert p.office_date(body.received_at) == date(2026, 3, 10)
    with pytest.raises(p.ProtocolError, match="date_mismatch"):
        p.validate_payload(p.KIND_RECEIVED, received(code="000.00.06.H56-260309-0001"))

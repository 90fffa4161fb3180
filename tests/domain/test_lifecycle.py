"""Dossier status state machine (docs/domain.md §2, §10): every pair is allowed or raises."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from motcua_desk.domain.dossier import (
    TERMINAL,
    TRANSITIONS,
    Dossier,
    Person,
    Status,
    can_transition,
    check_transition,
    transition,
)
from motcua_desk.domain.errors import DomainError, IllegalTransitionError

ALLOWED = {
    (Status.NEW, Status.RECEIVED),
    (Status.NEW, Status.REFUSED),
    (Status.NEW, Status.SUPPLEMENT),
    *(
        (Status.RECEIVED, t)
        for t in (
            Status.PROCESSING,
            Status.SUPPLEMENT,
            Status.REFUSED,
            Status.PAYMENT_DUE,
            Status.PROCESSED,
            Status.WITHDRAWN,
            Status.STOPPED,
        )
    ),
    *(
        (Status.PROCESSING, t)
        for t in (
            Status.SUPPLEMENT,
            Status.REFUSED,
            Status.PAYMENT_DUE,
            Status.PROCESSED,
            Status.WITHDRAWN,
            Status.STOPPED,
        )
    ),
    *(
        (Status.SUPPLEMENT, t)
        for t in (
            Status.RECEIVED,
            Status.PROCESSING,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.STOPPED,
        )
    ),
    *(
        (Status.PAYMENT_DUE, t)
        for t in (Status.PROCESSING, Status.PROCESSED, Status.WITHDRAWN, Status.STOPPED)
    ),
    (Status.PROCESSED, Status.RETURNED),
}

ALL_PAIRS = list(itertools.product(Status, Status))


def test_portal_codes() -> None:
    assert [int(s) for s in Status] == list(range(1, 11))


@pytest.mark.parametrize(("src", "dst"), sorted(ALLOWED))
def test_allowed(src: Status, dst: Status) -> None:
    assert can_transition(src, dst)
    check_transition(src, dst)


@pytest.mark.parametrize(("src", "dst"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_forbidden(src: Status, dst: Status) -> None:
    assert not can_transition(src, dst)
    with pytest.raises(IllegalTransitionError) as exc:
        check_transition(src, dst)
    assert isinstance(exc.value, DomainError)
    assert exc.value.code == "illegal_transition"
    assert exc.value.data == {"current": int(src), "target": int(dst)}


def test_table_matches_spec() -> None:
    table = {(s, t) for s, targets in TRANSITIONS.items() for t in targets}
    assert table == ALLOWED


def test_terminal_statuses_have_no_exit() -> None:
    for s in TERMINAL:
        assert not any(can_transition(s, t) for t in Status)
    assert Status.RETURNED in TERMINAL


def test_no_self_loops() -> None:
    assert not any(can_transition(s, s) for s in Status)


def test_returned_only_after_processed() -> None:
    assert {s for s in Status if can_transition(s, Status.RETURNED)} == {Status.PROCESSED}


def _dossier(status: Status) -> Dossier:
    return Dossier(
        sync_id="s",
        code="000.00.06.H56-231027-0361",
        agency_id="000.00.06.H56",
        procedure_code="1.001193",
        procedure_name="Chứng thực bản sao",
        applicant=Person(full_name="Lê Thị Hoa"),
        received_at=datetime(2023, 10, 27, 9, 32),
        due_at=None,
        status=status,
    )


def test_transition_returns_updated_copy() -> None:
    d = _dossier(Status.RECEIVED)
    d2 = transition(d, Status.PROCESSING)
    assert d2.status is Status.PROCESSING
    assert d.status is Status.RECEIVED
    assert d2.supplement_requests == 0


def test_transition_counts_supplement_requests() -> None:
    d = transition(_dossier(Status.PROCESSING), Status.SUPPLEMENT)
    d = transition(transition(d, Status.PROCESSING), Status.SUPPLEMENT)
    assert d.supplement_requests == 2


def test_transition_refuses_illegal_move() -> None:
    d = _dossier(Status.RETURNED)
    with pytest.raises(IllegalTransitionError):
        transition(d, Status.PROCESSING)

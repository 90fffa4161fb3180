"""Code sequences and leased blocks, calendar table, print ledger, sync state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.dossier import Status
from motcua_desk.storage import (
    LocalSequenceSource,
    NotFoundError,
    SequenceExhaustedError,
    UnitOfWork,
)
from motcua_desk.storage.repositories.print_jobs import InvalidPrintOutcomeError
from motcua_desk.storage.repositories.sequences import InvalidBlockError

from .conftest import make_dossier

Factory = Callable[[], UnitOfWork]
D1 = date(2026, 2, 12)
D2 = date(2026, 2, 13)
AT = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)


def test_local_sequence_per_agency_and_day(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        seq = uow.sequences
        assert isinstance(seq, LocalSequenceSource)
        assert [seq.next_seq("A", D1) for _ in range(3)] == [1, 2, 3]
        assert seq.next_seq("A", D2) == 1  # restarts daily
        assert seq.next_seq("B", D1) == 1  # per agency
        uow.commit()
    with uow_factory() as uow:
        assert uow.sequences.next_seq("A", D1) == 4
        # not committed: the number is given back
    with uow_factory() as uow:
        assert uow.sequences.next_seq("A", D1) == 4
        assert uow.sequences.last_seq("A", D1) == 4
        assert uow.sequences.last_seq("Z", D1) == 0


def test_blocks(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        s = uow.sequences
        with pytest.raises(SequenceExhaustedError) as info:
            s.take_from_blocks("A", D1)
        assert info.value.data == {"agency_id": "A", "day": "2026-02-12"}
        s.add_block("A", D1, 501, 503)
        s.add_block("A", D1, 101, 102)
        s.add_block("A", D2, 1, 10)
        assert s.remaining("A", D1) == 5
        assert [s.take_from_blocks("A", D1) for _ in range(3)] == [101, 102, 501]
        assert s.unused_ranges("A", D1) == [(502, 503)]
        assert s.remaining("A", D1) == 2
        assert [s.take_from_blocks("A", D1) for _ in range(2)] == [502, 503]
        with pytest.raises(SequenceExhaustedError):
            s.take_from_blocks("A", D1)
        assert s.remaining("A", D1) == 0
        assert s.remaining("A", D2) == 10
        leased = s.leased
        assert leased.next_seq("A", D2) == 1  # the domain SequenceSource protocol


def test_sources_satisfy_domain_protocol(uow_factory: Factory) -> None:
    from motcua_desk.domain.codes import SequenceExhaustedError as DomainExhausted
    from motcua_desk.domain.codes import SequenceSource

    with uow_factory() as uow:
        local: SequenceSource = uow.sequences
        leased: SequenceSource = uow.sequences.leased
        assert local.next_seq("A", D1) == 1
        with pytest.raises(DomainExhausted):
            leased.next_seq("A", D1)


@pytest.mark.parametrize(("first", "last"), [(0, 5), (5, 4), (-3, 2), (150, 160), (90, 100)])
def test_bad_blocks(uow_factory: Factory, first: int, last: int) -> None:
    with uow_factory() as uow:
        uow.sequences.add_block("A", D1, 100, 199)
        with pytest.raises(InvalidBlockError):
            uow.sequences.add_block("A", D1, first, last)


def test_calendar_table(uow_factory: Factory) -> None:
    tet = CalendarDay(date(2026, 2, 17), DayKind.HOLIDAY, "Tết Nguyên đán")
    makeup = CalendarDay(date(2026, 8, 22), DayKind.MAKEUP_WORKDAY, "Làm bù")
    with uow_factory() as uow:
        assert uow.calendar.replace_seeded([tet, makeup]) == 2
        uow.calendar.upsert(CalendarDay(date(2026, 8, 22), DayKind.HOLIDAY, "Sửa tay"))
        uow.calendar.upsert(CalendarDay(date(2026, 11, 24), DayKind.HOLIDAY, "Ngày Văn hóa"))
        # Re-seeding replaces seeded rows but keeps the admin's edits.
        assert uow.calendar.replace_seeded([makeup]) == 0
        stored = uow.calendar.stored()
        assert [(s.day, s.kind, s.source) for s in stored] == [
            (date(2026, 8, 22), DayKind.HOLIDAY, "admin"),
            (date(2026, 11, 24), DayKind.HOLIDAY, "admin"),
        ]
        uow.calendar.delete(date(2026, 11, 24))
        with pytest.raises(NotFoundError):
            uow.calendar.delete(date(2026, 11, 24))
        uow.calendar.replace_seeded([tet])
        assert uow.calendar.all() == [
            tet,
            CalendarDay(date(2026, 8, 22), DayKind.HOLIDAY, "Sửa tay"),
        ]


def test_print_ledger(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        a = uow.dossiers.add(make_dossier(1))
        b = uow.dossiers.add(make_dossier(2))
        c = uow.dossiers.add(make_dossier(3))
        assert a.id and b.id and c.id
        uow.dossiers.set_status(c.id, Status.PROCESSING, actor="x", at=AT)
        common = {"printer": "motcua-pdf", "at": AT, "pdf_sha256": "ab" * 32, "clerk": "canbo1"}
        ja = uow.print_jobs.record(a.id, "receipt", pdf_path="a.pdf", **common)  # type: ignore[arg-type]
        jb = uow.print_jobs.record(b.id, "receipt", pdf_path="b.pdf", **common)  # type: ignore[arg-type]
        assert ja.outcome == "queued"
        assert {d.id for d in uow.print_jobs.dossiers_without_printed()} == {a.id, b.id}
        uow.print_jobs.update_outcome(ja.id, "sent")
        uow.print_jobs.update_outcome(jb.id, "failed")  # a failed print is no receipt
        assert [d.id for d in uow.print_jobs.dossiers_without_printed()] == [b.id]
        assert uow.print_jobs.dossiers_without_printed("supplement_request") != []
        assert {
            d.id
            for d in uow.print_jobs.dossiers_without_printed(
                statuses=(Status.RECEIVED, Status.PROCESSING)
            )
        } == {b.id, c.id}
        re = uow.print_jobs.record(
            a.id,
            "receipt",
            pdf_path="a2.pdf",
            reprint_reason="giấy kẹt",
            **common,  # type: ignore[arg-type]
        )
        assert [j.id for j in uow.print_jobs.for_dossier(a.id)] == [ja.id, re.id]
        assert uow.print_jobs.for_dossier(a.id)[1].reprint_reason == "giấy kẹt"
        with pytest.raises(InvalidPrintOutcomeError):
            uow.print_jobs.update_outcome(ja.id, "lost")  # type: ignore[arg-type]
        with pytest.raises(NotFoundError):
            uow.print_jobs.update_outcome(9999, "sent")
        with pytest.raises(NotFoundError):
            uow.print_jobs.record(9999, "receipt", pdf_path="x", **common)  # type: ignore[arg-type]


def test_sync_state(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        assert uow.sync_state.get("cursor") is None
        uow.sync_state.set("cursor", "10")
        uow.sync_state.set("cursor", "11")
        uow.commit()
    with uow_factory() as uow:
        assert uow.sync_state.get("cursor") == "11"
        uow.sync_state.delete("cursor")
        uow.sync_state.delete("missing")
        assert uow.sync_state.get("cursor") is None


def test_uow_outside_with_block(uow_factory: Factory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError):
        uow.commit()

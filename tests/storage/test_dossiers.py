"""Dossier repository: round trip, lookups, status changes, timeline, search."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from motcua_desk.domain.dossier import (
    ApplicantKind,
    Channel,
    ChecklistItem,
    DossierEvent,
    PaperForm,
    Person,
    Regime,
    ReturnMethod,
    Sex,
    Status,
)
from motcua_desk.domain.errors import IllegalTransitionError
from motcua_desk.storage import DuplicateError, NotFoundError, UnitOfWork
from motcua_desk.storage.repositories.dossiers import StatusChangeViaUpdateError

from .conftest import T0, make_dossier

Factory = Callable[[], UnitOfWork]


def test_round_trip_keeps_every_field(uow_factory: Factory) -> None:
    original = make_dossier(
        submitter=Person(
            "Trần Văn Bình",
            id_number="001085000002",
            birth_date=date(1985, 3, 4),
            sex=Sex.MALE,
            phone="0987000111",
            email="binh@example.vn",
            address="Hà Nội",
            kind=ApplicantKind.OTHER,
        ),
        channel=Channel.POSTAL,
        return_method=ReturnMethod.POST,
        return_address="Số 1 Tràng Tiền",
        checklist=(
            ChecklistItem("Tờ khai", PaperForm.COPY, copies=2, required=False, received=True),
            ChecklistItem("Giấy chứng sinh", note="bản gốc\nđã xem"),
        ),
        sets_count=2,
        fee_vnd=8000,
        regime=Regime.ND61_2018,
        provisional_code=True,
        note="  ghi chú  ",
        extensions=1,
        supplement_requests=1,
        returned_at=T0 + timedelta(days=20),
    )
    with uow_factory() as uow:
        added = uow.dossiers.add(original)
        uow.commit()
    assert added.id is not None
    with uow_factory() as uow:
        loaded = uow.dossiers.get(added.id)
    assert loaded == replace(original, id=added.id)
    assert loaded.received_at.tzinfo == UTC
    assert loaded.received_at == T0  # same instant, stored as UTC
    with pytest.raises(FrozenInstanceError):
        loaded.code = "x"  # type: ignore[misc]


def test_text_is_stored_as_nfc(uow_factory: Factory) -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier(applicant=Person(full_name=nfd)))
        uow.commit()
    assert d.applicant.full_name == unicodedata.normalize("NFC", nfd)
    with uow_factory() as uow:
        assert [x.id for x in uow.dossiers.search("hang")] == [d.id]


def test_naive_datetime_is_refused(uow_factory: Factory) -> None:
    with uow_factory() as uow, pytest.raises(Exception, match="naive"):
        uow.dossiers.add(make_dossier(received_at=datetime(2026, 2, 12, 10, 0)))


def test_by_code_and_sync_id(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        a = uow.dossiers.add(make_dossier(1))
        uow.dossiers.add(make_dossier(2))
        uow.commit()
    with uow_factory() as uow:
        found = uow.dossiers.by_code(a.code)
        assert found is not None and found.id == a.id
        lower = uow.dossiers.by_code(f" {a.code.lower()} ")  # typed in lower case
        assert lower is not None and lower.id == a.id
        assert uow.dossiers.by_code("000.00.06.H56-260212-9999") is None
        by_sync = uow.dossiers.by_sync_id(a.sync_id)
        assert by_sync is not None and by_sync.code == a.code
        assert uow.dossiers.count() == 2


def test_duplicate_code_is_refused_and_first_kept(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.dossiers.add(make_dossier(1))
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(DuplicateError) as info:
            uow.dossiers.add(make_dossier(1))
        assert info.value.data["entity"] == "dossier"
        # The unit of work is still usable after the refused insert.
        uow.dossiers.add(make_dossier(2))
        uow.commit()
    with uow_factory() as uow:
        assert uow.dossiers.count() == 2


def test_get_missing_raises(uow_factory: Factory) -> None:
    with uow_factory() as uow, pytest.raises(NotFoundError):
        uow.dossiers.get(12345)


def test_set_status_checks_lifecycle_and_writes_timeline(uow_factory: Factory) -> None:
    at = T0 + timedelta(hours=1)
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        assert d.id is not None
        moved = uow.dossiers.set_status(
            d.id, Status.PROCESSING, actor="canbo1", at=at, detail={"to": "UBND xã"}
        )
        assert moved.status is Status.PROCESSING
        with pytest.raises(IllegalTransitionError):
            uow.dossiers.set_status(d.id, Status.RETURNED, actor="canbo1", at=at)
        uow.dossiers.set_status(d.id, Status.PROCESSED, actor="canbo2", at=at)
        done = uow.dossiers.set_status(d.id, Status.RETURNED, actor="canbo1", at=at)
        assert done.returned_at == at
        uow.commit()
    with uow_factory() as uow:
        timeline = uow.dossiers.timeline(d.id)
    assert [(e.status_from, e.status_to) for e in timeline] == [
        (Status.RECEIVED, Status.PROCESSING),
        (Status.PROCESSING, Status.PROCESSED),
        (Status.PROCESSED, Status.RETURNED),
    ]
    assert timeline[0].detail == {"to": "UBND xã"}
    assert timeline[0].actor == "canbo1"


def test_update_changes_mutable_fields_only(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        uow.commit()
    new_due = T0 + timedelta(days=30)
    with uow_factory() as uow:
        changed = uow.dossiers.update(
            replace(
                d,
                due_at=new_due,
                extensions=1,
                checklist=(ChecklistItem("Giấy chứng sinh", received=True),),
            )
        )
        assert changed.due_at == new_due
        with pytest.raises(StatusChangeViaUpdateError):
            uow.dossiers.update(replace(d, status=Status.PROCESSED))
        uow.commit()
    with uow_factory() as uow:
        again = uow.dossiers.get(changed.id or 0)
    assert again.extensions == 1
    assert again.checklist == (ChecklistItem("Giấy chứng sinh", received=True),)
    assert again.code == d.code


def test_add_event_and_order(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        assert d.id is not None
        later = DossierEvent("sms_sent", T0 + timedelta(hours=2), "canbo1", detail={"n": 1})
        earlier = DossierEvent("printed", T0 + timedelta(hours=1), "canbo1")
        uow.dossiers.add_event(d.id, later)
        uow.dossiers.add_event(d.id, earlier)
        with pytest.raises(NotFoundError):
            uow.dossiers.add_event(999, earlier)
        assert [e.kind for e in uow.dossiers.timeline(d.id)] == ["printed", "sms_sent"]


def test_search(uow_factory: Factory) -> None:
    people = [
        ("Lê Thị Hoa", "038195001234", "0912345678"),
        ("Nguyễn Văn Đức", "001090000001", "0987000111"),
        ("Đặng Hoà Bình", "079200000777", "0909999999"),
    ]
    with uow_factory() as uow:
        for i, (name, idn, phone) in enumerate(people, start=1):
            uow.dossiers.add(
                make_dossier(
                    i,
                    applicant=Person(name, id_number=idn, phone=phone),
                    received_at=T0 + timedelta(days=i),
                    procedure_code="2.000908" if i == 3 else "1.001193",
                )
            )
        uow.commit()

    def names(**kw: object) -> list[str]:
        with uow_factory() as uow:
            return [d.applicant.full_name for d in uow.dossiers.search(**kw)]  # type: ignore[arg-type]

    assert names(text="duc") == ["Nguyễn Văn Đức"]
    assert names(text="ĐỨC") == ["Nguyễn Văn Đức"]
    assert names(text="hoa") == ["Đặng Hoà Bình", "Lê Thị Hoa"]  # newest first
    assert names(text="le hoa") == ["Lê Thị Hoa"]  # every word must match
    assert names(text="0987") == ["Nguyễn Văn Đức"]
    assert names(text="079200000777") == ["Đặng Hoà Bình"]
    assert names(text="260212-0002") == ["Nguyễn Văn Đức"]
    assert names(text="%") == []  # wildcards are literal
    assert names(procedure_code="2.000908") == ["Đặng Hoà Bình"]
    assert names(date_from=T0 + timedelta(days=2), date_to=T0 + timedelta(days=3)) == [
        "Nguyễn Văn Đức"
    ]
    assert names(status=Status.PROCESSING) == []
    assert len(names(limit=2)) == 2
    assert len(names()) == 3

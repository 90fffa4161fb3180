"""Dossier values: checklist completeness and the rule set by reception date (§1, §2.2)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from motcua_desk.domain.dossier import (
    ChecklistItem,
    Dossier,
    PaperForm,
    Person,
    Regime,
    Status,
    regime_for,
)


def _dossier(*items: ChecklistItem) -> Dossier:
    return Dossier(
        sync_id="s",
        code="000.00.06.H56-231027-0361",
        agency_id="000.00.06.H56",
        procedure_code="1.001193",
        procedure_name="Chứng thực bản sao",
        applicant=Person(full_name="Lê Thị Hoa", id_number="038195001234"),
        received_at=datetime(2023, 10, 27, 9, 32),
        due_at=None,
        status=Status.RECEIVED,
        checklist=items,
    )


def test_missing_papers_lists_only_required_unreceived() -> None:
    form = ChecklistItem("Tờ khai", received=True)
    id_copy = ChecklistItem("Bản sao căn cước", form=PaperForm.CERTIFIED_COPY)
    optional = ChecklistItem("Giấy ủy quyền", required=False)
    d = _dossier(form, id_copy, optional)
    assert d.missing_papers == (id_copy,)
    assert not d.is_complete
    done = dataclasses.replace(d, checklist=(form, dataclasses.replace(id_copy, received=True)))
    assert done.is_complete
    assert _dossier().is_complete


@pytest.mark.parametrize(
    ("day", "regime"),
    [
        (date(2019, 1, 6), Regime.ND61_2018),
        (date(2025, 6, 30), Regime.ND61_2018),
        (date(2025, 7, 1), Regime.ND118_2025),
        (date(2026, 2, 12), Regime.ND118_2025),
    ],
)
def test_regime_by_reception_date(day: date, regime: Regime) -> None:
    assert regime_for(day) is regime


def test_values_are_frozen() -> None:
    d = _dossier()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.status = Status.PROCESSING  # type: ignore[misc]

"""The fake reception used by some screen tests follows the real rules (issue 12 §4).

It used to refuse "+84912345678" and "0912 345 678" and accept "123456789012", unlike the
real service. The same drafts go to both; they must answer alike.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person
from motcua_desk.services.reception import IntakeDraft

from . import fakes

HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    tmp = tmp_path_factory.mktemp("contract")
    real = build_context(AppPaths(tmp / "d", tmp / "l"))
    fake = fakes.make_context(tmp / "fake")
    return real.reception, fake.reception


@pytest.mark.parametrize(
    "person",
    [
        replace(HOA, phone="+84912345678"),
        replace(HOA, phone="0912 345 678"),
        replace(HOA, phone="0912.345.678"),
        replace(HOA, phone="12345"),
        replace(HOA, id_number="123456789012"),
        replace(HOA, id_number="03819500123"),
        replace(HOA, id_number="0381950O1234"),
        replace(HOA, email="hoa@"),
        replace(HOA, full_name=""),
        replace(HOA, address=""),
    ],
    ids=lambda p: f"{p.phone or p.id_number or p.email}",
)
def test_fake_and_real_reception_agree(both: tuple[object, object], person: Person) -> None:
    real, fake = both
    # The catalogues differ (fake sample vs. the seeded one): compare the person's fields.
    real_errors = real.validate(IntakeDraft("1.014137", person))  # type: ignore[attr-defined]
    fake_errors = fake.validate(IntakeDraft("1.001193", person))  # type: ignore[attr-defined]
    assert {k: v for k, v in fake_errors.items() if k.startswith("applicant.")} == {
        k: v for k, v in real_errors.items() if k.startswith("applicant.")
    }


def test_the_phone_forms_a_clerk_types_are_accepted(both: tuple[object, object]) -> None:
    _real, fake = both
    for phone in ("+84912345678", "0912 345 678"):
        errors = fake.validate(IntakeDraft("1.001193", replace(HOA, phone=phone)))  # type: ignore[attr-defined]
        assert "applicant.phone" not in errors
    errors = fake.validate(IntakeDraft("1.001193", replace(HOA, id_number="123456789012")))  # type: ignore[attr-defined]
    assert "applicant.id_number" in errors

"""Who may collect a result, and the rating scale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from motcua_desk.domain.dossier import ApplicantKind, Dossier, Person, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.domain.returns import (
    Collector,
    CollectorKind,
    CollectorMismatchError,
    Verification,
    check_collector,
    check_scores,
)

HOA = Person("Lê Thị Hoa", id_number="038195001234")
D = Dossier(
    sync_id="s",
    code="H56-1",
    agency_id="H56",
    procedure_code="1",
    procedure_name="Thủ tục",
    applicant=HOA,
    received_at=datetime(2026, 11, 20, tzinfo=UTC),
    due_at=None,
    status=Status.PROCESSED,
)
APPLICANT = CollectorKind.APPLICANT
PROXY = CollectorKind.PROXY


def test_applicant_by_id_number_typed_or_from_the_card() -> None:
    who = check_collector(D, Collector(APPLICANT, "", " 038195001234 ", Verification.ID_CARD_QR))
    assert who.full_name == "Lê Thị Hoa" and who.id_number == "038195001234"
    assert who.verified_by is Verification.ID_CARD_QR


def test_wrong_person_is_refused() -> None:
    with pytest.raises(CollectorMismatchError) as err:
        check_collector(D, Collector(APPLICANT, "Lê Thị Hoa", "038195009999"))
    assert err.value.data["reason"] == "id_mismatch"


def test_applicant_without_id_on_file_is_matched_by_name() -> None:
    d = replace(D, applicant=replace(HOA, id_number=""))
    assert check_collector(d, Collector(APPLICANT, "le thi HOA", "038195001234")).full_name
    with pytest.raises(CollectorMismatchError) as err:
        check_collector(d, Collector(APPLICANT, "Lê Văn Hòa", "038195001234"))
    assert err.value.data["reason"] == "name_mismatch"


def test_organisation_collects_through_a_proxy() -> None:
    d = replace(D, applicant=Person("Công ty TNHH Hạc Thành", kind=ApplicantKind.ENTERPRISE))
    with pytest.raises(CollectorMismatchError) as err:
        check_collector(d, Collector(APPLICANT, "Ai đó", "038195001234"))
    assert err.value.data["reason"] == "proxy_required"
    ok = check_collector(
        d, Collector(PROXY, "Trần Văn Nam", "038090001122", authorisation="Giấy giới thiệu số 5")
    )
    assert ok.authorisation == "Giấy giới thiệu số 5"


@pytest.mark.parametrize(
    ("who", "fields"),
    [
        (Collector(PROXY, "Trần Văn Nam", "038090001122"), {"collector.authorisation"}),
        (
            Collector(PROXY, "", "", authorisation="UQ"),
            {"collector.full_name", "collector.id_number"},
        ),
        (Collector(APPLICANT, "", "12345"), {"collector.id_number"}),
        (Collector(APPLICANT, "", "03819500123x"), {"collector.id_number"}),
    ],
)
def test_malformed_collector_input(who: Collector, fields: set[str]) -> None:
    with pytest.raises(ValidationFailedError) as err:
        check_collector(D, who)
    assert set(err.value.fields) == fields


def test_old_nine_digit_id_is_accepted_for_a_proxy() -> None:
    ok = check_collector(D, Collector(PROXY, "Trần Nam", "172345678", authorisation="UQ số 1"))
    assert ok.id_number == "172345678"


def test_scores() -> None:
    assert check_scores({"timeliness": 2, "attitude": 0}) == {"timeliness": 2, "attitude": 0}
    for bad in ({"timeliness": 3}, {"speed": 2}, {"costs": True}, {"costs": "2"}, {}):
        with pytest.raises(ValidationFailedError):
            check_scores(bad)

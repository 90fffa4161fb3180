"""Procedure catalogue: JSON import (valid and malformed) and diacritic-insensitive search."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from motcua_desk.domain.dossier import PaperForm
from motcua_desk.domain.procedure import Procedure, RequiredDocument, TimeUnit
from motcua_desk.resources import seed_dir
from motcua_desk.storage import (
    CatalogueImportError,
    UnitOfWork,
    import_catalogue,
    parse_catalogue,
    parse_catalogue_json,
)

Factory = Callable[[], UnitOfWork]


def _entry(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"}
    base.update(kw)
    return base


def _parse(*entries: Any) -> list[Procedure]:
    return parse_catalogue_json(json.dumps(list(entries), ensure_ascii=False))


def test_seed_file_parses() -> None:
    parsed = parse_catalogue((seed_dir() / "procedures.json").read_bytes())
    raw = json.loads((seed_dir() / "procedures.json").read_text(encoding="utf-8"))
    assert len(parsed.procedures) + len(parsed.skipped) == len(raw)
    assert parsed.skipped == tuple(i for i, e in enumerate(raw) if e["code"] is None)
    birth = next(p for p in parsed.procedures if p.code == "1.001193")
    assert birth.required_documents[0] == RequiredDocument("Tờ khai đăng ký khai sinh theo mẫu")
    assert birth.processing_days == 0 and birth.verified


def test_full_entry_with_document_objects() -> None:
    [p] = _parse(
        _entry(
            field="Hộ tịch",
            level="commune",
            processing_days=3,
            time_unit="calendar_days",
            fee_vnd=8000,
            required_documents=[
                "Tờ khai",
                {"name": "Giấy chứng sinh", "form": "certified_copy", "copies": 2},
                {"name": "CCCD", "form": "shown", "required": False},
            ],
            verified=True,
            same_day_cutoff=False,
            valid_from="2025-07-01",
            valid_to="2026-12-31",
            active=False,
        )
    )
    assert p.time_unit is TimeUnit.CALENDAR_DAYS
    assert p.required_documents == (
        RequiredDocument("Tờ khai"),
        RequiredDocument("Giấy chứng sinh", PaperForm.CERTIFIED_COPY, 2),
        RequiredDocument("CCCD", PaperForm.SHOWN, 1, required=False),
    )
    assert (p.valid_from, p.valid_to, p.active, p.same_day_cutoff) == (
        date(2025, 7, 1),
        date(2026, 12, 31),
        False,
        False,
    )


def test_text_normalised_to_nfc() -> None:
    import unicodedata

    [p] = _parse(_entry(name=unicodedata.normalize("NFD", "  Đăng ký   khai sinh ")))
    assert p.name == "Đăng ký khai sinh"


@pytest.mark.parametrize(
    ("data", "reason", "index", "field"),
    [
        ("{not json", "bad_json", None, None),
        (b"\xff\xfe\x00garbage", "bad_json", None, None),
        ('{"a": 1}', "not_a_list", None, None),
        ("42", "not_a_list", None, None),
        ("[1]", "not_an_object", 0, None),
        ('[{"name": "x"}]', "missing", 0, "code"),
        ('[{"code": 1.5, "name": "x"}]', "not_a_string", 0, "code"),
        ('[{"code": "a b", "name": "x"}]', "bad_code", 0, "code"),
        ('[{"code": "", "name": "x"}]', "bad_code", 0, "code"),
        ('[{"code": "1.0"}]', "missing", 0, "name"),
        ('[{"code": "1.0", "name": "  "}]', "empty", 0, "name"),
        ('[{"code": "1.0", "name": 7}]', "not_a_string", 0, "name"),
        ('[{"code": "1.0", "name": "x", "processing_days": -1}]', "negative", 0, "processing_days"),
        (
            '[{"code": "1.0", "name": "x", "processing_days": "3"}]',
            "not_an_integer",
            0,
            "processing_days",
        ),
        (
            '[{"code": "1.0", "name": "x", "processing_days": true}]',
            "not_an_integer",
            0,
            "processing_days",
        ),
        ('[{"code": "1.0", "name": "x", "fee_vnd": -5}]', "negative", 0, "fee_vnd"),
        ('[{"code": "1.0", "name": "x", "verified": "yes"}]', "not_a_boolean", 0, "verified"),
        ('[{"code": "1.0", "name": "x", "time_unit": "weeks"}]', "bad_value", 0, "time_unit"),
        (
            '[{"code": "1.0", "name": "x", "valid_from": "01/07/2025"}]',
            "not_a_date",
            0,
            "valid_from",
        ),
        (
            '[{"code": "1.0", "name": "x", "valid_from": "2026-01-02", "valid_to": "2026-01-01"}]',
            "bad_range",
            0,
            "valid_to",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": "Tờ khai"}]',
            "not_a_list",
            0,
            "required_documents",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [3]}]',
            "not_a_document",
            0,
            "required_documents[0]",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [""]}]',
            "empty",
            0,
            "required_documents[0]",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [{"form": "copy"}]}]',
            "missing",
            0,
            "name",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [{"name": "a", "form": "fax"}]}]',
            "bad_value",
            0,
            "required_documents[0].form",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [{"name": "a", "copies": 0}]}]',
            "bad_value",
            0,
            "required_documents[0].copies",
        ),
        (
            '[{"code": "1.0", "name": "x", "required_documents": [{"name": "a", "x": 1}]}]',
            "unknown_field",
            0,
            "required_documents[0].x",
        ),
        ('[{"code": "1.0", "name": "x", "colour": "red"}]', "unknown_field", 0, "colour"),
        ('[{"code": "1.0", "name": "x"}, {"code": "1.0", "name": "y"}]', "duplicate", 1, "code"),
        (
            '[{"code": "1.0", "name": "x"}, {"code": "2.0", "name": "y", "fee_vnd": -1}]',
            "negative",
            1,
            "fee_vnd",
        ),
    ],
)
def test_malformed_input(
    data: str | bytes, reason: str, index: int | None, field: str | None
) -> None:
    with pytest.raises(CatalogueImportError) as info:
        parse_catalogue(data)
    err = info.value
    assert (err.reason, err.index, err.field) == (reason, index, field)
    assert err.code == "catalogue_import"


def test_object_wrapper_accepted() -> None:
    assert [
        p.code for p in parse_catalogue_json('{"procedures": [{"code": "1.0", "name": "x"}]}')
    ] == ["1.0"]


def test_import_then_reimport_counts(uow_factory: Factory) -> None:
    data = (seed_dir() / "procedures.json").read_bytes()
    with uow_factory() as uow:
        first = import_catalogue(uow, data)
        uow.commit()
    assert first.added == first.total and first.updated == 0 and first.skipped == 1
    changed = json.loads(data)
    changed[0]["name"] = "Tên mới"
    changed.append({"code": "9.999999", "name": "Thủ tục thử"})
    with uow_factory() as uow:
        second = import_catalogue(uow, json.dumps(changed))
        uow.commit()
    assert (second.added, second.updated) == (1, first.total)
    with uow_factory() as uow:
        p = uow.procedures.get(changed[0]["code"])
        assert p is not None and p.name == "Tên mới"
        assert uow.procedures.count() == first.total + 1


def test_failed_import_writes_nothing(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        with pytest.raises(CatalogueImportError):
            import_catalogue(uow, '[{"code": "1.0", "name": "x"}, {"code": 5}]')
        assert uow.procedures.count() == 0


def test_round_trip_through_repository(uow_factory: Factory) -> None:
    [p] = _parse(
        _entry(
            required_documents=[{"name": "Giấy", "form": "copy", "copies": 3}],
            valid_from="2025-07-01",
            fee_vnd=None,
        )
    )
    with uow_factory() as uow:
        uow.procedures.upsert_many([p])
        assert uow.procedures.get(p.code) == p
        assert uow.procedures.all() == [p]
        assert uow.procedures.get("nope") is None


@pytest.fixture
def seeded(uow_factory: Factory) -> Factory:
    with uow_factory() as uow:
        import_catalogue(uow, (seed_dir() / "procedures.json").read_bytes())
        uow.commit()
    return uow_factory


def test_search_is_diacritic_insensitive(seeded: Factory) -> None:
    with seeded() as uow:
        plain = [p.code for p in uow.procedures.search("khai sinh")]
        accented = [p.code for p in uow.procedures.search("KHAI SINH")]
        vn = [p.code for p in uow.procedures.search("khái sính")]
        assert "1.001193" in plain
        assert plain == accented == vn
        for p in uow.procedures.search("dang ky ket hon"):
            assert "kết hôn" in p.name.lower()
        assert [p.code for p in uow.procedures.search("ket hon dang ky")] != []
        assert uow.procedures.search("không có thủ tục này xyz") == []


def test_search_by_code_prefix_comes_first(seeded: Factory) -> None:
    with seeded() as uow:
        results = uow.procedures.search("1.0011")
        assert results and all(p.code.startswith("1.0011") for p in results)
        assert [p.code for p in uow.procedures.search("2.000908")][0] == "2.000908"
        assert len(uow.procedures.search("", limit=5)) == 5


def test_search_active_on(uow_factory: Factory) -> None:
    procs = _parse(
        _entry(code="1.0", name="Cũ", valid_to="2025-06-30"),
        _entry(code="2.0", name="Mới", valid_from="2025-07-01"),
        _entry(code="3.0", name="Tắt", active=False),
    )
    with uow_factory() as uow:
        uow.procedures.upsert_many(procs)
        assert [p.code for p in uow.procedures.search("", active_on=date(2026, 1, 1))] == ["2.0"]
        assert [p.code for p in uow.procedures.search("", active_on=date(2025, 1, 1))] == ["1.0"]


def test_search_two_thousand_procedures(uow_factory: Factory) -> None:
    names = ["Đăng ký khai sinh", "Chứng thực bản sao", "Cấp giấy phép xây dựng", "Đất đai"]
    procs = [
        Procedure(code=f"{i // 1000}.{i:06d}", name=f"{names[i % 4]} số {i}") for i in range(2000)
    ]
    with uow_factory() as uow:
        uow.procedures.upsert_many(procs)
        found = uow.procedures.search("giay phep xay", limit=50)
    assert len(found) == 50
    assert all("xây dựng" in p.name for p in found)

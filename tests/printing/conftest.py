"""Fixtures of the printing tests: fonts, sample data and the decode helpers."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person
from motcua_desk.printing.fonts import FontSet, register_fonts
from motcua_desk.printing.slips.common import UnitHeader


def _load_decode(file: str = "decode.py") -> ModuleType:
    name = f"motcua_tests_printing_{Path(file).stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dec() -> ModuleType:
    """The helpers of ``tests/printing/decode.py``."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return _load_decode()


@pytest.fixture(scope="session")
def cases() -> ModuleType:
    """Mẫu 01 data across name, address, proxy and checklist lengths (receipt_cases.py)."""
    return _load_decode("receipt_cases.py")


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return register_fonts()


@pytest.fixture
def unit() -> UnitHeader:
    return UnitHeader(
        managing_body="UBND tỉnh Thanh Hóa",
        unit_name="Trung tâm Phục vụ hành chính công tỉnh",
        place_name="Thanh Hóa",
    )


@pytest.fixture
def applicant() -> Person:
    return Person(
        full_name="Nguyễn Thị Hằng",
        id_number="038195001234",
        phone="0912345678",
        email="hang@example.vn",
        address="Số 12 Lê Lợi, Phường Hạc Thành",
    )


@pytest.fixture
def submitter() -> Person:
    return Person(full_name="Trần Văn Đức", id_number="038090001111", phone="0987654321")


@pytest.fixture
def papers() -> tuple[ChecklistItem, ...]:
    return (
        ChecklistItem("Tờ khai đăng ký khai sinh", PaperForm.ORIGINAL, 1, received=True),
        ChecklistItem("Giấy chứng sinh", PaperForm.CERTIFIED_COPY, 2, received=True),
        ChecklistItem("Sổ hộ khẩu", PaperForm.COPY, 3, received=True),
        ChecklistItem("Căn cước của cha, mẹ", PaperForm.SHOWN, 1, received=True),
    )

"""Print a receipt through a real CUPS-PDF queue and decode the barcode of the printed file.

Needs ``MOTCUA_TEST_PRINTER`` and ``MOTCUA_TEST_PDF_DIR`` (scripts/test.sh starts the queue
with ../shared/tools/start_cups.sh when run as root). Skipped without them, except in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.domain.dossier import ChecklistItem, Person, Sex
from motcua_desk.ui.printer import LpBackend, QtPrinterBackend

pytestmark = pytest.mark.cups

PRINTER = os.environ.get("MOTCUA_TEST_PRINTER", "")
PDF_DIR = os.environ.get("MOTCUA_TEST_PDF_DIR", "")
CODE = "000.00.06.H56-260212-0042"


@pytest.fixture
def queue() -> tuple[str, Path]:
    if not PRINTER or not PDF_DIR:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide MOTCUA_TEST_PRINTER and MOTCUA_TEST_PDF_DIR")
        pytest.skip("no CUPS-PDF queue (MOTCUA_TEST_PRINTER / MOTCUA_TEST_PDF_DIR)")
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is needed to rasterise the printed file")
    return PRINTER, Path(PDF_DIR)


def receipt_pdf() -> bytes:
    from motcua_desk.printing.slips import receipt
    from motcua_desk.printing.slips.common import UnitHeader

    data = receipt.ReceiptData(
        dossier_code=CODE,
        header=UnitHeader("UBND phường Hạc Thành", "Bộ phận Một cửa", "Thanh Hóa"),
        applicant=Person("Nguyễn Thị Hằng", "038195001234", sex=Sex.FEMALE, address="Thanh Hóa"),
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        clerk_name="Lê Thị Hoa",
        papers=(ChecklistItem("Tờ khai", received=True),),
    )
    return receipt.render(data)


def job_number(job_id: str) -> str:
    match = re.search(r"-(\d+)$", job_id)
    assert match, job_id
    return match.group(1)


def printed_file(
    qtbot: Any, out_dir: Path, pattern: str, exclude: frozenset[Path] = frozenset()
) -> Path:
    """The finished PDF matching ``pattern`` that cups-pdf wrote into ``out_dir``."""
    found: list[Path] = []

    sizes: dict[Path, int] = {}

    def complete(path: Path) -> bool:
        # cups-pdf creates the file before Ghostscript has finished writing it: wait for a
        # whole PDF whose size stayed the same since the previous poll.
        data = path.read_bytes()
        stable = sizes.get(path) == len(data)
        sizes[path] = len(data)
        if not (stable and data.startswith(b"%PDF") and b"%%EOF" in data[-2048:]):
            return False
        return subprocess.run(["pdfinfo", str(path)], capture_output=True).returncode == 0

    def ready() -> bool:
        found[:] = [p for p in out_dir.rglob(pattern) if p not in exclude and complete(p)]
        return bool(found)

    qtbot.waitUntil(ready, timeout=60000)
    return found[0]


def decode_file(pdf: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(prefix)], check=True)
    texts: list[str] = []
    for png in sorted(tmp_path.glob("page*.png")):
        with Image.open(png) as image:
            texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def test_lp_backend_prints_decodable_receipt(
    qtbot: Any, queue: tuple[str, Path], tmp_path: Path
) -> None:
    printer, out_dir = queue
    result = LpBackend().print_pdf(receipt_pdf(), printer=printer, paper="A5", title="receipt-test")
    assert result.printer == printer
    printed = printed_file(qtbot, out_dir, f"*job_{job_number(result.job_id)}.pdf")
    assert CODE in decode_file(printed, tmp_path)


def test_qprinter_backend_prints_decodable_receipt(
    qtbot: Any, queue: tuple[str, Path], tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    printer, out_dir = queue
    if printer not in QPrinterInfo.availablePrinterNames():
        pytest.skip("Qt lists no CUPS printers here (libcups2 missing)")
    before = frozenset(out_dir.rglob("*.pdf"))
    QtPrinterBackend(dpi=300).print_pdf(receipt_pdf(), printer=printer, paper="A5", title="qt-test")
    printed = printed_file(qtbot, out_dir, "*.pdf", before)
    assert CODE in decode_file(printed, tmp_path)

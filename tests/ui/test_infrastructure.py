"""Single-instance guard, fonts, table model, printer backends (with fake lp), errors hook."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from motcua_desk.ui import errors, fonts
from motcua_desk.ui.models.table import SORT_ROLE, VALUE_ROLE, Column, FrozenTableModel
from motcua_desk.ui.printer import (
    LpBackend,
    PrintFailedError,
    job_id_from_lp_output,
    render_pdf_pages,
)
from motcua_desk.ui.single_instance import SingleInstanceGuard, server_name

from . import fakes


def test_single_instance_per_database(qtbot: Any, tmp_path: Path) -> None:
    first = SingleInstanceGuard(tmp_path / "a.db")
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=3000):
            second = SingleInstanceGuard(tmp_path / "a.db")
            assert not second.acquire()
        other = SingleInstanceGuard(tmp_path / "b.db")
        assert other.acquire()  # another data directory may run alongside
        other.release()
    finally:
        first.release()
    again = SingleInstanceGuard(tmp_path / "a.db")
    assert again.acquire()
    again.release()
    assert server_name(tmp_path / "a.db") != server_name(tmp_path / "b.db")


def test_fonts_register_with_vietnamese_family(qtbot: Any) -> None:
    families = fonts.register_fonts()
    assert families, "no font registered"
    assert fonts.choose_family(families) in fonts.PREFERRED_FAMILIES


def test_fonts_missing_directory_falls_back(qtbot: Any, tmp_path: Path) -> None:
    families = fonts.register_fonts(tmp_path)  # empty: system fallback or nothing, no crash
    assert isinstance(families, list)
    assert fonts.choose_family([]) is None


def test_bad_font_file_is_skipped(qtbot: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    assert fonts.register_fonts(tmp_path) == []


def test_frozen_table_model(qtmodeltester: Any) -> None:
    procs = fakes.sample_procedures(5)
    model: FrozenTableModel[Any] = FrozenTableModel(
        [
            Column("code", "Mã", lambda p: p.code),
            Column(
                "days", "Ngày", lambda p: str(p.processing_days), lambda p: p.processing_days or 0
            ),
        ]
    )
    model.set_rows(procs)
    qtmodeltester.check(model)
    assert model.rowCount() == 8
    assert model.data(model.index(0, 0)) == "1.001193"
    assert model.data(model.index(2, 1), SORT_ROLE) == 15
    assert model.data(model.index(1, 0), VALUE_ROLE) is procs[1]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Mã"
    assert model.data(model.index(99, 0)) is None


@pytest.mark.parametrize(
    ("output", "job"),
    [
        ("request id is motcua-pdf-12 (1 file(s))\n", "motcua-pdf-12"),
        ("lp: warning\nrequest id is HP_LaserJet-3 (0 file(s))", "HP_LaserJet-3"),
    ],
)
def test_lp_output_parsing(output: str, job: str) -> None:
    assert job_id_from_lp_output(output) == job


@pytest.mark.parametrize("output", ["", "lp: The printer or class does not exist.", "request id"])
def test_lp_output_malformed(output: str) -> None:
    with pytest.raises(PrintFailedError):
        job_id_from_lp_output(output)


def _script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for lp")
def test_lp_backend_passes_media_and_stdin(tmp_path: Path) -> None:
    log = tmp_path / "args"
    lp = _script(
        tmp_path / "lp",
        f'echo "$@" > {log}; cat > {tmp_path}/job.pdf; echo "request id is q-7 (1 file(s))"',
    )
    result = LpBackend(lp=lp).print_pdf(b"%PDF-fake", printer="q", paper="A5", title="receipt-X")
    assert result.job_id == "q-7"
    assert "-d q -o media=A5 -t receipt-X" in log.read_text()
    assert (tmp_path / "job.pdf").read_bytes() == b"%PDF-fake"


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for lp")
def test_lp_backend_failure_is_typed(tmp_path: Path) -> None:
    lp = _script(tmp_path / "lp", 'echo "lp: The printer or class does not exist." >&2; exit 1')
    with pytest.raises(PrintFailedError) as info:
        LpBackend(lp=lp).print_pdf(b"x", printer="nope", paper="A4", title="t")
    assert "exit 1" in info.value.data["detail"]
    with pytest.raises(PrintFailedError):
        LpBackend(lp=lp).print_pdf(b"x", printer="", paper="A4", title="t")
    with pytest.raises(PrintFailedError):
        LpBackend(lp=os.fspath(tmp_path / "missing")).print_pdf(
            b"x", printer="q", paper="A4", title="t"
        )


def test_render_rejects_garbage_pdf(qtbot: Any) -> None:
    with pytest.raises(PrintFailedError):
        render_pdf_pages(b"this is not a pdf", 300)


def test_excepthook_reports_without_raising(reported: list[Any]) -> None:
    try:
        raise ZeroDivisionError("bug")
    except ZeroDivisionError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)
    assert reported and isinstance(reported[0][1], ZeroDivisionError)
    assert "nhật ký" in reported[0][0]


def test_broken_presenter_is_contained(reported: list[Any]) -> None:
    def broken(message: str, exc: BaseException) -> None:
        raise RuntimeError("presenter broke")

    errors.set_presenter(broken)
    errors.report_exception(ValueError("x"))  # must not raise


def test_default_presenter_opens_a_non_blocking_dialog(qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from motcua_desk.domain.errors import RuleViolationError

    previous = errors.set_presenter(None)
    try:
        errors.report_exception(RuleViolationError(rule="second_extension"))  # returns at once
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert len(boxes) == 1
        assert "gia hạn một lần" in boxes[0].text()  # worded, not the code
        assert boxes[0].detailedText() == ""  # typed errors carry no traceback
        boxes[0].close()
        errors.report_exception(ValueError("bug"))
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert "ValueError" in boxes[0].detailedText()
        boxes[0].close()
    finally:
        errors.set_presenter(previous)

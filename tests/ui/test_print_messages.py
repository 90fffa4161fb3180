"""A refused print is told in Vietnamese; the spooler's English goes to the log (issue 12 §3)."""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path

import pytest

from motcua_desk.ui import strings
from motcua_desk.ui.printer import LpBackend, PrintFailedError

CUPS_NO_SUCH_PRINTER = "lp: Error - The printer or class does not exist."


def _fake_lp(tmp_path: Path, message: str, code: int = 1) -> Path:
    lp = tmp_path / "lp"
    lp.write_text(f"#!/bin/sh\ncat >/dev/null\necho '{message}' >&2\nexit {code}\n")
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    return lp


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (CUPS_NO_SUCH_PRINTER, "printer_not_found"),
        ('lp: Error - Destination "hp" is not accepting jobs.', "printer_stopped"),
        ("lp: Error - Scheduler is not running.", "spooler_down"),
        ("lp: Error - something new", "spooler_refused"),
    ],
)
def test_lp_refusal_is_worded_without_english(tmp_path: Path, message: str, reason: str) -> None:
    backend = LpBackend(lp=str(_fake_lp(tmp_path, message)))
    with pytest.raises(PrintFailedError) as caught:
        backend.print_pdf(b"%PDF-1.4", printer="hp", paper="A5", title="receipt")
    assert caught.value.data["reason"] == reason
    assert "does not exist" in caught.value.data["detail"] or reason != "printer_not_found"
    text = strings.exception_message(caught.value)
    assert text.startswith("In không thành công: ")
    assert not re.search(r"\b(lp|Error|printer|exit)\b", text), text


def test_the_spoolers_text_reaches_the_log(
    qtbot: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from motcua_desk.ui import errors

    backend = LpBackend(lp=str(_fake_lp(tmp_path, CUPS_NO_SUCH_PRINTER)))
    with pytest.raises(PrintFailedError) as caught:
        backend.print_pdf(b"%PDF-1.4", printer="hp", paper="A5", title="receipt")
    shown: list[str] = []
    previous = errors.set_presenter(lambda message, _exc: shown.append(message))
    try:
        with caplog.at_level(logging.INFO):
            errors.report_exception(caught.value)
    finally:
        errors.set_presenter(previous)
    assert "does not exist" in caplog.text  # the technical detail, for the IT officer
    assert "does not exist" not in shown[0] and "không tìm thấy máy in" in shown[0]

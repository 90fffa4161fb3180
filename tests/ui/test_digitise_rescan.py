"""Rescanning one page in the digitisation dialog (issue 15), with SANE's test device: the new
page takes the old one's place, the others stay; pages straightened in the background keep
Save waiting until they are done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.imaging.sane import ScanimageScanner
from motcua_desk.ui.screens.intake import digitise
from motcua_desk.ui.screens.intake.digitise import DigitiseDialog

from . import test_integration_services as _real

real_ctx = _real.real_ctx


@pytest.fixture(autouse=True)
def sane_test_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    conf = tmp_path / "sane.d"
    conf.mkdir()
    (conf / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(conf))
    yield


def test_rescan_replaces_only_the_chosen_page(
    qtbot: Any, real_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua_desk.ui.tasks import TaskRunner

    runner = TaskRunner()
    dialog = DigitiseDialog(real_ctx.digitisation, runner, real_ctx.settings, "Tờ khai")
    qtbot.addWidget(dialog)
    dialog.scan()
    qtbot.waitUntil(lambda: not dialog.scanning and dialog.save_button.isEnabled(), timeout=60000)
    first = dialog.pages
    assert len(first) == 10
    real = digitise.scanner_from_settings

    def grid(settings: Any) -> Any:  # the sheet put back is a different picture
        _, device, scan = real(settings)
        return ScanimageScanner(extra_args=("--test-picture=Grid",)), device, scan

    monkeypatch.setattr(digitise, "scanner_from_settings", grid)
    dialog.page_list.setCurrentRow(3)
    dialog.rescan_current()
    assert dialog.scanning and not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.scanning and dialog.save_button.isEnabled(), timeout=60000)
    assert len(dialog.pages) == 10
    assert dialog.pages[:3] == first[:3] and dialog.pages[4:] == first[4:]
    assert dialog.pages[3].sha256 != first[3].sha256
    draft = dialog.result_draft()
    assert draft is not None and draft.pages == dialog.pages
    runner.shutdown()

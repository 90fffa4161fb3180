"""The window part of ``--self-test``: build the main window offscreen, show it, close it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from .app import create_main_window, ensure_app
from .fonts import apply_app_font
from .ports import ContextPort
from .tasks import TaskRunner


def smoke_test_window(ctx: ContextPort, user: Any) -> str:
    """Open and close the main window; returns its title. Raises if anything fails."""
    app = ensure_app(["motcua-desk"])
    family = apply_app_font(app)
    if not family:
        raise RuntimeError("bundled fonts could not be loaded into Qt")
    runner = TaskRunner(app)
    try:
        window = create_main_window(ctx, user, runner=runner)
        window.show()
        QApplication.processEvents()
        title = str(window.windowTitle())
        window.close()
        QApplication.processEvents()
        return title
    finally:
        runner.shutdown()

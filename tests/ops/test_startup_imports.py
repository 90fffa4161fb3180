"""Start-up stays light: what only printing, exports, sync or migrations need is imported when
first needed (issue 12 §5). Each check runs in a fresh interpreter, so nothing this test
session imported earlier can hide a regression."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths

#: Heavy packages the counter needs only for some actions.
LATER = ("alembic", "reportlab", "barcode", "httpx", "openpyxl", "holidays", "img2pdf", "pikepdf",
         "PIL", "pypdfium2", "ocrmypdf")  # fmt: skip


def _loaded_after(code: str) -> list[str]:
    """Run ``code`` in a new interpreter; the top-level packages then in ``sys.modules``."""
    probe = (
        code
        + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_login_window_path_imports_no_database_printing_or_network_library() -> None:
    loaded = _loaded_after(
        "import motcua_desk.__main__, motcua_desk.bootstrap, motcua_desk.ui.app\n"
        "import motcua_desk.ui.screens.login.controller\n"
        "from motcua_desk.ui.app import ensure_app\n"
        "from motcua_desk.ui.screens.login.controller import LoginController\n"
        "from motcua_desk.ui.tasks import TaskRunner\n"
        "app = ensure_app(['motcua'])\n"
        "runner = TaskRunner(app)\n"
        "c = LoginController(None, runner)\n"
        "c.view.show(); app.processEvents()\n"
        "assert c.view.ok_button.isEnabled()\n"
        "runner.shutdown()\n"
    )
    # SQLAlchemy too: the window shows before the database is even opened.
    assert not {"sqlalchemy", *LATER} & set(loaded), loaded
    assert "PySide6" in loaded  # the probe did run the window


def test_opening_an_up_to_date_database_loads_neither_alembic_nor_printing(
    tmp_path: Path,
) -> None:
    paths = AppPaths(tmp_path / "d", tmp_path / "l")
    build_context(paths)  # creates and migrates: the next start finds no migration due
    loaded = _loaded_after(
        "from pathlib import Path\n"
        "from motcua_desk.bootstrap import build_context\n"
        "from motcua_desk.config import AppPaths\n"
        f"ctx = build_context(AppPaths(Path({str(paths.data_dir)!r}), Path({str(paths.log_dir)!r})))\n"
        "assert ctx.db_revision\n"
    )
    assert "sqlalchemy" in loaded
    assert not set(LATER) & set(loaded), loaded


def test_a_database_due_for_migration_still_gets_alembic(tmp_path: Path) -> None:
    """The fast check must not skip a due migration: a fresh file is migrated by Alembic."""
    loaded = _loaded_after(
        "from pathlib import Path\n"
        "from motcua_desk.bootstrap import build_context\n"
        "from motcua_desk.config import AppPaths\n"
        f"build_context(AppPaths(Path({str(tmp_path / 'd')!r}), Path({str(tmp_path / 'l')!r})))\n"
    )
    assert "alembic" in loaded

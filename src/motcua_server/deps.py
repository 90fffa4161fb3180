"""The server's own libraries come with the ``server`` extra, never with the desk package.

A counter installs ``motcua-desk`` alone; the provincial server is installed with
``pip install 'motcua-desk[server,postgres]'``. Without the extra the ``motcua-server`` command
says so in one line instead of failing with a traceback somewhere inside an import.
"""

from __future__ import annotations

from importlib.util import find_spec

#: Import names of what only the server uses (FastAPI brings Starlette).
SERVER_MODULES = ("fastapi", "starlette", "pydantic", "uvicorn")

INSTALL_COMMAND = "pip install 'motcua-desk[server,postgres]'"


def missing_server_modules() -> list[str]:
    """The server libraries this interpreter cannot import, in ``SERVER_MODULES`` order."""
    return [name for name in SERVER_MODULES if find_spec(name) is None]


def missing_message(missing: list[str]) -> str:
    """What the IT officer reads when the server extra is not installed (English, one paragraph)."""
    return (
        f"error: motcua-server needs the server's libraries ({', '.join(missing)} not installed). "
        "The desk package does not include them. Install the server with:\n"
        f"    {INSTALL_COMMAND}\n"
        "(from a source checkout: pip install -e '.[server,postgres]'); "
        "see docs/server-operations.md.\n"
    )

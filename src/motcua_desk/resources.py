"""Locate bundled data (resources/ and sql/) in a checkout, an installed wheel or a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def data_root() -> Path:
    """Directory holding ``resources/`` and ``sql/``.

    Installed wheels and PyInstaller builds carry them as ``motcua_desk/_data``; a source
    checkout has them at the repository root.
    """
    packaged = Path(__file__).resolve().parent / "_data"
    if packaged.is_dir():
        return packaged
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base is not None:
        frozen = Path(frozen_base) / "motcua_desk" / "_data"
        if frozen.is_dir():
            return frozen
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return data_root() / "resources"


def sql_dir() -> Path:
    return data_root() / "sql"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def seed_dir() -> Path:
    return resources_dir() / "seed"

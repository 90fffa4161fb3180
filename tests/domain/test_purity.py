"""The domain package imports only the standard library (architecture §3.1)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import motcua_desk.domain

DOMAIN_DIR = Path(motcua_desk.domain.__file__).parent


def _imports(path: Path) -> list[tuple[str, int]]:
    """Top-level module names imported by ``path``; relative imports give level > 0."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(((node.module or "").split(".")[0], node.level))
    return found


def test_domain_files_exist() -> None:
    names = {p.stem for p in DOMAIN_DIR.glob("*.py")}
    assert {"calendar", "codes", "identity", "postal", "scan", "dossier"} <= names


def test_every_import_is_stdlib_or_relative() -> None:
    offenders = []
    for path in sorted(DOMAIN_DIR.rglob("*.py")):
        for name, level in _imports(path):
            if level > 0:
                continue
            if name == "__future__" or name in sys.stdlib_module_names:
                continue
            offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_checker_catches_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import holidays\nfrom sqlalchemy import select\nfrom . import ok\n")
    names = [n for n, level in _imports(bad) if level == 0 and n not in sys.stdlib_module_names]
    assert names == ["holidays", "sqlalchemy"]

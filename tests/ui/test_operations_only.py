"""Every background call of a screen goes through ``ui/operations.py`` (one helper, errors logged)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "src" / "motcua_desk" / "ui"


def test_screens_never_submit_to_the_task_runner_directly() -> None:
    offenders = []
    for path in UI.rglob("*.py"):
        if path.name in {"operations.py", "tasks.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"db", "io"}
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in {"runner", "_runner"}
            ):
                offenders.append(f"{path.relative_to(UI)}:{node.lineno}")
    assert offenders == [], f"use QueryOp/CollectionOp instead: {offenders}"

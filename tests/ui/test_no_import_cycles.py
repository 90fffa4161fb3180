"""The import cycles issue 12 §4 names are gone, and no page is wired around the registry."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[2] / "src" / "motcua_desk"


def test_no_cycle_between_the_window_and_scan_routing() -> None:
    graph = grimp.build_graph("motcua_desk")
    assert (
        graph.find_shortest_chain(
            importer="motcua_desk.ui.scan_routing", imported="motcua_desk.ui.main_window"
        )
        is None
    )


def test_no_service_imports_the_context_that_imports_every_service() -> None:
    graph = grimp.build_graph("motcua_desk")
    importers = graph.find_modules_that_directly_import("motcua_desk.services.context")
    assert not {m for m in importers if m.startswith("motcua_desk.services.")}
    for module in graph.find_children("motcua_desk.services"):
        if module != "motcua_desk.services.context":
            assert (
                graph.find_shortest_chain(importer=module, imported="motcua_desk.services.context")
                is None
            ), module


def test_no_getattr_feature_checks_on_the_context() -> None:
    """``getattr(ctx, "postal", None)`` hid missing services from the type checker."""
    offenders = []
    for path in (SRC / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and node.args
                and ast.unparse(node.args[0]) in ("ctx", "self.ctx", "self._ctx", "window.ctx")
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_pages_come_from_the_one_list() -> None:
    from motcua_desk.ui.pages import PAGES

    titles = [p.title for p in PAGES]
    assert titles[:2] == ["Trang chủ", "Tiếp nhận hồ sơ (F2)"] and len(set(titles)) == len(PAGES)
    window_src = (SRC / "ui" / "main_window.py").read_text(encoding="utf-8")
    assert "addTab(" in window_src and window_src.count("addTab(") == 1  # only the loop

"""Find English a clerk could see: Qt's standard labels and words in a widget tree."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)

#: Whole labels Qt writes in English when untranslated (after dropping "&" and "…"/":").
STANDARD_LABELS = {
    "ok", "cancel", "yes", "no", "open", "save", "save as", "close", "apply", "reset", "help",
    "abort", "retry", "ignore", "discard", "save all", "yes to all", "no to all",
    "restore defaults", "show details", "hide details", "look in", "file name", "files of type",
    "back", "forward", "parent directory", "create new folder", "new folder", "list view",
    "detail view", "name", "size", "type", "kind", "date modified", "directory", "undo", "redo",
    "cut", "copy", "paste", "delete", "select all", "print", "next", "next >", "< back", "finish",
    "enter a value", "what's this?", "choose", "rename", "recent places", "sidebar", "computer",
    "my computer", "all files (*)", "top", "bottom", "page up", "page down", "scroll here",
    "step up", "step down", "commit", "continue", "done", "go back",
}  # fmt: skip
#: English words that have no business in a Vietnamese label, wherever they appear.
ENGLISH_WORDS = {
    "cancel", "details", "folder", "directory", "modified", "undo", "redo", "paste", "printer",
    "error", "select", "delete", "unicode", "control", "character", "rename", "sidebar",
    "recent", "value", "exist", "exists", "refused", "failed", "file", "files", "scroll",
}  # fmt: skip


def _normal(text: str) -> str:
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return re.sub(r"(\.\.\.|…|:)\s*$", "", text).strip()


def is_english(text: str) -> bool:
    if "/" in text or "\\" in text:  # a path is data (the folder a file dialog shows)
        return False
    norm = _normal(text)
    if norm.lower() in STANDARD_LABELS:
        return True
    return any(w.lower() in ENGLISH_WORDS for w in re.findall(r"[A-Za-z']+", norm))


def _menu_texts(menu: QMenu) -> Iterator[str]:
    for action in menu.actions():
        yield action.text()
        if action.menu() is not None:
            yield from _menu_texts(action.menu())  # type: ignore[arg-type]


def texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) of every label a clerk can see or open in ``root``, children included."""
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__}#{w.objectName()}"
        if w.isWindow() or isinstance(w, QGroupBox):
            yield where, w.windowTitle()
        yield where, w.toolTip()
        if isinstance(w, QAbstractButton | QLabel):
            yield where, w.text()
        if isinstance(w, QGroupBox):
            yield where, w.title()
        if isinstance(w, QLineEdit):
            yield where, w.placeholderText()
        if isinstance(w, QComboBox):
            yield from ((where, w.itemText(i)) for i in range(w.count()))
        if isinstance(w, QTabWidget):
            yield from ((where, w.tabText(i)) for i in range(w.count()))
        header = (
            w.horizontalHeader()
            if isinstance(w, QTableView)
            else w.header()
            if isinstance(w, QTreeView)
            else None
        )
        if header is not None and w.model() is not None:  # type: ignore[attr-defined]
            model = w.model()  # type: ignore[attr-defined]
            for section in range(header.count()):
                header = model.headerData(
                    section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
                )
                yield where, "" if header is None else str(header)
        if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
            # The right-click menu Qt builds for every text field.
            make = getattr(w, "createStandardContextMenu", None)
            if isinstance(w, QAbstractSpinBox):
                make = w.lineEdit().createStandardContextMenu if w.lineEdit() else None
            if make is not None:
                menu = make()
                yield from ((f"{where} menu", t) for t in _menu_texts(menu))
                menu.deleteLater()
        if isinstance(w, QMenu):
            yield from ((where, t) for t in _menu_texts(w))
        if isinstance(w, QMainWindow):
            for action in w.menuBar().actions():
                yield where, action.text()
                if action.menu() is not None:
                    yield from ((where, t) for t in _menu_texts(action.menu()))  # type: ignore[arg-type]


def english_in(root: QWidget) -> list[tuple[str, str]]:
    return sorted({(where, t) for where, t in texts(root) if t and is_english(t)})

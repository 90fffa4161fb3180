"""Files dropped on a list of papers (intake checklist, lookup papers tab): one event filter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QDragMoveEvent, QDropEvent


def handle_file_drop(
    event: QEvent,
    target_at: Callable[[QPoint], bool],
    dropped: Callable[[QPoint, list[Path]], None],
) -> bool:
    """For a viewport's event filter: accept dragged files; on a drop on a row that
    ``target_at`` accepts, take the drop, then call ``dropped``. True when handled."""
    if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
        assert isinstance(event, QDragMoveEvent)  # QDragEnterEvent derives from it
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            return True
        return False
    if event.type() == QEvent.Type.Drop:
        assert isinstance(event, QDropEvent)
        point = event.position().toPoint()
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and target_at(point):
            event.acceptProposedAction()  # before a dialog opens: the drag source is released
            dropped(point, paths)
            return True
    return False

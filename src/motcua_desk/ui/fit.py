"""Building blocks that keep every page usable on a counter's screen (issue 12 §1).

Counter PCs run 1366×768 or 1280×720 (often at 100 %), newer ones 1920×1080 at 125–150 %:
a page's long content scrolls inside it, while its message banner (top) and primary actions
(bottom) stay outside the scrolling part, always in view.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLayout,
    QScrollArea,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

#: Colours of the banner by kind (text, background, border).
_KINDS = {
    "info": ("#1b5e20", "#e8f5e9", "#a5d6a7"),
    "error": ("#b00020", "#fdecea", "#ef9a9a"),
    "warning": ("#7a4a00", "#fff4e5", "#ffcc80"),
}
#: Widest a sized column grows; longer cells are cut and show a tooltip.
MAX_COLUMN_WIDTH = 380


class MessageBanner(QLabel):
    """The page's one message line, shown at its top and kept until the next action.

    It is a QLabel so controllers keep calling ``setText``/``setStyleSheet``; an empty text
    hides it (no blank band), and a colour given as ``color: …`` picks the banner's kind.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = "info"
        self._apply()
        self.hide()

    def show_message(self, text: str, *, kind: str = "info") -> None:
        self.kind = kind if kind in _KINDS else "info"
        self._apply()
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))

    def setStyleSheet(self, style: str) -> None:  # noqa: N802 - Qt override
        # Controllers colour the text; the colour says which kind of message it is.
        lowered = style.lower()
        if "#b00020" in lowered or "red" in lowered:
            self.kind = "error"
        elif "#b26a00" in lowered or "#7a4a00" in lowered:
            self.kind = "warning"
        else:
            self.kind = "info"
        self._apply()

    def _apply(self) -> None:
        fg, bg, border = _KINDS[self.kind]
        super().setStyleSheet(
            f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {border};"
            " border-radius: 3px; padding: 4px 8px; font-weight: bold; }"
        )


def scrolled(content: QWidget | QLayout, name: str = "") -> QScrollArea:
    """``content`` in a frameless scroll area that scrolls when the window is small."""
    if isinstance(content, QLayout):
        holder = QWidget()
        holder.setLayout(content)
        content = holder
    area = QScrollArea()
    if name:
        area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


def page_layout(
    page: QWidget,
    banner: MessageBanner | None,
    body: QWidget | QLayout,
    actions: QLayout | QWidget | None = None,
    *,
    top: QLayout | QWidget | None = None,
    scroll: bool = True,
) -> QVBoxLayout:
    """Banner, optional fixed top row, the (scrolling) body, then the actions row."""
    layout = QVBoxLayout(page)
    if banner is not None:
        layout.addWidget(banner)
    if isinstance(top, QLayout):
        layout.addLayout(top)
    elif top is not None:
        layout.addWidget(top)
    if scroll:
        layout.addWidget(scrolled(body, f"{page.objectName()}_scroll"), 1)
    elif isinstance(body, QLayout):
        layout.addLayout(body, 1)
    else:
        layout.addWidget(body, 1)
    if isinstance(actions, QLayout):
        layout.addLayout(actions)
    elif actions is not None:
        layout.addWidget(actions)
    return layout


def available_size(widget: QWidget | None = None) -> QSize:
    """The usable area of the screen ``widget`` is on (the primary one otherwise)."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:  # pragma: no cover - a QGuiApplication always has one
        return QSize(1280, 720)
    return screen.availableGeometry().size()


def fit_to_screen(widget: QWidget, width: int, height: int, *, margin: int = 40) -> None:
    """Resize to ``width``×``height`` or less: never taller or wider than the screen."""
    space = available_size(widget)
    widget.resize(
        max(200, min(width, space.width() - margin)), max(160, min(height, space.height() - margin))
    )


class FitTable(QTableView):
    """A table whose columns take their content's width (capped) and cut cells show a tooltip.

    The last column does not stretch into an empty band; ``stretch`` names a column (e.g. a
    procedure's name) that takes the remaining width instead.
    """

    def __init__(self, name: str, *, auto_size: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.auto_size = auto_size
        self.stretch_column: int | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMaximumSectionSize(MAX_COLUMN_WIDTH * 2)
        self.setMinimumHeight(110)

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        if model is not None and self.auto_size:
            for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
                signal.connect(self.size_columns)
            self.size_columns()

    def size_columns(self, *_args: object) -> None:
        """Each column as wide as its header and cells, up to :data:`MAX_COLUMN_WIDTH`."""
        model = self.model()
        if model is None:
            return
        header = self.horizontalHeader()
        self.resizeColumnsToContents()
        for column in range(model.columnCount()):
            if header.sectionSize(column) > MAX_COLUMN_WIDTH:
                header.resizeSection(column, MAX_COLUMN_WIDTH)
        if self.stretch_column is not None and self.stretch_column < model.columnCount():
            header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)

    def is_truncated(self, index: QModelIndex) -> bool:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return False
        # The delegate's own measure, the one resizeColumnsToContents uses.
        return self.sizeHintForIndex(index).width() > self.columnWidth(index.column())

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.indexAt(event.pos())
            if index.isValid() and index.data(Qt.ItemDataRole.ToolTipRole) is None:
                if self.is_truncated(index):
                    QToolTip.showText(
                        event.globalPos(), str(index.data(Qt.ItemDataRole.DisplayRole)), self
                    )
                else:
                    QToolTip.hideText()
                return True
        return super().viewportEvent(event)


def make_table(name: str, *, sortable: bool = True) -> FitTable:
    table = FitTable(name)
    table.setSortingEnabled(sortable)
    return table

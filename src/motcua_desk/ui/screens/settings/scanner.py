"""The scanner and digitisation section of the settings page (issue 15): which scanner
(devices listed in the background: SANE on Linux, WIA or TWAIN on Windows), resolution, colour
mode, feeder or flatbed, straightening, OCR and its language, the metadata the unit requires,
and a "Quét thử" test scan with the values on screen (before they are saved).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from motcua_desk.domain.text import normalize
from motcua_desk.imaging.port import ScanControl
from motcua_desk.services.digitisation import ScanOutcome, scanner_from_settings
from motcua_desk.ui import strings
from motcua_desk.ui.operations import Lane, QueryOp
from motcua_desk.ui.ports import SettingsContext
from motcua_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

ADAPTERS = {
    "sane": "SANE (Linux)",
    "wia": "WIA (Windows)",
    "twain": "TWAIN (Windows)",
    "none": "Không dùng máy quét",
}
MODES = {"gray": "Thang xám", "color": "Màu", "lineart": "Đen trắng"}
SOURCES = {
    "auto": "Khay nạp giấy nếu có, không thì mặt kính",
    "feeder": "Khay nạp giấy (ADF)",
    "flatbed": "Mặt kính",
}
RESOLUTIONS = (150, 200, 300, 400, 600)
META_FIELDS = {
    "paper_type": "Loại giấy tờ",
    "number": "Số, ký hiệu",
    "issuer": "Cơ quan cấp",
    "issued_on": "Ngày cấp",
    "valid_until": "Thời hạn hiệu lực",
}
FIRST_FOUND = ""  # device value meaning "the first scanner found"
KEYS = (
    "scanner_adapter",
    "scanner_device",
    "scan_resolution",
    "scan_mode",
    "scan_source",
    "scan_deskew",
    "scan_auto_rotate",
    "ocr_enabled",
    "ocr_language",
    "digitisation_required_fields",
)


def _combo(name: str, items: dict[str, str]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for value, label in items.items():
        box.addItem(label, value)
    return box


def _select(box: QComboBox, value: Any) -> None:
    box.setCurrentIndex(max(0, box.findData(value)))


class ScannerSection(QGroupBox):
    """Widgets of the section; :class:`ScannerSettings` drives them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Máy quét và số hóa giấy tờ", parent)
        self.setObjectName("scanner_settings")
        form = QFormLayout(self)
        self.adapter = _combo("scanner_adapter", ADAPTERS)
        form.addRow("Cách kết nối máy quét:", self.adapter)
        self.device = QComboBox()
        self.device.setObjectName("scanner_device")
        self.find_button = QPushButton("Tìm máy quét")
        self.find_button.setObjectName("find_scanners")
        row = QWidget()
        rl = QHBoxLayout(row)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.device, 1)
        rl.addWidget(self.find_button)
        form.addRow("Máy quét:", row)
        self.resolution = QComboBox()
        self.resolution.setObjectName("scan_resolution")
        for dpi in RESOLUTIONS:
            self.resolution.addItem(f"{dpi} dpi", dpi)
        self.mode = _combo("scan_mode", MODES)
        self.source = _combo("scan_source", SOURCES)
        form.addRow("Độ phân giải:", self.resolution)
        form.addRow("Chế độ màu:", self.mode)
        form.addRow("Nạp giấy:", self.source)
        self.deskew = QCheckBox("Tự làm thẳng trang quét bị lệch")
        self.deskew.setObjectName("scan_deskew")
        self.auto_rotate = QCheckBox("Tự xoay trang quét ngược hoặc nằm ngang")
        self.auto_rotate.setObjectName("scan_auto_rotate")
        form.addRow("", self.deskew)
        form.addRow("", self.auto_rotate)
        self.ocr = QCheckBox("Nhận dạng chữ (OCR) để tìm kiếm được nội dung giấy tờ")
        self.ocr.setObjectName("ocr_enabled")
        self.language = QComboBox()
        self.language.setObjectName("ocr_language")
        self.language.setEditable(True)
        self.language.addItem("Tiếng Việt", "vie")
        self.language.addItem("Tiếng Việt và tiếng Anh", "vie+eng")
        form.addRow("", self.ocr)
        form.addRow("Ngôn ngữ nhận dạng:", self.language)
        self.required: dict[str, QCheckBox] = {}
        req = QWidget()
        grid = QHBoxLayout(req)
        grid.setContentsMargins(0, 0, 0, 0)
        for key, label in META_FIELDS.items():
            box = QCheckBox(label)
            box.setObjectName(f"require_{key}")
            self.required[key] = box
            grid.addWidget(box)
        grid.addStretch(1)
        form.addRow("Bắt buộc nhập:", req)
        self.test_button = QPushButton("Quét thử")
        self.test_button.setObjectName("test_scan")
        self.test_result = QLabel("")
        self.test_result.setObjectName("test_scan_result")
        self.test_result.setWordWrap(True)
        self.test_image = QLabel()
        self.test_image.setObjectName("test_scan_image")
        test_row = QWidget()
        tl = QHBoxLayout(test_row)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.test_button)
        tl.addWidget(self.test_result, 1)
        tl.addWidget(self.test_image)
        form.addRow(test_row)


class ScannerSettings:
    """Loads and reads the section, lists devices and runs the test scan on the I/O lane."""

    def __init__(self, section: ScannerSection, ctx: SettingsContext, runner: TaskRunner) -> None:
        self.view = section
        self.ctx = ctx
        self.runner = runner
        self.listing = False
        self.testing = False
        section.find_button.clicked.connect(self.find_devices)
        section.test_button.clicked.connect(self.test_scan)
        section.ocr.toggled.connect(section.language.setEnabled)

    def load(self, s: Any) -> None:
        v = self.view
        _select(v.adapter, s.scanner_adapter)
        v.device.clear()
        v.device.addItem("Máy đầu tiên tìm thấy", FIRST_FOUND)
        if s.scanner_device:
            v.device.addItem(s.scanner_device, s.scanner_device)
        _select(v.device, s.scanner_device)
        if v.resolution.findData(s.scan_resolution) < 0:
            v.resolution.addItem(f"{s.scan_resolution} dpi", s.scan_resolution)
        _select(v.resolution, s.scan_resolution)
        _select(v.mode, s.scan_mode)
        _select(v.source, s.scan_source)
        v.deskew.setChecked(s.scan_deskew)
        v.auto_rotate.setChecked(s.scan_auto_rotate)
        v.ocr.setChecked(s.ocr_enabled)
        v.language.setEnabled(s.ocr_enabled)
        index = v.language.findData(s.ocr_language)
        if index >= 0:
            v.language.setCurrentIndex(index)
        else:
            v.language.setEditText(s.ocr_language)
        wanted = {f.strip() for f in s.digitisation_required_fields.split(",")}
        for key, box in v.required.items():
            box.setChecked(key in wanted)

    def _language(self) -> str:
        v = self.view
        text = normalize(v.language.currentText())
        index = v.language.findText(text)
        return str(v.language.itemData(index)) if index >= 0 else text

    def values(self) -> dict[str, Any]:
        v = self.view
        return {
            "scanner_adapter": v.adapter.currentData(),
            "scanner_device": str(v.device.currentData() or FIRST_FOUND),
            "scan_resolution": int(v.resolution.currentData()),
            "scan_mode": v.mode.currentData(),
            "scan_source": v.source.currentData(),
            "scan_deskew": v.deskew.isChecked(),
            "scan_auto_rotate": v.auto_rotate.isChecked(),
            "ocr_enabled": v.ocr.isChecked(),
            "ocr_language": self._language(),
            "digitisation_required_fields": ",".join(
                k for k, box in v.required.items() if box.isChecked()
            ),
        }

    def _on_screen(self) -> Any:
        """The saved settings with this section's values (the test scan uses what is shown)."""
        return replace(self.ctx.settings, **self.values())

    def find_devices(self) -> None:
        """List the scanners of the chosen adapter in the background."""
        if self.listing:
            return
        scanner, _device, _scan = scanner_from_settings(self._on_screen())
        v = self.view
        if scanner is None:
            v.test_result.setText("Chưa chọn cách kết nối máy quét.")
            return
        self.listing = True
        v.find_button.setEnabled(False)
        v.test_result.setText("Đang tìm máy quét…")

        def done(found: list[Any]) -> None:
            self.listing = False
            v.find_button.setEnabled(True)
            keep = v.device.currentData()
            v.device.clear()
            v.device.addItem("Máy đầu tiên tìm thấy", FIRST_FOUND)
            for d in found:
                feeder = ", có khay nạp giấy" if d.has_feeder else ""
                v.device.addItem(f"{d.label or d.name} ({d.name}{feeder})", d.name)
            _select(v.device, keep)
            v.test_result.setText(
                f"Tìm thấy {len(found)} máy quét."
                if found
                else strings.error_message("scanner_not_found")
            )

        def failed(exc: BaseException) -> None:
            self.listing = False
            v.find_button.setEnabled(True)
            v.test_result.setText(strings.exception_message(exc))

        QueryOp[list[Any]](self.runner, scanner.devices, lane=Lane.IO).success(done).failure(
            failed
        ).run_in_background()

    def test_scan(self) -> None:
        """Scan one page with the values on screen and show it with its size."""
        service = self.ctx.digitisation
        v = self.view
        if self.testing or service is None:
            return
        scanner, device, scan = scanner_from_settings(self._on_screen())
        scan = replace(scan, max_pages=1)
        self.testing = True
        v.test_button.setEnabled(False)
        v.test_result.setText("Đang quét thử…")
        v.test_image.clear()

        def work() -> tuple[ScanOutcome, bytes]:
            outcome = service.scan(scanner, device, scan, ScanControl())
            thumb = service.page_thumbnail(outcome.pages[0], 96) if outcome.pages else b""
            return outcome, thumb

        def done(result: tuple[ScanOutcome, bytes]) -> None:
            self.testing = False
            v.test_button.setEnabled(True)
            outcome, thumb = result
            if outcome.pages:
                size = service.drafts.path_of(outcome.pages[0].sha256).stat().st_size
                v.test_result.setText(
                    f"Quét thử được 1 trang ({scan.resolution} dpi, {MODES[scan.mode.value]}, "
                    f"{max(1, round(size / 1024))} KB)."
                )
                pixmap = QPixmap()
                if pixmap.loadFromData(thumb):
                    v.test_image.setPixmap(pixmap)
            elif outcome.error is not None:
                v.test_result.setText(strings.exception_message(outcome.error))
            else:
                v.test_result.setText(strings.error_message("scanner_feeder_empty"))

        def failed(exc: BaseException) -> None:
            self.testing = False
            v.test_button.setEnabled(True)
            v.test_result.setText(strings.exception_message(exc))

        QueryOp[tuple[ScanOutcome, bytes]](self.runner, work, lane=Lane.IO).success(done).failure(
            failed
        ).run_in_background()

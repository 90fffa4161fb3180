"""Windows scanner adapters behind the same port: WIA 2.0 through COM (comtypes) and TWAIN
(pytwain). NOT TESTED ON REAL HARDWARE: no Windows machine ran them yet (see
docs/digitisation.md). Both import their libraries only when used, so this module imports on
any platform; on Linux they raise :class:`ScannerUnavailableError`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import (
    FeederEmptyError,
    ScanCancelledError,
    ScannerBusyError,
    ScannerCoverOpenError,
    ScannerError,
    ScannerJammedError,
    ScannerNotFoundError,
    ScannerUnavailableError,
)
from .port import ColourMode, PaperSource, ScanBatch, ScanControl, ScannerDevice, ScanSettings

# WIA constants (wia.h / WiaDef.h)
WIA_DEVICE_TYPE_SCANNER = 1
WIA_IPS_XRES, WIA_IPS_YRES, WIA_IPA_DATATYPE = 6147, 6148, 4103
WIA_DPS_DOCUMENT_HANDLING_SELECT, WIA_DPS_DOCUMENT_HANDLING_STATUS = 3088, 3087
FEEDER, FLATBED, FEED_READY = 0x001, 0x002, 0x001
WIA_DATATYPE = {ColourMode.LINEART: 0, ColourMode.GRAY: 2, ColourMode.COLOR: 3}
WIA_FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"


def _hr(value: int) -> int:
    """An HRESULT as the signed 32-bit int COM reports."""
    return value - (1 << 32) if value & 0x80000000 else value


# HRESULTs of WIA errors (WiaDef.h)
WIA_ERRORS: dict[int, type[ScannerError]] = {
    _hr(0x80210002): ScannerJammedError,  # WIA_ERROR_PAPER_JAM
    _hr(0x80210003): FeederEmptyError,  # WIA_ERROR_PAPER_EMPTY
    _hr(0x80210005): ScannerNotFoundError,  # WIA_ERROR_OFFLINE
    _hr(0x80210006): ScannerBusyError,  # WIA_ERROR_BUSY
    _hr(0x80210016): ScannerCoverOpenError,  # WIA_ERROR_COVER_OPEN
    _hr(0x80210064): ScannerNotFoundError,  # WIA_S_NO_DEVICE_AVAILABLE
}


def hresult_of(exc: BaseException) -> int:
    """comtypes.COMError carries the HRESULT as ``hresult`` or first argument."""
    value = getattr(exc, "hresult", None)
    if value is None and exc.args and isinstance(exc.args[0], int):
        value = exc.args[0]
    return int(value or 0)


def map_wia_error(hresult: int, device: str, pages: int) -> ScannerError:
    cls = WIA_ERRORS.get(hresult, ScannerError)
    return cls(device=device, pages=pages, hresult=hresult)


class WiaScanner:
    """WIA 2.0 via ``WIA.DeviceManager``; one ``Transfer`` per page from the feeder."""

    def __init__(self, client: Any | None = None) -> None:
        self._client = client  # comtypes.client, injectable for unit tests

    def _com(self) -> Any:
        if self._client is not None:
            return self._client
        if sys.platform != "win32":
            raise ScannerUnavailableError(adapter="wia")
        try:
            import comtypes.client
        except ImportError as exc:
            raise ScannerUnavailableError(adapter="wia") from exc
        return comtypes.client

    def devices(self) -> list[ScannerDevice]:
        manager = self._com().CreateObject("WIA.DeviceManager")
        out = []
        for i in range(1, manager.DeviceInfos.Count + 1):
            info = manager.DeviceInfos.Item(i)
            if info.Type == WIA_DEVICE_TYPE_SCANNER:
                name = str(info.Properties("Name").Value)
                out.append(ScannerDevice(str(info.DeviceID), name, True))
        return out

    def scan(
        self, device: str, settings: ScanSettings, out_dir: Path, control: ScanControl
    ) -> ScanBatch:
        manager = self._com().CreateObject("WIA.DeviceManager")
        dev = None
        for i in range(1, manager.DeviceInfos.Count + 1):
            info = manager.DeviceInfos.Item(i)
            if str(info.DeviceID) == device:
                dev = info.Connect()
        if dev is None:
            raise ScannerNotFoundError(device=device)
        feeder = settings.source is not PaperSource.FLATBED
        dev.Properties(WIA_DPS_DOCUMENT_HANDLING_SELECT).Value = FEEDER if feeder else FLATBED
        item = dev.Items(1)
        for prop, value in (
            (WIA_IPS_XRES, settings.resolution),
            (WIA_IPS_YRES, settings.resolution),
            (WIA_IPA_DATATYPE, WIA_DATATYPE[settings.mode]),
        ):
            item.Properties(prop).Value = value
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[Path] = []
        while len(pages) < (settings.max_pages if feeder else 1):
            if control.cancel.is_set():
                return ScanBatch(tuple(pages), ScanCancelledError(device=device, pages=len(pages)))
            try:
                image = item.Transfer(WIA_FORMAT_PNG)
            except Exception as exc:  # comtypes.COMError: not an OSError
                err = map_wia_error(hresult_of(exc), device, len(pages))
                if isinstance(err, FeederEmptyError) and pages:
                    break  # the feeder emptied: normal end of the batch
                return ScanBatch(tuple(pages), err)
            path = out_dir / f"page-{len(pages) + 1:04d}.png"
            image.SaveFile(str(path))
            pages.append(path)
            control.on_page(len(pages), path)
        return ScanBatch(tuple(pages), None)


class TwainScanner:
    """TWAIN via pytwain; for devices without a WIA driver. Untested on real hardware."""

    def __init__(self, module: Any | None = None) -> None:
        self._twain = module

    def _mod(self) -> Any:
        if self._twain is not None:
            return self._twain
        if sys.platform != "win32":
            raise ScannerUnavailableError(adapter="twain")
        try:
            import twain
        except ImportError as exc:
            raise ScannerUnavailableError(adapter="twain") from exc
        return twain

    def devices(self) -> list[ScannerDevice]:
        with self._mod().SourceManager() as sm:
            return [ScannerDevice(str(n), str(n), True) for n in sm.source_list]

    def scan(
        self, device: str, settings: ScanSettings, out_dir: Path, control: ScanControl
    ) -> ScanBatch:
        twain = self._mod()
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[Path] = []
        with twain.SourceManager() as sm:
            try:
                src = sm.open_source(device)
            except Exception as exc:
                raise ScannerNotFoundError(device=device) from exc
            with src:
                src.set_capability(twain.ICAP_XRESOLUTION, twain.TWTY_FIX32, settings.resolution)
                src.set_capability(twain.ICAP_YRESOLUTION, twain.TWTY_FIX32, settings.resolution)
                feeder = settings.source is not PaperSource.FLATBED
                src.set_capability(twain.CAP_FEEDERENABLED, twain.TWTY_BOOL, feeder)

                def before(_info: Any) -> str:
                    if control.cancel.is_set():
                        raise twain.exceptions.CancelAll
                    return str(out_dir / f"page-{len(pages) + 1:04d}.bmp")

                def after(more: int) -> None:
                    pages.append(out_dir / f"page-{len(pages) + 1:04d}.bmp")
                    control.on_page(len(pages), pages[-1])

                try:
                    src.acquire_file(before=before, after=after, show_ui=False)
                except twain.exceptions.CancelAll:
                    return ScanBatch(
                        tuple(pages), ScanCancelledError(device=device, pages=len(pages))
                    )
                except twain.exceptions.PaperJam:
                    return ScanBatch(
                        tuple(pages), ScannerJammedError(device=device, pages=len(pages))
                    )
                except twain.exceptions.NoPaper:
                    if pages:
                        return ScanBatch(tuple(pages), None)
                    return ScanBatch((), FeederEmptyError(device=device, pages=0))
        return ScanBatch(tuple(pages), None)

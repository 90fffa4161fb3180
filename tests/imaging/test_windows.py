"""WIA adapter behind the port, driven through a stand-in for the WIA COM objects (the real
adapter is untested on Windows hardware; see docs/digitisation.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.imaging.errors import (
    FeederEmptyError,
    ScannerJammedError,
    ScannerUnavailableError,
)
from motcua_desk.imaging.port import ScanControl, ScanSettings
from motcua_desk.imaging.windows import TwainScanner, WiaScanner, map_wia_error

JAM, EMPTY = -2145320958, -2145320957  # 0x80210002, 0x80210003


class ComError(Exception):
    def __init__(self, hresult: int) -> None:
        super().__init__(hresult, "WIA error", None)
        self.hresult = hresult


class Prop:
    def __init__(self, value: Any = None) -> None:
        self.Value = value


class Image:
    def SaveFile(self, path: str) -> None:
        Path(path).write_bytes(b"\x89PNG\r\n\x1a\n")


class Item:
    def __init__(self, script: list[int | None]) -> None:
        self.props: dict[int, Prop] = {}
        self.script = script

    def Properties(self, key: int) -> Prop:
        return self.props.setdefault(key, Prop())

    def Transfer(self, _fmt: str) -> Image:
        step = self.script.pop(0)
        if step is not None:
            raise ComError(step)
        return Image()


class Device:
    def __init__(self, item: Item) -> None:
        self.item = item
        self.props: dict[int, Prop] = {}

    def Properties(self, key: int) -> Prop:
        return self.props.setdefault(key, Prop())

    def Items(self, _i: int) -> Item:
        return self.item


class Info:
    Type = 1
    DeviceID = "{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0000"

    def __init__(self, item: Item) -> None:
        self.item = item

    def Properties(self, _name: str) -> Prop:
        return Prop("Canon DR-C225")

    def Connect(self) -> Device:
        return Device(self.item)


class Infos:
    def __init__(self, item: Item) -> None:
        self.info = Info(item)
        self.Count = 1

    def Item(self, _i: int) -> Info:
        return self.info


class Client:
    def __init__(self, script: list[int | None]) -> None:
        self.manager = type("M", (), {"DeviceInfos": Infos(Item(script))})()

    def CreateObject(self, progid: str) -> Any:
        assert progid == "WIA.DeviceManager"
        return self.manager


def test_wia_jam_keeps_pages_and_empty_feeder_ends_batch(tmp_path: Path) -> None:
    scanner = WiaScanner(Client([None, None, JAM]))
    (dev,) = scanner.devices()
    assert dev.label == "Canon DR-C225"
    batch = scanner.scan(dev.name, ScanSettings(), tmp_path / "a", ScanControl())
    assert len(batch.pages) == 2 and isinstance(batch.error, ScannerJammedError)
    batch = WiaScanner(Client([None, EMPTY])).scan(
        dev.name, ScanSettings(), tmp_path / "b", ScanControl()
    )
    assert len(batch.pages) == 1 and batch.error is None
    batch = WiaScanner(Client([EMPTY])).scan(
        dev.name, ScanSettings(), tmp_path / "c", ScanControl()
    )
    assert batch.pages == () and isinstance(batch.error, FeederEmptyError)
    assert map_wia_error(0, "x", 0).code == "scanner_error"


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows guard")
def test_windows_adapters_are_unavailable_elsewhere(tmp_path: Path) -> None:
    with pytest.raises(ScannerUnavailableError):
        WiaScanner().devices()
    with pytest.raises(ScannerUnavailableError):
        TwainScanner().devices()

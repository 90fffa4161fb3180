"""The scanner port: what every scanner adapter (SANE, WIA, TWAIN) offers the services.

A scan writes page images into a folder and reports each page as it lands, so the window can
show progress; a fault after some pages returns those pages together with the typed error.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .errors import ScannerError


class ColourMode(enum.Enum):
    GRAY = "gray"
    COLOR = "color"
    LINEART = "lineart"


class PaperSource(enum.Enum):
    AUTO = "auto"  # the feeder when the device has one, else the flatbed
    FEEDER = "feeder"
    FLATBED = "flatbed"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """Default 200 dpi greyscale from the feeder when present."""

    resolution: int = 200
    mode: ColourMode = ColourMode.GRAY
    source: PaperSource = PaperSource.AUTO
    max_pages: int = 200

    def __post_init__(self) -> None:
        if not 50 <= self.resolution <= 1200:
            raise ValueError("resolution")


@dataclass(frozen=True, slots=True)
class ScannerDevice:
    name: str  # adapter-specific id, e.g. "test:0", "fujitsu:fi-7160:123"
    label: str  # vendor and model, for the clerk
    has_feeder: bool = False


@dataclass(frozen=True, slots=True)
class ScanBatch:
    pages: tuple[Path, ...]
    error: ScannerError | None = None


@dataclass
class ScanControl:
    """Progress callback and cancel flag shared between the scan and whoever started it."""

    on_page: Callable[[int, Path], None] = lambda _n, _p: None
    cancel: threading.Event = field(default_factory=threading.Event)


class Scanner(Protocol):
    def devices(self) -> list[ScannerDevice]: ...

    def scan(
        self, device: str, settings: ScanSettings, out_dir: Path, control: ScanControl
    ) -> ScanBatch: ...

"""Application paths and settings.

Settings are a validated frozen dataclass read from ``settings.toml`` in the data directory.
Importing this module reads nothing; ``AppPaths.resolve`` and ``load_settings`` do the work.
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

import platformdirs

from motcua_desk.domain.errors import DomainError

APP_NAME = "motcua_desk"


class ConfigError(DomainError):
    """settings.toml is unreadable or holds an invalid value; ``data['key']`` names it."""

    code = "config_error"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Where the app keeps its database, backups, archives and logs."""

    data_dir: Path
    log_dir: Path

    @property
    def db_file(self) -> Path:
        return self.data_dir / "motcua.db"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.toml"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def attachments_dir(self) -> Path:
        """Content-addressed digitised papers (one file per SHA-256)."""
        return self.data_dir / "attachments"

    @property
    def backup_attachments_dir(self) -> Path:
        """The backups' copy of the attachments: shared by every backup, each file once."""
        return self.backup_dir / "attachments"

    @classmethod
    def resolve(cls, data_dir: Path | None = None, temp: bool = False) -> AppPaths:
        """Paths from ``--data-dir``, ``--temp-data-dir`` or the platform's user directories."""
        if temp:
            base = Path(tempfile.mkdtemp(prefix="motcua-"))
            return cls(data_dir=base, log_dir=base / "logs")
        if data_dir is not None:
            return cls(data_dir=data_dir, log_dir=data_dir / "logs")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> None:
        for d in (self.data_dir, self.log_dir, self.backup_dir, self.archive_dir):
            d.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True, slots=True)
class Settings:
    """Per-unit settings; every [CFG]/[U] fact of domain.md lives here, with its default."""

    agency_id: str = ""
    agency_name: str = ""
    managing_body: str = ""
    counter_name: str = ""
    province: str = ""
    place_name: str = ""
    code_pattern: str = "{agency_id}-{yymmdd}-{seq:04d}"
    cutoff: time = time(15, 0)
    cutoff_shifts_multiday: bool = False
    morning_open: time = time(7, 30)
    morning_close: time = time(11, 30)
    afternoon_open: time = time(13, 30)
    afternoon_close: time = time(17, 0)
    saturdays_count: bool = False
    makeup_days_count: bool = True
    supplement_clock: str = "restart"  # or "pause"
    due_time_rounding: str = "hour"  # or "minute"
    qr_lookup_template: str = ""  # e.g. "https://dichvucong.example.vn/tra-cuu?ma={code}"
    server_url: str = ""
    ca_bundle: str = ""
    near_due_days: int = 2
    printers: dict[str, str] = field(default_factory=dict)  # document type -> printer name
    paper_sizes: dict[str, str] = field(default_factory=dict)  # document type -> "A5"/"A4"/"80mm"
    backup_keep_days: int = 30
    # Digitisation at intake (issue 15): default 200 dpi greyscale, feeder when present.
    scanner_adapter: str = "sane"  # sane | wia | twain | none
    scanner_device: str = ""  # empty: the first device found
    scan_resolution: int = 200
    scan_mode: str = "gray"  # gray | color | lineart
    scan_source: str = "auto"  # auto | feeder | flatbed
    ocr_enabled: bool = True
    ocr_language: str = "vie"


_TIME_KEYS = {"cutoff", "morning_open", "morning_close", "afternoon_open", "afternoon_close"}
_CHOICES = {
    "supplement_clock": {"restart", "pause"},
    "due_time_rounding": {"hour", "minute"},
    "scanner_adapter": {"sane", "wia", "twain", "none"},
    "scan_mode": {"gray", "color", "lineart"},
    "scan_source": {"auto", "feeder", "flatbed"},
}


def _coerce(key: str, value: Any, default: Any) -> Any:
    if key in _TIME_KEYS:
        if not isinstance(value, str):
            raise ConfigError(key=key, value=repr(value))
        try:
            return time.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(key=key, value=value) from exc
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key=key, value=repr(value))
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(key=key, value=repr(value))
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(key=key, value=repr(value))
        return dict(value)
    if not isinstance(value, str):
        raise ConfigError(key=key, value=repr(value))
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(key=key, value=value)
    return value


def settings_from_mapping(raw: dict[str, Any]) -> Settings:
    """Validate a mapping (parsed TOML) into :class:`Settings`; unknown keys are errors."""
    defaults = Settings()
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(key=key, value="unknown")
        values[key] = _coerce(key, value, getattr(defaults, key))
    settings = replace(defaults, **values)
    if "{seq" not in settings.code_pattern or "{yymmdd}" not in settings.code_pattern:
        raise ConfigError(key="code_pattern", value=settings.code_pattern)
    return settings


def load_settings(path: Path) -> Settings:
    """Read settings.toml; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(key="<file>", value=str(exc)) from exc
    return settings_from_mapping(raw)


def settings_to_toml(settings: Settings) -> str:
    """Serialise settings as TOML (simple writer: strings, ints, bools, times, flat tables)."""
    lines: list[str] = []
    tables: list[str] = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, dict):
            tables.append(f"\n[{f.name}]")
            tables.extend(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in sorted(value.items()))
        elif isinstance(value, bool):
            lines.append(f"{f.name} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{f.name} = {value}")
        elif isinstance(value, time):
            lines.append(f"{f.name} = {_toml_str(value.strftime('%H:%M'))}")
        else:
            lines.append(f"{f.name} = {_toml_str(str(value))}")
    return "\n".join(lines + tables) + "\n"


def _toml_str(s: str) -> str:
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def save_settings(path: Path, settings: Settings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings_to_toml(settings), encoding="utf-8")
    tmp.replace(path)

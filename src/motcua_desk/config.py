"""Application paths and settings.

Settings are a validated frozen dataclass read from ``settings.toml`` in the data directory.
Importing this module reads nothing; ``AppPaths.resolve`` and ``load_settings`` do the work.
"""

from __future__ import annotations

import ipaddress
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
import tomli_w

from motcua_desk.domain.errors import DomainError
from motcua_desk.domain.nesting import NestingTooDeepError, check_nesting

APP_NAME = "motcua_desk"


class ConfigError(DomainError):
    """settings.toml is unreadable or holds an invalid value; ``data['key']`` names it and
    ``data['problem']`` (when present) is the field error code: out_of_range, control_chars,
    too_long, hours_out_of_order, nesting_too_deep."""

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
    """Per-unit settings; every rule that differs by unit or is uncertain lives here, with its default."""

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
    # Mẫu 01 item 5: "auto" follows the rounding ("Sau 10 giờ" for hour, "Vào lúc" for minute)
    due_time_wording: str = "auto"  # or "at" / "after"
    # Mẫu 04 and 05 are signed for the processing agency (NĐ 61 Art. 20, TT 03/2025 Mẫu 04-05)
    signer_title: str = "Thủ trưởng cơ quan giải quyết"
    signer_name: str = ""
    # per processing agency: its name -> "title|name" (settings.toml only)
    agency_signers: dict[str, str] = field(default_factory=dict)
    ledger_book_no: str = "01"  # Mẫu 07 paper book of the year (TT 01/2018 Art. 10.2)
    # "Số: …" of each form: document type -> suffix after the number, e.g. "PBS"
    number_suffixes: dict[str, str] = field(default_factory=dict)
    qr_lookup_template: str = ""  # e.g. "https://dichvucong.example.vn/tra-cuu?ma={code}"
    server_url: str = ""
    ca_bundle: str = ""
    near_due_days: int = 2
    printers: dict[str, str] = field(default_factory=dict)  # document type -> printer name
    paper_sizes: dict[str, str] = field(default_factory=dict)  # document type -> "A5"/"A4"/"80mm"
    backup_keep_days: int = 30
    #: A plain http:// server URL is refused unless the host is loopback or this is set.
    allow_insecure_http: bool = False
    #: Fee timing proposed at intake when the procedure has a fee (per unit; the procedure's
    #: legal text decides, so the clerk can change it per dossier).
    default_fee_timing: str = "at_return"
    #: Postal return: failed delivery attempts before the result goes back, and the working
    #: days between them (QĐ 45/2016: two attempts, two working days apart).
    postal_delivery_attempts: int = 2
    postal_attempt_gap_days: int = 2
    # Digital signatures (issue 16). No module: nothing is signed and nothing waits for a token.
    signing_module: str = ""  # path of the token's PKCS#11 library
    signing_token: str = ""  # token label
    signing_cert_id: str = ""  # CKA_ID (hex) of the clerk's certificate
    # Comma-separated document types signed when issued; "conversion": each digitised paper.
    signing_forms: str = "receipt,conversion"
    signing_trust_roots: str = ""  # PEM bundle of the CAs whose signatures count as trusted
    signing_tsa_url: str = ""  # RFC 3161 timestamp server: B-T/B-LT when reachable
    signing_stamp_title: str = "Công chức tiếp nhận hồ sơ"  # the clerk's title in the stamp
    # Digitisation at intake (issue 15): default 200 dpi greyscale, feeder when present.
    scanner_adapter: str = "sane"  # sane | wia | twain | none
    scanner_device: str = ""  # empty: the first device found
    scan_resolution: int = 200
    scan_mode: str = "gray"  # gray | color | lineart
    scan_source: str = "auto"  # auto | feeder | flatbed
    ocr_enabled: bool = True
    ocr_language: str = "vie"
    scan_deskew: bool = True  # straighten scanned pages (Pillow; also when OCR is off)
    scan_auto_rotate: bool = True  # turn scanned pages upright (Tesseract orientation only)
    #: Metadata a digitised paper must have before it is saved (comma-separated among
    #: paper_type, number, issuer, issued_on, valid_until). TT 01/2023/TT-VPCP's exact list was
    #: not read, so the unit decides; empty: none required.
    digitisation_required_fields: str = ""


_TIME_KEYS = {"cutoff", "morning_open", "morning_close", "afternoon_open", "afternoon_close"}
_CHOICES = {
    "supplement_clock": {"restart", "pause"},
    "due_time_rounding": {"hour", "minute"},
    "scanner_adapter": {"sane", "wia", "twain", "none"},
    "scan_mode": {"gray", "color", "lineart"},
    "scan_source": {"auto", "feeder", "flatbed"},
    "default_fee_timing": {"at_intake", "at_return", "exempt", "no_fee"},
    "due_time_wording": {"auto", "at", "after"},
}
#: Inclusive bounds of the numeric settings (backup_keep_days 1,000,000 overflowed the date
#: arithmetic and silently stopped backups).
INT_RANGES: dict[str, tuple[int, int]] = {
    "near_due_days": (0, 60),
    "backup_keep_days": (1, 3650),
    "postal_delivery_attempts": (1, 5),
    "postal_attempt_gap_days": (0, 30),
    "scan_resolution": (50, 1200),
}
MAX_TEXT = 500
_HOURS_ORDER = ("morning_open", "morning_close", "afternoon_open", "afternoon_close")


def _check_text(key: str, value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ConfigError(key=key, value=value[:40], problem="too_long")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in value):
        raise ConfigError(key=key, value=repr(value[:40]), problem="control_chars")
    return value


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
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(key=key, value=repr(value)[:40])
        low, high = INT_RANGES.get(key, (0, 10_000))
        if not low <= value <= high:
            raise ConfigError(key=key, value=str(value)[:40], problem="out_of_range")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(key=key, value=repr(value)[:40])
        for k, v in value.items():
            _check_text(key, k)
            _check_text(key, v)
        return dict(value)
    if not isinstance(value, str):
        raise ConfigError(key=key, value=repr(value)[:40])
    _check_text(key, value)
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(key=key, value=value)
    return value


def settings_from_mapping(raw: dict[str, Any], *, cross_check: bool = True) -> Settings:
    """Validate a mapping (parsed TOML) into :class:`Settings`; unknown keys are errors.

    ``cross_check=False`` checks the values one by one only (not the order of office hours).
    """
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
    if not cross_check:
        return settings
    hours = [getattr(settings, k) for k in _HOURS_ORDER]
    for i in range(len(hours) - 1):
        # Lunch may be skipped (morning_close == afternoon_open), nothing may run backwards.
        strict = i != 1
        if hours[i] > hours[i + 1] or (strict and hours[i] == hours[i + 1]):
            raise ConfigError(key=_HOURS_ORDER[i + 1], problem="hours_out_of_order")
    if not settings.morning_open <= settings.cutoff <= settings.afternoon_close:
        raise ConfigError(key="cutoff", problem="hours_out_of_order")
    return settings


def load_settings(path: Path) -> Settings:
    """Read settings.toml; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        return settings_from_text(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(key="<file>", value=str(exc)) from exc


def settings_from_text(text: str) -> Settings:
    """Parse and validate settings.toml text; nesting is checked before the parser runs."""
    try:
        check_nesting(text, syntax="toml")
        raw = tomllib.loads(text)
    except NestingTooDeepError as exc:
        raise ConfigError(key="<file>", problem="nesting_too_deep", **exc.data) from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(key="<file>", value=str(exc)[:200]) from exc
    return settings_from_mapping(raw)


def settings_to_toml(settings: Settings) -> str:
    """Serialise settings as TOML with tomli-w (times as "HH:MM")."""
    data: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, dict):
            value = dict(sorted(value.items()))
        data[f.name] = value
    return tomli_w.dumps(data)


def save_settings(path: Path, settings: Settings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings_to_toml(settings), encoding="utf-8")
    tmp.replace(path)


def url_is_secure_enough(url: str, allow_insecure_http: bool) -> bool:
    """https, or http to this machine (loopback), or http explicitly allowed by an admin."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if allow_insecure_http:
        return True
    host = (parts.hostname or "").casefold()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

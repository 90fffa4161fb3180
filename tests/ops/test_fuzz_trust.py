"""Fuzzing the readers added or hardened by issue 14 §6: settings, restore, offline file.

Unicode alphabets (every script, controls, digits of all scripts) and inputs far longer than
64 bytes; the only acceptable failure is the reader's typed error.
"""

from __future__ import annotations

import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.config import ConfigError, Settings, settings_from_text, settings_to_toml
from motcua_desk.services.backup import verify_backup
from motcua_desk.services.settings_admin import validate_changes
from motcua_desk.storage.migrate import SQLITE_HEADER
from motcua_desk.sync import offline_file

UNICODE = st.characters(codec="utf-8")
TEXT = st.text(UNICODE, max_size=8) | st.text(UNICODE, min_size=65, max_size=600)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | TEXT
    | st.sampled_from(["07:30", "25:00", "https://x.vn", "http://x.vn", "{agency_id}-{yymmdd}"]),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(TEXT, c, max_size=3),
    max_leaves=6,
)
KEYS = st.sampled_from([f.name for f in fields(Settings)] + ["colour", ""])
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_settings_changes_of_any_type_never_raise(changes: dict[str, Any]) -> None:
    new, errors = validate_changes(Settings(), changes)
    if errors:
        assert new == Settings()
        assert all(isinstance(v, str) and v for v in errors.values())
    else:  # what is accepted survives a trip through settings.toml
        assert settings_from_text(settings_to_toml(new)) == new


@SLOW
@given(
    st.text(UNICODE, max_size=3000)
    | st.integers(1, 5000).map(lambda n: "a = " + "[" * n)
    | st.integers(1, 5000).map(lambda n: "a = " + "{b = " * n)
)
def test_settings_text_gives_config_error_or_settings(text: str) -> None:
    try:
        settings_from_text(text)
    except ConfigError as exc:
        assert exc.data.get("key")


@SLOW
@given(
    st.builds(
        Settings,
        agency_name=st.text(
            st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Cs", "Co"]),
            max_size=300,
        ),
        counter_name=st.sampled_from(['Quầy "1" \\ #2', "Quầy 'ba'", "[quầy]", "a = b"]),
        printers=st.dictionaries(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Cs", "Co"])),
            st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Cs", "Co"])),
            max_size=3,
        ),
    )
)
def test_any_valid_settings_round_trip_through_toml(value: Settings) -> None:
    assert settings_from_text(settings_to_toml(value)) == value


@SLOW
@given(st.binary(max_size=5000), st.booleans())
def test_restore_verification_of_any_file_never_raises(data: bytes, header: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Sao lưu #1 ?.db"
        path.write_bytes((SQLITE_HEADER if header else b"") + data)
        report = verify_backup(path)
    assert not report.ok and report.reason


@SLOW
@given(
    st.binary(max_size=3000)
    | st.text(UNICODE, max_size=3000).map(str.encode)
    | st.integers(1, 5000).map(lambda n: ("[" * n).encode())
    | st.integers(1, 5000).map(lambda n: ('{"body": "' + "[" * n + '", "signature": ""}').encode())
)
def test_offline_file_of_any_bytes_gives_its_typed_error(data: bytes) -> None:
    with pytest.raises(offline_file.OfflineFileError):
        offline_file.load_bundle(data, lambda _device: None)

"""Every error code raised in ``src/motcua_desk`` has Vietnamese wording (issue 12 §4).

The codes are read from the source (``error_codes.py``, AST): an error class's ``code``, a code
passed to an error's constructor, a business rule's ``rule`` and an error's ``reason``. A code
added anywhere later fails here until ``ui/strings.py`` words it.
"""

from __future__ import annotations

import re

import pytest

from motcua_desk.ui import strings

from .error_codes import raised_codes

FOUND = raised_codes()
_ASCII_WORDS = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a raw code such as "postal_empty_batch"


def test_the_scan_finds_the_codes_it_should() -> None:
    # A scanner that finds nothing would pass everything: check it sees the known shapes.
    assert {"postal_scan", "day_closed", "second_extension", "sync_ca_bundle"} <= FOUND.codes.keys()
    assert {"postal_empty_batch", "supplement_pending", "apology_too_late"} <= FOUND.rules.keys()
    assert ("postal_scan", "dossier_first") in FOUND.reasons
    assert ("storage_known_error", "not_a_database") in FOUND.reasons
    assert len(FOUND.codes) >= 50


@pytest.mark.parametrize("code", sorted(FOUND.codes), ids=str)
def test_every_code_has_wording(code: str) -> None:
    message = strings.error_message(code, {})
    assert message != strings.GENERIC_ERROR.format(code=code), (
        f"{code} (raised at {FOUND.codes[code]}) has no Vietnamese wording in ui/strings.py"
    )
    assert not _ASCII_WORDS.search(message), message


@pytest.mark.parametrize("rule", sorted(FOUND.rules), ids=str)
def test_every_rule_has_wording(rule: str) -> None:
    assert rule in strings.RULES, f"rule {rule} ({FOUND.rules[rule]}) has no wording"
    message = strings.error_message("rule_violation", {"rule": rule})
    assert rule not in message and not _ASCII_WORDS.search(message)


@pytest.mark.parametrize(
    ("code", "reason"),
    sorted(key for key in FOUND.reasons if key[0] in strings.REASONS),
    ids=lambda v: str(v),
)
def test_every_reason_of_a_worded_table_has_wording(code: str, reason: str) -> None:
    """Errors whose message depends on the reason: each reason raised is worded."""
    assert reason in strings.REASONS[code], (
        f"{code}/{reason} ({FOUND.reasons[(code, reason)]}) has no wording"
    )
    message = strings.error_message(code, {"reason": reason})
    assert reason not in message and not _ASCII_WORDS.search(message)


def test_clerk_facing_reasons_have_tables() -> None:
    for code in ("postal_scan", "collector_mismatch", "storage_known_error", "protocol_version"):
        assert code in strings.REASONS


def test_dates_in_error_data_are_written_dd_mm_yyyy() -> None:
    text = strings.error_message("apology_too_late", {"latest": "2026-02-11"})
    assert "11/02/2026" in text and "2026-02-11" not in text

"""Typed domain errors.

Errors carry a stable ``code`` and structured ``data``; they never carry Vietnamese text.
The UI turns codes into messages for the clerk (``motcua_desk.ui.strings``), and
``motcua_desk.domain.messages`` gives the default Vietnamese wording for non-UI callers.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class of every error the domain raises on bad input or a forbidden action."""

    code: str = "domain_error"

    def __init__(self, code: str | None = None, **data: Any) -> None:
        if code is not None:
            self.code = code
        self.data: dict[str, Any] = data
        super().__init__(f"{self.code}: {data}" if data else self.code)


class ParseError(DomainError):
    """A scanned, typed or imported string could not be understood."""

    code = "parse_error"


class InvalidIdNumberError(ParseError):
    """A personal ID number (12 digits) or old ID number (9 digits) is invalid."""

    code = "invalid_id_number"


class MalformedIdCardQRError(ParseError):
    """An ID card QR payload is not in a known shape."""

    code = "malformed_id_card_qr"


class InvalidDossierCodeError(ParseError):
    """A dossier code does not match the configured pattern."""

    code = "invalid_dossier_code"


class InvalidItemCodeError(ParseError):
    """A postal item number is not a valid UPU S10 code."""

    code = "invalid_item_code"


class IllegalTransitionError(DomainError):
    """A dossier status change that the lifecycle does not allow."""

    code = "illegal_transition"


class ValidationFailedError(DomainError):
    """A record is incomplete or inconsistent; ``data['fields']`` maps field -> error code."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields=dict(fields))
        self.fields = dict(fields)


class CalendarError(DomainError):
    """The working-day calendar cannot answer (e.g. no working day in range)."""

    code = "calendar_error"


class RuleViolationError(DomainError):
    """A business rule forbids the action (second extension, apology too late, ...)."""

    code = "rule_violation"


class DayClosedError(DomainError):
    """The office day was closed by a supervisor; ``data['day']`` (ISO date) must be reopened
    by a supervisor before anything dated that day changes."""

    code = "day_closed"

"""Typed printing errors (codes and data only; the UI words them)."""

from __future__ import annotations

from motcua_desk.domain.errors import DomainError


class PrintingError(DomainError):
    """Base class of printing failures."""

    code = "printing_error"


class FontMissingError(PrintingError):
    """A bundled font file is missing or unreadable; ``data['path']`` names it."""

    code = "font_missing"


class InvalidLayoutError(PrintingError):
    """A form was asked for a page layout it does not support; ``data['layout']``."""

    code = "invalid_layout"


class BarcodeValueError(PrintingError):
    """A value cannot be encoded as the requested barcode; ``data['value']``."""

    code = "barcode_value_invalid"


class QrTemplateError(PrintingError):
    """The configured QR lookup template has no ``{code}`` placeholder; ``data['template']``."""

    code = "qr_template_invalid"

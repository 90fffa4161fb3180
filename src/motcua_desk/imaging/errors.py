"""Typed imaging errors: a code and data, never text (the UI words them)."""

from __future__ import annotations

from motcua_desk.domain.errors import DomainError


class ImagingError(DomainError):
    code = "imaging_error"


class ScannerError(ImagingError):
    """The scanner stopped; pages scanned before the fault are kept by the caller."""

    code = "scanner_error"


class ScannerNotFoundError(ScannerError):
    code = "scanner_not_found"


class ScannerJammedError(ScannerError):
    code = "scanner_jammed"


class FeederEmptyError(ScannerError):
    code = "scanner_feeder_empty"


class ScanCancelledError(ScannerError):
    code = "scanner_cancelled"


class ScannerBusyError(ScannerError):
    code = "scanner_busy"


class ScannerCoverOpenError(ScannerError):
    code = "scanner_cover_open"


class ScannerUnavailableError(ScannerError):
    """The adapter cannot run here (no scanimage program, no WIA on this machine)."""

    code = "scanner_unavailable"


class FileRefusedError(ImagingError):
    """An imported file is refused; ``data['reason']``: empty, too_large, not_supported,
    corrupt, encrypted, too_many_pixels, too_many_pages, unreadable."""

    code = "file_refused"


class OcrFailedError(ImagingError):
    """OCR could not run or failed; the unsearchable PDF stays attached."""

    code = "ocr_failed"

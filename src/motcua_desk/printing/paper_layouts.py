"""The page layouts each counter document renders, without loading ReportLab.

The settings page offers, and the settings service accepts, only these (an A4 choice that a
form could not render used to stop every receipt). ``tests/printing/test_paper_layouts.py``
keeps this table equal to each form module's own ``LAYOUTS``.
"""

from __future__ import annotations

A5 = "A5"
A4 = "A4"
THERMAL = "80mm"

PAPERS_BY_DOC: dict[str, tuple[str, ...]] = {
    "receipt": (A5, A4, THERMAL),
    "supplement": (A5, A4, THERMAL),
    "refusal": (A5, A4, THERMAL),
    "apology": (A5, A4),
    "stop_notice": (A5, A4),
    "control_slip": (A5, A4),
    "return": (A5, A4, THERMAL),
}

"""The light table of layouts the settings offer is the one the forms render."""

from __future__ import annotations

import importlib

from motcua_desk.printing.paper_layouts import PAPERS_BY_DOC

MODULES = {
    "receipt": "receipt",
    "supplement": "supplement",
    "refusal": "refusal",
    "apology": "apology",
    "stop_notice": "stop_notice",
    "control_slip": "control_slip",
    "return": "return_slip",
}


def test_every_document_offers_exactly_what_its_form_renders() -> None:
    assert set(PAPERS_BY_DOC) == set(MODULES)
    for doc, module in MODULES.items():
        form = importlib.import_module(f"motcua_desk.printing.slips.{module}")
        assert PAPERS_BY_DOC[doc] == form.LAYOUTS, doc

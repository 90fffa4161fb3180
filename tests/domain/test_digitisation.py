"""Digitisation values: completeness of a dossier, metadata checks and draft page operations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain.digitisation import (
    Attachment,
    DraftPage,
    InvalidMetadataError,
    PageOperationError,
    PaperMeta,
    RowState,
    Source,
    completeness,
    delete_page,
    move_page,
    replace_page,
    rotate_page,
    share_fully_digitised,
)
from motcua_desk.domain.dossier import ChecklistItem, PaperForm

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def att(pos: int, source: Source = Source.SCANNED) -> Attachment:
    sha = None if source is Source.SHOWN_ONLY else "a" * 64
    return Attachment(0, pos, source, PaperMeta(), "canbo1", AT, file_sha256=sha)


def test_completeness_counts_received_papers_only() -> None:
    checklist = [
        ChecklistItem("Tờ khai", received=True),
        ChecklistItem("CCCD", form=PaperForm.SHOWN, received=True),
        ChecklistItem("Giấy chứng sinh", received=True),
        ChecklistItem("Giấy ủy quyền", required=False, received=False),
    ]
    c = completeness(checklist, [att(0)])
    assert c.states == (
        RowState.DIGITISED,
        RowState.SHOWN_ONLY,
        RowState.MISSING,
        RowState.NOT_RECEIVED,
    )
    assert (c.digitised, c.to_digitise, c.complete) == (1, 2, False)
    assert c.missing_positions == (2,)
    assert c.ratio == 0.5
    full = completeness(checklist, [att(0), att(2, Source.REUSED)])
    assert full.complete and full.ratio == 1.0
    marked = completeness(checklist, [att(0), att(2, Source.SHOWN_ONLY)])
    assert marked.complete and marked.states[2] is RowState.SHOWN_ONLY
    assert share_fully_digitised([c, full, marked]) == (2, 3)
    assert completeness([], []).complete


def test_metadata_is_cleaned_and_dates_checked() -> None:
    meta = PaperMeta(" giay  khai sinh ", "12/KS", "UBND xa\u0301", date(2020, 1, 1), None)
    clean = meta.normalised()
    assert clean.paper_type == "giay khai sinh"
    assert clean.issuer == "UBND xá"  # NFC
    assert clean.is_valid_on(date(2030, 1, 1))
    with pytest.raises(InvalidMetadataError) as err:
        PaperMeta(issued_on=date(2020, 1, 2), valid_until=date(2020, 1, 1)).normalised()
    assert err.value.data == {"field": "valid_until"}
    with pytest.raises(InvalidMetadataError):
        PaperMeta(number="x" * 501).normalised()


pages_st = st.lists(
    st.builds(DraftPage, st.text("0123456789abcdef", min_size=64, max_size=64)),
    min_size=1,
    max_size=12,
)


@given(pages_st, st.data())
def test_page_operations_keep_the_pages(pages: list[DraftPage], data: st.DataObject) -> None:
    n = len(pages)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1))
    moved = move_page(pages, i, j)
    assert sorted(moved, key=repr) == sorted(pages, key=repr) and moved[j] == pages[i]
    turned = rotate_page(rotate_page(pages, i), i, 270)
    assert turned == tuple(pages)
    assert rotate_page(pages, i, 180)[i].rotation == 180
    assert len(delete_page(pages, i)) == n - 1
    new = DraftPage("f" * 64)
    assert replace_page(pages, i, [new, new])[i : i + 2] == (new, new)
    with pytest.raises(PageOperationError):
        delete_page(pages, n)
    with pytest.raises(PageOperationError):
        rotate_page(pages, i, 45)

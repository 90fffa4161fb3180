"""Readers of outside bytes never crash with anything but their typed error."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.printing.stamp import render_stamp
from motcua_desk.signing.errors import TrustRootsError, UnreadablePdfError
from motcua_desk.signing.pades import SignRequest, sign_pdf
from motcua_desk.signing.verify import load_trust_roots, verify_pdf

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)
JUNK = st.one_of(
    st.binary(max_size=4000),
    TEXT.map(lambda t: t.encode("utf-8")),
    TEXT.map(lambda t: b"%PDF-1.7\n" + t.encode("utf-8") + b"\n%%EOF"),
)


@settings(max_examples=60, deadline=None)
@given(JUNK)
def test_verify_rejects_junk_with_typed_error(data: bytes) -> None:
    with contextlib.suppress(UnreadablePdfError):
        assert verify_pdf(data, ()) == []


@settings(max_examples=40, deadline=None)
@given(JUNK)
def test_sign_rejects_junk_before_touching_the_signer(data: bytes) -> None:
    class NoSigner:
        def __getattr__(self, name: str) -> object:
            raise AssertionError("the signer must not be reached for junk")

    req = SignRequest(stamp=lambda w, h: render_stamp(["x"], w, h), field_name="F")
    with pytest.raises(UnreadablePdfError):
        sign_pdf(data, NoSigner(), req)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(JUNK)
def test_trust_roots_file_junk(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "roots.pem"
    path.write_bytes(data)
    with pytest.raises(TrustRootsError):
        load_trust_roots(path)


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, max_size=8), st.floats(10, 400), st.floats(10, 200))
def test_stamp_renders_any_unicode_lines(lines: list[str], w: float, h: float) -> None:
    pdf = render_stamp(lines, w, h)
    assert pdf.startswith(b"%PDF")


@settings(max_examples=40, deadline=None)
@given(JUNK)
def test_upgrade_rejects_junk(data: bytes) -> None:
    from motcua_desk.signing.upgrade import upgrade_signature

    with pytest.raises(UnreadablePdfError):
        upgrade_signature(data, timestamper=None)

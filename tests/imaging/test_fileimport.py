"""File import: the type comes from the content, and every bad file is refused with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from motcua_desk.imaging.errors import FileRefusedError
from motcua_desk.imaging.fileimport import ImportLimits, inspect_file


def _png(path: Path, size: tuple[int, int] = (200, 300), mode: str = "L") -> Path:
    Image.new(mode, size, 255).save(path, format="PNG", dpi=(200, 200))
    return path


def _pdf(path: Path, pages: int = 2) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    return path


def refused(path: Path, limits: ImportLimits | None = None) -> str:
    with pytest.raises(FileRefusedError) as err:
        inspect_file(path, limits or ImportLimits())
    return str(err.value.data["reason"])


def test_supported_files_are_recognised_by_content(tmp_path: Path) -> None:
    png = _png(tmp_path / "giấy khai sinh.jpg")  # the extension lies
    assert inspect_file(png).media_type == "image/png"
    jpg = tmp_path / "a"
    Image.new("RGB", (50, 50)).save(jpg, format="JPEG")
    assert inspect_file(jpg).media_type == "image/jpeg"
    tif = tmp_path / "b.tif"
    frames = [Image.new("1", (100, 100)) for _ in range(3)]
    frames[0].save(
        tif, format="TIFF", save_all=True, append_images=frames[1:], compression="group4"
    )
    info = inspect_file(tif)
    assert (info.media_type, info.pages) == ("image/tiff", 3)
    pdf = inspect_file(_pdf(tmp_path / "Đơn đề nghị.pdf", 3))
    assert (pdf.media_type, pdf.pages) == ("application/pdf", 3)


def test_bad_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.touch()
    assert refused(empty) == "empty"
    text = tmp_path / "note.png"
    text.write_text("không phải ảnh", encoding="utf-8")
    assert refused(text) == "not_supported"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF")
    assert refused(broken) == "corrupt"
    truncated = tmp_path / "cut.png"
    data = _png(tmp_path / "whole.png", (500, 500), "RGB").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    assert refused(truncated) == "corrupt"
    secret = tmp_path / "secret.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(secret, encryption=pikepdf.Encryption(owner="o", user="u"))
    assert refused(secret) == "encrypted"
    assert refused(tmp_path / "absent.pdf") == "unreadable"
    assert refused(tmp_path) == "unreadable"


def test_png_bomb_and_huge_files_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (30_000, 30_000)).save(bomb, format="PNG")  # 900 Mpx in ~100 KB
    assert bomb.stat().st_size < 1_000_000
    assert refused(bomb) == "too_many_pixels"
    big = tmp_path / "scan.tif"
    with big.open("wb") as fh:  # a 200 MB TIFF (sparse: costs no disk)
        fh.write(b"II*\x00")
        fh.truncate(200 * 1024 * 1024)
    assert refused(big) == "too_large"
    assert refused(_pdf(tmp_path / "many.pdf", 5), ImportLimits(max_pages=4)) == "too_many_pages"


MAGICS = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"II*\x00", b"MM\x00*"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
        min_size=1,
        max_size=60,
    ),
    magic=st.sampled_from(MAGICS),
    body=st.binary(max_size=4096) | st.builds(lambda n: b"\x00\xff" * n, st.integers(0, 200_000)),
)
def test_fuzzed_files_are_accepted_or_refused_never_crash(
    tmp_path: Path, name: str, magic: bytes, body: bytes
) -> None:
    safe = name.strip(". ") or "x"
    path = tmp_path / safe[:60]
    try:
        path.write_bytes(magic + body)
    except OSError:  # a name the file system refuses (too long in bytes, reserved)
        return
    try:
        info = inspect_file(path, ImportLimits(max_bytes=300_000))
    except FileRefusedError as err:
        assert err.data["reason"] in {
            "empty", "too_large", "not_supported", "corrupt", "encrypted",
            "too_many_pixels", "too_many_pages", "unreadable",
        }  # fmt: skip
    else:
        assert info.pages >= 1
    finally:
        os.unlink(path)


def _seeds() -> list[bytes]:
    import io

    out = []
    for fmt, mode, kw in (
        ("PNG", "L", {}),
        ("JPEG", "RGB", {}),
        ("TIFF", "1", {"compression": "group4"}),
    ):
        buf = io.BytesIO()
        Image.new(mode, (48, 48), 1).save(buf, format=fmt, **kw)
        out.append(buf.getvalue())
    buf = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(buf)
    out.append(buf.getvalue())
    return out


SEEDS = _seeds()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.sampled_from(SEEDS),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6),
)
def test_damaged_files_are_refused_or_assemble(
    tmp_path: Path, seed: bytes, flips: list[tuple[int, int]]
) -> None:
    """A valid file with a few bytes changed: refused at inspection or at the trial assembly
    with FileRefusedError, never any other exception (what the import path runs)."""
    from motcua_desk.imaging.assemble import PageSource, assemble

    data = bytearray(seed)
    for pos, value in flips:
        data[pos % len(data)] = value
    path = tmp_path / "tệp hỏng"
    path.write_bytes(bytes(data))
    try:
        info = inspect_file(path)
        assemble(
            [PageSource(path, info.media_type, i) for i in range(info.pages)], tmp_path / "o.pdf"
        )
    except FileRefusedError as err:
        assert err.data["reason"] in {"corrupt", "not_supported", "too_many_pixels", "encrypted"}

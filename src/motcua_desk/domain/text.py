"""Text normalisation: NFC at every boundary, and diacritic-free search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding whitespace stripped and inner runs folded.

    Unikey's "Unicode tổ hợp" mode and some scanners produce NFD; reportlab and SQLite compare
    code points, so every string entering the system goes through here.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_key(text: str) -> str:
    """Casefolded, diacritic-free form of ``text`` for searching ("Đăng ký" -> "dang ky")."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()

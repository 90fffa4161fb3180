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


#: Longest name (person or organisation) a form takes: longer ones pushed the receipt (Mẫu 01)
#: onto a second page (issue 12 §3).
MAX_NAME_LENGTH = 120
#: Unicode categories a name may hold: letters, combining marks, digits (organisations), spaces
#: and punctuation. Symbols (emoji are "So"), control, format, private-use characters are not.
_NAME_CATEGORIES = ("L", "M", "Nd", "Zs", "Pd", "Po", "Ps", "Pe", "Pi", "Pf")


def name_problem(text: str) -> str | None:
    """Why ``text`` is not acceptable as a name (an error code), or None.

    ``name_too_long`` beyond :data:`MAX_NAME_LENGTH` characters (after :func:`normalize`);
    ``invalid_name_chars`` for emoji, other symbols, control or invisible format characters.
    An empty name is the caller's ``required`` check.
    """
    name = normalize(text)
    if len(name) > MAX_NAME_LENGTH:
        return "name_too_long"
    for ch in name:
        category = unicodedata.category(ch)
        if not (category in _NAME_CATEGORIES or category[0] in ("L", "M")):
            return "invalid_name_chars"
    return None

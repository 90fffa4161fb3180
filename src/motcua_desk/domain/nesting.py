"""Nesting-depth guard for JSON and TOML text, run before the parser (issue 14 §6).

``json.loads`` and ``tomllib.loads`` recurse once per nested array or table; a file of a few
thousand ``[`` raises ``RecursionError`` (or worse, exhausts the C stack). Every reader of an
outside file (catalogue, calendar overrides, settings.toml, offline event file) calls
:func:`check_nesting` first, so such a file gets a typed error instead.
"""

from __future__ import annotations

from typing import Literal

from .errors import ParseError

#: Far above any file the app writes (the deepest, a catalogue entry, nests 4 levels).
MAX_DEPTH = 32


class NestingTooDeepError(ParseError):
    """Arrays/objects nested deeper than ``data['max_depth']`` (at offset ``data['at']``)."""

    code = "nesting_too_deep"


def check_nesting(
    text: str | bytes, *, syntax: Literal["json", "toml"] = "json", max_depth: int = MAX_DEPTH
) -> None:
    """Raise :class:`NestingTooDeepError` when brackets nest deeper than ``max_depth``.

    Brackets inside strings (and TOML comments) are skipped. The scan is linear and never
    recurses; an unbalanced or otherwise malformed text is left to the real parser.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = 0
    i = 0
    n = len(text)
    toml = syntax == "toml"
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                raise NestingTooDeepError(max_depth=max_depth, at=i)
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == '"' or (toml and ch == "'"):
            i = _skip_string(text, i, toml)
            continue
        elif toml and ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        i += 1


def _skip_string(text: str, i: int, toml: bool) -> int:
    """Index just past the string starting at ``text[i]`` (or the end of the text)."""
    quote = text[i]
    if toml and text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        if quote == '"':
            # A multi-line basic string may contain escaped quotes; find an unescaped triple.
            j = i + 3
            while True:
                end = text.find('"""', j)
                if end < 0 or not _escaped(text, end):
                    break
                j = end + 1
        return len(text) if end < 0 else end + 3
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\" and quote == '"':
            j += 2
            continue
        if c == quote:
            return j + 1
        if toml and c == "\n":  # a single-line TOML string cannot span lines
            return j
        j += 1
    return n


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    k = pos - 1
    while k >= 0 and text[k] == "\\":
        backslashes += 1
        k -= 1
    return backslashes % 2 == 1

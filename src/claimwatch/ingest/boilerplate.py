"""Blank out boilerplate lines (cross-links, promos, photo credits, bylines) without moving any offset.

The parser should not read "READ MORE: Minister denies report" as a claim, but every offset we report must still
index the article's original text. So boilerplate is replaced by spaces of the same length, never removed.
Patterns live in ``resources/boilerplate.en.v1.txt``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from ..errors import DataFileError
from ..resources import DataPath, cached, data_path, read_lines

PATTERNS_RESOURCE = "boilerplate.en.v1.txt"
# Decoration left by copying from markdown or HTML ("**READ MORE:**", "• Related", "— Reuters").
_DECORATION = " \t\r\f\v*_#>|•·–—-"
# Boilerplate lines are short; skipping long lines keeps masking cheap and bounds regex work per line.
_MAX_LINE_CHARS = 400
_LINE = re.compile(r"[^\n]+")


def load_patterns(path: Optional[DataPath] = None) -> tuple[re.Pattern[str], ...]:
    """The compiled patterns of a boilerplate file (default: the packaged one), read once per process.

    Raises:
        DataFileError: a pattern does not compile (names the line, so a bad edit is found at once).
    """
    return cached(_compile_patterns, data_path(path, PATTERNS_RESOURCE))


def _compile_patterns(path: Path) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for lineno, line in read_lines(path, inline_comments=False):
        try:
            patterns.append(re.compile(line))
        except re.error as exc:
            raise DataFileError(f"{path}:{lineno}: bad pattern: {exc}") from None
    return tuple(patterns)


def is_boilerplate_line(line: str) -> bool:
    """Whether one line (without its newline) is boilerplate as a whole."""
    core = line.strip(_DECORATION)
    if not core or len(core) > _MAX_LINE_CHARS:
        return False
    return any(p.fullmatch(core) for p in load_patterns())


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each boilerplate line, newline excluded, in text order."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if is_boilerplate_line(m.group())]


def mask_boilerplate(text: str) -> str:
    """Return ``text`` with boilerplate lines turned into spaces: same length, newlines kept, offsets valid."""
    ranges = boilerplate_ranges(text)
    if not ranges:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in ranges:
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)

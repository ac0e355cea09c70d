"""Lone UTF-16 surrogates: JSON escapes such as ``"\\ud800"`` (and text a caller builds) can hold them, and no
encoder accepts them, so they are replaced by U+FFFD before anything encodes the text.

One code point for one keeps the length, so every character offset into the text stays valid.
"""
from __future__ import annotations

import dataclasses
import re

from ..schema import Article

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"
_ARTICLE_FIELDS = ("id", "text", "title", "date", "outlet", "url", "origin")


def without_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD, and how many there were."""
    return _SURROGATE.subn(REPLACEMENT_CHARACTER, text)


def repaired_article(article: Article) -> tuple[Article, list[str]]:
    """``article`` with lone surrogates replaced in every text field, and the names of the fields repaired."""
    changes: dict[str, str] = {}
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if isinstance(value, str):
            fixed, n = without_surrogates(value)
            if n:
                changes[name] = fixed
    if not changes:
        return article, []
    return dataclasses.replace(article, **changes), list(changes)

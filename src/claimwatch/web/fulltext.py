"""Turn free text (a pasted claim) into a full-text query for similar stored claims.

This is what ``POST /api/check`` does until the stance model of issue 5 exists: claims sharing the text's
content words, ranked by SQLite FTS5's bm25. It says nothing about support or contradiction.
"""
from __future__ import annotations

import re
from typing import Optional

MAX_TERMS = 24
MIN_CHARS = 3
_WORD = re.compile(r"\w+", re.UNICODE)


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def similar_claims_query(text: str) -> Optional[str]:
    """An FTS5 query ORing the text's content words (quoted, so no word is read as syntax); None if none."""
    stop = _stop_words()
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if len(word) < MIN_CHARS or word in stop or word.isdigit() or word in terms:
            continue
        terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    if not terms:
        return None
    return " OR ".join(f'"{t}"' for t in terms)

"""Content hashes of article text, shared by the readers (default ids) and the store (dedup)."""
from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped.

    The same story copied from a browser, a feed and a PDF differs in composed accents and line wrapping;
    those differences should not give it a different id.
    """
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def normalised_text_hash(text: str) -> str:
    """First 16 hex digits of the SHA-256 of ``normalise_text(text)`` (64 bits: ample for a news archive)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]

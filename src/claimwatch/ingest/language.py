"""Offline language identification (py3langid: a small model bundled in the wheel, no download)."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

# Below this many letters the identifier guesses (a headline, a one-line quote): such texts are kept.
MIN_LETTERS = 60
# Keep an article unless another language wins with at least this (normalised) probability.
MIN_CONFIDENCE = 0.90


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability of the text's language (on its first 5,000 characters)."""
    lang, prob = _identifier().classify(text[:5000])
    return lang, float(prob)


def other_language(text: str, wanted: frozenset[str]) -> Optional[str]:
    """The detected language when it is confidently not one of ``wanted``; None to keep the text."""
    if sum(1 for ch in text[:5000] if ch.isalpha()) < MIN_LETTERS:
        return None
    lang, prob = detect_language(text)
    if lang in wanted or prob < MIN_CONFIDENCE:
        return None
    return lang

"""Shared rare words: which of a checked sentence's terms a stored claim repeats, each weighed by how rare it is
among the stored claims (inverse document frequency).

A sentence in a user's own words and the claim that supports it seldom reach a high cosine, but they name the same
rare things ("Izium", "Dostoyevsky", "high alert"), while a claim that merely shares the topic repeats only common
words ("Russia", "troops"). ``check``'s support head (``support.py``) reads these overlaps beside the cosine, and
the rarest names of the sentence find candidates by full text that its embedding misses.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from .lexicon import DisputeLexicon

RARE_SHARE = 403.0  # a rare term: in at most 1 of ~400 claims (idf > 6), or in a single one of a small store
SEARCH_NAMES = 2  # the sentence's rarest names searched by full text


@dataclass(frozen=True)
class TermIndex:
    """How many stored claims hold each term: in their content or speaker (``df``), in their content (``content_df``:
    what the store's full-text search finds)."""

    df: dict[str, int]
    n: int
    content_df: dict[str, int]

    @classmethod
    def build(cls, texts: Iterable[tuple[str, str, str]], lex: DisputeLexicon) -> "TermIndex":
        """From ``(claim id, content, speaker)`` rows (``store.claim_texts()``)."""
        df: Counter[str] = Counter()
        content_df: Counter[str] = Counter()
        n = 0
        for _, content, speaker in texts:
            said = lex.terms(content)
            df.update(said | lex.terms(speaker))
            content_df.update(said)
            n += 1
        return cls(dict(df), n, dict(content_df))

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 1))

    def rare(self, term: str) -> bool:
        return self.df.get(term, 0) + 1 <= max(2.0, (self.n + 1) / RARE_SHARE)


@dataclass(frozen=True)
class SentenceTerms:
    """A sentence's terms with their weights; its names apart (whom it is about) from its other words (what)."""

    weight: dict[str, float]
    names: frozenset[str]
    top: tuple[str, ...]  # its two rarest terms that some stored claim holds
    rare: frozenset[str]  # its terms that few stored claims hold (``TermIndex.rare``)

    @classmethod
    def of(cls, text: str, index: TermIndex, lex: DisputeLexicon) -> "SentenceTerms":
        terms = lex.terms(text)
        weight = {t: index.idf(t) for t in terms}
        held = [t for t in terms if index.df.get(t, 0) > 0]  # a word no claim holds can match no candidate
        return cls(weight, lex.names(text) & terms, tuple(sorted(held, key=lambda t: (-weight[t], t))[:2]),
                   frozenset(t for t in terms if index.rare(t)))

    def search_names(self, index: TermIndex, lex: DisputeLexicon, text: str) -> list[str]:
        """The sentence's rarest names that some stored claim's content holds, as written (for a full-text query,
        which searches contents)."""
        stems = {w: _stem_of(w, lex) or "" for w in lex.name_words(text)}
        found = [w for w, t in stems.items() if index.content_df.get(t, 0) > 0]
        found.sort(key=lambda w: -self.weight.get(stems[w], 0.0))
        return found[:SEARCH_NAMES]

    def overlap(self, content: str, speaker: str, lex: DisputeLexicon) -> dict[str, float]:
        """The shares of the sentence's term weight that a claim repeats: all terms (content or speaker), names,
        other words (content only: what is said, not who says it), its two rarest terms, and the count of rare
        terms shared (at most 3, scaled to 1)."""
        said = lex.terms(content)
        held = said | lex.terms(speaker)
        names = set(self.names)
        other = set(self.weight) - names
        return {
            "cover": _share(self.weight, set(self.weight), held),
            "cover_names": _share(self.weight, names, held) if names else 0.5,
            "cover_other": _share(self.weight, other, said),
            "top_terms": sum(t in held for t in self.top) / 2,
            "rare_shared": min(len(self.rare & held), 3) / 3,
        }


def _share(weight: dict[str, float], terms: set[str], held: frozenset[str] | set[str]) -> float:
    total = sum(weight[t] for t in terms)
    return sum(weight[t] for t in terms if t in held) / total if total else 0.0


def _stem_of(word: str, lex: DisputeLexicon) -> Optional[str]:
    terms = lex.terms(word)
    return next(iter(terms)) if terms else None

"""Quantities: "more than 100,000 troops", "two battalions", "about 40 percent" -> value, unit, qualifier.

``claimwatch_quantities`` sets ``Claim.quantities`` for the numbers in a claim's extent (speaker, cue and
content) that count something: the unit is the lemma of the noun the number modifies ("troops" -> "troop",
"battalions" -> "battalion"), ``percent`` for "%"/"percent", an ISO 4217 code for money ("$5 billion" ->
USD). Numbers without a unit, years and numbers inside dates are skipped. The qualifier is the canonical form
of the words in front ("over", "upwards of" -> "more than"; "some", "roughly" -> "about"); vague counts
("tens of thousands of troops") become their lower bound with the qualifier "at least". Word lists live in
``resources/quantities.en.v1.json``; dispute detection compares value, unit and qualifier.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from ..resources import DataPath, cached, data_path, read_json_as
from ..schema import CharSpan, Claim, QuantityRef
from .datafiles import DataFileComponent, Files
from .dates import claim_extent
from .extensions import CLAIMS_ATTR

QUANTITIES_FILE = "quantities.en.v1.json"
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class QuantityWords:
    qualifiers: dict[str, str]
    vague: dict[str, tuple[float, str]]
    multipliers: dict[str, float]
    numbers: dict[str, float]
    currencies: dict[str, str]
    percent: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict) -> "QuantityWords":
        return cls(
            qualifiers=data["qualifiers"],
            vague={k: (float(v[0]), v[1]) for k, v in data["vague"].items()},
            multipliers={k: float(v) for k, v in data["multipliers"].items()},
            numbers={k: float(v) for k, v in data["numbers"].items()},
            currencies=data["currencies"],
            percent=tuple(data["percent"]),
        )


def quantity_words(path: Optional[DataPath] = None) -> QuantityWords:
    return cached(_read_quantity_words, data_path(path, QUANTITIES_FILE))


def _read_quantity_words(path: Path) -> QuantityWords:
    return read_json_as(path, QuantityWords.from_json, "qualifiers, vague, multipliers, numbers, currencies and percent")


def _number_value(tok: Token, words: QuantityWords) -> Optional[float]:
    return _text_value(tok.text.lower(), words)


def _text_value(text: str, words: QuantityWords) -> Optional[float]:
    """The number a lower-cased word writes ("3,000", "twelve", "twenty-five"), else None."""
    if _DIGITS.match(text):
        return float(text.replace(",", ""))
    if text in words.numbers and text not in ("a", "an"):
        return words.numbers[text]
    if "-" in text:  # "twenty-five"
        parts = text.split("-")
        if all(p in words.numbers for p in parts):
            return sum(words.numbers[p] for p in parts)
    return None


def _is_year(tok: Token, value: float) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", tok.text)) and 1900 <= value <= 2099


def _index(phrases: Iterable[str], first: bool) -> dict[str, list[tuple[str, int]]]:
    """Phrases by their first (or last) word, each with its length in words, longest first."""
    out: dict[str, list[tuple[str, int]]] = {}
    for key in phrases:
        words = key.split()
        out.setdefault(words[0] if first else words[-1], []).append((key, len(words)))
    for keys in out.values():
        keys.sort(key=lambda kn: -kn[1])
    return out


class QuantityFinder:
    def __init__(self, words: Optional[QuantityWords] = None) -> None:
        self.w = words or quantity_words()
        # Phrases indexed by their first (vague) or last (qualifier) word, longest first: a token is compared only
        # with the phrases it can start or end (comparing with every phrase was a third of the stage's time).
        self.vague_keys = _index(self.w.vague, first=True)
        self.qualifier_keys = _index(self.w.qualifiers, first=False)

    def _phrase_at(self, doc: Doc, i: int, keys: dict[str, list[tuple[str, int]]],
                   end_limit: int) -> Optional[tuple[str, int]]:
        for key, n in keys.get(doc[i].lower_, ()):
            if i + n <= end_limit and " ".join(t.lower_ for t in doc[i : i + n]) == key:
                return key, i + n
        return None

    def _qualifier_before(self, doc: Doc, i: int, lo: int) -> Optional[tuple[str, int]]:
        if i - 1 < lo:
            return None
        for key, n in self.qualifier_keys.get(doc[i - 1].lower_, ()):
            if i - n >= lo and " ".join(t.lower_ for t in doc[i - n : i]) == key:
                return self.w.qualifiers[key], i - n
        return None

    def _unit(self, doc: Doc, num_toks: list[Token], hi: int) -> Optional[Token]:
        last = num_toks[-1]
        nxt = last.i + 1
        if nxt < hi:
            t = doc[nxt]
            if t.text == "%" or t.lower_ in self.w.percent:
                return t
            if t.lower_ == "per" and nxt + 1 < hi and doc[nxt + 1].lower_ == "cent":
                return doc[nxt + 1]
        for t in num_toks:
            if t.dep_ in ("nummod", "quantmod", "compound") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i > last.i \
                    and t.head.i < hi and t.head.i - last.i <= 4:
                return t.head
        j = nxt
        while j < hi and j - nxt < 3 and doc[j].pos_ in ("ADJ", "PROPN") and doc[j].dep_ in ("amod", "compound"):
            j += 1
        if j < hi and doc[j].pos_ == "NOUN":
            return doc[j]
        return None

    def starts(self, doc: Doc) -> list[int]:
        """Running count of the tokens a quantity can start from (a number, a multiplier, the first word of a
        vague phrase): ``find`` skips a claim with none, without a Token object for each of its words."""
        strings = doc.vocab.strings
        lowers = doc.to_array([LOWER]).tolist() if len(doc) else []
        can = {x: self._can_start(strings[x]) for x in set(lowers)}
        counts = [0]
        for x in lowers:
            counts.append(counts[-1] + can[x])
        return counts

    def _can_start(self, low: str) -> bool:
        return low in self.vague_keys or low in self.w.multipliers or _text_value(low, self.w) is not None

    def find(
        self, doc: Doc, start_char: int, end_char: int, skip: Sequence[CharSpan] = (),
        time_ents: Optional[list[tuple[int, int]]] = None, starts: Optional[list[int]] = None,
    ) -> list[QuantityRef]:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is None:
            return []
        lo, hi = span.start, span.end
        if starts is not None and starts[hi] == starts[lo]:
            return []
        if time_ents is None:
            time_ents = _time_ents(doc)
        # Only the time expressions inside the span can block a token (all of them made long articles quadratic).
        blocked = [(s.start, s.end) for s in skip] + [(s, e) for s, e in time_ents if e > start_char and s < end_char]

        def is_blocked(t: Token) -> bool:
            return any(s <= t.idx < e for s, e in blocked)

        out: list[QuantityRef] = []
        i = lo
        while i < hi:
            tok = doc[i]
            if is_blocked(tok):
                i += 1
                continue
            vague = self._phrase_at(doc, i, self.vague_keys, hi)
            if vague:
                value, qualifier = self.w.vague[vague[0]]
                j = vague[1]
                while j < hi and j - vague[1] < 3 and doc[j].pos_ in ("ADJ", "PROPN") and doc[j].dep_ in ("amod", "compound"):
                    j += 1
                if j < hi and doc[j].pos_ == "NOUN":
                    first = tok
                    out.append(QuantityRef(span=CharSpan(first.idx, doc[j].idx + len(doc[j])), value=value,
                                           unit=doc[j].lemma_.lower(), qualifier=qualifier))
                    i = j + 1
                    continue
            # currency symbol, number tokens, multipliers
            currency: Optional[str] = None
            k = i
            if tok.text.lower() in self.w.currencies and not tok.is_alpha:
                currency = self.w.currencies[tok.text.lower()]
                k = i + 1
            nums: list[Token] = []
            value: Optional[float] = None
            if k < hi:
                v = _number_value(doc[k], self.w)
                if v is None and doc[k].lower_ in ("a", "an") and k + 1 < hi and doc[k + 1].lower_ in self.w.multipliers:
                    v = 1.0
                if v is not None:
                    value = v
                    nums.append(doc[k])
                    k += 1
                    while k < hi and doc[k].lower_ in self.w.multipliers:
                        value *= self.w.multipliers[doc[k].lower_]
                        nums.append(doc[k])
                        k += 1
            if value is None or not nums:
                i += 1
                continue
            if len(nums) == 1 and _is_year(nums[0], value) and currency is None:
                i = k
                continue
            unit_tok = self._unit(doc, nums, hi)
            unit: Optional[str] = None
            if unit_tok is not None:
                low = unit_tok.lower_
                if unit_tok.text == "%" or low in self.w.percent or low == "cent":
                    unit = "percent"
                else:
                    lemma = unit_tok.lemma_.lower()
                    unit = self.w.currencies.get(lemma, lemma)
            if currency is not None:
                unit = currency
            if unit is None:
                i = k
                continue
            qual = self._qualifier_before(doc, i, lo)
            first_i = qual[1] if qual else i
            end_tok = unit_tok if (unit_tok is not None and unit_tok.i >= k and unit_tok.i - k <= 4) else nums[-1]
            out.append(QuantityRef(
                span=CharSpan(doc[first_i].idx, end_tok.idx + len(end_tok)),
                value=value,
                unit=unit,
                qualifier=qual[0] if qual else None,
            ))
            i = max(k, end_tok.i + 1)
        return out


class QuantitiesComponent(DataFileComponent):
    """spaCy component ``claimwatch_quantities``: sets ``Claim.quantities``."""

    DEFAULT_FILES = {"quantities_path": QUANTITIES_FILE}

    def read(self, files: Files) -> None:
        self.finder = QuantityFinder(quantity_words(files["quantities_path"]))

    def process(self, doc: Doc) -> Doc:
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        out = []
        time_ents = _time_ents(doc)  # doc.ents builds Spans on every access: once per Doc
        starts = self.finder.starts(doc)
        for c in claims:
            start, end = claim_extent(c)
            qs = self.finder.find(doc, start, end, skip=[d.span for d in c.dates], time_ents=time_ents, starts=starts)
            out.append(dataclasses.replace(c, quantities=tuple(qs)))
        setattr(doc._, CLAIMS_ATTR, out)
        return doc


def _time_ents(doc: Doc) -> list[tuple[int, int]]:
    """Char ranges of DATE/TIME entities: numbers inside them are not quantities."""
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]

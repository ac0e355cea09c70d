"""Dates: date expressions in claims, resolved against the article date (ISO value + precision).

``claimwatch_dates`` reads the article date from ``doc._.cw_article_date`` (set by
``pipeline.extract_articles`` from the article's metadata); when that is missing it looks for a dateline in
the first lines of the text ("KYIV, Feb 17, 2022 (Reuters) -", "17 February 2022") and records where the
date came from in ``doc._.cw_article_date_origin`` ("metadata" | "text"). Every claim then gets
``Claim.dates``: the date expressions in the claim's extent (speaker, cue and content), each a ``DateRef``
with a value and a precision:

======== ===================== ==========================================================
precision value                meaning
======== ===================== ==========================================================
day      ``2022-02-15``        that day
week     ``2022-02-14``        the ISO week starting on that Monday
month    ``2022-01``           that month
year     ``2022``              that year
======== ===================== ==========================================================

"by the end of February" is the last day of February (precision day): a deadline names its last day.
A bare weekday ("on Tuesday") is the latest such day on or before the article date, or the next one when the
clause is about the future ("will meet on Tuesday", "next Tuesday"). A month without a year is the one
nearest the article date. Without an article date, relative expressions stay ``resolved: false`` with no
value; absolute ones with a year still resolve. NER ``DATE`` entities no rule understands are kept
unresolved too, so nothing is silently dropped.

Why our own resolver and not ``dateparser``: the expressions that matter in news claims are few, we need
the week/month/year *precision* (dateparser returns a datetime), a deterministic past-leaning reading of bare
weekdays, and no heavy dependency. The word lists live in ``resources/dates.en.v1.json``.
"""
from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable, Optional

from spacy.tokens import Doc

from ..resources import DataPath, cached, data_path, read_json_as
from ..schema import CharSpan, Claim, DateRef
from .datafiles import DataFileComponent, Files
from .extensions import ARTICLE_DATE_ATTR, ARTICLE_DATE_ORIGIN_ATTR, CLAIMS_ATTR, doc_text

DATES_FILE = "dates.en.v1.json"
DATELINE_CHARS = 400
FUTURE_WORDS = {"will", "shall", "'ll", "next", "coming", "due", "scheduled", "upcoming", "expected"}


@dataclass(frozen=True)
class DateWords:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, tuple[int, str]]
    numbers: dict[str, int]
    patterns: list[tuple[str, re.Pattern]] = field(init=False, repr=False, compare=False)
    # Patterns that cannot match a text without a digit, a month name, a weekday name (anywhere, any case):
    # one quick search each spares most claims most of the patterns.
    needs: list[tuple[re.Pattern, frozenset[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled once per word list; the dataclass is frozen, hence object.__setattr__.
        object.__setattr__(self, "patterns", _patterns(self))
        anywhere = [re.compile(r"\d"), _any_of(self.months), _any_of(self.weekdays)]
        object.__setattr__(self, "needs", list(zip(anywhere, (
            frozenset({"iso", "mdy", "dmy", "my", "y"}), frozenset({"part", "mdy", "dmy", "my", "m"}),
            frozenset({"wday"})))))

    @classmethod
    def from_json(cls, data: dict) -> "DateWords":
        return cls(
            months=data["months"],
            weekdays=data["weekdays"],
            relative={k: (int(v[0]), v[1]) for k, v in data["relative"].items()},
            numbers=data["numbers"],
        )


def date_words(path: Optional[DataPath] = None) -> DateWords:
    return cached(_read_date_words, data_path(path, DATES_FILE))


def _read_date_words(path: Path) -> DateWords:
    return read_json_as(path, DateWords.from_json, "months, weekdays, relative and numbers")


def _any_of(words: Iterable[str]) -> re.Pattern:
    return re.compile("|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) or "(?!)", re.IGNORECASE)


def _patterns(w: DateWords) -> list[tuple[str, re.Pattern]]:
    month = "|".join(sorted((re.escape(m) for m in w.months), key=len, reverse=True))
    wday = "|".join(w.weekdays)
    rel = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in w.relative), key=len, reverse=True))
    num = "|".join(sorted((re.escape(n).replace(r"\ ", r"\s+") for n in w.numbers), key=len, reverse=True))
    mon = rf"(?P<month>{month})\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    flags = re.IGNORECASE
    pats = [
        ("iso", rf"\b{year}-(?P<mnum>[01]\d)-(?P<dnum>[0-3]\d)\b"),
        ("edge", rf"\b(?:by\s+)?(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+(?:the\s+)?"
                 rf"(?:(?P<unit>week|month|year)|{mon}(?:\s+{year})?)\b"),
        ("part", rf"\b(?P<part>early|mid|late)[-\s]+{mon}(?:\s+{year})?\b"),
        ("mdy", rf"\b(?:(?:{wday}),?\s+)?{mon}\s+{day}(?:,?\s+{year})?\b"),
        ("dmy", rf"\b(?:(?:{wday}),?\s+)?{day}\s+(?:of\s+)?{mon}(?:,?\s+{year})?\b"),
        ("my", rf"\b(?P<prep>in|since|until|by|from|during|of|last|next|early|late|before|after)?\s*{mon}\s*,?\s+{year}\b"),
        ("m", rf"\b(?P<prep>in|since|until|by|from|during|of|before|after|last|next|this)\s+{mon}\b"),
        ("y", rf"\b(?P<prep>in|since|until|by|from|during|of|before|after)\s+{year}\b"),
        ("ago", rf"\b(?P<n>\d+|{num})\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
        ("wday", rf"\b(?:(?P<which>last|next|this|on)\s+)?(?P<wday>{wday})\b"),
        ("rel", rf"\b(?P<rel>{rel})\b"),
    ]
    return [(name, re.compile(p, flags)) for name, p in pats]


def _parse_iso_date(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _nearest_year(month: int, anchor: date) -> int:
    """The year putting ``month`` nearest the anchor (a February article's "in March" is this March)."""
    best = min((anchor.year - 1, anchor.year, anchor.year + 1),
               key=lambda y: abs((y * 12 + month) - (anchor.year * 12 + anchor.month)))
    return best


def _fmt(d: date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "week":
        return (d - timedelta(days=d.weekday())).isoformat()
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    value: Optional[str]
    precision: Optional[str]
    resolved: bool


def resolve_match(kind: str, m: re.Match, anchor: Optional[date], future: bool = False,
                  words: Optional[DateWords] = None) -> tuple[Optional[str], Optional[str]]:
    """(value, precision) of one matched expression; value None when it needs an anchor that is missing."""
    w = words or date_words()
    g = m.groupdict()
    month = w.months.get((g.get("month") or "").lower().rstrip("."))
    year = int(g["year"]) if g.get("year") else None
    try:
        if kind == "iso":
            return date(int(g["year"]), int(g["mnum"]), int(g["dnum"])).isoformat(), "day"
        if kind in ("mdy", "dmy"):
            y = year or (_nearest_year(month, anchor) if anchor else None)
            if y is None:
                return None, "day"
            return date(y, month, int(g["day"])).isoformat(), "day"
        if kind == "edge":
            edge = g["edge"].lower()
            if g.get("unit"):
                if anchor is None:
                    return None, "day"
                unit = g["unit"].lower()
                if unit == "week":
                    monday = anchor - timedelta(days=anchor.weekday())
                    d = monday + timedelta(days=6 if edge == "end" else 0)
                elif unit == "month":
                    d = date(anchor.year, anchor.month,
                             calendar.monthrange(anchor.year, anchor.month)[1] if edge == "end" else 1)
                else:
                    d = date(anchor.year, 12, 31) if edge == "end" else date(anchor.year, 1, 1)
                return (d.isoformat(), "day") if edge != "middle" else (_fmt(d, unit), unit)
            y = year or (_nearest_year(month, anchor) if anchor else None)
            if y is None:
                return None, "day" if edge != "middle" else "month"
            if edge == "middle":
                return f"{y:04d}-{month:02d}", "month"
            last = calendar.monthrange(y, month)[1]
            return date(y, month, last if edge == "end" else 1).isoformat(), "day"
        if kind in ("part", "my", "m"):
            prep = (g.get("prep") or "").lower()
            if year is None and anchor is not None and prep in ("last", "next", "this"):
                if prep == "last":
                    year = anchor.year if month < anchor.month else anchor.year - 1
                elif prep == "next":
                    year = anchor.year if month > anchor.month else anchor.year + 1
                else:
                    year = anchor.year
            y = year or (_nearest_year(month, anchor) if anchor else None)
            if y is None:
                return None, "month"
            return f"{y:04d}-{month:02d}", "month"
        if kind == "y":
            return f"{year:04d}", "year"
        if kind == "ago":
            n_text = " ".join(g["n"].lower().split())
            n = int(n_text) if n_text.isdigit() else w.numbers.get(n_text, 1)
            unit = g["unit"].lower()
            if anchor is None:
                return None, unit
            return _offset(anchor, -n, unit), unit
        if kind == "wday":
            if anchor is None:
                return None, "day"
            target = w.weekdays[g["wday"].lower()]
            which = (g.get("which") or "").lower()
            diff = (anchor.weekday() - target) % 7
            if which == "next" or (future and which != "last"):
                ahead = (target - anchor.weekday()) % 7
                if which == "next" and ahead == 0:
                    ahead = 7
                return (anchor + timedelta(days=ahead)).isoformat(), "day"
            if which == "last" and diff == 0:
                diff = 7
            return (anchor - timedelta(days=diff)).isoformat(), "day"
        if kind == "rel":
            offset, unit = w.relative[" ".join(g["rel"].lower().split())]
            if anchor is None:
                return None, unit
            return _offset(anchor, offset, unit), unit
    except (ValueError, TypeError, KeyError):
        return None, None
    return None, None


def _offset(anchor: date, n: int, unit: str) -> str:
    if unit == "day":
        return (anchor + timedelta(days=n)).isoformat()
    if unit == "week":
        return _fmt(anchor + timedelta(weeks=n), "week")
    if unit == "month":
        y, m = _shift_month(anchor.year, anchor.month, n)
        return f"{y:04d}-{m:02d}"
    return f"{anchor.year + n:04d}"


def find_dates(text: str, anchor: Optional[date], offset: int = 0, future: bool = False,
               words: Optional[DateWords] = None) -> list[DateMatch]:
    """Date expressions in ``text`` (offsets shifted by ``offset``), longest match first, no overlaps."""
    words = words or date_words()
    found: list[tuple[int, int, str, re.Match]] = []
    skip = frozenset().union(*(kinds for needed, kinds in words.needs if needed.search(text) is None))
    for kind, pat in words.patterns:
        if kind in skip:
            continue
        for m in pat.finditer(text):
            start, end = m.span()
            # "in/since/by ..." introduce the date; the expression itself starts at the month/year.
            if kind in ("m", "y", "my") and m.group("prep"):
                start = m.start("month") if kind in ("m", "my") else m.start("year")
                if kind == "my" and m.group("prep").lower() in ("last", "next", "early", "late"):
                    start = m.start("prep")
            if kind == "m" and m.group("prep").lower() in ("last", "next", "this"):
                start = m.start("prep")
            if kind == "m" and m.group("month").lower() == "may" and not m.group("month")[0].isupper():
                continue  # the modal verb
            if kind == "wday" and (m.group("which") or "").lower() == "on":
                start = m.start("wday")
            found.append((start, end, kind, m))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMatch] = []
    for start, end, kind, m in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        value, precision = resolve_match(kind, m, anchor, future=future, words=words)
        out.append(DateMatch(start + offset, end + offset, value, precision, value is not None))
    out.sort(key=lambda d: d.start)
    return out


_DATELINE = re.compile(
    r"\b(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>[0-3]?\d),?\s+(?P<year>(?:19|20)\d\d)"
    r"|(?P<day2>[0-3]?\d)\s+(?P<month2>[A-Z][a-z]{2,8})\.?,?\s+(?P<year2>(?:19|20)\d\d)"
    r"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d))\b"
)


def find_article_date(text: str, words: Optional[DateWords] = None) -> Optional[str]:
    """A publication date written in the article's first lines (a dateline or a date line), or None."""
    head = text[:DATELINE_CHARS]
    months = (words or date_words()).months
    for m in _DATELINE.finditer(head):
        try:
            if m.group("iso"):
                return date.fromisoformat(m.group("iso")).isoformat()
            name = (m.group("month") or m.group("month2")).lower()
            if name not in months:
                continue
            d = int(m.group("day") or m.group("day2"))
            y = int(m.group("year") or m.group("year2"))
            return date(y, months[name], d).isoformat()
        except ValueError:
            continue
    return None


def claim_extent(claim: Claim) -> tuple[int, int]:
    parts = list(claim.content) + list(claim.cue or ()) + ([claim.speaker] if claim.speaker else [])
    return min(p.start for p in parts), max(p.end for p in parts)


class DatesComponent(DataFileComponent):
    """spaCy component ``claimwatch_dates``: sets ``Claim.dates`` (and the article date when the text has one)."""

    DEFAULT_FILES = {"dates_path": DATES_FILE}

    def read(self, files: Files) -> None:
        self.words = date_words(files["dates_path"])

    def article_date(self, doc: Doc) -> Optional[date]:
        value = getattr(doc._, ARTICLE_DATE_ATTR)
        if value:
            if getattr(doc._, ARTICLE_DATE_ORIGIN_ATTR) is None:
                setattr(doc._, ARTICLE_DATE_ORIGIN_ATTR, "metadata")
            return _parse_iso_date(value)
        found = find_article_date(doc_text(doc), self.words)
        if found:
            setattr(doc._, ARTICLE_DATE_ATTR, found)
            setattr(doc._, ARTICLE_DATE_ORIGIN_ATTR, "text")
            return _parse_iso_date(found)
        return None

    def process(self, doc: Doc) -> Doc:
        anchor = self.article_date(doc)
        claims: list[Claim] = getattr(doc._, CLAIMS_ATTR) or []
        if not claims:
            return doc
        # doc.ents builds its Spans anew on every access: read them once per Doc.
        date_ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "DATE"]
        setattr(doc._, CLAIMS_ATTR, [self.date_claim(doc, c, anchor, date_ents) for c in claims])
        return doc

    def date_claim(
        self, doc: Doc, claim: Claim, anchor: Optional[date], date_ents: Optional[list[tuple[int, int]]] = None
    ) -> Claim:
        start, end = claim_extent(claim)
        # Time adverbials of the cue verb after the content belong to the claim too
        # ('Russia had announced another withdrawal earlier in the week').
        if claim.cue:
            cue = doc.char_span(claim.cue[0].start, claim.cue[0].end, alignment_mode="expand")
            if cue is not None:
                for child in cue.root.children:
                    if child.dep_ in ("advmod", "npadvmod", "prep", "tmod") and child.idx >= end:
                        end = max(end, child.right_edge.idx + len(child.right_edge.text))
        region = doc_text(doc)[start:end]
        words = {w.lower() for w in re.findall(r"[A-Za-z']+", region)}
        future = bool(words & FUTURE_WORDS)
        matches = find_dates(region, anchor, offset=start, future=future, words=self.words)
        refs = [DateRef(span=CharSpan(m.start, m.end), value=m.value, precision=m.precision, resolved=m.resolved)
                for m in matches]
        # NER dates no rule understood: kept, unresolved ("the coming days", "recent weeks").
        if date_ents is None:
            date_ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "DATE"]
        for ent_start, ent_end in date_ents:
            if ent_start < start or ent_end > end:
                continue
            if any(r.span.start < ent_end and ent_start < r.span.end for r in refs):
                continue
            refs.append(DateRef(span=CharSpan(ent_start, ent_end), value=None, precision=None, resolved=False))
        refs.sort(key=lambda r: r.span.start)
        return dataclasses.replace(claim, dates=tuple(refs))

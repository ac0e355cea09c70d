"""Public output models, shared by CLI JSON, the store and (later) the REST API.

Offsets are code-point offsets into the article's original text:
``article.text[span.start:span.end] == span.text`` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from pydantic import BaseModel

ClaimKind = Literal["direct", "indirect", "mixed", "nominal", "according_to"]
Polarity = Literal["asserts", "denies"]


@dataclass(frozen=True)
class Article:
    """One input text with its metadata; ``text`` is never modified."""

    id: str
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    origin: Optional[str] = None  # file path (and line) it came from, for error messages


@dataclass(frozen=True)
class CharSpan:
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """One attribution, as found on a Doc (char offsets into the Doc text)."""

    content: tuple[CharSpan, ...]
    cue: Optional[tuple[CharSpan, ...]] = None
    speaker: Optional[CharSpan] = None
    kind: str = "indirect"
    cue_class: Optional[str] = None
    polarity: str = "asserts"
    hedges: tuple[str, ...] = ()
    addressee: Optional[CharSpan] = None
    relay: tuple[CharSpan, ...] = ()
    resolved_speaker: Optional[str] = None
    speaker_role: Optional[str] = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class SpanOut(BaseModel):
    text: str
    start: int
    end: int


class ContentOut(SpanOut):
    # Present only when the content is discontinuous (e.g. a quote split by its cue).
    spans: Optional[list[SpanOut]] = None


class ClaimOut(BaseModel):
    id: str
    speaker: Optional[SpanOut]
    resolved_speaker: Optional[str]
    speaker_role: Optional[str] = None
    cue: Optional[SpanOut]
    cue_class: Optional[str] = None
    content: ContentOut
    kind: ClaimKind
    polarity: Polarity
    hedged: bool
    hedges: list[str] = []
    addressee: Optional[SpanOut] = None
    relay: list[SpanOut] = []


class ArticleOut(BaseModel):
    id: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    claims: list[ClaimOut]


class ExtractionOut(BaseModel):
    articles: list[ArticleOut]

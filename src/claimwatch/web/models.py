"""Request and response models of the REST API (the OpenAPI schema at /docs is generated from these).

Claims and articles reuse the library's public models (``claimwatch.schema``, ``claimwatch.store``), so the API,
the CLI's JSON and the store share one shape.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field, field_validator

from ..schema import ActorOut, ArticleOut, ClaimOut
from ..store import ActorCount, ArticleSummary, FacetCount, StoredClaim, StoredDispute


class ErrorBody(BaseModel):
    message: str
    details: Optional[list[dict[str, Any]]] = None


class ErrorOut(BaseModel):
    """Every error the API returns: ``{"error": {"message": "..."}}`` (validation errors add ``details``)."""

    error: ErrorBody


NEXT_URL = Field(None, description="This list's next page (the same filters and limit, with cursor); null on the "
                                  "last page. Also sent as the HTTP header Link: <next_url>; rel=\"next\".")
NEXT_CURSOR = Field(None, description="Opaque token for the next page: pass it back unchanged as cursor.")


class ArticleList(BaseModel):
    """One page of articles, newest first. Follow ``next_url`` until it is null."""

    items: list[ArticleSummary]
    total: int = Field(..., description="Articles matching the filters.")
    limit: int
    next_cursor: Optional[str] = NEXT_CURSOR
    next_url: Optional[str] = NEXT_URL
    page: int = Field(..., description="Page number (1-based) of this page at this limit.")
    per_page: int = Field(..., description="Same as limit (kept for older clients).")


class TextRange(BaseModel):
    start: int
    end: int


class ArticleDetail(ArticleOut):
    """A stored article with its original text; every claim offset points into ``text``."""

    text: str
    boilerplate: list[TextRange] = Field(
        default_factory=list, description="Boilerplate lines (cross-links, promos, credits) the extractor skipped."
    )


class ClaimPage(BaseModel):
    """One page of claims. Follow ``next_url`` (or ``next_cursor``) until it is null."""

    items: list[StoredClaim]
    total: Optional[int] = Field(None, description="Matching claims; null on cursor pages (counted on the first).")
    limit: int
    next_cursor: Optional[str] = NEXT_CURSOR
    next_url: Optional[str] = NEXT_URL
    page: int
    per_page: int = Field(..., description="Same as limit (kept for older clients).")
    next_page: Optional[int] = None


class DisputeList(BaseModel):
    """One page of disputes (the best pair of each group, best score first)."""

    items: list[StoredDispute]
    total: int = Field(0, description="Dispute groups matching the filters.")
    limit: int = 50
    next_cursor: Optional[str] = NEXT_CURSOR
    next_url: Optional[str] = NEXT_URL
    note: Optional[str] = None


class ActorList(BaseModel):
    """One page of actors, most claims spoken first."""

    items: list[ActorCount]
    total: int = Field(0, description="Actors matching the filter.")
    limit: int = 50
    next_cursor: Optional[str] = NEXT_CURSOR
    next_url: Optional[str] = NEXT_URL


class FacetsOut(BaseModel):
    """Counts of the filtered list by outlet, speaker, event category and polarity. Each facet's counts sum to
    ``total``: every item is counted once per facet (``value: null`` for items without one)."""

    total: int
    facets: dict[str, list[FacetCount]]


class TimelineDay(BaseModel):
    day: str
    claims: int
    disputes: int = 0


class TimelineOut(BaseModel):
    """Claims per article day for an actor and/or a text query (days without claims are left out)."""

    actor: Optional[str] = None
    q: Optional[str] = None
    days: list[TimelineDay]
    undated_claims: int = Field(0, description="Matching claims in articles without a date (not on the timeline).")


class CheckIn(BaseModel):
    text: str = Field(..., min_length=1, description="One sentence or claim to check (at most 5,000 characters; "
                                                     "longer texts get 413).")
    date: Optional[str] = Field(None, max_length=40, description="ISO date the sentence is from: resolves 'on "
                                                                 "Monday' and bounds which claims count as the same "
                                                                 "event (as `claimwatch check --date`).")
    limit: int = Field(10, ge=1, le=50, description="At most this many supporting and this many contradicting "
                                                    "claims.")

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: Optional[str]) -> Optional[str]:
        return iso_date(value)


def iso_date(value: Optional[str]) -> Optional[str]:
    """``value`` if it starts with an ISO date (YYYY-MM-DD), None if empty; ValueError otherwise."""
    if value is None or not value.strip():
        return None
    try:
        dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValueError("date must be an ISO date, YYYY-MM-DD") from None
    return value.strip()


class CheckedClaim(BaseModel):
    """A stored claim that supports or contradicts the checked text, with where it was said."""

    stance: Literal["supports", "contradicts"]
    score: float = Field(..., description="Probability (0 to 1) that the claim states the same proposition "
                                          "(supports) or would be a dispute with it (contradicts), calibrated on "
                                          "the project's gold pairs (docs/EVALUATION.md).")
    reason: str = Field(..., description="Why, slot by slot: what conflicts and which slots agree ('asserts vs "
                                         "denies: agent RUS, ASSAULT, Mariupol').")
    similarity: float = Field(..., description="Cosine similarity of the two claims' sentence embeddings.")
    claim_id: str
    claim: str = Field(..., description="What was claimed (the claim's content, as written in the article).")
    speaker: Optional[str] = Field(None, description="Resolved speaker (or the speaker as written); null: "
                                                     "unattributed.")
    actor: Optional[ActorOut] = Field(None, description="The speaker's canonical actor, when known.")
    cue: Optional[str] = None
    polarity: str
    event: Optional[str] = Field(None, description="The claim's event category (PLOVER).")
    article_id: str
    title: Optional[str] = None
    outlet: Optional[str] = None
    date: Optional[str] = Field(None, description="The article's date.")
    url: Optional[str] = Field(None, description="The article's source URL, if it was stored.")
    link: str = Field(..., description="The claim highlighted in its article page: /articles/{id}#claim-{claim_id}.")


class CheckOut(BaseModel):
    """Stored claims that support or contradict a text, best score first (what `claimwatch check` prints).

    The text is read as one claim by the extraction pipeline (``claim``: its actors, places, dates, numbers, event
    and frame), embedded, and related to the most similar stored claims slot by slot (docs/DISPUTES.md). When no
    stored claim supports or contradicts it, ``addressed`` is false and ``message`` says so.
    """

    text: str = Field(..., description="The text as checked (whitespace collapsed).")
    claim: ClaimOut = Field(..., description="The text parsed as one claim (no speaker: nobody in particular says it).")
    supports: list[CheckedClaim]
    contradicts: list[CheckedClaim]
    method: str = Field(..., description="How candidates were related: 'embeddings+frames'.")
    embedder: str = Field(..., description="The sentence embedder: all-MiniLM-L6-v2, or lexical-hash-v1 without it.")
    claims_searched: int = Field(..., description="Stored claims searched.")
    candidates: int = Field(..., description="Claims similar enough to be compared with the rules.")
    seconds: float
    note: Optional[str] = Field(None, description="Set when the check runs with less than the full set-up (no "
                                                  "sentence embeddings installed).")
    addressed: bool = Field(False, description="False when no stored claim supports or contradicts the text.")
    message: Optional[str] = Field(None, description="'No stored claim addresses this' when not addressed.")


class ArticleIn(BaseModel):
    text: str = Field(..., min_length=1)
    id: Optional[str] = Field(None, max_length=200, description="Defaults to a hash of the text.")
    title: Optional[str] = Field(None, max_length=1000)
    date: Optional[str] = Field(None, max_length=40, description="ISO date of the article; resolves 'on Monday'.")
    outlet: Optional[str] = Field(None, max_length=200)
    url: Optional[str] = Field(None, max_length=2000)


class StoredOut(BaseModel):
    stored: bool = Field(..., description="False when the store already had this article (same id or same text).")
    article: Optional[ArticleSummary] = None

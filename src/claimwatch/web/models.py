"""Request and response models of the REST API (the OpenAPI schema at /docs is generated from these).

Claims and articles reuse the library's public models (``claimwatch.schema``, ``claimwatch.store``), so the API,
the CLI's JSON and the store share one shape.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field

from ..schema import ArticleOut
from ..store import ActorCount, ArticleSummary, StoredClaim, StoredDispute


class ErrorBody(BaseModel):
    message: str
    details: Optional[list[dict[str, Any]]] = None


class ErrorOut(BaseModel):
    """Every error the API returns: ``{"error": {"message": "..."}}`` (validation errors add ``details``)."""

    error: ErrorBody


class ArticleList(BaseModel):
    items: list[ArticleSummary]
    page: int
    per_page: int
    total: int


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
    """One page of claims. Follow ``next_cursor`` (or ``next_page``) until it is null."""

    items: list[StoredClaim]
    total: Optional[int] = Field(None, description="Matching claims; null on cursor pages (counted on page requests).")
    page: int
    per_page: int
    next_page: Optional[int] = None
    next_cursor: Optional[str] = None


class DisputeList(BaseModel):
    items: list[StoredDispute]
    note: Optional[str] = None


class ActorList(BaseModel):
    items: list[ActorCount]


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


class TextIn(BaseModel):
    text: str = Field(..., min_length=1, description="The text to look at.")


class CheckOut(BaseModel):
    """Claims in the store that share words with the text, best full-text match first.

    This is a placeholder: no stance (supports / contradicts) and no score is computed until the stance model of
    issue 5 lands; ``method`` says what was done.
    """

    method: Literal["fulltext"] = "fulltext"
    placeholder: bool = True
    note: str
    query: Optional[str] = Field(None, description="The full-text query that was run (null: no searchable words).")
    matches: list[StoredClaim]


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

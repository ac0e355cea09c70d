"""The store interface: what every backend (SQLite now, Postgres later) provides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional, Protocol, runtime_checkable

from pydantic import BaseModel

from ..errors import ClaimwatchError
from ..schema import Article, ArticleOut, ClaimOut

DEFAULT_LIMIT = 100


class StoredClaim(ClaimOut):
    """A claim as read back from a store: the claim plus the article it came from."""

    article_id: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None

    def claim(self) -> ClaimOut:
        """The plain ClaimOut, without the article fields."""
        return ClaimOut.model_validate(self.model_dump(include=set(ClaimOut.model_fields)))


@dataclass(frozen=True)
class ClaimQuery:
    """Filters for ``Store.query_claims``; every filter given must match (AND).

    speaker: case-insensitive substring of the speaker span text or the resolved speaker.
    text: full-text query over the claim content (SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*);
          text that is not valid FTS5 syntax is searched as plain words.
    since/until: ISO dates (or datetimes) bounding the article date, both inclusive; articles without a date
          never match a date filter.
    outlet: the article's outlet, case-insensitive exact match.
    article_id: claims of one article.
    actor: the speaker's canonical actor: its id ("RUS-GOV", "person:dmitry-peskov"; case-insensitive), a country
          code ("RUS": every actor of that country — Russia, its government, Peskov — and ids starting "RUS-"),
          or a case-insensitive substring of the actor's name.
    event: the claim's event category (PLOVER: RETREAT, MOBILIZE, ACCUSE…; case-insensitive).
    """

    speaker: Optional[str] = None
    text: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    outlet: Optional[str] = None
    article_id: Optional[str] = None
    actor: Optional[str] = None
    event: Optional[str] = None
    limit: Optional[int] = DEFAULT_LIMIT  # None: no limit
    offset: int = 0

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _is_iso(value):
                raise ClaimwatchError(f"{name} date {value!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)")
        if self.limit is not None and self.limit < 0:
            raise ClaimwatchError(f"limit must be 0 or more, got {self.limit}")
        if self.offset < 0:
            raise ClaimwatchError(f"offset must be 0 or more, got {self.offset}")


def _is_iso(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False


class ActorCount(BaseModel):
    """An actor with how many stored claims it speaks (``claims``) and how many mention it (``mentions``)."""

    id: str
    name: str
    type: str
    country: Optional[str] = None
    sector: Optional[str] = None
    claims: int = 0
    mentions: int = 0


@runtime_checkable
class Store(Protocol):
    """A place claims are kept. Implementations: ``claimwatch.store.sqlite.SqliteStore``."""

    def add_article(self, article: Article, result: ArticleOut) -> bool:
        """Store an article and its claims in one transaction.

        Returns False, writing nothing, when an article with the same id or the same normalised text is
        already stored.
        """
        ...

    def has_article(self, key: str) -> bool:
        """True when an article with this id, or with this normalised text hash, is stored."""
        ...

    def query_claims(self, query: ClaimQuery) -> list[StoredClaim]:
        """Claims matching every filter of ``query``."""
        ...

    def top_actors(self, limit: Optional[int] = 20) -> list[ActorCount]:
        """Actors by the number of claims they speak, most first (``None``: all)."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts: ``{"articles": n, "claims": m}``."""
        ...

    def close(self) -> None:
        ...

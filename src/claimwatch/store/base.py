"""The store interface: the values stores return, and the protocols callers type against (one per concern)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ContextManager, Iterable, Iterator, Optional, Protocol, Sequence, runtime_checkable

import numpy as np

from pydantic import BaseModel, Field

from ..errors import ClaimwatchError
from ..schema import Article, ArticleOut, ClaimOut

DEFAULT_LIMIT = 100
MEMORY = ":memory:"  # the SQLite database that lives and dies with its connection


def search_key(value: Optional[str]) -> Optional[str]:
    """The form speaker and actor-name filters compare: case-folded (full Unicode), accents removed.

    ``"Élysée"``, ``"ÉLYSÉE"`` and ``"elysee"`` all give ``"elysee"``; ``"Straße"`` gives ``"strasse"``. Steps:
    ``str.casefold``, NFKD (compatibility decomposition: ``"ﬁ"`` -> ``"fi"``, ``"é"`` -> ``"e"`` + U+0301), drop
    combining marks, ``str.casefold`` again (NFKD can yield capitals: ``"ℌ"`` -> ``"H"``), NFC. Both the stored
    names and the needle go through it, so a substring of one is looked for in the other. Stores keep these keys
    beside the original text, which they never change. Changing it needs a migration that recomputes the keys.
    """
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.casefold())


# Transliteration variants of a Slavic name's last word: Zelensky, Zelenskiy, Zelenskyy, Zelenskyi and Zelenskii
# are one name in English-language news; so are Oleksiy and Oleksii.
_NAME_ENDING = re.compile(r"(?<=\w{3})(?:ky|yy|iy|yi|ii|ij)$")
NAME_ENDINGS = ("y", "yy", "iy", "yi", "ii")


def name_variants(needle: str) -> list[str]:
    """The search keys a speaker filter looks for: ``search_key(needle)`` and its transliteration variants.

    Only the last word varies, and only when it ends in ``-ky``, ``-yy``, ``-iy``, ``-yi``, ``-ii`` or ``-ij``
    (after three letters at least): that ending is swapped for each of -y, -yy, -iy, -yi, -ii (the ``k`` of
    ``-ky`` is kept). ``"Zelenskiy"`` gives ``zelenskiy, zelensky, zelenskyy, zelenskyi, zelenskii``; ``"Peskov"``
    gives ``peskov`` alone. Each variant is then looked for as a substring, as the plain key always was.
    """
    key = search_key(needle.strip()) or ""
    if not key:
        return []
    head, _, last = key.rpartition(" ")
    m = _NAME_ENDING.search(last)
    if m is None:
        return [key]
    stem = last[: m.start()] + ("k" if m.group().startswith("k") else "")
    prefix = head + " " if head else ""
    return list(dict.fromkeys([key] + [prefix + stem + e for e in NAME_ENDINGS]))


def outlet_key(value: Optional[str]) -> Optional[str]:
    """The normalised outlet an outlet filter compares (``SqlStore._outlet_key`` is the same rule in SQL).

    Case-folded, outer spaces trimmed, ``. , ' ’ !`` removed, ``-`` read as a space, then a leading ``"the "``
    and a trailing ``" news"`` dropped: ``"BBC"``, ``"bbc news"`` and ``"BBC News"`` are one outlet, as are
    ``"The Guardian"`` and ``"guardian"``.
    """
    if value is None:
        return None
    k = value.strip().casefold()
    for ch in ".,'’!":
        k = k.replace(ch, "")
    k = k.replace("-", " ")
    if k.startswith("the "):
        k = k[4:]
    if k.endswith(" news"):
        k = k[:-5]
    return k


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

    speaker: case- and accent-insensitive substring (``search_key``) of the speaker span text, the resolved
          speaker or the name of the speaker's resolved actor: "peskov" finds "Dmitry Peskov", "elysee" and
          "ÉLYSÉE" find "Élysée"; transliteration variants of the last word count (``name_variants``:
          "Zelensky", "Zelenskiy" and "Zelenskyy" find the same claims).
    text: full-text query over the claim content (SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*);
          text that is not valid FTS5 syntax is searched as plain words.
    since/until: ISO dates (or datetimes) bounding the article date, both inclusive; articles without a date
          never match a date filter.
    outlet: the article's outlet, compared on the normalised outlet key (``outlet_key``: "BBC" finds "BBC News").
    article_id: claims of one article.
    actor: the speaker's canonical actor: its id ("RUS-GOV", "person:dmitry-peskov"; case-insensitive), a country
          code ("RUS": every actor of that country — Russia, its government, Peskov — and ids starting "RUS-"),
          or a case- and accent-insensitive substring of the actor's name.
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
    polarity: Optional[str] = None  # asserts | denies | doubts …: the claim's polarity (case-insensitive)
    # Only claims that report a statement (``schema.reports_statement``); lists set it unless asked for everything.
    statements: bool = False

    def __post_init__(self) -> None:
        _check_window(self.since, self.until, self.limit, self.offset)


def _is_iso(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False


def _check_window(since: Optional[str], until: Optional[str], limit: Optional[int], offset: int) -> None:
    """Validate the date range and paging shared by claim and dispute queries."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and not _is_iso(value):
            raise ClaimwatchError(f"{name} date {value!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)")
    if limit is not None and limit < 0:
        raise ClaimwatchError(f"limit must be 0 or more, got {limit}")
    if offset < 0:
        raise ClaimwatchError(f"offset must be 0 or more, got {offset}")


class ActorCount(BaseModel):
    """An actor with how many stored claims it speaks (``claims``) and how many mention it (``mentions``)."""

    id: str
    name: str
    type: str
    country: Optional[str] = None
    sector: Optional[str] = None
    claims: int = 0
    mentions: int = 0


class ArticleSummary(BaseModel):
    """A stored article without its text: metadata and how many claims it holds."""

    id: str
    title: Optional[str] = None
    date: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    ingested_at: Optional[str] = None
    claims: int = 0


FACETS = ("outlet", "speaker", "event", "polarity")


class FacetCount(BaseModel):
    """How many listed items have one value of a facet. ``value`` is what a filter takes (an outlet key, an actor
    id or speaker name, an event category, a polarity); ``label`` is how it reads; None: items without a value."""

    value: Optional[str] = None
    label: str
    count: int
    filter: Optional[str] = Field(None, description="The query parameter that selects this value (outlet, actor, "
                                                    "speaker, event, polarity), or null.")


class OutletDayCount(BaseModel):
    day: str
    outlet: str
    claims: int


class DayCount(BaseModel):
    """Claims per article day (``day`` is ``YYYY-MM-DD``, or None for articles without a date)."""

    day: Optional[str] = None
    claims: int = 0


@dataclass(frozen=True)
class DisputeQuery:
    """Filters for ``query_disputes``; every filter given must match.

    dispute_id: one dispute (pair). group_id: every pair of one dispute group. actor: either side's speaker actor
    (same matching as ``ClaimQuery.actor``).
    since/until: the dispute's days seen overlap this range (ISO dates, inclusive). outlet: either side's outlet
    (case-insensitive). min_score: at least this score. all_pairs: every conflicting pair instead of the best pair
    of each group (pairs linked by a claim they share: one allegation and every answer to it). Ordered by score,
    best first.
    """

    dispute_id: Optional[str] = None
    group_id: Optional[str] = None
    actor: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    outlet: Optional[str] = None
    min_score: Optional[float] = None
    all_pairs: bool = False
    limit: Optional[int] = DEFAULT_LIMIT  # None: no limit
    offset: int = 0

    def __post_init__(self) -> None:
        _check_window(self.since, self.until, self.limit, self.offset)


class StoredDispute(BaseModel):
    """Two stored claims that conflict (written by dispute detection, ``claimwatch.disputes.detect``).

    ``left`` and ``right`` are the two sides; ``reason`` says why they conflict (denial, opposite events,
    contradicting numbers…); ``score`` is the detector's confidence, ``first_seen``/``last_seen`` the dates of the
    earlier and later side.
    """

    id: str
    left: StoredClaim
    right: StoredClaim
    reason: str
    score: Optional[float] = None
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    # Every reason found, in order of weight; a short explanation
    # ("withdraw vs build_up"); the group (pairs linked by a shared claim, disputes/detect.py) and how many pairs
    # it has.
    reasons: list[str] = []
    explanation: Optional[str] = None
    group_id: Optional[str] = None
    pairs: int = 1
    left_stance: Optional[str] = None
    right_stance: Optional[str] = None


class Watchlist(BaseModel):
    """A saved search (docs/WATCH.md): new claims matching every filter given raise an alert.

    Filters are ``ClaimQuery``'s: ``actor``, ``text`` (full-text), ``event`` (category), ``outlet``. With
    ``disputes`` the alert is raised when a matching claim (any claim, with no filter) enters a dispute instead.
    ``webhook``: a URL the alert is POSTed to as JSON; ``email``: an address it is mailed to (SMTP settings of
    ``claimwatch watch``). ``checked_at``: claims stored (disputes found) after this time are new to it.
    """

    id: str
    name: str
    actor: Optional[str] = None
    text: Optional[str] = None
    event: Optional[str] = None
    outlet: Optional[str] = None
    disputes: bool = False
    webhook: Optional[str] = None
    email: Optional[str] = None
    created_at: Optional[str] = None
    checked_at: Optional[str] = None

    def claim_query(self, **extra: Any) -> ClaimQuery:
        """The claims this watchlist matches: those a claims list shows (they report a statement)."""
        return ClaimQuery(actor=self.actor, text=self.text, event=self.event, outlet=self.outlet, limit=None,
                          statements=True, **extra)

    def describe(self) -> str:
        parts = [f"{k} {v!r}" for k, v in (("actor", self.actor), ("text", self.text), ("event", self.event),
                                             ("outlet", self.outlet)) if v]
        what = " and ".join(parts) or "any claim"
        return f"{what} entering a dispute" if self.disputes else what


class Alert(BaseModel):
    """One alert: a claim that matched a watchlist (``kind="claim"``) or entered a dispute (``kind="dispute"``).

    ``payload`` is what the webhook receives and the Atom entry shows (docs/WATCH.md, "Alert payload").
    """

    id: str
    watchlist_id: str
    kind: str
    claim_id: str
    article_id: str
    dispute_id: Optional[str] = None
    payload: dict[str, Any] = {}
    created_at: str
    webhook_status: Optional[str] = None
    mail_status: Optional[str] = None


class SourceState(BaseModel):
    """What ``claimwatch watch`` remembers of one source between fetches (and restarts)."""

    url: str
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    last_checked: Optional[str] = None
    last_ok: Optional[str] = None
    failures: int = 0
    next_try: Optional[str] = None
    last_error: Optional[str] = None


@runtime_checkable
class ClaimStore(Protocol):
    """Articles and their claims: what ingest writes and what ``claimwatch claims``, the web pages and the API read."""

    def add_article(self, article: Article, result: ArticleOut, *, text_hash: Optional[str] = None) -> bool:
        """Store an article and its claims in one transaction.

        Returns False, writing nothing, when an article with the same id or the same normalised text is
        already stored. ``text_hash`` is ``normalised_text_hash(article.text)`` when the caller has it already.
        """
        ...

    def has_article(self, key: str) -> bool:
        """True when an article with this id, or with this normalised text hash, is stored."""
        ...

    def has_text(self, text: str) -> bool:
        """True when an article with the same normalised text is stored."""
        ...

    def get_article(self, article_id: str) -> Optional[ArticleOut]:
        """The stored article with its claims in extraction order, or None."""
        ...

    def query_claims(self, query: ClaimQuery) -> list[StoredClaim]:
        """Claims matching every filter of ``query``."""
        ...

    def count_claims(self, query: ClaimQuery) -> int:
        """How many claims match ``query``'s filters (limit and offset ignored)."""
        ...

    def claim_timeline(self, query: ClaimQuery) -> list[DayCount]:
        """Claims matching ``query`` per article day, oldest first; undated articles as one ``day=None`` row."""
        ...

    def claims_by_id(self, ids: Sequence[str]) -> dict[str, StoredClaim]:
        """Stored claims (with their article fields) by id."""
        ...

    def list_articles(self, limit: Optional[int] = 20, offset: int = 0, *, since: Optional[str] = None,
                      until: Optional[str] = None, outlet: Optional[str] = None) -> list[ArticleSummary]:
        """Stored articles, newest first, with claim counts (dates inclusive; outlet as ``ClaimQuery.outlet``)."""
        ...

    def count_articles(self, *, since: Optional[str] = None, until: Optional[str] = None,
                       outlet: Optional[str] = None) -> int:
        """How many articles ``list_articles`` with these filters lists in all."""
        ...

    def claim_facets(self, query: ClaimQuery, facet: str) -> list[FacetCount]:
        """Claims matching ``query`` counted by ``facet`` (one of ``FACETS``), most first; every claim counts once
        (claims without a value under ``value=None``), so the counts sum to ``count_claims(query)``."""
        ...

    def outlet_timeline(self, query: ClaimQuery) -> list[OutletDayCount]:
        """Claims matching ``query`` per article day and outlet (outlet key), oldest first; undated left out."""
        ...

    def article_text(self, article_id: str) -> Optional[str]:
        """The original text of a stored article, or None."""
        ...

    def top_actors(self, limit: Optional[int] = 20, offset: int = 0, *, name: Optional[str] = None,
                   within: Optional[ClaimQuery] = None) -> list[ActorCount]:
        """Actors by the number of claims they speak, most first (``None``: all); ``name``: id or name contains;
        ``within``: count only claims in articles matching its since/until/outlet, with its event."""
        ...

    def count_actors(self, *, name: Optional[str] = None, within: Optional[ClaimQuery] = None) -> int:
        """How many actors ``top_actors`` with this filter lists in all."""
        ...

    def get_actor(self, actor_id: str) -> Optional[ActorCount]:
        """One actor by id, with its counts, or None."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts: ``{"articles": n, "claims": m}``."""
        ...


@runtime_checkable
class DedupStore(Protocol):
    """Exact and near-duplicate lookups, MinHash signatures and sightings (``store.dedup``)."""

    def find_duplicate(self, article_id: str, text_hash: str) -> Optional[str]:
        """The id of the stored article with this id or this normalised text hash, or None."""
        ...

    def add_sightings(self, rows: Sequence[tuple]) -> int:
        """Insert sightings rows (``tables.SIGHTING_COLUMNS`` order), ignoring ones already there; rows added."""
        ...

    def sightings_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Sightings per article (only articles that have any)."""
        ...

    def save_minhash(self, article_id: str, num_perm: int, signature: bytes) -> None:
        ...

    def get_minhash(self, article_id: str) -> Optional[tuple[int, bytes]]:
        ...

    def minhashes(self) -> Iterator[tuple[str, int, bytes]]:
        """Every stored ``(article id, num_perm, signature)``."""
        ...

    def articles_without_minhash(self) -> list[tuple[str, str]]:
        """``(id, text)`` of the stored articles that have no MinHash signature yet."""
        ...

    def transaction(self) -> ContextManager[None]:
        """One write transaction; nested ones become savepoints."""
        ...


@runtime_checkable
class DisputeStore(Protocol):
    """Claim embeddings, propositions and disputes (``claimwatch.disputes``: detect, check, timeline)."""

    def claims_without_embedding(self, model: str) -> list[tuple[str, str]]:
        """``(claim id, content text)`` of every claim with no vector from ``model`` yet."""
        ...

    def claim_texts(self) -> Iterator[tuple[str, str, str]]:
        """``(claim id, content text, speaker text)`` of every claim."""
        ...

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        ...

    def embedding_matrix(self, model: str, ids: Optional[Sequence[str]] = None) -> tuple[list[str], np.ndarray]:
        """Claim ids and their vectors (one row each, float32) from ``model``: all, or those of ``ids``."""
        ...

    def unscanned_claim_ids(self) -> list[str]:
        """Claims not yet through dispute detection (no ``claim_propositions`` row)."""
        ...

    def propositions(self) -> list[tuple[str, str, str, float, int]]:
        """Every ``(claim id, proposition id, stance, relatedness, is_anchor)`` row."""
        ...

    def save_detection(self, propositions: Iterable[tuple[str, str, str, float, int]],
                       disputes: Iterable[dict[str, Any]], *, replace_all: bool = False) -> None:
        """Write proposition rows and dispute rows in one transaction (``replace_all``: clear both first)."""
        ...

    def dispute_links(self) -> list[tuple[str, str, str, str]]:
        """Every stored pair as ``(pair id, left claim id, right claim id, group id)``."""
        ...

    def set_dispute_groups(self, groups: dict[str, str]) -> None:
        """Move stored pairs to other groups (``pair id -> group id``)."""
        ...

    def dispute_counts(self) -> dict[str, int]:
        ...

    def query_disputes(self, query: DisputeQuery) -> list[StoredDispute]:
        """Stored disputes matching ``query``, best score first (filled by ``claimwatch.disputes.detect``)."""
        ...

    def dispute_timeline(self, actor: Optional[str] = None) -> dict[str, int]:
        """Dispute groups per first day seen (optionally those where either side's speaker is ``actor``)."""
        ...

    def family_names(self, lex: Any) -> list[str]:
        """Event family names in a fixed order (index k+1 in ``claim_event_families``; 0 = none)."""
        ...

    def claim_event_families(self, ids: Sequence[str], lex: Any) -> np.ndarray:
        """Each claim's event family index (see ``family_names``), aligned with ``ids``."""
        ...


@runtime_checkable
class WatchStore(Protocol):
    """Continuous collection and alerts (``claimwatch.watch``, ``claimwatch.alerts``): source state, handled items,
    watchlists and the alerts they raised."""

    def source_state(self, url: str) -> Optional[SourceState]:
        ...

    def save_source_state(self, state: SourceState) -> None:
        ...

    def seen_items(self, source_url: str, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` already handled for ``source_url``."""
        ...

    def mark_item(self, source_url: str, key: str, article_id: Optional[str]) -> None:
        ...

    def save_watchlist(self, watchlist: Watchlist) -> Watchlist:
        """Insert or replace (by id); a watchlist without ``created_at``/``checked_at`` gets now for both."""
        ...

    def watchlists(self) -> list[Watchlist]:
        ...

    def get_watchlist(self, watchlist_id: str) -> Optional[Watchlist]:
        ...

    def delete_watchlist(self, watchlist_id: str) -> bool:
        """Remove it and its alerts; False when there was none."""
        ...

    def set_checked(self, watchlist_id: str, checked_at: str) -> None:
        ...

    def articles_since(self, since: str) -> list[str]:
        """Ids of the articles stored at or after ``since`` (ISO time), oldest first."""
        ...

    def disputes_since(self, since: str) -> list[tuple[str, str, str]]:
        """``(dispute id, left claim id, right claim id)`` of the disputes detected at or after ``since``."""
        ...

    def add_alert(self, alert: Alert) -> bool:
        """Store it; False (nothing written) when an alert with its id exists."""
        ...

    def update_alert(self, alert_id: str, *, webhook_status: Optional[str] = None,
                     mail_status: Optional[str] = None) -> None:
        ...

    def alerts(self, watchlist_id: str, limit: Optional[int] = 50) -> list[Alert]:
        """A watchlist's alerts, newest first."""
        ...


@runtime_checkable
class Store(ClaimStore, DedupStore, DisputeStore, WatchStore, Protocol):
    """A claim store: all three parts, plus what opening and exporting need.

    The one implementation is ``claimwatch.store.sqlstore.SqlStore``, opened by ``open_store`` as
    ``SqliteStore`` or ``PostgresStore``. Callers that need one part take that part's protocol.
    """

    label: str  # how messages name the database (a path, or a URL without its password)
    path: str  # the SQLite file (":memory:" for none), or ``label`` for a server

    def rows(self, statement: Any) -> list[dict[str, Any]]:
        """Run a read-only SQLAlchemy Core statement over ``tables.metadata``; one dict per row."""
        ...

    def reading(self) -> ContextManager[Any]:
        """A SQLAlchemy connection inside a read transaction (for ``pandas.read_sql_query``)."""
        ...

    def close(self) -> None:
        ...

    def __enter__(self) -> "Store":
        ...

    def __exit__(self, *exc: Any) -> None:
        ...

"""Extract and store articles, skipping ones the store already has before any NLP runs on them."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from ..errors import StoreError
from ..ingest.hashing import normalised_text_hash
from ..schema import Article, ArticleOut
from .base import Store

if TYPE_CHECKING:
    from .dedup import Deduper

Extract = Callable[[Iterable[Article]], Iterable[ArticleOut]]


@dataclass
class IngestStats:
    read: int = 0  # articles that came out of the reader
    stored: int = 0
    duplicates: int = 0  # skipped: same id or same normalised text as a stored (or earlier) article
    claims: int = 0  # claims stored
    near_duplicates: int = 0  # of the duplicates, those matched by MinHash similarity (with a Deduper)
    sightings: int = 0  # sighting rows written (with a Deduper): one per stored article plus one per new copy


def ingest_articles(
    store: Store,
    articles: Iterable[Article],
    extract: Extract,
    *,
    on_article: Optional[Callable[[IngestStats], None]] = None,
    dedup: Optional["Deduper"] = None,
) -> IngestStats:
    """Run ``extract`` (e.g. ``functools.partial(extract_articles, nlp)``) over the new articles and store them.

    An article whose id or normalised text hash is already in the store, or appeared earlier in this run, is
    counted as a duplicate and never reaches ``extract``. ``extract`` must yield one result per article, in order.

    With ``dedup`` (a ``store.dedup.Deduper`` over the same store), near-duplicates (wire copies) are
    skipped too, and every duplicate is recorded as a sighting of the article it repeats. Each article is
    committed with its sightings and signature in one transaction, so a killed run re-run continues where it
    stopped: what was committed is found as a duplicate before any NLP, what was not is extracted again.
    """
    stats = IngestStats()
    seen: set[str] = set()
    pending: deque[Article] = deque()

    def new_articles() -> Iterator[Article]:
        for article in articles:
            stats.read += 1
            text_hash = normalised_text_hash(article.text)
            if dedup is not None:
                match = dedup.find(article, text_hash)
                if match is not None:
                    stats.duplicates += 1
                    stats.near_duplicates += match.kind == "near"
                    stats.sightings += dedup.sight(article, match)
                    if on_article:
                        on_article(stats)
                    continue
                dedup.reserve(article, text_hash)
                pending.append(article)
                yield article
                continue
            if (
                article.id in seen
                or text_hash in seen
                or store.has_article(article.id)
                or store.has_article(text_hash)
            ):
                stats.duplicates += 1
                if on_article:
                    on_article(stats)
                continue
            seen.update((article.id, text_hash))
            pending.append(article)
            yield article

    for result in extract(new_articles()):
        if not pending:
            raise StoreError(f"extraction returned an unexpected article {result.id!r}")
        article = pending.popleft()
        if result.id != article.id:
            raise StoreError(f"extraction returned article {result.id!r} where {article.id!r} was expected")
        if dedup is not None:
            with dedup.store.transaction():
                added = store.add_article(article, result)
                if added:
                    stats.sightings += dedup.stored(article)
            if not added:
                dedup.forget(article)
        else:
            added = store.add_article(article, result)
        if added:
            stats.stored += 1
            stats.claims += len(result.claims)
        else:  # stored by someone else since the check (another process on the same database)
            stats.duplicates += 1
        if on_article:
            on_article(stats)
    return stats

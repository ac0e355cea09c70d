"""The ingest flow: articles in, duplicates set aside before any NLP, the rest extracted and stored.

``ingest_articles(store, articles, pipeline)`` is the one loop that ``claimwatch ingest``, ``claimwatch load`` (a
Spark output) and the web's ``POST /api/articles`` run. Each article's normalised text is hashed once here; the
hash goes to the duplicate check and to the store with the article. The flow sees duplicates only through the
``Duplicates`` interface: ``store.dedup.Deduper`` (exact and near copies, sightings) or ``ExactDuplicates`` (same
id or same text, nothing written). The extraction step is a ``Pipeline``: ``SpacyPipeline`` runs claimwatch's
spaCy pipeline; Spark's ``load`` hands over the results it computed.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional, Protocol

from .errors import StoreError
from .ingest.hashing import normalised_text_hash
from .schema import Article, ArticleOut
from .store.base import DedupStore, Store

if TYPE_CHECKING:
    from .store.dedup import Match


class Pipeline(Protocol):
    """The extraction step: one ``ArticleOut`` per article, in input order."""

    def extract(self, articles: Iterable[Article]) -> Iterable[ArticleOut]:
        ...


class Duplicates(Protocol):
    """What the flow asks of duplicate detection (``store.dedup.Deduper``, ``ExactDuplicates``).

    ``find`` a match before extraction; a new article is ``reserve``d (pending) until it is ``stored`` (inside the
    transaction that stored it) or ``forget``-ten (someone else stored it first); a duplicate is ``sight``-ed.
    """

    def find(self, article: Article, text_hash: str) -> Optional["Match"]:
        ...

    def reserve(self, article: Article, text_hash: str) -> None:
        ...

    def sight(self, article: Article, match: "Match") -> int:
        ...

    def stored(self, article: Article) -> int:
        ...

    def forget(self, article: Article) -> None:
        ...


class ExactDuplicates:
    """Duplicates by id or normalised text hash only: the store's articles and this run's; writes nothing."""

    def __init__(self, store: DedupStore) -> None:
        self.store = store
        self._seen: set[str] = set()  # ids and text hashes of this run's new articles

    def find(self, article: Article, text_hash: str) -> Optional["Match"]:
        from .store.dedup import Match

        for key in (article.id, text_hash):
            if key in self._seen:
                return Match(key, "exact", 1.0)
        # An id may equal a stored text hash (readers default an id to its text's hash), so keys are tried both ways.
        found = self.store.find_duplicate(article.id, text_hash) or self.store.find_duplicate(text_hash, article.id)
        return Match(found, "exact", 1.0) if found is not None else None

    def reserve(self, article: Article, text_hash: str) -> None:
        self._seen.update((article.id, text_hash))

    def sight(self, article: Article, match: "Match") -> int:
        return 0

    def stored(self, article: Article) -> int:
        return 0

    def forget(self, article: Article) -> None:
        pass  # a copy stored by another writer stays a duplicate for the rest of the run


@dataclass
class SpacyPipeline:
    """claimwatch's spaCy pipeline (``pipeline.extract_articles``) as the flow's extraction step.

    The model loads only when the first new article arrives, so re-ingesting known files runs no NLP at all.
    ``nlp``: an already loaded pipeline (the web app's); ``workers > 1`` runs ``extract_articles_parallel``,
    each worker loading ``model`` itself. Input problems go to ``problems`` (a warning in the log when None).
    ``tagger``: the attribution tagger (``"crf"`` or ``"minilm"``).
    """

    model: Optional[str] = None
    tagger: str = "crf"
    actors_path: Optional[str] = None
    workers: int = 1
    batch_size: int = 16
    problems: Optional[list] = None
    nlp: Any = field(default=None, repr=False)

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        from .pipeline import extract_articles, extract_articles_parallel, load_nlp

        it = iter(articles)
        first = next(it, None)
        if first is None:
            return
        chained = itertools.chain([first], it)
        if self.workers > 1:
            yield from extract_articles_parallel(chained, workers=self.workers, model=self.model,
                                                 actors_path=self.actors_path, batch_size=self.batch_size,
                                                 problems=self.problems, tagger=self.tagger)
            return
        if self.nlp is None:
            self.nlp = load_nlp(self.model, actors_path=self.actors_path, tagger=self.tagger)
        yield from extract_articles(self.nlp, chained, batch_size=self.batch_size, problems=self.problems)


class ResultsById:
    """Results extracted earlier, looked up by article id (benchmarks of the store's own cost, tests)."""

    def __init__(self, results: Mapping[str, ArticleOut]) -> None:
        self.results = results

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        return (self.results[a.id] for a in articles)


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
    pipeline: Pipeline,
    *,
    on_article: Optional[Callable[[IngestStats], None]] = None,
    dedup: Optional[Duplicates] = None,
) -> IngestStats:
    """Extract the new articles with ``pipeline`` and store them; count the rest as duplicates.

    An article whose id or normalised text is already in the store, or appeared earlier in this run, is counted
    as a duplicate and never reaches ``pipeline``, which must yield one result per article, in order.

    ``dedup`` defaults to ``ExactDuplicates(store)``. With a ``store.dedup.Deduper`` over the same store,
    near-duplicates (wire copies) are skipped too, and every duplicate is recorded as a sighting of the article it
    repeats. Each article is committed with its sightings and signature in one transaction, so a killed run re-run
    continues where it stopped: what was committed is found as a duplicate before any NLP, what was not is
    extracted again.
    """
    dedup = ExactDuplicates(store) if dedup is None else dedup
    stats = IngestStats()
    pending: deque[tuple[Article, str]] = deque()  # handed to the pipeline, not yet stored: (article, text hash)

    def new_articles() -> Iterator[Article]:
        for article in articles:
            stats.read += 1
            text_hash = normalised_text_hash(article.text)
            match = dedup.find(article, text_hash)
            if match is not None:
                stats.duplicates += 1
                stats.near_duplicates += match.kind == "near"
                stats.sightings += dedup.sight(article, match)
                if on_article:
                    on_article(stats)
                continue
            dedup.reserve(article, text_hash)
            pending.append((article, text_hash))
            yield article

    for result in pipeline.extract(new_articles()):
        if not pending:
            raise StoreError(f"extraction returned an unexpected article {result.id!r}")
        article, text_hash = pending.popleft()
        if result.id != article.id:
            raise StoreError(f"extraction returned article {result.id!r} where {article.id!r} was expected")
        with store.transaction():
            added = store.add_article(article, result, text_hash=text_hash)
            if added:
                stats.sightings += dedup.stored(article)
        if added:
            stats.stored += 1
            stats.claims += len(result.claims)
        else:  # stored by someone else since the check (another process on the same database)
            dedup.forget(article)
            stats.duplicates += 1
        if on_article:
            on_article(stats)
    return stats

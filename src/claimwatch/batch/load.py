"""``claimwatch load``: put a ``claimwatch spark`` output into a claim store, exactly as ingest would.

Articles go through ``ingest_flow.ingest_articles`` in input order, with the results Spark computed as the
pipeline (``SparkResults``), so duplicates (exact and near), sightings and idempotency are ingest's own: loading
the same output twice stores nothing the second time. Needs pyarrow, not pyspark.
"""
from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .. import PIPELINE_VERSION
from ..errors import InputError
from ..ingest_flow import IngestStats, ingest_articles
from ..schema import Article, ArticleOut
from ..store.base import Store
from . import layout

_COLUMNS = ["file_index", "record_index", "id", "title", "date", "outlet", "url", "origin", "text", "result"]
_BATCH_ROWS = 256


def article_count(output: Path) -> int:
    """Rows in ``articles/`` (from the Parquet footers; nothing is read)."""
    return layout.row_count(output, layout.ARTICLES)


def check_output(output: Path) -> dict:
    """The manifest of ``output`` if ``load`` can read it.

    Raises:
        InputError: not a complete claimwatch spark output, made by another pipeline version, or no pyarrow.
    """
    manifest = layout.read_manifest(output)
    if manifest.get("pipeline_version") != PIPELINE_VERSION:
        # Claim ids hash the pipeline version: rows from another version would not match re-extracted ones.
        raise InputError(f"{output}: extracted by pipeline version {manifest.get('pipeline_version')!r}, this "
                         f"claimwatch is {PIPELINE_VERSION!r}; rerun claimwatch spark")
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError("claimwatch load needs pyarrow: pip install 'claimwatch[spark]'") from None
    layout.dataset_files(output, layout.ARTICLES)
    return manifest


def read_output(output: Path) -> Iterator[tuple[Article, str]]:
    """``(Article, ArticleOut JSON)`` for every row of ``articles/``, in input order.

    Raises:
        InputError: see ``check_output``; or a damaged or out-of-order ``articles/``.
    """
    import pyarrow.parquet as pq

    check_output(output)
    last: Optional[tuple[int, int]] = None
    for path in layout.dataset_files(output, layout.ARTICLES):
        try:
            source = pq.ParquetFile(path)
            missing = [c for c in _COLUMNS if c not in source.schema_arrow.names]
            if missing:
                raise InputError(f"{path}: not a claimwatch articles file (no column {missing[0]!r})")
            batches = source.iter_batches(batch_size=_BATCH_ROWS, columns=_COLUMNS)
            for batch in batches:
                for row in batch.to_pylist():
                    key = (row["file_index"], row["record_index"])
                    if last is not None and key <= last:
                        raise InputError(f"{path}: articles are not in input order; rerun claimwatch spark")
                    last = key
                    article = Article(id=row["id"], text=row["text"], title=row["title"], date=row["date"],
                                      outlet=row["outlet"], url=row["url"], origin=row["origin"])
                    yield article, row["result"]
        except InputError:
            raise
        except Exception as exc:  # pyarrow's ArrowInvalid and friends on a damaged file
            raise InputError(f"{path}: unreadable Parquet: {exc}") from None


def load_output(
    store: Store,
    output: Path,
    *,
    near_dup_threshold: float = 0.8,
    on_article: Optional[Callable[[IngestStats], None]] = None,
) -> IngestStats:
    """Store every article of ``output`` with the claims Spark extracted for it; see the module docstring.

    ``near_dup_threshold`` as in ``claimwatch ingest`` (0 turns near-duplicate detection off).
    """
    from ..store.dedup import Deduper

    check_output(output)  # before anything is written
    results = SparkResults(output)
    dedup = Deduper(store, threshold=near_dup_threshold or 1.0, near=near_dup_threshold > 0)
    return ingest_articles(store, results.articles(), results, on_article=on_article, dedup=dedup)


class SparkResults:
    """The articles of a Spark output and, as the flow's pipeline, the results Spark extracted for them."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._read: deque[tuple[Article, str]] = deque()  # read but not yet extracted, in input order

    def articles(self) -> Iterator[Article]:
        for article, result in read_output(self.output):
            self._read.append((article, result))
            yield article

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        # The flow hands over the new articles in input order; whatever was read before one of them and not
        # handed over was a duplicate, whose result is dropped here.
        for article in articles:
            while self._read[0][0] is not article:
                self._read.popleft()
            yield ArticleOut.model_validate_json(self._read.popleft()[1])

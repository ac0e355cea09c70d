"""Throughput at scale for ``claimwatch bench``: worker scaling, ingest rates per store, dedup cost.

* ``workers``: full extraction through ``extract_articles_parallel`` with N processes (N from ``--workers 1,2``),
  each run in a fresh parent process. The first ``N * batch_size`` articles warm the pool (every worker loads its
  pipeline), then the clock runs over the rest, so the rate is steady-state articles/s, model loads excluded.
* ``ingest``: ``ingest_articles`` into an empty store, end to end (one worker: read, dedup, extract, store), and
  the store side alone: the same extraction results written again into a second empty store, with and without
  the near-duplicate detector (SQLite only: a database URL must point at one empty database). The difference
  between those two is the dedup cost per article; the store-only rate is what tells SQLite and PostgreSQL apart
  (extraction dominates end to end).

Every number is wall-clock on a shared machine: the report carries the machine description, quote it with them.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..schema import Article, ArticleOut
from .speed import _in_fresh_process

Say = Callable[[str], None]


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else 0.0


def _run_workers(model: Optional[str], articles: list[Article], workers: int, batch_size: int) -> dict:
    from ..pipeline import extract_articles_parallel

    warm = min(len(articles) - 1, workers * batch_size)
    if warm < 0:
        return {"workers": workers, "articles": 0, "wall_s": 0.0, "articles_per_s": 0.0}
    t0 = time.perf_counter()
    started: Optional[float] = None
    done = 0
    for i, _out in enumerate(extract_articles_parallel(articles, workers=workers, model=model, batch_size=batch_size)):
        if i + 1 == warm or (warm == 0 and i == 0):
            started = time.perf_counter()
            continue
        if started is not None:
            done += 1
    wall = time.perf_counter() - (started if started is not None else t0)
    return {"workers": workers, "articles": done, "wall_s": wall, "articles_per_s": _rate(done, wall),
            "warmup_articles": warm}


def bench_workers(articles: Sequence[Article], counts: Sequence[int], *, model: Optional[str] = None,
                  batch_size: int = 16, say: Optional[Say] = None) -> dict:
    """articles/s of full extraction with each worker count, and the speed-up over the first count."""
    say = say or (lambda _m: None)
    plain = [Article(id=a.id, text=a.text, date=a.date) for a in articles]
    runs = []
    for n in counts:
        say(f"bench: extraction with {n} worker(s)")
        r = _in_fresh_process(_run_workers, model, plain, n, batch_size)
        say(f"bench: {n} worker(s): {r['articles_per_s']:.2f} articles/s over {r['articles']} articles")
        runs.append(r)
    base = runs[0]["articles_per_s"] if runs else 0.0
    for r in runs:
        r["speedup"] = r["articles_per_s"] / base if base else 0.0
    return {"batch_size": batch_size, "runs": runs}


def _fresh_target(url: Optional[str], tmp: Path, name: str) -> str:
    """Where an ingest run writes: a new SQLite file, or the given database URL (which must hold no articles)."""
    if url is None or url == "sqlite":
        return str(tmp / f"{name}.db")
    return url


def _open_empty(target: str):
    from ..errors import ClaimwatchError
    from ..store import open_store

    store = open_store(target)
    if store.counts()["articles"]:
        store.close()
        raise ClaimwatchError(f"bench writes into {store.label}, which already holds articles; give an empty database")
    return store


def _write_results(target: str, pairs: list[tuple[Article, ArticleOut]], near: bool) -> dict:
    """Store already-extracted results into an empty store through ``ingest_articles``: the store's own cost."""
    from ..ingest_flow import ResultsById, ingest_articles
    from ..store.dedup import Deduper

    store = _open_empty(target)
    try:
        dedup = Deduper(store, near=near)
        t0 = time.perf_counter()
        stats = ingest_articles(store, [a for a, _ in pairs], ResultsById({a.id: r for a, r in pairs}), dedup=dedup)
        wall = time.perf_counter() - t0
    finally:
        store.close()
    return {"label": store.label, "stored": stats.stored, "claims": stats.claims, "wall_s": wall,
            "articles_per_s": _rate(len(pairs), wall)}


def _run_ingest(model: Optional[str], articles: list[Article], targets: list[Optional[str]], tmp: str,
                batch_size: int) -> dict:
    from ..ingest_flow import SpacyPipeline, ingest_articles
    from ..pipeline import extract_articles, load_nlp
    from ..store.dedup import Deduper

    nlp = load_nlp(model)
    list(extract_articles(nlp, articles[: min(10, len(articles))], batch_size=batch_size))  # warm-up, untimed
    out: dict = {"end_to_end": None, "store_only": []}
    # End to end, one worker, into a new SQLite file; the results are kept for the store-only runs.
    pairs: list[tuple[Article, ArticleOut]] = []
    by_id = {a.id: a for a in articles}

    class Recording(SpacyPipeline):
        def extract(self, arts):
            for result in super().extract(arts):
                pairs.append((by_id[result.id], result))
                yield result

    store = _open_empty(str(Path(tmp) / "e2e.db"))
    try:
        t0 = time.perf_counter()
        stats = ingest_articles(store, articles, Recording(nlp=nlp, batch_size=batch_size), dedup=Deduper(store))
        wall = time.perf_counter() - t0
    finally:
        store.close()
    out["end_to_end"] = {"target": "sqlite", "stored": stats.stored, "claims": stats.claims, "wall_s": wall,
                         "articles_per_s": _rate(len(articles), wall)}
    for k, url in enumerate(targets):
        sqlite = url in (None, "sqlite")
        with_dedup = _write_results(_fresh_target(url, Path(tmp), f"w{k}a"), pairs, near=True)
        label = "sqlite" if sqlite else with_dedup["label"]  # the store's own label: never the password
        row: dict = {"target": label, "with_dedup": with_dedup, "exact_only": None, "near_dedup_ms_per_article": None}
        if sqlite:  # a second empty database is only ours to make for SQLite: the dedup cost is measured there
            without = _write_results(_fresh_target(url, Path(tmp), f"w{k}b"), pairs, near=False)
            row["exact_only"] = without
            row["near_dedup_ms_per_article"] = (with_dedup["wall_s"] - without["wall_s"]) / max(1, len(pairs)) * 1000
        out["store_only"].append(row)
    return out


def bench_ingest(articles: Sequence[Article], targets: Sequence[Optional[str]], *, model: Optional[str] = None,
                 batch_size: int = 16, say: Optional[Say] = None) -> dict:
    """Ingest rates: end to end into SQLite, then the store side alone into each target (``None``: SQLite)."""
    say = say or (lambda _m: None)
    plain = [Article(id=a.id, text=a.text, title=a.title, date=a.date, outlet=a.outlet, url=a.url) for a in articles]
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        say(f"bench: ingest of {len(plain)} articles (end to end, then store-only into {len(targets)} store(s))")
        r = _in_fresh_process(_run_ingest, model, plain, list(targets), tmp, batch_size)
    e2e = r["end_to_end"]
    say(f"bench: ingest end to end: {e2e['articles_per_s']:.2f} articles/s")
    for s in r["store_only"]:
        cost = s["near_dedup_ms_per_article"]
        say(f"bench: store-only into {s['target']}: {s['with_dedup']['articles_per_s']:.1f} articles/s"
            + (f" (near-dup detection {cost:.1f} ms/article)" if cost is not None else ""))
    return r


def _run_spark(corpus: list[str], limit: Optional[int], model: Optional[str], master: str, tmp: str) -> dict:
    from ..batch.spark import SparkOptions, run_spark, spark_session

    t0 = time.perf_counter()
    spark, created = spark_session(master)
    start_s = time.perf_counter() - t0
    try:
        runs = []
        for k, path in enumerate(corpus):
            stats = run_spark(spark, path, Path(tmp) / f"out{k}", SparkOptions(model=model, limit=limit))
            runs.append((stats.articles, stats.claims, stats.seconds, stats.partitions))
    finally:
        if created:
            spark.stop()
    articles = sum(r[0] for r in runs)
    seconds = sum(r[2] for r in runs)
    return {"master": master, "partitions": runs[0][3] if runs else 0, "articles": articles,
            "claims": sum(r[1] for r in runs), "job_s": seconds, "session_start_s": start_s,
            "articles_per_s": _rate(articles, seconds)}


def bench_spark(corpus: Sequence[str], *, limit: Optional[int] = None, model: Optional[str] = None,
                master: str = "local[2]", say: Optional[Say] = None) -> dict:
    """``claimwatch spark`` articles/s on ``master``: the job alone (reading, extraction on every partition, the
    Parquet writes), the session start reported apart; run in a fresh process like the other sections."""
    say = say or (lambda _m: None)
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        say(f"bench: claimwatch spark on {master}")
        r = _in_fresh_process(_run_spark, [str(c) for c in corpus], limit, model, master, tmp)
    say(f"bench: spark {master}: {r['articles_per_s']:.2f} articles/s over {r['articles']} articles")
    return r

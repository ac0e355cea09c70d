"""Query latency on a claim store for ``claimwatch bench --queries-db``: claims search, disputes, check.

The store is a real one (``claimwatch ingest`` of the shared news samples, then ``claimwatch disputes`` to detect
disputes and cache embeddings). ``grow_store`` copies it and repeats its articles, claims, embeddings and disputes
under new ids until it holds the number of claims asked for, so a 100K-claim store keeps the real distribution of
speakers, actors, outlets, words and disputes without extracting 100K claims first. Repeated articles get a suffix
on their id and text hash; their text and offsets are unchanged.

Search values (words, speakers, actors, outlets, dates) are drawn from the store itself with a fixed seed, so each
kind of query hits real rows. Latencies are per call to the store (what the CLI and each API request do), after a
warm-up call of each kind; the web layer's own overhead is measured by ``scripts/bench_api.py``.
"""
from __future__ import annotations

import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..errors import ClaimwatchError

if TYPE_CHECKING:
    from ..store import Store

Say = Callable[[str], None]

# Tables copied per repetition, with the columns that hold claim or article ids (suffixed in the copy).
_COPIED = (
    ("articles", {"id", "text_hash"}),
    ("claims", {"id", "article_id"}),
    ("claim_keys", {"claim_id"}),
    ("claim_embeddings", {"claim_id"}),
    ("claim_propositions", {"claim_id", "proposition_id"}),
    ("disputes", {"id", "group_id", "left_claim_id", "right_claim_id"}),
)

CHECK_SENTENCES = (
    "Russia is pulling its troops back from Crimea",
    "Ukraine has recaptured the city",
    "The grain deal has collapsed",
    "Russia denied attacking civilians",
    "Ukrainian forces shelled the nuclear plant",
    "Sanctions are not hurting the Russian economy",
    "The West is sending more weapons to Kyiv",
    "Peace talks have failed",
    "More than 100,000 troops are massed at the border",
    "The referendum results were fake",
)


def grow_store(source: Path, target: Path, claims: int, say: Optional[Say] = None) -> dict[str, int]:
    """Copy the SQLite store ``source`` to ``target`` and repeat its rows until it holds at least ``claims``."""
    say = say or (lambda _m: None)
    if not source.is_file():
        raise ClaimwatchError(f"{source}: no such claim database")
    if target.exists():
        raise ClaimwatchError(f"{target}: already exists; bench grows a copy into a new file")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(f"file:{target}", uri=True)  # uri: the ATTACH below opens the source read-only
    with dst:
        src.backup(dst)
    src.close()
    base = dst.execute("SELECT count(*) FROM claims").fetchone()[0]
    if base == 0:
        dst.close()
        target.unlink()
        raise ClaimwatchError(f"{source}: holds no claims to repeat")
    copies = max(0, -(-claims // base) - 1)  # ceil(claims / base) - 1 extra copies
    # Copies are read from the untouched source, attached, so ids already holding a suffix never matter.
    dst.execute("ATTACH DATABASE ? AS src", [f"file:{source}?mode=ro"])
    for k in range(1, copies + 1):
        suffix = f"~{k}"
        with dst:
            for table, id_cols in _COPIED:
                cols = [r[1] for r in dst.execute(f"PRAGMA main.table_info({table})")]
                select = ", ".join(f"{c} || ?" if c in id_cols else c for c in cols)
                dst.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {select} FROM src.{table}",
                            [suffix] * sum(c in id_cols for c in cols))
        say(f"bench: grew the store to {base * (k + 1)} claims")
    dst.execute("DETACH DATABASE src")
    counts = {t: dst.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t, _ in _COPIED}
    dst.close()
    return counts


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": statistics.median(ms), "p95_ms": _pct(ms, 0.95), "max_ms": max(ms)}


def _samples(store: "Store", rng: random.Random, n: int) -> dict[str, list[Any]]:
    """Real values to search for, drawn from the store."""
    import sqlalchemy as sa

    def column(sql: str) -> list[Any]:  # read-only sampling queries, in SQL both engines take
        return [next(iter(r.values())) for r in store.rows(sa.text(sql))]

    words = [w for t in column("SELECT content_text FROM claims ORDER BY random() LIMIT 400")
             for w in t.split() if w.isalpha() and len(w) > 4]
    speakers = column("SELECT name FROM speaker_names WHERE length(name) > 3")
    actors = column("SELECT id FROM actors") + column("SELECT DISTINCT country FROM actors WHERE country IS NOT NULL")
    outlets = column("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")
    events = column("SELECT DISTINCT event_category FROM claims WHERE event_category IS NOT NULL")
    days = [d[:10] for d in column("SELECT DISTINCT date FROM articles WHERE date IS NOT NULL")]
    if not words:
        raise ClaimwatchError("the store holds no claim text to search for")

    def pick(values: list[Any]) -> list[Any]:
        return [rng.choice(values) for _ in range(n)] if values else []

    return {"words": pick(words), "words2": pick(words), "speakers": pick(speakers), "actors": pick(actors),
            "outlets": pick(outlets), "events": pick(events), "days": pick(sorted(days))}


def bench_queries(db: Path, *, repeat: int = 50, check: bool = True, seed: int = 7,
                  say: Optional[Say] = None) -> dict:
    """p50/p95/max latency of each query kind on the store at ``db`` (a page of 20 plus its total, as the API)."""
    from datetime import date, timedelta

    from ..store import ClaimQuery, DisputeQuery, open_store

    say = say or (lambda _m: None)
    rng = random.Random(seed)
    store = open_store(db, create=False)
    try:
        counts = store.counts()
        s = _samples(store, rng, repeat)

        def window(day: str) -> tuple[str, str]:
            d = date.fromisoformat(day)
            return day, (d + timedelta(days=30)).isoformat()

        kinds: dict[str, Callable[[int], Any]] = {
            "claims: one word": lambda i: ClaimQuery(text=s["words"][i], limit=20),
            "claims: two words": lambda i: ClaimQuery(text=f"{s['words'][i]} {s['words2'][i]}", limit=20),
            "claims: speaker": lambda i: ClaimQuery(speaker=s["speakers"][i], limit=20),
            "claims: actor": lambda i: ClaimQuery(actor=s["actors"][i], limit=20),
            "claims: event": lambda i: ClaimQuery(event=s["events"][i], limit=20),
            "claims: outlet + 30 days": lambda i: ClaimQuery(outlet=s["outlets"][i], since=window(s["days"][i])[0],
                                                             until=window(s["days"][i])[1], limit=20),
            "claims: no filter": lambda i: ClaimQuery(limit=20),
        }
        report: dict[str, Any] = {"store": str(db), "counts": counts, "repeat": repeat, "kinds": {}}
        for name, make in kinds.items():
            if not s["speakers"] and "speaker" in name or not s["events"] and "event" in name:
                continue
            ms = []
            for i in range(-1, repeat):  # i = -1: warm-up
                q = make(max(i, 0))
                t0 = time.perf_counter()
                store.query_claims(q)
                store.count_claims(q)
                if i >= 0:
                    ms.append((time.perf_counter() - t0) * 1000)
            report["kinds"][name] = _summary(ms)
            say(f"bench: {name}: p95 {report['kinds'][name]['p95_ms']:.0f} ms")
        disputes = {
            "disputes: best 20": lambda i: DisputeQuery(limit=20),
            "disputes: actor": lambda i: DisputeQuery(actor=s["actors"][i], limit=20),
            "disputes: 30 days, score >= 0.5": lambda i: DisputeQuery(since=window(s["days"][i])[0],
                                                                      until=window(s["days"][i])[1], min_score=0.5,
                                                                      limit=20),
        }
        for name, make in disputes.items():
            ms = []
            for i in range(-1, repeat):
                t0 = time.perf_counter()
                store.query_disputes(make(max(i, 0)))
                if i >= 0:
                    ms.append((time.perf_counter() - t0) * 1000)
            report["kinds"][name] = _summary(ms)
            say(f"bench: {name}: p95 {report['kinds'][name]['p95_ms']:.0f} ms")
        if check:
            report["check"] = _bench_check(store, say, repeat)
    finally:
        store.close()
    return report


def _bench_check(store: "Store", say: Say, repeat: int = 50) -> dict:
    from ..disputes.check import Checker
    from ..pipeline import load_nlp

    t0 = time.perf_counter()
    checker = Checker(store, nlp=load_nlp())
    checker.check(CHECK_SENTENCES[0])
    cold = time.perf_counter() - t0
    say(f"bench: check, cold (load pipeline, MiniLM, stance model, embedding matrix): {cold:.1f} s")
    # One untimed pass first: torch builds its kernels per input shape on first sight (a first check of a new
    # length can take 3x longer); nothing else is cached between checks, so the timed passes redo all the work.
    for sentence in CHECK_SENTENCES:
        checker.check(sentence)
    ms = []
    for k in range(repeat):
        sentence = CHECK_SENTENCES[k % len(CHECK_SENTENCES)]
        t0 = time.perf_counter()
        checker.check(sentence)
        ms.append((time.perf_counter() - t0) * 1000)
    warm = _summary(ms)
    say(f"bench: check, warm: p95 {warm['p95_ms']:.0f} ms")
    return {"cold_s": cold, "warm": warm, "claims_searched": len(checker.matrix()[0])}


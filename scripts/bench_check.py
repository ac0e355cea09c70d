#!/usr/bin/env python
"""Latency of `check` (supporting / contradicting claims for a sentence) on a large synthetic store.

    .venv/bin/python scripts/bench_check.py [--claims 100000] [--db PATH] [--repeat 20]

1. Builds (or reuses, with --db) the synthetic store of scripts/bench_api.py (generated sentences, no NLP), then
   gives every claim a random unit vector in claim_embeddings under the MiniLM name: the matrix work of a check is
   the same as with real vectors, and embedding 100K sentences would take ~6 minutes of CPU first. The real
   embedding cost per claim is measured separately (--embed N sentences).
2. Cold: a fresh Checker (loads the spaCy pipeline and the MiniLM model, reads the embedding matrix), one check.
3. Warm: --repeat checks of different sentences with the same Checker (what the web server or a session does).
Prints one JSON report on stdout; progress on stderr. Numbers depend on the machine: state it when you quote them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SENTENCES = [
    "Russia is pulling its troops back from Crimea", "The port blockade has been lifted", "Talks on a ceasefire failed",
    "Sanctions on grain exports were eased", "More than 100,000 troops are massed at the border",
    "The minister denied that taxes will rise", "Drone attacks hit the pipeline", "Refugees crossed the border",
    # reported statements: check reads them through attribution first (docs/DISPUTES.md#check)
    "The Kremlin said in June that grain ships would first be inspected by the Russian military",
    "Swedish prosecutors said that detonations had badly damaged both pipelines",
    # a charged act by a named agent: check also searches the accused side's answers by name (disputes/rebuttal.py)
    "Russian troops shelled the hospital in Kherson in March",
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fill_vectors(path: Path, dim: int = 384, seed: int = 3) -> None:
    import numpy as np

    from claimwatch.disputes.embeddings import MINILM
    from claimwatch.store.sqlite import SqliteStore

    rng = np.random.default_rng(seed)
    with SqliteStore(path) as store:
        missing = store.claims_without_embedding(MINILM)
        for k in range(0, len(missing), 20000):
            part = [cid for cid, _ in missing[k : k + 20000]]
            v = rng.standard_normal((len(part), dim)).astype("float32")
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            store.put_embeddings(MINILM, part, v)
        log(f"vectors: {len(missing)} added")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--embed", type=int, default=512, help="sentences for the embedding-throughput measurement")
    args = ap.parse_args()
    from bench_api import build_store

    db = args.db or Path(tempfile.mkdtemp()) / "check.db"
    if not db.exists():
        build_store(db, args.claims)
    fill_vectors(db)

    from claimwatch.disputes.check import Checker
    from claimwatch.disputes.embeddings import get_embedder
    from claimwatch.store.sqlite import SqliteStore

    report: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
                    "torch_threads": os.environ.get("CLAIMWATCH_TORCH_THREADS", "1")}
    with SqliteStore(db) as store:
        report["claims"] = store.counts()["claims"]
        t0 = time.perf_counter()
        checker = Checker(store)
        t = time.perf_counter()
        checker.terms()  # the term counts of the support head (disputes/terms.py), built once per checker
        report["term_index_s"] = round(time.perf_counter() - t, 3)
        first = checker.check(SENTENCES[0])
        report["cold_s"] = round(time.perf_counter() - t0, 3)
        report["cold_check_s"] = first.seconds  # the check call itself (includes reading the matrix once)
        times = []
        for k in range(args.repeat):
            t = time.perf_counter()
            checker.check(SENTENCES[k % len(SENTENCES)])
            times.append(time.perf_counter() - t)
        times.sort()
        report["warm"] = {"n": len(times), "p50_s": round(statistics.median(times), 4),
                          "p95_s": round(times[min(len(times) - 1, int(0.95 * (len(times) - 1) + 0.5))], 4),
                          "max_s": round(times[-1], 4)}
        t = time.perf_counter()
        store.embedding_matrix(get_embedder().name)
        report["read_matrix_s"] = round(time.perf_counter() - t, 3)
    emb = get_embedder()
    texts = [SENTENCES[k % len(SENTENCES)] + f" number {k}" for k in range(args.embed)]
    t = time.perf_counter()
    emb.encode(texts)
    report["embed_sentences_per_s"] = round(args.embed / (time.perf_counter() - t), 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

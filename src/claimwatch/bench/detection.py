"""Dispute detection time for ``claimwatch bench --disputes-db``: every claim of a real store detected as new.

The store is copied and its detection state (propositions, disputes, and unless ``keep_vectors`` the cached
embeddings) is removed, so ``detect_disputes`` meets every claim as freshly ingested: embed, load, profile, group
into propositions, compare candidate pairs, save. The stage times come from ``DetectionStats.seconds``.

Then a new ``Checker`` opens the detected copy and checks one sentence, as the first check after a server start
does: it must find every vector stored and encode only the sentence (``encoded_on_first_check`` counts the texts
the embedder was given).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from ..errors import ClaimwatchError

Say = Callable[[str], None]
FIRST_CHECK = "Russia is pulling its troops back from Crimea"


class _CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to encode."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim, self.encoded = inner, inner.name, inner.dim, 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.inner.encode(texts)


def _reset(db: Path, keep_vectors: bool) -> int:
    con = sqlite3.connect(db)
    try:
        for table in ("disputes", "claim_propositions") + (() if keep_vectors else ("claim_embeddings",)):
            con.execute(f"DELETE FROM {table}")
        con.commit()
        return int(con.execute("SELECT count(*) FROM claims").fetchone()[0])
    finally:
        con.close()


def bench_detection(source: Path, *, embedder_name: str = "auto", keep_vectors: bool = False, model: Optional[str] = None,
                    say: Optional[Say] = None) -> dict:
    """Detect disputes over every claim of a copy of ``source``; then time a first check on it."""
    from ..disputes.check import Checker
    from ..disputes.detect import detect_disputes
    from ..disputes.embeddings import get_embedder
    from ..pipeline import load_nlp
    from ..store import open_store

    say = say or (lambda _m: None)
    if not source.is_file():
        raise ClaimwatchError(f"{source}: no such claim database")
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        db = Path(tmp) / "detect.db"
        shutil.copyfile(source, db)
        claims = _reset(db, keep_vectors)
        embedder = get_embedder(embedder_name)
        say(f"bench: detecting disputes over {claims} claims as new ({embedder.name}"
            f"{', vectors kept' if keep_vectors else ''})")
        t0 = time.perf_counter()
        with open_store(db, create=False) as store:
            stats = detect_disputes(store, embedder=embedder, rebuild=False, progress=say)
        total = time.perf_counter() - t0
        say(f"bench: detection took {total:.1f} s")
        counting = _CountingEmbedder(embedder)
        nlp = load_nlp(model)
        with open_store(db, create=False) as store:
            t1 = time.perf_counter()
            checker = Checker(store, nlp=nlp, embedder=counting)
            checker.check(FIRST_CHECK)
            first = time.perf_counter() - t1
        return {
            "store": str(source), "claims": claims, "embedder": embedder.name, "vectors_kept": keep_vectors,
            "cpus": os.cpu_count(), "seconds": round(total, 1), "stages": stats.seconds,
            "embedded": stats.embedded, "candidate_pairs": stats.candidate_pairs, "disputes": stats.disputes,
            "propositions": stats.propositions, "first_check_s": round(first, 2),
            "encoded_on_first_check": counting.encoded,
        }

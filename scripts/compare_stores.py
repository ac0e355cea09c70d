#!/usr/bin/env python
"""Compare claim stores (SQLite paths or postgresql:// URLs): row counts and fingerprints of their contents.

    .venv/bin/python scripts/compare_stores.py A.db postgresql://user@host/db B.db ...

Read through the store API (the same on both engines): every article (metadata, text, claims in order),
every claim as the JSON `claimwatch claims --format json` prints, every actor with its counts, and the number of
sightings. Ingest times are left out. Two stores built from the same input by different routes (an uninterrupted
ingest, a killed and re-run one, an ingest into PostgreSQL, a Spark run loaded with `claimwatch load`) must print
the same fingerprints. Exit 1 when they differ, 2 when a store cannot be read.
"""
from __future__ import annotations

import hashlib
import sys


def fingerprint(target: str) -> dict[str, object]:
    from claimwatch.store import ClaimQuery, open_store

    with open_store(target, create=False) as store:
        counts = store.counts()
        claims = sorted(store.query_claims(ClaimQuery(limit=None)), key=lambda c: c.id)
        articles = sorted(store.list_articles(limit=None), key=lambda a: a.id)
        texts = hashlib.sha256()
        for a in articles:
            texts.update((store.article_text(a.id) or "").encode())
        actors = sorted(store.top_actors(limit=None), key=lambda a: a.id)
        sightings = sum(store.sightings_counts([a.id for a in articles]).values()) if articles else 0

    def digest(items: list) -> str:
        h = hashlib.sha256()
        for item in items:
            h.update(item.encode())
        return h.hexdigest()[:16]

    return {
        "articles": counts["articles"], "claims": counts["claims"], "actors": len(actors), "sightings": sightings,
        "claims#": digest([c.model_dump_json() for c in claims]),
        "articles#": digest([a.model_dump_json(exclude={"ingested_at"}) for a in articles]) + texts.hexdigest()[:8],
        "actors#": digest([a.model_dump_json() for a in actors]),
    }


def main(targets: list[str]) -> int:
    if not targets:
        print(__doc__, file=sys.stderr)
        return 2
    from claimwatch.errors import ClaimwatchError

    prints = []
    for target in targets:
        try:
            fp = fingerprint(target)
        except ClaimwatchError as exc:
            print(f"{target}: {exc}", file=sys.stderr)
            return 2
        prints.append(fp)
        print(f"{target}: " + " ".join(f"{k}={v}" for k, v in fp.items()))
    same = all(p == prints[0] for p in prints)
    print("same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

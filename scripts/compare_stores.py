#!/usr/bin/env python
"""Compare claim stores: row counts and a fingerprint of every claim and article row (ingest times excluded).

    .venv/bin/python scripts/compare_stores.py A.db B.db [...]

Two stores built from the same input by different routes (an uninterrupted ingest, a killed and re-run one, a
Spark run loaded with `claimwatch load`) must print the same line. Exit 1 when they differ.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys

TABLES = ("articles", "claims", "actors", "sightings", "claim_keys", "article_minhash")


def fingerprint(path: str) -> tuple[dict[str, int], str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    claims = hashlib.sha256()
    cols = [r[1] for r in conn.execute("PRAGMA table_info(claims)")]
    for row in conn.execute(f"SELECT {', '.join(cols)} FROM claims ORDER BY id"):
        claims.update(repr(row).encode())
    articles = hashlib.sha256()
    for row in conn.execute("SELECT id, text_hash, title, date, outlet, url, text FROM articles ORDER BY id"):
        articles.update(repr(row).encode())
    conn.close()
    return counts, claims.hexdigest()[:16], articles.hexdigest()[:16]


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    prints = []
    for path in paths:
        try:
            fp = fingerprint(path)
        except sqlite3.Error as exc:
            print(f"{path}: cannot read as a claim store: {exc}", file=sys.stderr)
            return 2
        prints.append(fp[0:3])
        counts, claims, articles = fp
        print(f"{path}: {' '.join(f'{k}={v}' for k, v in counts.items())} claims#{claims} articles#{articles}")
    same = all(p == prints[0] for p in prints)
    print("same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

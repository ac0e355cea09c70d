"""Write tests/fixtures/legacy_store_v10.sql: a claim store as the ten home-made SQLite migrations built it.

Run it with a claimwatch whose store still has ``store/migrations.py`` (the release at commit 88c627b) first on
the path, from the repository root:

    git worktree add /tmp/cw-88c627b 88c627b
    PYTHONPATH=/tmp/cw-88c627b/src:tests python scripts/legacy_store_sql.py > tests/fixtures/legacy_store_v10.sql

The store holds the test texts of tests/store_fixtures.py, two claim embeddings and one
dispute. The SQL is the schema as that release created it (sqlite_master, in creation order, FTS5 shadow tables
left to the virtual table) followed by the rows, so replaying it builds the same file layout.
"""
from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

import numpy as np

from claimwatch.schema import Article, ArticleOut
from claimwatch.store.sqlite import SqliteStore
from store_fixtures import ACTOR_CLAIMS, ACTOR_TEXT, populate

# Rows are written in this order (foreign keys first); the FTS index is filled by the claims triggers.
TABLES = ("migrations", "alembic_version", "articles", "claims", "actors", "claim_keys", "speaker_names",
          "claim_embeddings", "claim_propositions", "disputes", "sightings", "article_minhash")
FIXED_TIME = "2024-06-01T00:00:00+00:00"


def build(path: Path) -> None:
    with SqliteStore(path) as store:
        populate(store)
        store.add_article(Article(id="a4", text=ACTOR_TEXT, date="2022-02-17", outlet="TASS"),
                          ArticleOut(id="a4", date="2022-02-17",
                                     claims=[c.model_copy(update={"id": "actor-" + c.id}) for c in ACTOR_CLAIMS]))
        vectors = np.array([[0.6, 0.8], [0.8, -0.6]], dtype=np.float32)
        store.put_embeddings("lexical-hash-v1", ["c1", "c2"], vectors)
        store.save_detection(
            [("c1", "p000000000000001", "asserts", 1.0, 1), ("c2", "p000000000000001", "denies", 0.9, 0)],
            [{"id": "d000000000000001", "group_id": "g1", "left_claim_id": "c1", "right_claim_id": "c2",
              "reason": "denial", "reasons": '["denial"]', "explanation": "denial: denied", "score": 0.8,
              "relatedness": 0.9, "first_seen": "2024-03-05", "last_seen": "2024-03-05", "details": "{}"}])


def sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def dump(path: Path) -> str:
    con = sqlite3.connect(path)
    out = ["-- A claim store written by claimwatch at commit 88c627b (scripts/legacy_store_sql.py).", "BEGIN;"]
    shadow = {f"claims_fts_{s}" for s in ("data", "idx", "docsize", "config", "content")}
    for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY rowid"):
        if sql is None or name.startswith("sqlite_") or name in shadow:
            continue
        out.append(sql + ";")
    for table in TABLES:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        for row in con.execute(f"SELECT * FROM {table} ORDER BY rowid" if table not in (
                "claim_keys", "speaker_names", "claim_embeddings", "claim_propositions", "sightings",
                "article_minhash") else f"SELECT * FROM {table}"):
            values = [FIXED_TIME if c in ("applied_at", "ingested_at", "detected_at", "seen_at") else v
                      for c, v in zip(cols, row)]
            out.append(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(map(sql_literal, values))});")
    version = con.execute("PRAGMA user_version").fetchone()[0]
    out += [f"PRAGMA user_version = {version};", "COMMIT;"]
    con.close()
    return "\n".join(out) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "legacy.db"
        build(path)
        sys.stdout.write(dump(path))


if __name__ == "__main__":
    main()

"""The home-made schema migrations SQLite files were built with before the store came under Alembic.

Only files that have their ``migrations`` table run them, once: a file that stopped before ``0010_sightings`` is
brought to it (the state Alembic's ``0001_baseline`` stands for), then stamped; new files are created from
``tables.metadata`` and never run them (docs/STORE.md, "Migrations"). Applying one runs it and records
``(version, name, applied_at)`` in the ``migrations`` table inside one ``BEGIN IMMEDIATE`` transaction, so a
failing migration leaves no trace and two processes opening the same file cannot both apply it. A file whose
``migrations`` table names a migration this version does not know was written by a newer claimwatch: it is
refused with a StoreError rather than guessed at. Frozen: schema changes go in Alembic revisions.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator, Optional

from sqlite_utils import Database

from ..errors import StoreError
from .base import search_key

MIGRATIONS_TABLE = "migrations"

FTS_COLUMNS = ("content_text", "speaker_text", "resolved_speaker")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    fn: Callable[[Database], None]


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    applied_at: str


class Migrations:
    """An ordered, named list of migrations (cf. ``sqlite_utils.migrations``)."""

    def __init__(self) -> None:
        self._items: list[Migration] = []

    def __call__(self, name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
        """Decorator: register ``fn`` as the next migration, called ``name``."""

        def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
            if any(m.name == name for m in self._items):
                raise ValueError(f"migration {name!r} is registered twice")
            self._items.append(Migration(len(self._items) + 1, name, fn))
            return fn

        return register

    @property
    def all(self) -> list[Migration]:
        return list(self._items)

    @property
    def latest_version(self) -> int:
        return len(self._items)

    def applied(self, db: Database) -> list[AppliedMigration]:
        if not db[MIGRATIONS_TABLE].exists():
            return []
        rows = db.execute(f"SELECT version, name, applied_at FROM {MIGRATIONS_TABLE} ORDER BY version").fetchall()
        return [AppliedMigration(int(v), n, a) for v, n, a in rows]

    def check(self, db: Database, label: str) -> None:
        """Refuse a database written by a newer (or foreign) claimwatch schema."""
        applied = self.applied(db)
        known = {m.version: m.name for m in self._items}
        unknown = [a for a in applied if known.get(a.version) != a.name]
        if unknown:
            newest = max(a.version for a in applied)
            names = ", ".join(a.name for a in unknown)
            raise StoreError(
                f"{label}: database schema version {newest} is newer than this claimwatch supports "
                f"(up to {self.latest_version}; unknown migrations: {names}); upgrade claimwatch to open it"
            )

    def pending(self, db: Database) -> list[Migration]:
        done = {a.name for a in self.applied(db)}
        return [m for m in self._items if m.name not in done]

    def apply(self, db: Database, label: str = "database") -> list[str]:
        """Apply pending migrations in order, one transaction each; return the names applied."""
        self.check(db, label)
        if not self.pending(db):
            return []
        with immediate_transaction(db):
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
            )
        done: list[str] = []
        for migration in self._items:
            with immediate_transaction(db):
                # Re-read inside the write lock: another process may have applied it meanwhile.
                if migration.name in {a.name for a in self.applied(db)}:
                    continue
                migration.fn(db)
                db.execute(
                    f"INSERT INTO {MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                    [migration.version, migration.name, _now()],
                )
                db.execute(f"PRAGMA user_version = {int(migration.version)}")
            done.append(migration.name)
        self.check(db, label)
        return done


@contextlib.contextmanager
def immediate_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (nests as a savepoint)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


MIGRATIONS = Migrations()


@MIGRATIONS("0001_articles_claims")
def _articles_claims(db: Database) -> None:
    db["articles"].create(
        {
            "id": str,
            "text_hash": str,
            "title": str,
            "date": str,
            "outlet": str,
            "url": str,
            "text": str,
            "ingested_at": str,
            "pipeline_version": str,
        },
        pk="id",
        not_null={"text_hash", "text", "ingested_at", "pipeline_version"},
    )
    db.execute("CREATE UNIQUE INDEX idx_articles_text_hash ON articles(text_hash)")
    db["claims"].create(
        {
            "id": str,
            "article_id": str,
            "seq": int,
            "speaker_text": str,
            "speaker_start": int,
            "speaker_end": int,
            "resolved_speaker": str,
            "speaker_role": str,
            "cue_text": str,
            "cue_start": int,
            "cue_end": int,
            "cue_class": str,
            "content_text": str,
            "content_start": int,
            "content_end": int,
            "content_spans": str,  # JSON list of spans, NULL when the content is one span
            "kind": str,
            "polarity": str,
            "hedged": int,
            "hedges": str,  # JSON list of strings
            "addressee": str,  # JSON span or NULL
            "relay": str,  # JSON list of spans
        },
        pk="id",
        not_null={"article_id", "seq", "content_text", "content_start", "content_end", "kind", "polarity",
                  "hedged", "hedges", "relay"},
        foreign_keys=[("article_id", "articles", "id")],
    )


@MIGRATIONS("0002_indexes")
def _indexes(db: Database) -> None:
    db.execute("CREATE INDEX idx_claims_article_id ON claims(article_id, seq)")
    db.execute("CREATE INDEX idx_claims_resolved_speaker ON claims(resolved_speaker)")
    db.execute("CREATE INDEX idx_articles_date ON articles(date)")
    # NOCASE: the outlet filter is case-insensitive and should still use the index.
    db.execute("CREATE INDEX idx_articles_outlet ON articles(outlet COLLATE NOCASE)")


@MIGRATIONS("0003_claims_fts")
def _claims_fts(db: Database) -> None:
    # External-content FTS5 table over claims, kept in sync by sqlite-utils' insert/update/delete triggers.
    db["claims"].enable_fts(list(FTS_COLUMNS), fts_version="FTS5", create_triggers=True,
                            tokenize="unicode61 remove_diacritics 2")


@MIGRATIONS("0004_actors_places")
def _actors_places(db: Database) -> None:
    # Canonical actors (upserted on ingest) and each claim's actors and places; nested parts as JSON.
    # speaker_actor_id is its own column so `claims --actor` and `claimwatch actors` can use an index.
    db["actors"].create(
        {"id": str, "name": str, "type": str, "country": str, "sector": str},
        pk="id",
        not_null={"name", "type"},
    )
    for column in ("speaker_actor_id", "speaker_actor", "actors", "places"):
        db["claims"].add_column(column, str)
    db.execute("CREATE INDEX idx_claims_speaker_actor_id ON claims(speaker_actor_id)")
    db.execute("CREATE INDEX idx_actors_country ON actors(country)")


@MIGRATIONS("0005_events_dates_quantities")
def _events_dates_quantities(db: Database) -> None:
    # The PLOVER category gets its own column so `claims --event RETREAT` can use an index; the rest of the
    # event (cameo, mode, source, target, negated), the dates and the quantities are JSON.
    db["claims"].add_column("event_category", str)
    for column in ("event", "dates", "quantities"):
        db["claims"].add_column(column, str)
    db.execute("CREATE INDEX idx_claims_event_category ON claims(event_category)")


# Search keys (base.search_key) of each claim's speaker and speaker actor, kept beside the claims table so the
# claims table itself (and the CSV export of its columns) does not change. Written by SqliteStore.add_article.
CLAIM_KEYS_COLUMNS = ("claim_id", "speaker_key", "resolved_key", "actor_key", "actor_country", "actor_name_key")


def claim_keys_row(claim_id: str, speaker_text: Optional[str], resolved_speaker: Optional[str],
                   speaker_actor_id: Optional[str], speaker_actor: Optional[dict]) -> tuple:
    """One ``claim_keys`` row (in CLAIM_KEYS_COLUMNS order) from a claim's speaker parts."""
    actor = speaker_actor or {}
    return (
        claim_id,
        search_key(speaker_text),
        search_key(resolved_speaker),
        speaker_actor_id.casefold() if speaker_actor_id is not None else None,
        actor.get("country"),
        search_key(actor.get("name")),
    )


def insert_claim_keys(db: Database, rows: list[tuple]) -> None:
    """Insert ``claim_keys`` rows and add their names to ``speaker_names``."""
    if not rows:
        return
    cols = ", ".join(CLAIM_KEYS_COLUMNS)
    db.conn.executemany(f"INSERT INTO claim_keys ({cols}) VALUES ({', '.join('?' * len(CLAIM_KEYS_COLUMNS))})",
                        rows)
    names = {n for r in rows for n in (r[1], r[2], r[5]) if n}
    db.conn.executemany("INSERT OR IGNORE INTO speaker_names (name) VALUES (?)", [(n,) for n in sorted(names)])


@MIGRATIONS("0006_claim_keys")
def _claim_keys(db: Database) -> None:
    # Speaker and actor filters read indexed keys instead of case-folding every claim's JSON in Python (a full
    # scan, twice per API page):
    #   claim_keys     one row per claim: search keys of speaker_text, resolved_speaker, the speaker actor's name,
    #                  the case-folded speaker actor id and the actor's country; each indexed.
    #   speaker_names  every distinct key in claim_keys' three name columns. A substring search scans this
    #                  (far fewer rows than claims: names repeat), then finds the claims through the indexes.
    db.execute(
        "CREATE TABLE claim_keys ("
        " claim_id TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,"
        " speaker_key TEXT, resolved_key TEXT, actor_key TEXT, actor_country TEXT, actor_name_key TEXT"
        ") WITHOUT ROWID"
    )
    db.execute("CREATE TABLE speaker_names (name TEXT PRIMARY KEY) WITHOUT ROWID")
    # Backfill the claims already stored.
    cur = db.conn.execute("SELECT id, speaker_text, resolved_speaker, speaker_actor_id, speaker_actor FROM claims")
    while True:
        batch = cur.fetchmany(5000)
        if not batch:
            break
        insert_claim_keys(db, [claim_keys_row(cid, st, rs, aid, json.loads(actor) if actor else None)
                               for cid, st, rs, aid, actor in batch])
    for column in ("speaker_key", "resolved_key", "actor_key", "actor_country", "actor_name_key"):
        db.execute(f"CREATE INDEX idx_claim_keys_{column} ON claim_keys({column})")


@MIGRATIONS("0007_claim_embeddings")
def _claim_embeddings(db: Database) -> None:
    # Sentence embeddings of claim contents (disputes/embeddings.py), computed lazily and kept per embedder name,
    # so `claimwatch check` and dispute detection never embed a stored claim twice. vector: float32, little-endian.
    db.execute(
        "CREATE TABLE claim_embeddings ("
        " claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,"
        " model TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,"
        " PRIMARY KEY (claim_id, model)"
        ") WITHOUT ROWID"
    )


@MIGRATIONS("0008_disputes")
def _disputes(db: Database) -> None:
    # claim_propositions: each scanned claim's proposition and its stance toward it (asserts/denies/doubts); a
    #   claim without a row here has not been through dispute detection yet (disputes/detect.py).
    # disputes: pairs of conflicting claims (left = the earlier), with reasons, score and first/last day seen;
    #   group_id joins the pairs between the same two propositions, so lists can show one row per conflict.
    db.execute(
        "CREATE TABLE claim_propositions ("
        " claim_id TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,"
        " proposition_id TEXT NOT NULL, stance TEXT NOT NULL, relatedness REAL, is_anchor INTEGER NOT NULL DEFAULT 0"
        ") WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_claim_propositions_prop ON claim_propositions(proposition_id)")
    db.execute(
        "CREATE TABLE disputes ("
        " id TEXT PRIMARY KEY,"
        " group_id TEXT NOT NULL,"
        " left_claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,"
        " right_claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,"
        " reason TEXT NOT NULL, reasons TEXT NOT NULL, explanation TEXT, score REAL NOT NULL,"
        " relatedness REAL, first_seen TEXT, last_seen TEXT, details TEXT, detected_at TEXT NOT NULL"
        ")"
    )
    db.execute("CREATE INDEX idx_disputes_left ON disputes(left_claim_id)")
    db.execute("CREATE INDEX idx_disputes_right ON disputes(right_claim_id)")
    db.execute("CREATE INDEX idx_disputes_group ON disputes(group_id, score)")
    db.execute("CREATE INDEX idx_disputes_score ON disputes(score)")
    db.execute("CREATE INDEX idx_disputes_first_seen ON disputes(first_seen)")


@MIGRATIONS("0009_articles_order")
def _articles_order(db: Database) -> None:
    # The claim listing's order (newest article first, undated last, then article id): with this index a page of
    # an unfiltered or date/outlet-filtered search walks the articles in order instead of sorting every claim.
    db.execute("CREATE INDEX idx_articles_order ON articles(date IS NULL, date DESC, id)")


@MIGRATIONS("0010_sightings")
def _sightings(db: Database) -> None:
    # sightings: every place an article's story was seen: the stored copy itself ('original'), the same
    #   text again from another outlet or URL ('exact') and wire copies with small edits ('near', MinHash/LSH).
    #   source_key hashes the sighting's (id, outlet, url), so re-ingesting the same input adds no row.
    # article_minhash: each stored article's MinHash signature (uint64, little-endian), so the LSH index of
    #   near-duplicate detection is rebuilt from the store on the next run (store/dedup.py).
    db.execute(
        "CREATE TABLE sightings ("
        " article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " source_key TEXT NOT NULL, source_id TEXT, outlet TEXT, url TEXT, date TEXT,"
        " kind TEXT NOT NULL, similarity REAL, seen_at TEXT NOT NULL,"
        " PRIMARY KEY (article_id, source_key)"
        ") WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_sightings_outlet ON sightings(outlet)")
    db.execute(
        "CREATE TABLE article_minhash ("
        " article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
        " num_perm INTEGER NOT NULL, signature BLOB NOT NULL"
        ") WITHOUT ROWID"
    )
    from .dedup import sighting_key  # the key function is shared with ingest; imported here to avoid a cycle

    now = _now()
    rows = db.execute("SELECT id, outlet, url, date FROM articles").fetchall()
    db.conn.executemany(
        "INSERT OR IGNORE INTO sightings (article_id, source_key, source_id, outlet, url, date, kind, similarity,"
        " seen_at) VALUES (?, ?, ?, ?, ?, ?, 'original', 1.0, ?)",
        [(aid, sighting_key(aid, outlet, url), aid, outlet, url, day, now) for aid, outlet, url, day in rows],
    )

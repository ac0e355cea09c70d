"""Versioned schema migrations for the SQLite store.

Each migration has a name and a place in an ordered list; applying one runs it and records
``(version, name, applied_at)`` in the ``migrations`` table inside one ``BEGIN IMMEDIATE`` transaction, so
a failing migration leaves no trace and two processes opening the same new database cannot both apply it.
Opening a database applies the pending ones. A database whose ``migrations`` table names a migration this
version does not know was written by a newer claimwatch: it is refused with a StoreError rather than
guessed at. Never edit or reorder a released migration; append a new one.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator

from sqlite_utils import Database

from ..errors import StoreError

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

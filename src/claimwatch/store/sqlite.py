"""The claim store in a SQLite file (or ``":memory:"``): WAL journaling, FTS5 over claim content.

``SqliteStore`` opens the file, refuses what is not a claimwatch database and brings the schema up to date; the
queries are ``SqlStore``'s. What is SQLite's own: the FTS5 table ``claims_fts`` (search and bm25 rank), JSON
columns as text, ``COLLATE NOCASE`` for outlets, the ``rowid`` storing order, and ``BEGIN IMMEDIATE`` for writes
(writers wait up to ``BUSY_TIMEOUT_MS`` for each other; readers never wait).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Optional, Union

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool, StaticPool
from sqlalchemy.sql.selectable import Join
from sqlite_utils import Database

from ..errors import ClaimwatchError, StoreError
from . import versioning
from .migrations import MIGRATIONS, AppliedMigration
from .base import MEMORY
from .sqlstore import SqlStore, _a, _c

BUSY_TIMEOUT_MS = 10_000

# One engine per file (and thread setting): its compiled-statement cache then outlives each store, which the web
# app opens per request. NullPool: every store gets a new connection, so a replaced file is seen at once.
_engines: dict[tuple[str, bool], Engine] = {}
_lock = threading.Lock()

_fts = sa.table("claims_fts", sa.column("rowid"), sa.column("rank"))
# The search index over claims: an external-content FTS5 table (verite finds vérité) kept in step by triggers.
FTS_SCHEMA = (
    """CREATE VIRTUAL TABLE "claims_fts" USING FTS5 (
    "content_text", "speaker_text", "resolved_speaker",
    tokenize='unicode61 remove_diacritics 2',
    content="claims"
)""",
    """CREATE TRIGGER "claims_ai" AFTER INSERT ON "claims" BEGIN
  INSERT INTO "claims_fts" (rowid, "content_text", "speaker_text", "resolved_speaker") VALUES (new.rowid, new."content_text", new."speaker_text", new."resolved_speaker");
END""",
    """CREATE TRIGGER "claims_ad" AFTER DELETE ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "content_text", "speaker_text", "resolved_speaker") VALUES('delete', old.rowid, old."content_text", old."speaker_text", old."resolved_speaker");
END""",
    """CREATE TRIGGER "claims_au" AFTER UPDATE ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "content_text", "speaker_text", "resolved_speaker") VALUES('delete', old.rowid, old."content_text", old."speaker_text", old."resolved_speaker");
  INSERT INTO "claims_fts" (rowid, "content_text", "speaker_text", "resolved_speaker") VALUES (new.rowid, new."content_text", new."speaker_text", new."resolved_speaker");
END""",
)


def _casefold(value: Optional[str]) -> Optional[str]:
    return value.casefold() if isinstance(value, str) else None


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    dbapi_conn.execute("PRAGMA foreign_keys = ON")
    dbapi_conn.create_function("cw_casefold", 1, _casefold, deterministic=True)


def _on_begin(conn: Connection) -> None:
    # The sqlite3 module runs in autocommit mode (isolation_level=None), so transactions begin here: a write
    # transaction takes the write lock at once (BEGIN IMMEDIATE) rather than at its first write; a read is its
    # statements, each its own implicit transaction.
    if conn.info.pop("write", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _engine(path: str, check_same_thread: bool) -> Engine:
    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, check_same_thread=check_same_thread, isolation_level=None)

    memory = path == MEMORY
    engine = sa.create_engine("sqlite://", creator=connect, poolclass=StaticPool if memory else NullPool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def engine_for(path: str, check_same_thread: bool) -> Engine:
    if path == MEMORY:
        return _engine(path, check_same_thread)  # a new database each time
    key = (path, check_same_thread)
    with _lock:
        if key not in _engines:
            _engines[key] = _engine(path, check_same_thread)
        return _engines[key]


class _ArticlesFirst(Join):
    """A join SQLite must loop over left side first (CROSS JOIN); elsewhere a plain join."""

    inherit_cache = True


@compiles(_ArticlesFirst, "sqlite")
def _cross_join(element: _ArticlesFirst, compiler: Any, **kw: Any) -> str:
    return compiler.visit_join(element, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


class SqliteStore(SqlStore):
    """Articles and their claims in one SQLite file (or ``":memory:"``).

    ``create=False`` refuses a path that does not exist yet instead of creating an empty database.
    ``check_same_thread=False`` lets one request use the store from more than one thread, one at a time (the web
    server opens a store per request; FastAPI may run its dependency and its handler on different pool threads).
    ``db`` is the connection as a sqlite-utils ``Database`` (for the legacy migrations and for tests).
    """

    def __init__(self, path: Union[str, Path] = MEMORY, *, create: bool = True, check_same_thread: bool = True) -> None:
        self.path = str(path)
        self.label = self.path
        memory = self.path == MEMORY
        if not memory:
            p = Path(path)
            if p.is_dir():
                raise StoreError(f"{p}: is a directory, not a claim database")
            if not p.exists():
                if not create:
                    raise StoreError(f"{p}: no such claim database (create one with: claimwatch ingest --db {p} FILE...)")
                if not p.parent.exists():
                    raise StoreError(f"{p}: cannot create the database, folder {p.parent} does not exist")
        self._engine = engine_for(self.path, check_same_thread)
        try:
            self._conn = self._engine.connect()
            raw = self._conn.connection.dbapi_connection
            self.db = Database(raw)
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here on a non-SQLite file
            self._refuse_foreign_db()
            if not memory:
                self.db.enable_wal()
            if self.db["migrations"].exists():
                # A file written before Alembic: the home-made migrations bring it to 0010, the baseline's schema.
                MIGRATIONS.apply(self.db, self.label)
            if versioning.sqlite_revisions(raw) != [versioning.HEAD]:
                with self.transaction():  # the write lock first: two processes opening it at once do this once
                    if self.db.table_names():
                        versioning.upgrade(self.connection, self.label)
                    else:
                        versioning.create(self.connection)
                        for statement in FTS_SCHEMA:
                            self.connection.exec_driver_sql(statement)
        except (sqlite3.DatabaseError, sa.exc.DBAPIError) as exc:
            self._close_quietly()
            msg = str(getattr(exc, "orig", None) or exc)
            if "not a database" in msg or "malformed" in msg:
                raise StoreError(f"{self.label}: not a SQLite database ({msg})") from None
            raise StoreError(f"{self.label}: cannot open the claim database: {msg}") from None
        except ClaimwatchError:
            self._close_quietly()
            raise

    def close(self) -> None:
        super().close()
        if self.path == MEMORY:
            self._engine.dispose()  # the only connection to this database

    def _close_quietly(self) -> None:
        try:
            self.close()
        except (sqlite3.Error, sa.exc.SQLAlchemyError):
            self._conn = None

    def _refuse_foreign_db(self) -> None:
        tables = [t for t in self.db.table_names() if not t.startswith("sqlite_")]
        if tables and "migrations" not in tables and versioning.VERSION_TABLE not in tables:
            raise StoreError(
                f"{self.label}: a SQLite database but not a claimwatch one (tables: {', '.join(sorted(tables)[:5])}); "
                "pick another --db path"
            )

    def applied_migrations(self) -> list[AppliedMigration]:
        return MIGRATIONS.applied(self.db)

    # -- SQLite's parts -----------------------------------------------------------------------------------------

    def _before_write(self, conn: Connection) -> None:
        conn.info["write"] = True

    def _insert(self, table: sa.Table) -> Any:
        return sqlite_insert(table)

    def _json_value(self, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def _json_elements(self, column: Any) -> Any:
        return sa.func.json_each(column).table_valued("value")

    def _json_text(self, expr: Any, *keys: str) -> Any:
        return sa.func.json_extract(expr, "$." + ".".join(keys))

    def _same_text(self, column: Any, value: Any) -> Any:
        return column.collate("NOCASE") == value  # served by idx_articles_outlet (outlet COLLATE NOCASE)

    def _casefold(self, expr: Any) -> Any:
        return sa.func.cw_casefold(expr)

    def _position(self, haystack: Any, needle: Any) -> Any:
        return sa.func.instr(haystack, needle)

    def _storing_order(self, claims: Any) -> list[Any]:
        return [sa.literal_column(f"{claims.name}.rowid")]

    def _claims_with_articles(self, article_first: bool) -> Any:
        if article_first:
            # Walk the articles newest first (idx_articles_order) and each one's claims in order: a page costs a
            # few index steps instead of sorting every claim. CROSS JOIN fixes that loop order in SQLite.
            return _ArticlesFirst(_a, _c, _c.c.article_id == _a.c.id)
        return super()._claims_with_articles(article_first)

    def _search_terms(self, text: str) -> Iterator[tuple[str, Any]]:
        # As written (FTS5 syntax), then as quoted words; a column filter keeps the speaker columns out of it.
        for attempt in (text, self.db.quote_fts(text)):
            if not attempt.strip():
                return
            yield "match", "{content_text} : (" + attempt + ")"

    def _search_expr(self, form: str) -> Any:
        return sa.bindparam("search")

    def _search_source(self, source: Any) -> Any:
        return source.join(_fts, _fts.c.rowid == sa.literal_column("c.rowid"))

    def _search_match(self, search: Any) -> Any:
        return sa.literal_column("claims_fts").op("MATCH")(search)

    def _search_rank(self, search: Any) -> Any:
        return _fts.c.rank

    def _search_syntax_error(self, exc: BaseException) -> bool:
        msg = str(getattr(exc, "orig", exc))
        return (isinstance(getattr(exc, "orig", None), sqlite3.OperationalError)
                and (msg.startswith("fts5:") or "no such column" in msg or "unterminated string" in msg
                     or "syntax error" in msg))

"""The claim store in PostgreSQL (psycopg 3): connection pool, schema check and migration, and its own parts.

The queries are ``SqlStore``'s. What is PostgreSQL's own: full-text search over the generated
``claims.content_tsv`` column (GIN index; ``store/fulltext.py`` reads the FTS5 syntax), JSONB columns,
``lower()`` for case-insensitive comparisons, and no rowid. ``--db postgresql://user@host/dbname`` opens it
(docs/STORE.md, "PostgreSQL").
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, Connection, Engine

from ..errors import StoreError
from . import tables as T
from . import versioning
from .fulltext import to_tsquery_text
from .rows import loads_json
from .sqlstore import SqlStore, _c, hide, one_line

log = logging.getLogger("claimwatch")

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# pg_advisory_xact_lock key held while a schema is checked and migrated: two processes opening a new database at
# once apply each revision once. Any constant works; this one spells "claimwat".
MIGRATION_LOCK = 0x636C61696D776174
CONNECT_TIMEOUT_S = 10

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


def is_postgres_url(target: object) -> bool:
    """True for ``postgresql://…``, ``postgres://…`` and ``postgresql+psycopg://…``."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in SCHEMES and "://" in target


def parse_url(raw: str) -> URL:
    """The SQLAlchemy URL for ``raw`` with the psycopg 3 driver; StoreError (password hidden) when malformed."""
    scheme = raw.split("://", 1)[0]
    try:
        url = sa.engine.make_url(raw)
        _ = url.port  # an invalid port raises here
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StoreError(f"{scheme}://…: not a valid PostgreSQL URL ({hide(str(exc), raw)})") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise StoreError(f"{label_of(url)}: not a PostgreSQL URL")
    return url.set(drivername="postgresql+psycopg")


def label_of(url: URL) -> str:
    """The URL as shown in messages: never the password."""
    return url.render_as_string(hide_password=True)


def _one_line(exc: BaseException, url: Optional[URL] = None) -> str:
    """A database error as one line, without SQLAlchemy's background link or the statement, password hidden."""
    return one_line(exc, url.password if url is not None else None)  # type: ignore[arg-type]


def engine_for(url: URL) -> Engine:
    """One engine (connection pool) per database URL and process."""
    key = url.render_as_string(hide_password=False)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
            _engines[key] = engine
        return engine


def forget_engine(raw: str) -> None:
    """Close the pooled connections to ``raw`` (tests do it before dropping a database)."""
    key = parse_url(raw).render_as_string(hide_password=False)
    with _lock:
        engine = _engines.pop(key, None)
        _migrated.discard(key)
    if engine is not None:
        engine.dispose()


class PostgresStore(SqlStore):
    """Articles and their claims in a PostgreSQL database.

    Opening applies pending Alembic revisions (creating the schema in an empty database unless ``create=False``).
    A database with other tables but no claimwatch schema, or one at a revision this claimwatch does not know,
    is refused. Each store holds one connection from a per-URL pool; ``close()`` returns it.
    """

    def __init__(self, url: str, *, create: bool = True, **_ignored: Any) -> None:
        self.url = parse_url(url)
        self.label = label_of(sa.engine.make_url(url))  # as the user wrote it, without the password
        self.path = self.label
        self._secret = self.url.password
        try:
            self._conn = engine_for(self.url).connect()
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: cannot connect to PostgreSQL: {_one_line(exc, self.url)}") from None
        try:
            self._migrate(create)
        except BaseException:
            self.close()
            raise

    def _migrate(self, create: bool) -> None:
        key = self.url.render_as_string(hide_password=False)
        if key in _migrated:
            return
        conn = self.connection
        try:
            with conn.begin():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
                names = set(sa.inspect(conn).get_table_names())
                if versioning.VERSION_TABLE not in names or "articles" not in names:
                    others = sorted(names - {versioning.VERSION_TABLE})
                    if others or versioning.VERSION_TABLE in names:
                        raise StoreError(
                            f"{self.label}: a PostgreSQL database but not a claimwatch one (tables: "
                            f"{', '.join(others[:5]) or versioning.VERSION_TABLE}); use another database or schema")
                    if not create:
                        raise StoreError(f"{self.label}: no claim database there yet (create one with: "
                                         f"claimwatch ingest --db URL FILE...)")
                if "articles" in names:
                    versioning.upgrade(conn, self.label)
                else:
                    _text_search_config(conn)  # content_tsv is computed with it
                    versioning.create(conn)
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: cannot set up the claim database: {_one_line(exc, self.url)}") from None
        _migrated.add(key)

    def schema_revision(self) -> list[str]:
        """The Alembic revisions recorded in the database."""
        with self.transaction():
            return versioning.current_revisions(self.connection)

    # -- PostgreSQL's parts -------------------------------------------------------------------------------------

    def _insert(self, table: sa.Table) -> Any:
        return pg_insert(table)

    def _json_value(self, value: Any) -> Any:
        return loads_json(value)  # JSONB takes lists and dicts; JSON text (as dispute detection passes) is parsed

    def _json_elements(self, column: Any) -> Any:
        return sa.func.jsonb_array_elements(column).table_valued("value")

    def _json_text(self, expr: Any, *keys: str) -> Any:
        return sa.func.jsonb_extract_path_text(expr, *keys)

    def _same_text(self, column: Any, value: Any) -> Any:
        return sa.func.lower(column) == sa.func.lower(value)  # served by idx_articles_outlet (lower(outlet))

    def _casefold(self, expr: Any) -> Any:
        return sa.func.lower(expr)

    def _position(self, haystack: Any, needle: Any) -> Any:
        return sa.func.strpos(haystack, needle)

    def _storing_order(self, claims: Any) -> list[Any]:
        return [claims.c.article_id, claims.c.seq]  # no rowid: by article, then position

    def _search_terms(self, text: str) -> Iterator[tuple[str, Any]]:
        # FTS5 syntax as a tsquery; text not valid in it, as plain words (websearch_to_tsquery).
        translated = to_tsquery_text(text)
        yield ("to_tsquery", translated) if translated is not None else ("websearch_to_tsquery", text)

    def _search_expr(self, form: str) -> Any:
        return getattr(sa.func, form)(_REGCONFIG, sa.bindparam("search"))

    def _search_match(self, search: Any) -> Any:
        return _c.c.content_tsv.op("@@")(search)

    def _search_rank(self, search: Any) -> Any:
        return sa.func.ts_rank(_c.c.content_tsv, search).desc()


_REGCONFIG = sa.literal_column(f"'{T.TS_CONFIG}'::regconfig")


def _text_search_config(conn: Connection) -> None:
    """The text search configuration ``claimwatch_fts``: the 'simple' one plus unaccent where the server has it."""
    exists = conn.execute(sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = :n"), {"n": T.TS_CONFIG}).first()
    if exists:
        return
    # unaccent ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
    unaccent = False
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        unaccent = True
    except sa.exc.DBAPIError as exc:
        log.warning("PostgreSQL extension unaccent unavailable (%s); full-text search will not fold accents",
                    str(exc).splitlines()[0])
    conn.execute(sa.text(f"CREATE TEXT SEARCH CONFIGURATION {T.TS_CONFIG} (COPY = pg_catalog.simple)"))
    if unaccent:
        conn.execute(sa.text(f"ALTER TEXT SEARCH CONFIGURATION {T.TS_CONFIG} "
                             "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"))

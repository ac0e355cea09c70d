"""The PostgreSQL claim store (SQLAlchemy 2 Core over psycopg 3; schema in ``store/tables.py``, Alembic migrations).

Same tables, queries and results as the SQLite store: nested parts are JSONB, full-text search uses the
generated ``claims.content_tsv`` column (GIN index), speaker and actor filters use the ``claim_keys`` search keys
computed in Python. ``--db postgresql://user@host/dbname`` opens it (docs/STORE.md, "PostgreSQL").
"""
from __future__ import annotations

import contextlib
import re
import threading
from datetime import datetime, timezone
from typing import Any, Iterator, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, Connection, Engine

from .. import PIPELINE_VERSION
from ..errors import ClaimwatchError, StoreError
from ..ingest.hashing import normalised_text_hash
from ..schema import Article, ArticleOut
from . import tables as T
from . import versioning
from .base import ActorCount, ArticleSummary, ClaimQuery, DayCount, StoredClaim, search_key
from .fulltext import to_tsquery_text
from .postgres_disputes import PostgresDisputeMixin
from .rows import CLAIM_COLUMNS, claim_actors, claim_values, keys_row, row_to_stored

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# pg_advisory_xact_lock key held while a schema is checked and migrated: two processes opening a new database at
# once apply each revision once. Any constant works; this one spells "claimwat".
MIGRATION_LOCK = 0x636C61696D776174
CONNECT_TIMEOUT_S = 10

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()

_c = T.claims.alias("c")
_a = T.articles.alias("a")
_k = T.claim_keys
_names = T.speaker_names


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
        raise StoreError(f"{scheme}://…: not a valid PostgreSQL URL ({_hide(str(exc), raw)})") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise StoreError(f"{label_of(url)}: not a PostgreSQL URL")
    return url.set(drivername="postgresql+psycopg")


def label_of(url: URL) -> str:
    """The URL as shown in messages: never the password."""
    return url.render_as_string(hide_password=True)


def _hide(message: str, secret: Optional[str]) -> str:
    if secret:
        message = message.replace(secret, "***")
    return message


def _one_line(exc: BaseException, url: Optional[URL] = None) -> str:
    """A database error as one line, without SQLAlchemy's background link or the statement, password hidden."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    text = " ".join(text.split())
    text = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", text)
    return _hide(text, url.password if url is not None else None)  # type: ignore[arg-type]


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


class PostgresStore(PostgresDisputeMixin):
    """Articles and their claims in a PostgreSQL database.

    Opening applies pending Alembic revisions (creating the schema in an empty database unless ``create=False``).
    A database with other tables but no claimwatch schema, or one at a revision this claimwatch does not know,
    is refused. Each store holds one connection from a per-URL pool; ``close()`` returns it.
    """

    def __init__(self, url: str, *, create: bool = True, **_ignored: Any) -> None:
        self.url = parse_url(url)
        self.label = label_of(sa.engine.make_url(url))  # as the user wrote it, without the password
        self.path = self.label
        self._conn: Optional[Connection] = None
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
        conn = self._c
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
                versioning.upgrade(conn, self.label)
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: cannot set up the claim database: {_one_line(exc, self.url)}") from None
        _migrated.add(key)

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sa.exc.DBAPIError:
                pass
            self._conn = None

    def __enter__(self) -> "PostgresStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def _c(self) -> Connection:
        if self._conn is None:
            raise StoreError(f"{self.label}: the claim store is closed")
        return self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested ones become savepoints (as ``immediate_transaction`` on SQLite)."""
        conn = self._c
        with (conn.begin_nested() if conn.in_transaction() else conn.begin()):
            yield

    def _rows(self, stmt: Any, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Run a read; outside a transaction it gets its own short one (never left open)."""
        conn = self._c
        try:
            if conn.in_transaction():
                return [dict(r) for r in conn.execute(stmt, params or {}).mappings()]
            with conn.begin():
                return [dict(r) for r in conn.execute(stmt, params or {}).mappings()]
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: query failed: {_one_line(exc, self.url)}") from None

    def _scalar(self, stmt: Any, params: Optional[dict[str, Any]] = None) -> Any:
        rows = self._rows(stmt, params)
        return next(iter(rows[0].values())) if rows else None

    def _write(self, stmt: Any, params: Any = None) -> Any:
        try:
            with self.transaction():
                return self._c.execute(stmt, params) if params is not None else self._c.execute(stmt)
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: write failed: {_one_line(exc, self.url)}") from None

    # -- writing -----------------------------------------------------------------------------------------------

    def add_article(self, article: Article, result: ArticleOut) -> bool:
        """Store the article and its claims in one transaction; False (nothing written) for a duplicate."""
        if result.id != article.id:
            raise StoreError(f"article {article.id!r}: extraction result is for another article ({result.id!r})")
        text_hash = normalised_text_hash(article.text)
        conn = self._c
        try:
            with self.transaction():
                # ON CONFLICT DO NOTHING covers both unique keys (id, text_hash), also against a concurrent writer.
                added = conn.execute(pg_insert(T.articles).values(
                    id=article.id,
                    text_hash=text_hash,
                    title=result.title if result.title is not None else article.title,
                    date=result.date if result.date is not None else article.date,
                    outlet=result.outlet if result.outlet is not None else article.outlet,
                    url=result.url if result.url is not None else article.url,
                    text=article.text,
                    ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    pipeline_version=PIPELINE_VERSION,
                ).on_conflict_do_nothing().returning(T.articles.c.id)).first()
                if added is None:
                    return False
                if result.claims:
                    conn.execute(sa.insert(T.claims),
                                 [claim_values(article.id, seq, c) for seq, c in enumerate(result.claims)])
                    keys = [dict(zip(T.claim_keys.c.keys(), keys_row(c))) for c in result.claims]
                    conn.execute(sa.insert(T.claim_keys), keys)
                    names = sorted({k[col] for k in keys for col in ("speaker_key", "resolved_key", "actor_name_key")
                                    if k[col]})
                    if names:
                        conn.execute(pg_insert(T.speaker_names).on_conflict_do_nothing(),
                                     [{"name": n} for n in names])
                    actors = claim_actors(result.claims)
                    if actors:
                        stmt = pg_insert(T.actors)
                        conn.execute(stmt.on_conflict_do_update(
                            index_elements=["id"],
                            set_={c: stmt.excluded[c] for c in ("name", "type", "country", "sector")}), actors)
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: cannot store article {article.id!r}: {_one_line(exc, self.url)}") from None
        return True

    # -- sightings and MinHash signatures (store/dedup.py) ------------------------------------------------------

    def find_duplicate(self, article_id: str, text_hash: str) -> Optional[str]:
        return self._scalar(sa.text("SELECT id FROM articles WHERE id = :i UNION ALL "
                                    "SELECT id FROM articles WHERE text_hash = :h LIMIT 1"),
                            {"i": article_id, "h": text_hash})

    def add_sightings(self, rows: Sequence[tuple]) -> int:
        if not rows:
            return 0
        stmt = pg_insert(T.sightings).on_conflict_do_nothing().returning(T.sightings.c.source_key)
        added = 0
        try:
            with self.transaction():
                for row in rows:  # one by one: RETURNING counts what was really inserted
                    added += len(self._c.execute(stmt, dict(zip(T.SIGHTING_COLUMNS, row))).all())
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"{self.label}: cannot store sightings: {_one_line(exc, self.url)}") from None
        return added

    def save_minhash(self, article_id: str, num_perm: int, signature: bytes) -> None:
        stmt = pg_insert(T.article_minhash).values(article_id=article_id, num_perm=num_perm, signature=signature)
        self._write(stmt.on_conflict_do_update(index_elements=["article_id"],
                                               set_={"num_perm": stmt.excluded.num_perm,
                                                     "signature": stmt.excluded.signature}))

    def articles_without_minhash(self) -> list[tuple[str, str]]:
        rows = self._rows(sa.text("SELECT a.id, a.text FROM articles a LEFT JOIN article_minhash m "
                                  "ON m.article_id = a.id WHERE m.article_id IS NULL ORDER BY a.id"))
        return [(r["id"], r["text"]) for r in rows]

    def minhashes(self) -> Iterator[tuple[str, int, bytes]]:
        for r in self._rows(sa.text("SELECT article_id, num_perm, signature FROM article_minhash")):
            yield r["article_id"], r["num_perm"], bytes(r["signature"])

    def get_minhash(self, article_id: str) -> Optional[tuple[int, bytes]]:
        rows = self._rows(sa.text("SELECT num_perm, signature FROM article_minhash WHERE article_id = :i"),
                          {"i": article_id})
        return (rows[0]["num_perm"], bytes(rows[0]["signature"])) if rows else None

    def sightings_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        rows = self._rows(sa.text("SELECT article_id, count(*) AS n FROM sightings WHERE article_id = ANY(:ids) "
                                  "GROUP BY article_id"), {"ids": ids})
        return {r["article_id"]: int(r["n"]) for r in rows}

    # -- reading -----------------------------------------------------------------------------------------------

    def has_article(self, key: str) -> bool:
        return self.find_duplicate(key, key) is not None

    def has_text(self, text: str) -> bool:
        return self._scalar(sa.text("SELECT 1 FROM articles WHERE text_hash = :h"),
                            {"h": normalised_text_hash(text)}) is not None

    def counts(self) -> dict[str, int]:
        row = self._rows(sa.text("SELECT (SELECT count(*) FROM articles) AS articles, "
                                 "(SELECT count(*) FROM claims) AS claims"))[0]
        return {"articles": int(row["articles"]), "claims": int(row["claims"])}

    def schema_revision(self) -> list[str]:
        """The Alembic revisions recorded in the database."""
        with self.transaction():
            return versioning.current_revisions(self._c)

    def get_article(self, article_id: str) -> Optional[ArticleOut]:
        rows = self._rows(sa.text("SELECT id, title, date, outlet, url FROM articles WHERE id = :i"), {"i": article_id})
        if not rows:
            return None
        claims = self.query_claims(ClaimQuery(article_id=article_id, limit=None))
        return ArticleOut(**rows[0], claims=[c.claim() for c in claims])

    def _claim_filter(self, query: ClaimQuery) -> tuple[list[Any], Optional[Any]]:
        """WHERE conditions over ``c`` (claims) and ``a`` (articles), and the tsquery when searching text."""
        where: list[Any] = []
        tsquery = None
        if query.text is not None:
            text = query.text.strip()
            if not text:
                raise ClaimwatchError("the search text is empty")
            tsquery = _tsquery(text)
            where.append(_c.c.content_tsv.op("@@")(tsquery))
        if query.speaker is not None and query.speaker.strip():
            needle = search_key(query.speaker.strip())
            if not needle:  # nothing but combining marks: nothing to look for
                where.append(sa.false())
            else:
                names = _matching_names(needle)
                where.append(_c.c.id.in_(sa.union(
                    sa.select(_k.c.claim_id).where(_k.c.speaker_key.in_(names)),
                    sa.select(_k.c.claim_id).where(_k.c.resolved_key.in_(names)))))
        if query.since is not None:
            where.append(_a.c.date >= query.since)
        if query.until is not None:
            # Inclusive: 2024-03-05 keeps every time on that day.
            where.append(sa.func.substr(_a.c.date, 1, len(query.until)) <= query.until)
        if query.outlet is not None:
            where.append(sa.func.lower(_a.c.outlet) == sa.func.lower(query.outlet.strip()))
        if query.article_id is not None:
            where.append(_c.c.article_id == query.article_id)
        if query.event is not None and query.event.strip():
            where.append(_c.c.event_category == query.event.strip().upper())
        if query.actor is not None and query.actor.strip():
            where.append(_actor_filter(query.actor))
        return where, tsquery

    def _claim_select(self, query: ClaimQuery, columns: list[Any], articles: bool = True) -> tuple[Any, Any]:
        where, tsquery = self._claim_filter(query)
        source = _c.join(_a, _a.c.id == _c.c.article_id) if articles else _c
        return sa.select(*columns).select_from(source).where(*where), tsquery

    def query_claims(self, query: ClaimQuery) -> list[StoredClaim]:
        columns = [_c.c[name] for name in CLAIM_COLUMNS] + [
            _a.c.title.label("a_title"), _a.c.date.label("a_date"), _a.c.outlet.label("a_outlet"),
            _a.c.url.label("a_url")]
        stmt, tsquery = self._claim_select(query, columns)
        order = [_a.c.date.is_(None), _a.c.date.desc(), _a.c.id, _c.c.seq]
        if tsquery is not None:
            order.insert(0, sa.func.ts_rank(_c.c.content_tsv, tsquery).desc())
        stmt = stmt.order_by(*order).offset(query.offset)
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        return [row_to_stored(r) for r in self._rows(stmt)]

    def count_claims(self, query: ClaimQuery) -> int:
        articles = query.since is not None or query.until is not None or query.outlet is not None
        stmt, _ = self._claim_select(query, [sa.func.count().label("n")], articles=articles)
        return int(self._scalar(stmt) or 0)

    def claim_timeline(self, query: ClaimQuery) -> list[DayCount]:
        day = sa.func.substr(_a.c.date, 1, 10).label("day")
        stmt, _ = self._claim_select(query, [day, sa.func.count().label("claims")])
        stmt = stmt.group_by(day).order_by(day.is_(None), day)
        return [DayCount(day=r["day"], claims=int(r["claims"])) for r in self._rows(stmt)]

    def list_articles(self, limit: Optional[int] = 20, offset: int = 0) -> list[ArticleSummary]:
        rows = self._rows(sa.text(
            "SELECT a.id, a.title, a.date, a.outlet, a.url, a.ingested_at, "
            "       (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims "
            "FROM articles a ORDER BY a.date IS NULL, a.date DESC, a.ingested_at DESC, a.id LIMIT :l OFFSET :o"),
            {"l": limit, "o": offset})
        return [ArticleSummary(**r) for r in rows]

    def article_text(self, article_id: str) -> Optional[str]:
        return self._scalar(sa.text("SELECT text FROM articles WHERE id = :i"), {"i": article_id})

    def get_actor(self, actor_id: str) -> Optional[ActorCount]:
        rows = self._rows(sa.text(
            "SELECT a.id, a.name, a.type, a.country, a.sector, "
            "       (SELECT count(*) FROM claims c WHERE c.speaker_actor_id = a.id) AS claims, "
            "       (SELECT count(*) FROM claims c WHERE c.actors IS NOT NULL AND EXISTS "
            "          (SELECT 1 FROM jsonb_array_elements(c.actors) j WHERE j.value->'actor'->>'id' = a.id)) "
            "         AS mentions "
            "FROM actors a WHERE a.id = :i OR lower(a.id) = :f ORDER BY a.id = :i DESC LIMIT 1"),
            {"i": actor_id, "f": actor_id.casefold()})
        return ActorCount(**rows[0]) if rows else None

    def top_actors(self, limit: Optional[int] = 20) -> list[ActorCount]:
        rows = self._rows(sa.text(
            "WITH spoken AS (SELECT speaker_actor_id AS id, count(*) AS n FROM claims "
            "                WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id), "
            "mentioned AS (SELECT j.value->'actor'->>'id' AS id, count(DISTINCT c.id) AS n "
            "              FROM claims c, jsonb_array_elements(c.actors) j WHERE c.actors IS NOT NULL GROUP BY 1) "
            "SELECT a.id, a.name, a.type, a.country, a.sector, "
            "       coalesce(s.n, 0) AS claims, coalesce(m.n, 0) AS mentions "
            "FROM actors a LEFT JOIN spoken s ON s.id = a.id LEFT JOIN mentioned m ON m.id = a.id "
            "ORDER BY claims DESC, mentions DESC, a.id LIMIT :l"), {"l": limit})
        return [ActorCount(**r) for r in rows]


# -- query parts --------------------------------------------------------------------------------------------------


_REGCONFIG = sa.literal_column(f"'{T.TS_CONFIG}'::regconfig")


def _tsquery(text: str) -> Any:
    """The tsquery of a search (FTS5 syntax; otherwise its words, literally)."""
    translated = to_tsquery_text(text)
    if translated is not None:
        return sa.func.to_tsquery(_REGCONFIG, translated)
    return sa.func.websearch_to_tsquery(_REGCONFIG, text)


def _matching_names(needle: str) -> Any:
    """The distinct speaker / actor name keys containing ``needle`` (already a search key)."""
    return sa.select(_names.c.name).where(sa.func.strpos(_names.c.name, needle) > 0)


def _actor_filter(needle: str) -> Any:
    """``--actor X``: the speaker actor's id, its country code, ids starting ``X-``, or a name containing X."""
    value = needle.strip()
    folded = value.casefold()
    parts = [
        sa.select(_k.c.claim_id).where(_k.c.actor_key == folded),
        sa.select(_k.c.claim_id).where(_k.c.actor_country == value.upper()),
        # ids starting "x-": every string from "x-" up to, not including, "x." ("." follows "-").
        sa.select(_k.c.claim_id).where(_k.c.actor_key >= folded + "-", _k.c.actor_key < folded + "."),
    ]
    key = search_key(value)
    if key:
        parts.append(sa.select(_k.c.claim_id).where(_k.c.actor_name_key.in_(_matching_names(key))))
    return _c.c.id.in_(sa.union(*parts))



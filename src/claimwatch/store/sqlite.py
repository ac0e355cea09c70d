"""The SQLite claim store (sqlite-utils; WAL on file databases; FTS5 over claim content)."""
from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from sqlite_utils import Database

from .. import PIPELINE_VERSION
from ..errors import ClaimwatchError, StoreError
from ..ingest.hashing import normalised_text_hash
from ..schema import Article, ArticleOut
from .base import ActorCount, ArticleSummary, ClaimQuery, DayCount, StoredClaim, search_key
from .disputes import DisputeStoreMixin
from .migrations import MIGRATIONS, AppliedMigration, immediate_transaction, insert_claim_keys
from . import versioning
from .rows import CLAIM_COLUMNS, claim_actors, claim_to_row, keys_row, row_to_stored  # noqa: F401  (re-exported: CLI and tests import them here)

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 10_000


class SqliteStore(DisputeStoreMixin):
    """Articles and their claims in one SQLite file (or ``":memory:"``).

    ``create=False`` refuses a path that does not exist yet instead of creating an empty database.
    ``check_same_thread=False`` lets one request use the store from more than one thread, one at a time (the web
    server opens a store per request; FastAPI may run its dependency and its handler on different pool threads).
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
        self.db: Optional[Database] = None
        try:
            if check_same_thread:
                self.db = Database(memory=True) if memory else Database(self.path)
            else:
                self.db = Database(sqlite3.connect(self.path, check_same_thread=False))
            conn = self.db.conn
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here on a non-SQLite file
            self.db.register_function(_casefold, deterministic=True, name="cw_casefold")
            self._refuse_foreign_db()
            if not memory:
                self.db.enable_wal()
            # The legacy chain (0001-0010) first: it is what Alembic's baseline stands for on SQLite; then Alembic.
            MIGRATIONS.apply(self.db, self.label)
            versioning.upgrade_sqlite(self.db.conn, self.label)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise StoreError(f"{self.label}: not a SQLite database ({exc})") from None
            raise StoreError(f"{self.label}: cannot open the claim database: {exc}") from None
        except ClaimwatchError:
            self._close_quietly()
            raise

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _close_quietly(self) -> None:
        try:
            self.close()
        except sqlite3.Error:
            self.db = None

    @property
    def _db(self) -> Database:
        if self.db is None:
            raise StoreError(f"{self.label}: the claim store is closed")
        return self.db

    def _refuse_foreign_db(self) -> None:
        db = self._db
        tables = [t for t in db.table_names() if not t.startswith("sqlite_")]
        if tables and "migrations" not in tables:
            raise StoreError(
                f"{self.label}: a SQLite database but not a claimwatch one (tables: {', '.join(sorted(tables)[:5])}); "
                "pick another --db path"
            )

    # -- writing -----------------------------------------------------------------------------------------------

    def add_article(self, article: Article, result: ArticleOut) -> bool:
        """Store the article and its claims in one transaction; False (nothing written) for a duplicate."""
        if result.id != article.id:
            raise StoreError(f"article {article.id!r}: extraction result is for another article ({result.id!r})")
        db = self._db
        text_hash = normalised_text_hash(article.text)
        try:
            with immediate_transaction(db):
                if self._has(article.id, text_hash):
                    return False
                db["articles"].insert(
                    {
                        "id": article.id,
                        "text_hash": text_hash,
                        "title": result.title if result.title is not None else article.title,
                        "date": result.date if result.date is not None else article.date,
                        "outlet": result.outlet if result.outlet is not None else article.outlet,
                        "url": result.url if result.url is not None else article.url,
                        "text": article.text,
                        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "pipeline_version": PIPELINE_VERSION,
                    }
                )
                for seq, claim in enumerate(result.claims):
                    db["claims"].insert(claim_to_row(article.id, seq, claim))
                insert_claim_keys(db, [keys_row(claim) for claim in result.claims])
                actors = claim_actors(result.claims)
                if actors:
                    db["actors"].upsert_all(actors, pk="id")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.label}: cannot store article {article.id!r}: {exc}") from None
        return True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``); nested ones become savepoints."""
        with immediate_transaction(self._db):
            yield

    # -- sightings and MinHash signatures (store/dedup.py) ------------------------------------------------------

    def find_duplicate(self, article_id: str, text_hash: str) -> Optional[str]:
        """The id of the stored article with this id or this normalised text hash, or None."""
        row = self._db.execute(
            "SELECT id FROM articles WHERE id = ? UNION ALL SELECT id FROM articles WHERE text_hash = ? LIMIT 1",
            [article_id, text_hash],
        ).fetchone()
        return row[0] if row is not None else None

    def add_sightings(self, rows: Sequence[tuple]) -> int:
        """Insert sightings rows (``SIGHTING_COLUMNS`` order), ignoring ones already there; return rows added."""
        db = self._db
        with immediate_transaction(db):  # its own transaction, or a savepoint inside the caller's
            before = db.conn.total_changes
            db.conn.executemany(
                "INSERT OR IGNORE INTO sightings (article_id, source_key, source_id, outlet, url, date, kind,"
                " similarity, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(rows))
            return db.conn.total_changes - before

    def save_minhash(self, article_id: str, num_perm: int, signature: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO article_minhash (article_id, num_perm, signature) VALUES (?, ?, ?)",
                         [article_id, num_perm, signature])

    def articles_without_minhash(self) -> list[tuple[str, str]]:
        """``(id, text)`` of the stored articles that have no MinHash signature yet."""
        return [tuple(r) for r in self._db.execute(
            "SELECT a.id, a.text FROM articles a LEFT JOIN article_minhash m ON m.article_id = a.id"
            " WHERE m.article_id IS NULL").fetchall()]

    def minhashes(self) -> Iterator[tuple[str, int, bytes]]:
        """Every stored ``(article id, num_perm, signature)``."""
        yield from self._db.execute("SELECT article_id, num_perm, signature FROM article_minhash")

    def get_minhash(self, article_id: str) -> Optional[tuple[int, bytes]]:
        row = self._db.execute("SELECT num_perm, signature FROM article_minhash WHERE article_id = ?",
                               [article_id]).fetchone()
        return (row[0], row[1]) if row is not None else None

    def sightings_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Sightings per article (only articles that have any)."""
        ids = list(dict.fromkeys(article_ids))
        counts: dict[str, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for aid, n in self._db.execute(
                f"SELECT article_id, count(*) FROM sightings WHERE article_id IN ({','.join('?' * len(chunk))})"
                " GROUP BY article_id", chunk):
                counts[aid] = int(n)
        return counts

    # -- reading -----------------------------------------------------------------------------------------------

    def has_article(self, key: str) -> bool:
        """True when an article with this id, or this normalised text hash, is stored."""
        return self._has(key, key)

    def has_text(self, text: str) -> bool:
        """True when an article with the same normalised text is stored."""
        return self._has(None, normalised_text_hash(text))

    def _has(self, article_id: Optional[str], text_hash: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE id = ? OR text_hash = ? LIMIT 1", [article_id, text_hash]
        ).fetchone()
        return row is not None

    def counts(self) -> dict[str, int]:
        db = self._db
        return {
            "articles": db.execute("SELECT count(*) FROM articles").fetchone()[0],
            "claims": db.execute("SELECT count(*) FROM claims").fetchone()[0],
        }

    def applied_migrations(self) -> list[AppliedMigration]:
        return MIGRATIONS.applied(self._db)

    def get_article(self, article_id: str) -> Optional[ArticleOut]:
        """The stored article with its claims in extraction order, or None."""
        row = self._db.execute(
            "SELECT id, title, date, outlet, url FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if row is None:
            return None
        claims = self.query_claims(ClaimQuery(article_id=article_id, limit=None))
        return ArticleOut(
            id=row[0], title=row[1], date=row[2], outlet=row[3], url=row[4], claims=[c.claim() for c in claims]
        )

    def _claim_filter(self, query: ClaimQuery) -> tuple[str, list[str], list[Any]]:
        """The FTS join, WHERE conditions and parameters for a ClaimQuery (the MATCH, if any, comes first)."""
        where: list[str] = []
        params: list[Any] = []
        join_fts = ""
        if query.text is not None:
            # Always the first condition: _run_fts puts the MATCH expression first in the parameters.
            join_fts = "JOIN claims_fts ON claims_fts.rowid = c.rowid"
            where.append("claims_fts MATCH ?")
        if query.speaker is not None and query.speaker.strip():
            # claim_keys / speaker_names (migration 0006): scan the distinct names, then follow the indexes.
            needle = search_key(query.speaker.strip())
            if not needle:  # nothing but combining marks: nothing to look for
                where.append("0")
            where.append(f"c.id IN (SELECT claim_id FROM claim_keys WHERE speaker_key IN {_MATCHING_NAMES}"
                         f" UNION SELECT claim_id FROM claim_keys WHERE resolved_key IN {_MATCHING_NAMES})")
            params += [needle, needle]
        if query.since is not None:
            where.append("a.date >= ?")
            params.append(query.since)
        if query.until is not None:
            # Inclusive: 2024-03-05 keeps every time on that day.
            where.append("substr(a.date, 1, ?) <= ?")
            params += [len(query.until), query.until]
        if query.outlet is not None:
            where.append("a.outlet = ? COLLATE NOCASE")
            params.append(query.outlet.strip())
        if query.article_id is not None:
            where.append("c.article_id = ?")
            params.append(query.article_id)
        if query.event is not None and query.event.strip():
            where.append("c.event_category = ?")
            params.append(query.event.strip().upper())
        if query.actor is not None and query.actor.strip():
            clause, values = _actor_filter(query.actor)
            where.append(clause)
            params += values
        return join_fts, where, params

    def _select(self, query: ClaimQuery, columns: str, tail_sql: str, tail: list[Any],
                articles: bool = True) -> list[dict[str, Any]]:
        join_fts, where, params = self._claim_filter(query)
        if not articles:
            source = "claims c"
        elif _article_filters_only(query):
            # Walk the articles newest first (idx_articles_order, migration 0009) and each one's claims in order:
            # a page costs a few index steps instead of sorting every claim. CROSS JOIN fixes that loop order.
            source = "articles a CROSS JOIN claims c ON c.article_id = a.id"
        else:
            source = "claims c JOIN articles a ON a.id = c.article_id"
        sql = (
            f"SELECT {columns} FROM {source} {join_fts} "
            + (f"WHERE {' AND '.join(where)} " if where else "")
            + tail_sql
        )
        if query.text is None:
            return self._run(sql, params + tail)
        return self._run_fts(sql, params, tail, query.text)

    def query_claims(self, query: ClaimQuery) -> list[StoredClaim]:
        order = "a.date IS NULL, a.date DESC, a.id, c.seq"  # a.id is c.article_id; it matches idx_articles_order
        if query.text is not None:
            order = "claims_fts.rank, " + order
        rows = self._select(
            query,
            "c.*, a.title AS a_title, a.date AS a_date, a.outlet AS a_outlet, a.url AS a_url",
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [query.limit if query.limit is not None else -1, query.offset],
        )
        return [row_to_stored(r) for r in rows]

    def count_claims(self, query: ClaimQuery) -> int:
        """How many claims match ``query``'s filters (its limit and offset are ignored)."""
        # Every claim has its article (foreign key), so the join only matters for the article filters.
        articles = query.since is not None or query.until is not None or query.outlet is not None
        rows = self._select(query, "count(*) AS n", "", [], articles=articles)
        return int(rows[0]["n"]) if rows else 0

    def claim_timeline(self, query: ClaimQuery) -> list[DayCount]:
        """Claims matching ``query`` per article day, oldest first; undated articles give one ``day=None`` row."""
        rows = self._select(
            query,
            "substr(a.date, 1, 10) AS day, count(*) AS claims",
            "GROUP BY day ORDER BY day IS NULL, day",
            [],
        )
        return [DayCount(day=r["day"], claims=r["claims"]) for r in rows]

    def list_articles(self, limit: Optional[int] = 20, offset: int = 0) -> list[ArticleSummary]:
        """Stored articles, newest first (undated last, then most recently ingested), with their claim counts."""
        rows = self._run(
            "SELECT a.id, a.title, a.date, a.outlet, a.url, a.ingested_at, "
            "       (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims "
            "FROM articles a ORDER BY a.date IS NULL, a.date DESC, a.ingested_at DESC, a.id LIMIT ? OFFSET ?",
            [limit if limit is not None else -1, offset],
        )
        return [ArticleSummary(**r) for r in rows]

    def article_text(self, article_id: str) -> Optional[str]:
        """The original text of a stored article (every claim offset points into it), or None."""
        rows = self._run("SELECT text FROM articles WHERE id = ?", [article_id])
        return rows[0]["text"] if rows else None

    def get_actor(self, actor_id: str) -> Optional[ActorCount]:
        """One actor by id (case-insensitive), with its claim and mention counts, or None."""
        rows = self._run(
            "SELECT a.id, a.name, a.type, a.country, a.sector, "
            "       (SELECT count(*) FROM claims c WHERE c.speaker_actor_id = a.id) AS claims, "
            "       (SELECT count(*) FROM claims c WHERE c.actors IS NOT NULL AND EXISTS "
            "          (SELECT 1 FROM json_each(c.actors) j WHERE json_extract(j.value, '$.actor.id') = a.id)) "
            "         AS mentions "
            "FROM actors a WHERE a.id = ? OR cw_casefold(a.id) = ? LIMIT 1",
            [actor_id, actor_id.casefold()],
        )
        return ActorCount(**rows[0]) if rows else None

    def top_actors(self, limit: Optional[int] = 20) -> list[ActorCount]:
        """Actors by the number of claims they speak (then by claims that mention them), most first."""
        sql = (
            "WITH spoken AS (SELECT speaker_actor_id AS id, count(*) AS n FROM claims "
            "                WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id), "
            "mentioned AS (SELECT json_extract(j.value, '$.actor.id') AS id, count(DISTINCT c.id) AS n "
            "              FROM claims c, json_each(c.actors) j WHERE c.actors IS NOT NULL GROUP BY 1) "
            "SELECT a.id, a.name, a.type, a.country, a.sector, "
            "       coalesce(s.n, 0) AS claims, coalesce(m.n, 0) AS mentions "
            "FROM actors a LEFT JOIN spoken s ON s.id = a.id LEFT JOIN mentioned m ON m.id = a.id "
            "ORDER BY claims DESC, mentions DESC, a.id LIMIT ?"
        )
        rows = self._run(sql, [limit if limit is not None else -1])
        return [ActorCount(**r) for r in rows]

    def _run(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        try:
            cur = self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.label}: query failed: {exc}") from None
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _run_fts(self, sql: str, params: list[Any], tail: list[Any], text: str) -> list[dict[str, Any]]:
        """Run with the FTS5 query as written; if it is not valid FTS5 syntax, search its words literally."""
        text = text.strip()
        if not text:
            raise ClaimwatchError("the search text is empty")
        attempts = [text, self._db.quote_fts(text)]
        last: Optional[sqlite3.Error] = None
        for attempt in attempts:
            if not attempt.strip():
                break
            match = "{content_text} : (" + attempt + ")"
            try:
                cur = self._db.execute(sql, [match] + params + tail)
            except sqlite3.OperationalError as exc:
                if not _is_fts_syntax_error(exc):
                    raise StoreError(f"{self.label}: query failed: {exc}") from None
                last = exc
                continue
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        raise ClaimwatchError(f"cannot search for {text!r}: {last or 'no searchable words'}")


def _article_filters_only(query: ClaimQuery) -> bool:
    """True when no filter narrows the claims themselves (only dates and outlet, or nothing)."""
    return all(v is None or not v.strip() for v in (query.text, query.speaker, query.actor, query.event,
                                                    query.article_id))


def _is_fts_syntax_error(exc: sqlite3.Error) -> bool:
    msg = str(exc)
    return msg.startswith("fts5:") or "no such column" in msg or "unterminated string" in msg or "syntax error" in msg


# The distinct speaker / actor names containing the (search_key'd) needle; a parameter follows.
_MATCHING_NAMES = "(SELECT name FROM speaker_names WHERE instr(name, ?) > 0)"


def _actor_filter(needle: str) -> tuple[str, list[Any]]:
    """``--actor X``: the speaker's actor id, its country code (RUS: Russia, its government, Peskov…) or name.

    Each alternative is an index lookup on ``claim_keys`` (migration 0006): the case-folded id, equal or starting
    with ``X-`` (a range on the index), the country, and the actor names (in ``speaker_names``) containing X.
    """
    value = needle.strip()
    folded = value.casefold()
    clause = (
        "c.id IN (SELECT claim_id FROM claim_keys WHERE actor_key = ?"
        " UNION SELECT claim_id FROM claim_keys WHERE actor_country = ?"
        " UNION SELECT claim_id FROM claim_keys WHERE actor_key >= ? AND actor_key < ?"
        f" UNION SELECT claim_id FROM claim_keys WHERE actor_name_key IN {_MATCHING_NAMES})"
    )
    # ids starting "x-": every string from "x-" up to, not including, "x." ("." follows "-").
    # A name key of only combining marks would be "": NULL then matches no name.
    return clause, [folded, value.upper(), folded + "-", folded + ".", search_key(value) or None]


def _casefold(value: Optional[str]) -> Optional[str]:
    return value.casefold() if isinstance(value, str) else None

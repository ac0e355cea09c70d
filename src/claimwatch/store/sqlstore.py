"""The claim store, written once in SQLAlchemy Core over ``store/tables.py`` for SQLite and PostgreSQL alike.

``SqlStore`` holds every query and write; ``SqliteStore`` (``store/sqlite.py``) and ``PostgresStore``
(``store/postgres.py``) only open the connection and supply the few parts where the engines really differ, the
``_``-prefixed hooks at the end of the class: full-text search (FTS5 vs tsvector), the INSERT that takes
``ON CONFLICT``, JSON columns (text vs JSONB), case-insensitive comparisons, and SQLite's loop order for the
claim listing. Tables and queries: docs/STORE.md.
"""
from __future__ import annotations

import contextlib
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import PIPELINE_VERSION
from ..errors import ClaimwatchError, StoreError
from ..ingest.hashing import normalised_text_hash
from ..schema import (CHARGE_WORDS, FIRST_SECOND_PERSON, OBJECT_STATEMENT_CUES, SELF_EVIDENT_KINDS, UNRESOLVED_NO_ONE,
                      Article, ArticleOut)
from . import tables as T
from .base import (FACETS, ActorCount, ArticleSummary, ClaimQuery, DayCount, DisputeQuery, FacetCount,
                   OutletDayCount, StoredClaim, StoredDispute, name_variants, outlet_key, search_key)
from .watchstate import WatchStateMixin
from .rows import CLAIM_COLUMNS, JSON_COLUMNS, claim_actors, claim_values, keys_row, loads_json, row_to_stored

_c = T.claims.alias("c")
_a = T.articles.alias("a")
_k = T.claim_keys
_names = T.speaker_names
# A claim as StoredClaim reads it: the claims columns and its article's fields.
_CLAIM_FIELDS = [_c.c[name] for name in CLAIM_COLUMNS] + [
    _a.c.title.label("a_title"), _a.c.date.label("a_date"), _a.c.outlet.label("a_outlet"), _a.c.url.label("a_url")]
_CLAIMS_BY_ID = sa.select(*_CLAIM_FIELDS).select_from(_c.join(_a, _a.c.id == _c.c.article_id)).where(
    _c.c.id.in_(sa.bindparam("ids", expanding=True)))
_STANCES = sa.select(T.claim_propositions.c.claim_id, T.claim_propositions.c.stance).where(
    T.claim_propositions.c.claim_id.in_(sa.bindparam("ids", expanding=True)))
PROPOSITION_COLUMNS = ("claim_id", "proposition_id", "stance", "relatedness", "is_anchor")
# Rows per IN (...) list: well under SQLite's bound-parameter limit.
CHUNK = 500


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hide(message: str, secret: Optional[str]) -> str:
    return message.replace(secret, "***") if secret else message


def one_line(exc: BaseException, secret: Optional[str] = None) -> str:
    """A database error as one line: the driver's message, without SQLAlchemy's statement or link."""
    orig = getattr(exc, "orig", None)
    text = " ".join(str(orig if orig is not None else exc).split())
    text = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", text)
    return hide(text, secret)


def _dicts(result: Any) -> list[dict[str, Any]]:
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result]


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    wanted = list(dict.fromkeys(values))
    for k in range(0, len(wanted), CHUNK):
        yield wanted[k : k + CHUNK]


def _page(stmt: Any, paged: bool) -> Any:
    """LIMIT :limit (when paged) OFFSET :offset."""
    stmt = stmt.offset(sa.bindparam("offset"))
    return stmt.limit(sa.bindparam("limit")) if paged else stmt


# Claim query statements by (store class, kind, filter shape, …): built once, then only their values change.
_STATEMENTS: dict[tuple, Any] = {}


class _SearchSyntax(Exception):
    """The search text is not valid in the engine's query syntax (the next reading is tried)."""


class SqlStore(WatchStateMixin):
    """Articles, claims, sightings and disputes in one SQL database, over one SQLAlchemy connection.

    Subclasses open ``self._conn`` and set ``label`` and ``path``; ``close()`` returns the connection.
    """

    label: str
    path: str
    _conn: Optional[Connection] = None
    _secret: Optional[str] = None  # hidden from error messages (a PostgreSQL password)

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sa.exc.DBAPIError:
                pass
            self._conn = None

    def __enter__(self) -> "SqlStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def connection(self) -> Connection:
        """The open SQLAlchemy connection (StoreError once closed)."""
        if self._conn is None:
            raise StoreError(f"{self.label}: the claim store is closed")
        return self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested ones become savepoints."""
        conn = self.connection
        if conn.in_transaction():
            with conn.begin_nested():
                yield
            return
        self._before_write(conn)
        with conn.begin():
            yield

    def _error(self, what: str, exc: BaseException) -> StoreError:
        return StoreError(f"{self.label}: {what}: {one_line(exc, self._secret)}")

    def rows(self, statement: Any, values: Optional[dict[str, Any]] = None, *,
             search: bool = False) -> list[dict[str, Any]]:
        """Run a read (``values``: its bound parameters by name); outside a transaction it gets its own short one
        (never left open)."""
        conn = self.connection
        try:
            if conn.in_transaction():
                return _dicts(conn.execute(statement, values))
            with conn.begin():
                return _dicts(conn.execute(statement, values))
        except sa.exc.DBAPIError as exc:
            if search and self._search_syntax_error(exc):
                raise _SearchSyntax(one_line(exc)) from None
            raise self._error("query failed", exc) from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """The connection inside a read transaction, for tools that take a SQLAlchemy connection (pandas)."""
        conn = self.connection
        try:
            if conn.in_transaction():
                yield conn
                return
            with conn.begin():
                yield conn
        except sa.exc.DBAPIError as exc:
            raise self._error("query failed", exc) from None

    def _scalar(self, statement: Any) -> Any:
        found = self.rows(statement)
        return next(iter(found[0].values())) if found else None

    def _write(self, what: str, statement: Any, params: Any = None) -> Any:
        try:
            with self.transaction():
                return self.connection.execute(statement, params)
        except sa.exc.DBAPIError as exc:
            raise self._error(what, exc) from None

    # -- articles and claims -----------------------------------------------------------------------------------

    def add_article(self, article: Article, result: ArticleOut, *, text_hash: Optional[str] = None) -> bool:
        """Store the article and its claims in one transaction; False (nothing written) for a duplicate.

        ``text_hash``: ``normalised_text_hash(article.text)`` when the caller has it already (the ingest flow).
        """
        if result.id != article.id:
            raise StoreError(f"article {article.id!r}: extraction result is for another article ({result.id!r})")
        if text_hash is None:
            text_hash = normalised_text_hash(article.text)
        conn = self.connection
        try:
            with self.transaction():
                # ON CONFLICT DO NOTHING covers both unique keys (id, text_hash), also against a concurrent writer.
                added = conn.execute(self._insert(T.articles).values(
                    id=article.id,
                    text_hash=text_hash,
                    title=result.title if result.title is not None else article.title,
                    date=result.date if result.date is not None else article.date,
                    outlet=result.outlet if result.outlet is not None else article.outlet,
                    url=result.url if result.url is not None else article.url,
                    text=article.text,
                    ingested_at=now_iso(),
                    pipeline_version=PIPELINE_VERSION,
                ).on_conflict_do_nothing().returning(T.articles.c.id)).first()
                if added is None:
                    return False
                if result.claims:
                    conn.execute(sa.insert(T.claims), [self._claim_row(article.id, seq, c)
                                                       for seq, c in enumerate(result.claims)])
                    keys = [dict(zip(T.claim_keys.c.keys(), keys_row(c))) for c in result.claims]
                    conn.execute(sa.insert(T.claim_keys), keys)
                    names = sorted({k[col] for k in keys for col in ("speaker_key", "resolved_key", "actor_name_key")
                                    if k[col]})
                    if names:
                        conn.execute(self._insert(T.speaker_names).on_conflict_do_nothing(),
                                     [{"name": n} for n in names])
                    actors = claim_actors(result.claims)
                    if actors:
                        stmt = self._insert(T.actors)
                        conn.execute(stmt.on_conflict_do_update(
                            index_elements=["id"],
                            set_={c: stmt.excluded[c] for c in ("name", "type", "country", "sector")}), actors)
        except sa.exc.DBAPIError as exc:
            raise self._error(f"cannot store article {article.id!r}", exc) from None
        return True

    def _claim_row(self, article_id: str, seq: int, claim: Any) -> dict[str, Any]:
        row = claim_values(article_id, seq, claim)
        for column in JSON_COLUMNS:
            row[column] = self._json_value(row[column])
        return row

    def has_article(self, key: str) -> bool:
        """True when an article with this id, or this normalised text hash, is stored."""
        return self.find_duplicate(key, key) is not None

    def has_text(self, text: str) -> bool:
        """True when an article with the same normalised text is stored."""
        a = T.articles
        stmt = sa.select(sa.literal(1)).select_from(a).where(a.c.text_hash == normalised_text_hash(text))
        return self._scalar(stmt) is not None

    def counts(self) -> dict[str, int]:
        row = self.rows(sa.select(sa.select(sa.func.count()).select_from(T.articles).scalar_subquery().label("articles"),
                                  sa.select(sa.func.count()).select_from(T.claims).scalar_subquery().label("claims")))[0]
        return {"articles": int(row["articles"]), "claims": int(row["claims"])}

    def get_article(self, article_id: str) -> Optional[ArticleOut]:
        """The stored article with its claims in extraction order, or None."""
        a = T.articles
        found = self.rows(sa.select(a.c.id, a.c.title, a.c.date, a.c.outlet, a.c.url).where(a.c.id == article_id))
        if not found:
            return None
        claims = self.query_claims(ClaimQuery(article_id=article_id, limit=None))
        return ArticleOut(**found[0], claims=[c.claim() for c in claims])

    def article_text(self, article_id: str) -> Optional[str]:
        """The original text of a stored article (every claim offset points into it), or None."""
        return self._scalar(sa.select(T.articles.c.text).where(T.articles.c.id == article_id))

    def _article_where(self, since: Optional[str], until: Optional[str], outlet: Optional[str],
                       a: Any) -> list[Any]:
        ClaimQuery(since=since, until=until)  # the same date validation as claim queries
        where: list[Any] = []
        if since:
            where.append(a.c.date >= since)
        if until:
            where.append(sa.func.substr(a.c.date, 1, len(until)) <= until)
        if outlet and outlet.strip():
            where.append(self._outlet_key(a.c.outlet) == self._outlet_key(sa.literal(outlet.strip())))
        return where

    def list_articles(self, limit: Optional[int] = 20, offset: int = 0, *, since: Optional[str] = None,
                      until: Optional[str] = None, outlet: Optional[str] = None) -> list[ArticleSummary]:
        """Stored articles, newest first (undated last, then most recently ingested), with their claim counts;
        ``since``/``until`` bound the article date (inclusive), ``outlet`` compares the outlet key."""
        a, c = _a, T.claims.alias("n")
        claims = sa.select(sa.func.count()).where(c.c.article_id == a.c.id).scalar_subquery().label("claims")
        stmt = (sa.select(a.c.id, a.c.title, a.c.date, a.c.outlet, a.c.url, a.c.ingested_at, claims)
                .where(*self._article_where(since, until, outlet, a))
                .order_by(a.c.date.is_(None), a.c.date.desc(), a.c.ingested_at.desc(), a.c.id)
                .limit(limit).offset(offset))
        return [ArticleSummary(**r) for r in self.rows(stmt)]

    def count_articles(self, *, since: Optional[str] = None, until: Optional[str] = None,
                       outlet: Optional[str] = None) -> int:
        """How many articles ``list_articles`` lists with these filters."""
        stmt = sa.select(sa.func.count()).select_from(_a).where(*self._article_where(since, until, outlet, _a))
        return int(self._scalar(stmt) or 0)

    def _outlet_key(self, expr: Any) -> Any:
        """``base.outlet_key`` in SQL: case-folded, trimmed, ``. , ' ’ !`` removed, ``-`` as a space, no leading
        "the " or trailing " news". Computed per row (no index serves it; articles are few beside claims)."""
        k = self._casefold(sa.func.trim(expr))
        for ch in ".,'’!":
            k = sa.func.replace(k, ch, "")
        k = sa.func.replace(k, "-", " ")
        k = sa.case((k.like("the %"), sa.func.substr(k, 5)), else_=k)
        return sa.case((k.like("% news"), sa.func.substr(k, 1, sa.func.length(k) - 5)), else_=k)

    # -- claim queries -----------------------------------------------------------------------------------------

    def _claim_filter(self, query: ClaimQuery) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The filters ``query`` sets, as a shape (which conditions, see ``_conditions``) and their values."""
        shape: list[str] = []
        values: dict[str, Any] = {}
        if query.speaker is not None and query.speaker.strip():
            needles = name_variants(query.speaker)
            if not needles:  # nothing but combining marks: nothing to look for
                shape.append("nothing")
            else:
                shape.append(f"speaker:{len(needles)}")
                values.update({f"speaker{i}": n for i, n in enumerate(needles)})
        if query.since is not None:
            shape.append("since")
            values["since"] = query.since
        if query.until is not None:
            shape.append("until")
            values.update(until=query.until, until_len=len(query.until))
        if query.outlet is not None:
            shape.append("outlet")
            values["outlet"] = query.outlet.strip()
        if query.article_id is not None:
            shape.append("article_id")
            values["article_id"] = query.article_id
        if query.event is not None and query.event.strip():
            shape.append("event")
            values["event"] = query.event.strip().upper()
        if query.statements:
            shape.append("statements")
        if query.polarity is not None and query.polarity.strip():
            shape.append("polarity")
            values["polarity"] = query.polarity.strip().lower()
        if query.actor is not None and query.actor.strip():
            value = query.actor.strip()
            folded = value.casefold()
            # ids starting "x-": every string from "x-" up to, not including, "x." ("." follows "-").
            values.update(actor_id=folded, actor_country=value.upper(), actor_from=folded + "-", actor_to=folded + ".")
            name = search_key(value)
            shape.append("actor+name" if name else "actor")  # a key of only combining marks matches no name
            if name:
                values["actor_name"] = name
        return tuple(shape), values

    def _conditions(self, shape: tuple[str, ...]) -> list[Any]:
        """WHERE conditions over ``c`` (claims) and ``a`` (articles) for a filter shape; values are bound by name."""
        p = sa.bindparam
        where: list[Any] = []
        for part in shape:
            if part == "nothing":
                where.append(sa.false())
            elif part.startswith("speaker:"):
                # claim_keys / speaker_names: scan the distinct names for any variant, then follow the indexes.
                # The speaker actor's name counts too: "Zelensky" finds what was resolved to Volodymyr Zelenskyy.
                variants = [f"speaker{i}" for i in range(int(part.split(":")[1]))]
                names = sa.select(_names.c.name).where(
                    sa.or_(*(self._position(_names.c.name, p(v)) > 0 for v in variants)))
                where.append(_c.c.id.in_(sa.union(
                    sa.select(_k.c.claim_id).where(_k.c.speaker_key.in_(names)),
                    sa.select(_k.c.claim_id).where(_k.c.resolved_key.in_(names)),
                    sa.select(_k.c.claim_id).where(_k.c.actor_name_key.in_(names)))))
            elif part == "since":
                where.append(_a.c.date >= p("since"))
            elif part == "until":
                # Inclusive: 2024-03-05 keeps every time on that day.
                where.append(sa.func.substr(_a.c.date, 1, p("until_len")) <= p("until"))
            elif part == "outlet":
                where.append(self._outlet_key(_a.c.outlet) == self._outlet_key(p("outlet")))
            elif part == "polarity":
                where.append(_c.c.polarity == p("polarity"))
            elif part == "statements":  # schema.reports_statement, in SQL
                where.append(_c.c.speaker_text.is_not(None))
                speaker = sa.func.lower(_c.c.speaker_text)
                where.append(sa.not_(sa.or_(  # schema.names_no_one
                    speaker.in_(sorted(FIRST_SECOND_PERSON)),
                    sa.and_(speaker.in_(sorted(UNRESOLVED_NO_ONE)),
                            sa.or_(_c.c.resolved_speaker.is_(None),
                                   sa.func.lower(_c.c.resolved_speaker) == speaker)))))
                where.append(sa.or_(
                    _c.c.cue_text.is_(None),
                    sa.and_(_c.c.cue_text.is_not(None), _c.c.kind == "object",
                            _c.c.cue_class.in_(sorted(OBJECT_STATEMENT_CUES)),
                            sa.or_(*(sa.func.lower(" " + _c.c.content_text + " ").like(f"%{w}%")
                                      for w in CHARGE_WORDS))),
                    sa.and_(_c.c.cue_text.is_not(None), _c.c.kind != "object",
                            sa.or_(_c.c.kind.in_(sorted(SELF_EVIDENT_KINDS)), _c.c.cue_class.is_not(None)))))
            elif part == "article_id":
                where.append(_c.c.article_id == p("article_id"))
            elif part == "event":
                where.append(_c.c.event_category == p("event"))
            else:
                where.append(self._actor_filter(with_name=part == "actor+name"))
        return where

    def _matching_names(self, needle: str) -> Any:
        """The distinct speaker / actor name keys containing the search key bound as ``needle``."""
        return sa.select(_names.c.name).where(self._position(_names.c.name, sa.bindparam(needle)) > 0)

    def _actor_filter(self, *, with_name: bool) -> Any:
        """``--actor X``: the speaker actor's id, its country code (RUS: Russia, its government, Peskov…), ids
        starting ``X-``, or a name containing X; each an index lookup on ``claim_keys``."""
        p = sa.bindparam
        parts = [
            sa.select(_k.c.claim_id).where(_k.c.actor_key == p("actor_id")),
            sa.select(_k.c.claim_id).where(_k.c.actor_country == p("actor_country")),
            sa.select(_k.c.claim_id).where(_k.c.actor_key >= p("actor_from"), _k.c.actor_key < p("actor_to")),
        ]
        if with_name:
            parts.append(sa.select(_k.c.claim_id).where(_k.c.actor_name_key.in_(self._matching_names("actor_name"))))
        return _c.c.id.in_(sa.union(*parts))

    def _claim_rows(self, query: ClaimQuery, kind: str, build: Callable[[Any, list[Any], Any], Any], *,
                    articles: bool = True) -> list[dict[str, Any]]:
        """Rows of the claims matching ``query``, from the statement ``build(source, where, search)`` makes.

        ``source`` is the claims (joined with their articles when ``articles``), ``search`` the engine's search
        expression when the query has a text (else None). Statements are kept per engine, kind and filter shape,
        so a repeated query only binds new values. A text search runs once per reading of the text the engine
        offers (as written, then as plain words).
        """
        shape, values = self._claim_filter(query)
        values.update(limit=query.limit, offset=query.offset)
        paged = query.limit is not None
        # Only date/outlet filters (or none): the articles drive the listing (idx_articles_order).
        article_first = articles and _article_filters_only(query)

        def statement(search_form: Optional[str]) -> Any:
            key = (type(self), kind, shape, articles, article_first, search_form, paged)
            stmt = _STATEMENTS.get(key)
            if stmt is None:
                source = self._claims_with_articles(article_first) if articles else _c
                where = self._conditions(shape)
                search = None
                if search_form is not None:
                    search = self._search_expr(search_form)
                    source = self._search_source(source)
                    where.insert(0, self._search_match(search))
                stmt = _STATEMENTS[key] = build(sa.select().select_from(source).where(*where), where, search)
            return stmt

        if query.text is None:
            return self.rows(statement(None), values)
        text = query.text.strip()
        if not text:
            raise ClaimwatchError("the search text is empty")
        last: Optional[_SearchSyntax] = None
        for form, value in self._search_terms(text):
            try:
                return self.rows(statement(form), {**values, "search": value}, search=True)
            except _SearchSyntax as exc:
                last = exc
        raise ClaimwatchError(f"cannot search for {text!r}: {last or 'no searchable words'}")

    def _claims_with_articles(self, article_first: bool) -> Any:
        return _c.join(_a, _a.c.id == _c.c.article_id)

    def query_claims(self, query: ClaimQuery) -> list[StoredClaim]:
        """Claims matching ``query``: newest article first (undated last), then in article order; with a text
        search, best match first."""

        def build(stmt: Any, _where: list[Any], search: Any) -> Any:
            order = [_a.c.date.is_(None), _a.c.date.desc(), _a.c.id, _c.c.seq]  # a.id is c.article_id
            if search is not None:
                order.insert(0, self._search_rank(search))
            return _page(stmt.add_columns(*_CLAIM_FIELDS).order_by(*order), query.limit is not None)

        return [row_to_stored(r) for r in self._claim_rows(query, "claims", build)]

    def count_claims(self, query: ClaimQuery) -> int:
        """How many claims match ``query``'s filters (its limit and offset are ignored)."""
        # Every claim has its article (foreign key), so the join only matters for the article filters.
        articles = query.since is not None or query.until is not None or query.outlet is not None
        found = self._claim_rows(query, "count", lambda stmt, _w, _s: stmt.add_columns(sa.func.count().label("n")),
                                 articles=articles)
        return int(found[0]["n"]) if found else 0

    def claim_timeline(self, query: ClaimQuery) -> list[DayCount]:
        """Claims matching ``query`` per article day, oldest first; undated articles give one ``day=None`` row."""

        def build(stmt: Any, _where: list[Any], _search: Any) -> Any:
            day = sa.func.substr(_a.c.date, 1, 10).label("day")
            return stmt.add_columns(day, sa.func.count().label("claims")).group_by(day).order_by(day.is_(None), day)

        found = self._claim_rows(query, "timeline", build)
        return [DayCount(day=r["day"], claims=int(r["claims"])) for r in found]

    def claim_facets(self, query: ClaimQuery, facet: str) -> list[FacetCount]:
        """Claims matching ``query`` counted by ``facet`` (``FACETS``), most first; each claim counts once, so
        the counts sum to ``count_claims(query)``. Outlets group by outlet key (labelled with the commonest
        spelling), speakers by resolved actor (else the resolved speaker, else the speaker as written)."""
        if facet not in FACETS:
            raise ClaimwatchError(f"unknown facet {facet!r} (one of {', '.join(FACETS)})")
        label: Any
        if facet == "outlet":
            value, label, param = self._outlet_key(_a.c.outlet), _a.c.outlet, "outlet"
        elif facet == "event":
            value, label, param = _c.c.event_category, _c.c.event_category, "event"
        elif facet == "polarity":
            value, label, param = _c.c.polarity, _c.c.polarity, "polarity"
        else:
            name = sa.func.coalesce(_c.c.resolved_speaker, _c.c.speaker_text)
            value, label, param = sa.func.coalesce(_c.c.speaker_actor_id, name), name, "speaker"

        def build(stmt: Any, _where: list[Any], _search: Any) -> Any:
            v, lab = value.label("value"), label.label("label")
            inner = stmt.add_columns(v, lab, _c.c.speaker_actor_id.label("actor")).subquery("f")
            # The commonest spelling of each value labels it.
            counted = (sa.select(inner.c.value, inner.c.label, sa.func.max(inner.c.actor).label("actor"),
                                 sa.func.count().label("n")).group_by(inner.c.value, inner.c.label).subquery("g"))
            return sa.select(counted.c.value, counted.c.label, counted.c.actor, counted.c.n)

        query = ClaimQuery(**{**query.__dict__, "limit": None, "offset": 0})
        rows = self._claim_rows(query, f"facet-{facet}", build)
        totals: dict[Any, list[Any]] = {}
        for r in rows:
            slot = totals.setdefault(r["value"], [0, None, 0, r["actor"]])
            slot[0] += int(r["n"])
            if r["label"] is not None and int(r["n"]) > slot[2]:
                slot[1], slot[2] = r["label"], int(r["n"])
        out = []
        for v, (n, lab, _, actor) in totals.items():
            if v is None or v == "":
                out.append(FacetCount(value=None, label="(none)", count=n, filter=None))
                continue
            f = param
            if facet == "speaker":
                f = "actor" if actor and actor == v else "speaker"
                lab = lab or v
            out.append(FacetCount(value=str(v), label=" ".join(str(lab or v).split()), count=n, filter=f))
        out.sort(key=lambda x: (-x.count, x.value is None, x.label.casefold()))
        return out

    def outlet_timeline(self, query: ClaimQuery) -> list[OutletDayCount]:
        """Claims matching ``query`` per article day and outlet key, oldest first (undated articles left out)."""

        def build(stmt: Any, _where: list[Any], _search: Any) -> Any:
            day = sa.func.substr(_a.c.date, 1, 10).label("day")
            key = self._outlet_key(sa.func.coalesce(_a.c.outlet, "")).label("outlet")
            return (stmt.add_columns(day, key, sa.func.count().label("claims")).where(_a.c.date.is_not(None))
                    .group_by(day, key).order_by(day, key))

        query = ClaimQuery(**{**query.__dict__, "limit": None, "offset": 0})
        return [OutletDayCount(day=r["day"], outlet=r["outlet"] or "", claims=int(r["claims"]))
                for r in self._claim_rows(query, "outlet-timeline", build)]

    def claims_by_id(self, ids: Sequence[str]) -> dict[str, StoredClaim]:
        """Stored claims (with their article fields) by id."""
        out: dict[str, StoredClaim] = {}
        for part in _chunks(ids):
            for r in self.rows(_CLAIMS_BY_ID, {"ids": part}):
                out[r["id"]] = row_to_stored(r)
        return out

    # -- actors ------------------------------------------------------------------------------------------------

    def _mentioned_ids(self, claims: Any) -> tuple[Any, Any]:
        """The mentions of a claims alias as a FROM item and the actor id of each (``claims.actors``, JSON)."""
        j = self._json_elements(claims.c.actors).alias("j")
        return j, self._json_text(j.c.value, "actor", "id")

    def get_actor(self, actor_id: str) -> Optional[ActorCount]:
        """One actor by id (case-insensitive, the exact id first), with its claim and mention counts, or None."""
        t, c, m = T.actors.alias("t"), T.claims.alias("s"), T.claims.alias("m")
        j, mention_id = self._mentioned_ids(m)
        claims = sa.select(sa.func.count()).where(c.c.speaker_actor_id == t.c.id).scalar_subquery()
        mentions = (sa.select(sa.func.count()).where(
            m.c.actors.is_not(None),
            sa.exists(sa.select(sa.literal(1)).select_from(j).where(mention_id == t.c.id).correlate(t)))
            .scalar_subquery())
        stmt = (sa.select(t.c.id, t.c.name, t.c.type, t.c.country, t.c.sector, claims.label("claims"),
                          mentions.label("mentions"))
                .where(sa.or_(t.c.id == actor_id, self._casefold(t.c.id) == actor_id.casefold()))
                .order_by((t.c.id == actor_id).desc()).limit(1))
        found = self.rows(stmt)
        return ActorCount(**found[0]) if found else None

    def _actor_name_filter(self, t: Any, name: Optional[str]) -> list[Any]:
        if not name or not name.strip():
            return []
        needle = name.strip().casefold()
        return [sa.or_(self._position(self._casefold(t.c.name), sa.literal(needle)) > 0,
                       self._position(self._casefold(t.c.id), sa.literal(needle)) > 0)]

    def _actor_ranking(self, name: Optional[str], within: Optional[ClaimQuery]) -> tuple[Any, Any, Any]:
        """The ranking statement (unpaged) and its claims and mentions columns; ``within``: count only claims in
        articles matching its since/until/outlet and with its event, and list only actors those speak or mention."""
        c, t = T.claims.alias("c"), T.actors.alias("t")
        scope: list[Any] = []
        if within is not None:
            wa = T.articles.alias("wa")
            article_where = self._article_where(within.since, within.until, within.outlet, wa)
            if article_where:
                scope.append(c.c.article_id.in_(sa.select(wa.c.id).where(*article_where)))
            if within.event and within.event.strip():
                scope.append(c.c.event_category == within.event.strip().upper())
        spoken = (sa.select(c.c.speaker_actor_id.label("id"), sa.func.count().label("n"))
                  .where(c.c.speaker_actor_id.is_not(None), *scope).group_by(c.c.speaker_actor_id).cte("spoken"))
        j, mention_id = self._mentioned_ids(c)
        mentioned = (sa.select(mention_id.label("id"), sa.func.count(sa.distinct(c.c.id)).label("n"))
                     .select_from(c.join(j, sa.true())).where(c.c.actors.is_not(None), *scope).group_by(mention_id)
                     .cte("mentioned"))
        claims = sa.func.coalesce(spoken.c.n, 0).label("claims")
        mentions = sa.func.coalesce(mentioned.c.n, 0).label("mentions")
        where = self._actor_name_filter(t, name)
        if scope:
            where.append(sa.or_(spoken.c.n.is_not(None), mentioned.c.n.is_not(None)))
        stmt = (sa.select(t.c.id, t.c.name, t.c.type, t.c.country, t.c.sector, claims, mentions)
                .select_from(t.outerjoin(spoken, spoken.c.id == t.c.id).outerjoin(mentioned, mentioned.c.id == t.c.id))
                .where(*where))
        return stmt, claims, mentions

    def top_actors(self, limit: Optional[int] = 20, offset: int = 0, *, name: Optional[str] = None,
                   within: Optional[ClaimQuery] = None) -> list[ActorCount]:
        """Actors by the number of claims they speak (then by claims that mention them), most first; ``name``:
        only actors whose id or name contains it (case-insensitive); ``within``: count only the claims in articles
        matching its ``since``/``until``/``outlet`` with its ``event``, and list only the actors they involve."""
        stmt, claims, mentions = self._actor_ranking(name, within)
        t = stmt.selected_columns
        stmt = stmt.order_by(claims.desc(), mentions.desc(), t.id).limit(limit).offset(offset)
        return [ActorCount(**r) for r in self.rows(stmt)]

    def count_actors(self, *, name: Optional[str] = None, within: Optional[ClaimQuery] = None) -> int:
        """How many actors ``top_actors`` lists with these filters."""
        if within is None:  # every actor: no need to count claims
            t = T.actors.alias("t")
            return int(self._scalar(sa.select(sa.func.count()).select_from(t)
                                    .where(*self._actor_name_filter(t, name))) or 0)
        stmt, _, _ = self._actor_ranking(name, within)
        return int(self._scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0)

    # -- sightings and MinHash signatures (store/dedup.py) ------------------------------------------------------

    def find_duplicate(self, article_id: str, text_hash: str) -> Optional[str]:
        """The id of the stored article with this id or this normalised text hash, or None."""
        a = T.articles
        return self._scalar(sa.union_all(sa.select(a.c.id).where(a.c.id == article_id),
                                         sa.select(a.c.id).where(a.c.text_hash == text_hash)).limit(1))

    def add_sightings(self, rows: Sequence[tuple]) -> int:
        """Insert sightings rows (``SIGHTING_COLUMNS`` order), ignoring ones already there; return rows added."""
        stmt = self._insert(T.sightings).on_conflict_do_nothing().returning(T.sightings.c.source_key)
        added = 0
        try:
            with self.transaction():  # its own transaction, or a savepoint inside the caller's
                for row in rows:  # one by one: RETURNING counts what was really inserted
                    added += len(self.connection.execute(stmt, dict(zip(T.SIGHTING_COLUMNS, row))).all())
        except sa.exc.DBAPIError as exc:
            raise self._error("cannot store sightings", exc) from None
        return added

    def save_minhash(self, article_id: str, num_perm: int, signature: bytes) -> None:
        stmt = self._insert(T.article_minhash).values(article_id=article_id, num_perm=num_perm, signature=signature)
        self._write("cannot store a MinHash signature", stmt.on_conflict_do_update(
            index_elements=["article_id"], set_={"num_perm": stmt.excluded.num_perm,
                                                 "signature": stmt.excluded.signature}))

    def articles_without_minhash(self) -> list[tuple[str, str]]:
        """``(id, text)`` of the stored articles that have no MinHash signature yet."""
        a, m = T.articles, T.article_minhash
        stmt = (sa.select(a.c.id, a.c.text).select_from(a.outerjoin(m, m.c.article_id == a.c.id))
                .where(m.c.article_id.is_(None)).order_by(a.c.id))
        return [(r["id"], r["text"]) for r in self.rows(stmt)]

    def minhashes(self) -> Iterator[tuple[str, int, bytes]]:
        """Every stored ``(article id, num_perm, signature)``."""
        m = T.article_minhash
        for r in self.rows(sa.select(m.c.article_id, m.c.num_perm, m.c.signature)):
            yield r["article_id"], r["num_perm"], bytes(r["signature"])

    def get_minhash(self, article_id: str) -> Optional[tuple[int, bytes]]:
        m = T.article_minhash
        found = self.rows(sa.select(m.c.num_perm, m.c.signature).where(m.c.article_id == article_id))
        return (found[0]["num_perm"], bytes(found[0]["signature"])) if found else None

    def sightings_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Sightings per article (only articles that have any)."""
        s = T.sightings
        counts: dict[str, int] = {}
        for part in _chunks(article_ids):
            stmt = (sa.select(s.c.article_id, sa.func.count().label("n")).where(s.c.article_id.in_(part))
                    .group_by(s.c.article_id))
            counts.update({r["article_id"]: int(r["n"]) for r in self.rows(stmt)})
        return counts

    # -- embeddings (disputes/embeddings.py) ---------------------------------------------------------------------

    def claims_without_embedding(self, model: str) -> list[tuple[str, str]]:
        """``(claim id, content text)`` of every claim with no vector from ``model`` yet, in storing order."""
        e = T.claim_embeddings
        stmt = (sa.select(_c.c.id, _c.c.content_text)
                .where(~sa.exists().where(e.c.claim_id == _c.c.id, e.c.model == model))
                .order_by(*self._storing_order(_c)))
        return [(r["id"], r["content_text"]) for r in self.rows(stmt)]

    def claim_texts(self) -> Iterator[tuple[str, str, str]]:
        """``(claim id, content text, speaker and resolved speaker)`` of every claim: what ``check`` weighs the
        rarity of a sentence's words on (``disputes/terms.py``)."""
        stmt = sa.select(_c.c.id, _c.c.content_text, _c.c.speaker_text, _c.c.resolved_speaker)
        for r in self.rows(stmt):
            yield r["id"], r["content_text"], f"{r['speaker_text'] or ''} {r['resolved_speaker'] or ''}"

    def put_embeddings(self, model: str, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        rows = [{"claim_id": cid, "model": model, "dim": int(vectors.shape[1]), "vector": vectors[k].tobytes()}
                for k, cid in enumerate(ids)]
        if not rows:
            return
        stmt = self._insert(T.claim_embeddings)
        self._write("cannot store embeddings", stmt.on_conflict_do_update(
            index_elements=["claim_id", "model"], set_={"dim": stmt.excluded.dim, "vector": stmt.excluded.vector}),
            rows)

    def embedding_matrix(self, model: str, ids: Optional[Sequence[str]] = None) -> tuple[list[str], np.ndarray]:
        """Claim ids and their vectors (one row each, float32) from ``model``: all, or those of ``ids``."""
        e = T.claim_embeddings
        stmt = sa.select(e.c.claim_id, e.c.dim, e.c.vector).where(e.c.model == model).order_by(e.c.claim_id)
        if ids is None:
            found = self.rows(stmt)
        else:
            found = [r for part in _chunks(ids) for r in self.rows(stmt.where(e.c.claim_id.in_(part)))]
        if not found:
            return [], np.zeros((0, 0), dtype=np.float32)
        dim = int(found[0]["dim"])
        matrix = np.frombuffer(b"".join(bytes(r["vector"]) for r in found), dtype="<f4").reshape(len(found), dim)
        return [r["claim_id"] for r in found], matrix

    # -- propositions and disputes (disputes/detect.py) ----------------------------------------------------------

    def unscanned_claim_ids(self) -> list[str]:
        """Claims not yet through dispute detection (no ``claim_propositions`` row)."""
        p = T.claim_propositions
        stmt = sa.select(_c.c.id).where(~sa.exists().where(p.c.claim_id == _c.c.id)).order_by(_c.c.id)
        return [r["id"] for r in self.rows(stmt)]

    def propositions(self) -> list[tuple[str, str, str, float, int]]:
        """Every ``(claim id, proposition id, stance, relatedness, is_anchor)`` row."""
        p = T.claim_propositions
        found = self.rows(sa.select(*(p.c[n] for n in PROPOSITION_COLUMNS)).order_by(p.c.claim_id))
        return [tuple(r[n] for n in PROPOSITION_COLUMNS) for r in found]  # type: ignore[misc]

    def dispute_links(self) -> list[tuple[str, str, str, str]]:
        """Every stored pair as ``(pair id, left claim id, right claim id, group id)``."""
        d = T.disputes
        found = self.rows(sa.select(d.c.id, d.c.left_claim_id, d.c.right_claim_id, d.c.group_id).order_by(d.c.id))
        return [(r["id"], r["left_claim_id"], r["right_claim_id"], r["group_id"]) for r in found]

    def set_dispute_groups(self, groups: dict[str, str]) -> None:
        """Move stored pairs to other groups (``pair id -> group id``), in one transaction."""
        if not groups:
            return
        d = T.disputes
        stmt = sa.update(d).where(d.c.id == sa.bindparam("pair")).values(group_id=sa.bindparam("group"))
        try:
            with self.transaction():
                self.connection.execute(stmt, [{"pair": k, "group": v} for k, v in groups.items()])
        except sa.exc.DBAPIError as exc:
            raise self._error("cannot store disputes", exc) from None

    def save_detection(self, propositions: Iterable[tuple[str, str, str, float, int]],
                       disputes: Iterable[dict[str, Any]], *, replace_all: bool = False) -> None:
        """Write proposition rows and dispute rows in one transaction (``replace_all``: clear both tables first)."""
        now = now_iso()
        prop_rows = [dict(zip(PROPOSITION_COLUMNS, p)) for p in propositions]
        dispute_rows = []
        for d in disputes:
            row = {c: d.get(c) for c in T.DISPUTE_COLUMNS}
            row["detected_at"] = now
            row["reasons"] = self._json_value(row["reasons"])
            row["details"] = self._json_value(row["details"])
            dispute_rows.append(row)
        conn = self.connection
        try:
            with self.transaction():
                if replace_all:
                    conn.execute(sa.delete(T.disputes))
                    conn.execute(sa.delete(T.claim_propositions))
                if prop_rows:
                    stmt = self._insert(T.claim_propositions)
                    conn.execute(stmt.on_conflict_do_update(
                        index_elements=["claim_id"], set_={c: stmt.excluded[c] for c in PROPOSITION_COLUMNS[1:]}),
                        prop_rows)
                if dispute_rows:
                    stmt = self._insert(T.disputes)
                    conn.execute(stmt.on_conflict_do_update(
                        index_elements=["id"], set_={c: stmt.excluded[c] for c in T.DISPUTE_COLUMNS if c != "id"}),
                        dispute_rows)
        except sa.exc.DBAPIError as exc:
            raise self._error("cannot store disputes", exc) from None

    def dispute_counts(self) -> dict[str, int]:
        d, p = T.disputes, T.claim_propositions

        def one(*what: Any) -> Any:
            return sa.select(*what).scalar_subquery()

        row = self.rows(sa.select(
            one(sa.func.count()).select_from(d).label("disputes"),
            one(sa.func.count(sa.distinct(d.c.group_id))).label("groups"),
            one(sa.func.count(sa.distinct(p.c.proposition_id))).label("propositions"),
            one(sa.func.count()).select_from(p).label("scanned")))[0]
        return {k: int(v) for k, v in row.items()}

    def query_disputes(self, query: DisputeQuery) -> list[StoredDispute]:
        """Disputes matching ``query``, best score first; one per group unless ``all_pairs``."""
        shape: list[str] = []
        values: dict[str, Any] = {"limit": query.limit, "offset": query.offset}
        if query.dispute_id is not None:
            shape.append("dispute_id")
            values["dispute_id"] = query.dispute_id
        if query.group_id is not None:
            shape.append("group_id")
            values["group_id"] = query.group_id
        if query.min_score is not None:
            shape.append("min_score")
            values["min_score"] = float(query.min_score)
        if query.since is not None:
            shape.append("since")
            values["since"] = query.since[:10]
        if query.until is not None:
            shape.append("until")
            values["until"] = query.until[:10]
        actor: tuple[str, ...] = ()
        if query.actor is not None and query.actor.strip():
            actor, actor_values = self._claim_filter(ClaimQuery(actor=query.actor))
            values.update(actor_values)
        if query.outlet is not None and query.outlet.strip():
            shape.append("outlet")
            values["outlet"] = query.outlet.strip()
        pairs = query.all_pairs or query.dispute_id is not None or query.group_id is not None
        key = (type(self), "disputes", tuple(shape), actor, pairs, query.limit is not None)
        stmt = _STATEMENTS.get(key)
        if stmt is None:
            stmt = _STATEMENTS[key] = self._dispute_statement(tuple(shape), actor, pairs, query.limit is not None)
        return self._disputes_from_rows(self.rows(stmt, values))

    def _dispute_statement(self, shape: tuple[str, ...], actor: tuple[str, ...], pairs: bool, paged: bool) -> Any:
        p = sa.bindparam
        d = T.disputes.alias("d")
        where: list[Any] = []
        if "dispute_id" in shape:
            where.append(d.c.id == p("dispute_id"))
        if "group_id" in shape:
            where.append(d.c.group_id == p("group_id"))
        if "min_score" in shape:
            where.append(d.c.score >= p("min_score"))
        if "since" in shape:
            where.append(sa.func.coalesce(d.c.last_seen, d.c.first_seen) >= p("since"))
        if "until" in shape:
            where.append(d.c.first_seen <= p("until"))
        if actor:
            sub = sa.select(_c.c.id).where(*self._conditions(actor))
            where.append(sa.or_(d.c.left_claim_id.in_(sub), d.c.right_claim_id.in_(sub)))
        if "outlet" in shape:
            c, a = T.claims.alias("oc"), T.articles.alias("oa")
            sub = (sa.select(c.c.id).select_from(c.join(a, a.c.id == c.c.article_id))
                   .where(self._outlet_key(a.c.outlet) == self._outlet_key(p("outlet"))))
            where.append(sa.or_(d.c.left_claim_id.in_(sub), d.c.right_claim_id.in_(sub)))
        cols = [d.c[n] for n in T.DISPUTE_COLUMNS]
        if pairs:
            stmt = (sa.select(*cols, sa.literal(1).label("n_pairs"), d.c.first_seen.label("g_first"),
                              d.c.last_seen.label("g_last"))
                    .where(*where).order_by(d.c.score.desc(), d.c.id))
        else:
            # The best pair of each group, with the group's size and its first and last days.
            group = {"partition_by": d.c.group_id}
            m = sa.select(
                *cols,
                sa.func.row_number().over(order_by=(d.c.score.desc(), d.c.id), **group).label("rk"),
                sa.func.count().over(**group).label("n_pairs"),
                sa.func.min(d.c.first_seen).over(**group).label("g_first"),
                sa.func.max(d.c.last_seen).over(**group).label("g_last"),
            ).where(*where).subquery("m")
            stmt = sa.select(m).where(m.c.rk == 1).order_by(m.c.score.desc(), m.c.n_pairs.desc(), m.c.id)
        return _page(stmt, paged)

    def _disputes_from_rows(self, rows: list[dict[str, Any]]) -> list[StoredDispute]:
        """StoredDisputes from ``disputes`` rows with their group's ``n_pairs``, ``g_first`` and ``g_last``."""
        if not rows:
            return []
        sides = [r["left_claim_id"] for r in rows] + [r["right_claim_id"] for r in rows]
        claims = self.claims_by_id(sides)
        stances = self._stances(sides)
        out = []
        for r in rows:
            left, right = claims.get(r["left_claim_id"]), claims.get(r["right_claim_id"])
            if left is None or right is None:
                continue
            out.append(StoredDispute(
                id=r["id"], left=left, right=right, reason=r["reason"], score=r["score"],
                first_seen=r["g_first"], last_seen=r["g_last"], reasons=loads_json(r["reasons"], []),
                explanation=r["explanation"], group_id=r["group_id"], pairs=int(r["n_pairs"]),
                left_stance=stances.get(r["left_claim_id"]), right_stance=stances.get(r["right_claim_id"]),
            ))
        return out

    def _stances(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in _chunks(ids):
            out.update({r["claim_id"]: r["stance"] for r in self.rows(_STANCES, {"ids": part})})
        return out

    def dispute_timeline(self, actor: Optional[str] = None) -> dict[str, int]:
        """Dispute groups per first day seen (optionally those where either side's speaker is ``actor``)."""
        days: dict[str, int] = {}
        for d in self.query_disputes(DisputeQuery(actor=actor, limit=None)):
            if d.first_seen:
                days[d.first_seen] = days.get(d.first_seen, 0) + 1
        return days

    # -- check (disputes/check.py) --------------------------------------------------------------------------------

    @staticmethod
    def family_names(lex: Any) -> list[str]:
        """Event family names in a fixed order (index k+1 in ``claim_event_families``; 0 = none)."""
        return sorted(lex.families)

    def claim_event_families(self, ids: Sequence[str], lex: Any) -> np.ndarray:
        """Each claim's event family index (see ``family_names``), aligned with ``ids``; read with one scan."""
        names = {n: k + 1 for k, n in enumerate(self.family_names(lex))}
        c = T.claims
        stmt = (sa.select(c.c.id, c.c.event_category, self._json_text(c.c.event, "mode").label("mode"))
                .where(c.c.event_category.is_not(None)))
        known: dict[str, int] = {}
        for r in self.rows(stmt):
            fam = lex.family(r["event_category"], r["mode"])
            if fam is not None:
                known[r["id"]] = names[fam]
        return np.fromiter((known.get(cid, 0) for cid in ids), dtype=np.int64, count=len(ids))

    # -- what each engine supplies --------------------------------------------------------------------------------

    def _before_write(self, conn: Connection) -> None:
        """Called before a write transaction begins (SQLite takes its write lock at BEGIN)."""

    def _insert(self, table: sa.Table) -> Any:
        """The engine's INSERT, the one with ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
        raise NotImplementedError

    def _json_value(self, value: Any) -> Any:
        """A JSON column's value from lists and dicts, or from JSON text (None stays NULL)."""
        raise NotImplementedError

    def _json_elements(self, column: Any) -> Any:
        """The elements of a JSON array column as a table-valued function with a ``value`` column."""
        raise NotImplementedError

    def _json_text(self, expr: Any, *keys: str) -> Any:
        """The text at ``keys`` inside a JSON object."""
        raise NotImplementedError

    def _same_text(self, column: Any, value: Any) -> Any:
        """Case-insensitive equality, in the form the engine's index on the column serves."""
        raise NotImplementedError

    def _casefold(self, expr: Any) -> Any:
        raise NotImplementedError

    def _position(self, haystack: Any, needle: Any) -> Any:
        """Where ``needle`` starts in ``haystack`` (1-based; 0 when absent)."""
        raise NotImplementedError

    def _storing_order(self, claims: Any) -> list[Any]:
        """ORDER BY terms that list claims in the order they were stored."""
        raise NotImplementedError

    def _search_terms(self, text: str) -> Iterator[tuple[str, Any]]:
        """The readings of a search text to try in turn (FTS5 syntax first): (form, value bound as ``search``)."""
        raise NotImplementedError

    def _search_expr(self, form: str) -> Any:
        """The search expression of a form ``_search_terms`` gives, over the bound parameter ``search``."""
        raise NotImplementedError

    def _search_source(self, source: Any) -> Any:
        """``source`` with what the search needs joined in."""
        return source

    def _search_match(self, search: Any) -> Any:
        raise NotImplementedError

    def _search_rank(self, search: Any) -> Any:
        """The ORDER BY term putting the best match first."""
        raise NotImplementedError

    def _search_syntax_error(self, exc: BaseException) -> bool:
        return False


def _article_filters_only(query: ClaimQuery) -> bool:
    """True when no filter narrows the claims themselves (only dates and outlet, or nothing)."""
    return all(v is None or not v.strip() for v in (query.text, query.speaker, query.actor, query.event,
                                                    query.article_id, query.polarity))

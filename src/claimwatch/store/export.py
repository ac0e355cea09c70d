"""Stored tables as pandas DataFrames, and written as Parquet, CSV or JSONL (`claimwatch export`).

Needs the ``export`` extra (pandas, pyarrow). Claims carry their article's fields (title, date, outlet, url)
and ``sightings``, the number of places their story was seen (docs/STORE.md, ``sightings``). ``events`` is one
row per claim with an event (category, CAMEO code, mode, negation, source and target actors), flattened from the
claims' ``event`` column with the columns of ``claimwatch spark``'s ``events/`` dataset.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import sqlalchemy as sa

from ..errors import ClaimwatchError, StoreError
from . import tables as T
from .rows import CLAIM_COLUMNS, JSON_COLUMNS

if TYPE_CHECKING:
    import pandas

    from .base import Store

TABLES = ("claims", "articles", "actors", "events", "disputes", "sightings")
FORMATS = ("parquet", "csv", "jsonl")



def _sightings(article_id: Any) -> Any:
    """How many places the article's story was seen: at least 1 (an article stored before sightings existed)."""
    n = sa.select(sa.func.count()).where(T.sightings.c.article_id == article_id).scalar_subquery()
    return sa.func.coalesce(sa.func.nullif(n, 0), 1).label("sightings")


def _statement(table: str) -> Any:
    c, a = T.claims.alias("c"), T.articles.alias("a")
    if table == "claims":
        return (sa.select(*(c.c[n] for n in CLAIM_COLUMNS), a.c.title, a.c.date, a.c.outlet, a.c.url,
                          _sightings(c.c.article_id))
                .select_from(c.join(a, a.c.id == c.c.article_id)).order_by(c.c.article_id, c.c.seq))
    if table == "articles":
        return sa.select(*a.c, _sightings(a.c.id)).order_by(a.c.id)
    if table == "actors":
        t = T.actors.alias("t")
        spoken = sa.select(sa.func.count()).where(c.c.speaker_actor_id == t.c.id).scalar_subquery().label("claims")
        return sa.select(*t.c, spoken).order_by(t.c.id)
    if table == "disputes":
        return sa.select(T.disputes).order_by(T.disputes.c.score.desc(), T.disputes.c.id)
    s = T.sightings
    return sa.select(s).order_by(s.c.article_id, s.c.seen_at, s.c.source_key)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ClaimwatchError("export needs pandas and pyarrow: pip install 'claimwatch[export]'") from None
    return pandas


def dataframe(db: Union[str, Path, "Store"], table: str) -> "pandas.DataFrame":
    """One stored table as a DataFrame (the same columns and values from either engine).

    Args:
        db: a claim database path or PostgreSQL URL, or an open store.
        table: one of ``TABLES``.

    Raises:
        StoreError: unknown table, or the database cannot be opened.
    """
    if table not in TABLES:
        raise StoreError(f"unknown table {table!r}; pick one of: {', '.join(TABLES)}")
    pd = _pandas()
    from . import open_store

    if not isinstance(db, (str, Path)):
        return _read(pd, db, table)
    with open_store(db, create=False) as store:
        return _read(pd, store, table)


EVENT_COLUMNS = ("claim_id", "article_id", "article_date", "category", "cameo", "mode", "negated", "source_id",
                 "source_name", "target_id", "target_name", "speaker_actor_id")


def _events(pd: Any, claims: "pandas.DataFrame") -> "pandas.DataFrame":
    rows = []
    for cid, aid, day, event, speaker in zip(claims["id"], claims["article_id"], claims["date"], claims["event"],
                                             claims["speaker_actor_id"]):
        if event is None or (isinstance(event, float) and event != event):  # NULL, or NaN from pandas
            continue
        ev = json.loads(event)
        src, tgt = ev.get("source") or {}, ev.get("target") or {}
        rows.append((cid, aid, day, ev.get("category"), ev.get("cameo"), ev.get("mode"), bool(ev.get("negated")),
                     src.get("id"), src.get("name"), tgt.get("id"), tgt.get("name"), speaker))
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def _read(pd: Any, store: "Store", table: str) -> "pandas.DataFrame":
    if table == "events":
        return _events(pd, _read(pd, store, "claims"))
    statement = _statement(table)
    with store.reading() as conn:
        frame = pd.read_sql_query(statement, conn)
    # JSON columns are text in SQLite and lists and dicts in PostgreSQL (JSONB): written as JSON text either way
    # (from JSONB the keys inside an object may come in another order).
    for column in (*JSON_COLUMNS, "reasons", "details"):
        if column in frame.columns:
            frame[column] = [json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                             for v in frame[column]]
    return frame


def export_table(db: Union[str, Path], table: str, fmt: str, output: Union[str, Path]) -> int:
    """Write ``table`` to ``output`` as ``fmt``; return the number of rows written."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown format {fmt!r}; pick one of: {', '.join(FORMATS)}")
    frame = dataframe(db, table)
    out = Path(output)
    if not out.parent.exists():
        raise ClaimwatchError(f"{out}: folder {out.parent} does not exist")
    if fmt == "parquet":
        try:
            frame.to_parquet(out, index=False)
        except ImportError:
            raise ClaimwatchError("Parquet export needs pyarrow: pip install 'claimwatch[export]'") from None
    elif fmt == "csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    return len(frame)

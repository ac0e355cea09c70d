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

from ..errors import ClaimwatchError, StoreError
from .rows import CLAIM_COLUMNS, JSON_COLUMNS

if TYPE_CHECKING:
    import pandas

TABLES = ("claims", "articles", "actors", "events", "disputes", "sightings")
FORMATS = ("parquet", "csv", "jsonl")

_SQL = {
    "claims": (
        "SELECT c.*, a.title, a.date, a.outlet, a.url,"
        " (SELECT max(count(*), 1) FROM sightings s WHERE s.article_id = c.article_id) AS sightings"
        " FROM claims c JOIN articles a ON a.id = c.article_id ORDER BY c.article_id, c.seq"
    ),
    "articles": (
        "SELECT a.*, (SELECT max(count(*), 1) FROM sightings s WHERE s.article_id = a.id) AS sightings"
        " FROM articles a ORDER BY a.id"
    ),
    "actors": (
        "SELECT t.*, (SELECT count(*) FROM claims c WHERE c.speaker_actor_id = t.id) AS claims"
        " FROM actors t ORDER BY t.id"
    ),
    "disputes": "SELECT * FROM disputes ORDER BY score DESC, id",
    "sightings": "SELECT * FROM sightings ORDER BY article_id, seen_at, source_key",
}
# PostgreSQL: greatest() for SQLite's two-argument max(), and the claims columns without content_tsv.
_PG_SQL = dict(_SQL)
_PG_SQL["claims"] = (
    "SELECT " + ", ".join(f"c.{n}" for n in CLAIM_COLUMNS) + ", a.title, a.date, a.outlet, a.url,"
    " greatest((SELECT count(*) FROM sightings s WHERE s.article_id = c.article_id), 1) AS sightings"
    " FROM claims c JOIN articles a ON a.id = c.article_id ORDER BY c.article_id, c.seq"
)
_PG_SQL["articles"] = (
    "SELECT a.*, greatest((SELECT count(*) FROM sightings s WHERE s.article_id = a.id), 1) AS sightings"
    " FROM articles a ORDER BY a.id"
)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ClaimwatchError("export needs pandas and pyarrow: pip install 'claimwatch[export]'") from None
    return pandas


def dataframe(db: Union[str, Path, "object"], table: str) -> "pandas.DataFrame":
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


def _read(pd: Any, store: Any, table: str) -> "pandas.DataFrame":
    from .sqlite import SqliteStore

    if table == "events":
        return _events(pd, _read(pd, store, "claims"))

    if isinstance(store, SqliteStore):
        return pd.read_sql_query(_SQL[table], store._db.conn)
    import sqlalchemy as sa

    with store.transaction():
        frame = pd.read_sql_query(sa.text(_PG_SQL[table]), store._c)
    # JSONB comes back as lists and dicts: written as JSON text, as SQLite holds it (key order may differ).
    for column in (*JSON_COLUMNS, "reasons", "details"):
        if column in frame.columns:
            frame[column] = [None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[column]]
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

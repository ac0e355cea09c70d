"""Stored tables as pandas DataFrames, and written as Parquet, CSV or JSONL (`claimwatch export`).

Needs the ``export`` extra (pandas, pyarrow). Claims carry their article's fields (title, date, outlet, url)
and ``sightings``, the number of places their story was seen (docs/STORE.md, ``sightings``).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..errors import ClaimwatchError, StoreError

if TYPE_CHECKING:
    import pandas

TABLES = ("claims", "articles", "actors", "disputes", "sightings")
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


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ClaimwatchError("export needs pandas and pyarrow: pip install 'claimwatch[export]'") from None
    return pandas


def dataframe(db: Union[str, Path, "object"], table: str) -> "pandas.DataFrame":
    """One stored table as a DataFrame.

    Args:
        db: a claim database path, or an open ``SqliteStore``.
        table: one of ``TABLES``.

    Raises:
        StoreError: unknown table, or the database cannot be opened.
    """
    if table not in TABLES:
        raise StoreError(f"unknown table {table!r}; pick one of: {', '.join(TABLES)}")
    pd = _pandas()
    from .sqlite import SqliteStore

    if isinstance(db, SqliteStore):
        return pd.read_sql_query(_SQL[table], db._db.conn)
    with SqliteStore(db, create=False) as store:
        return pd.read_sql_query(_SQL[table], store._db.conn)


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

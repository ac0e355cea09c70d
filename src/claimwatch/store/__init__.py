"""The claim store: articles and their claims, queryable by speaker, text, date and outlet.

``open_store(target)`` opens (creating and migrating as needed) a SQLite file or, for a ``postgresql://`` URL,
a PostgreSQL database; see docs/STORE.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

from ..errors import StoreError
from .base import (DEFAULT_LIMIT, MEMORY, ActorCount, Alert, ArticleSummary, ClaimQuery, ClaimStore, DayCount,
                   DedupStore, DisputeQuery, DisputeStore, FACETS, FacetCount, OutletDayCount, SourceState, Store,
                   StoredClaim, StoredDispute, Watchlist, WatchStore, name_variants, outlet_key)

DEFAULT_DB = "claimwatch.db"
DB_ENV = "CLAIMWATCH_DB"

__all__ = ["ActorCount", "Alert", "ArticleSummary", "ClaimQuery", "ClaimStore", "DayCount", "DedupStore", "DisputeQuery",
           "DisputeStore", "FACETS", "FacetCount", "OutletDayCount", "SourceState", "StoredDispute", "Watchlist",
           "WatchStore", "name_variants", "outlet_key", "DEFAULT_DB", "DB_ENV", "DEFAULT_LIMIT", "MEMORY", "Store",
           "StoredClaim", "is_url",
           "open_store"]

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_url(target: Union[str, Path]) -> bool:
    """True when ``target`` is a database URL (``scheme://…``) rather than a file path."""
    return isinstance(target, str) and "://" in target and target.split("://", 1)[0].replace("+", "").isalnum()


def open_store(target: Union[str, Path], *, create: bool = True, check_same_thread: bool = True) -> Store:
    """Open the claim store at ``target``.

    ``target``: a SQLite file path, ``":memory:"``, ``sqlite:///path``, or a PostgreSQL URL
    (``postgresql://user:password@host:port/dbname``; ``postgres://`` and ``postgresql+psycopg://`` too).
    ``create=False`` refuses a target holding no claim database yet. ``check_same_thread`` is SQLite's (see
    ``SqliteStore``).
    """
    if is_url(target):
        raw = str(target)
        scheme = raw.split("://", 1)[0].lower()
        if scheme in POSTGRES_SCHEMES:
            try:
                from .postgres import PostgresStore
            except ImportError as exc:
                raise StoreError(f"PostgreSQL needs psycopg ({exc.name} is missing): "
                                 "pip install 'claimwatch[postgres]'") from None
            return PostgresStore(raw, create=create)
        if scheme == "sqlite":
            target = raw.split("://", 1)[1][1:] or ":memory:"  # sqlite:///x.db -> x.db, sqlite:// -> memory
        else:
            raise StoreError(f"{scheme}://…: unsupported database URL; use a SQLite file path or postgresql://")
    from .sqlite import SqliteStore

    return SqliteStore(target, create=create, check_same_thread=check_same_thread)

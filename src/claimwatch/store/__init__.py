"""The claim store: articles and their claims, queryable by speaker, text, date and outlet.

``open_store(path)`` opens (creating and migrating as needed) the SQLite store; see docs/STORE.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

from .base import (DEFAULT_LIMIT, ActorCount, ArticleSummary, ClaimQuery, DayCount, DisputeQuery, Store, StoredClaim,
                   StoredDispute)

DEFAULT_DB = "claimwatch.db"
DB_ENV = "CLAIMWATCH_DB"

__all__ = ["ActorCount", "ArticleSummary", "ClaimQuery", "DayCount", "DisputeQuery", "StoredDispute", "DEFAULT_DB", "DB_ENV", "DEFAULT_LIMIT", "Store", "StoredClaim", "open_store"]


def open_store(path: Union[str, Path], *, create: bool = True) -> Store:
    """Open the claim store at ``path`` (a SQLite file, or ``":memory:"``)."""
    from .sqlite import SqliteStore

    return SqliteStore(path, create=create)

"""Schema versions under Alembic, for both engines (docs/STORE.md, "Migrations").

The revisions live in ``store/alembic/versions``; the Alembic Config is built here in code (no alembic.ini),
and revisions run on a connection the store has already opened, inside its transaction. ``0001_baseline`` is
the schema of the home-made SQLite migrations 0001-0010: SQLite databases reach it through those (old files keep
opening as before) and are then stamped; PostgreSQL databases are created by it. Later revisions serve both.

A database recording a revision this claimwatch does not know was written by a newer one: it is refused.
"""
from __future__ import annotations

import functools
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

ALEMBIC_DIR = Path(__file__).with_name("alembic")
VERSION_TABLE = "alembic_version"
# The newest revision (a test checks it against the script directory). Opening a SQLite store already at HEAD
# reads one row and never imports SQLAlchemy or Alembic.
HEAD = "0002_claim_frames"


def _config(connection: "Connection") -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@functools.lru_cache(maxsize=1)
def known_revisions() -> tuple[str, ...]:
    """Every revision in the script directory, newest first."""
    from alembic.script import ScriptDirectory

    return tuple(r.revision for r in ScriptDirectory(str(ALEMBIC_DIR)).walk_revisions())


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory(str(ALEMBIC_DIR)).get_heads()
    if len(heads) != 1:
        raise StoreError(f"the claim store's migrations have {len(heads)} heads ({', '.join(heads)}); expected one")
    return heads[0]


def current_revisions(connection: "Connection") -> list[str]:
    """The revisions recorded in ``alembic_version`` ([] when the table does not exist)."""
    import sqlalchemy as sa

    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return []
    return [r[0] for r in connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}"))]


def check_not_newer(revisions: list[str], label: str) -> None:
    unknown = [r for r in revisions if r not in known_revisions()]
    if unknown:
        raise StoreError(
            f"{label}: database schema revision {', '.join(unknown)} is newer than this claimwatch supports "
            f"(up to {HEAD}); upgrade claimwatch to open it"
        )


def upgrade(connection: "Connection", label: str) -> list[str]:
    """Apply the pending revisions on ``connection`` (inside the caller's transaction); return the new ones."""
    from alembic import command

    before = current_revisions(connection)
    check_not_newer(before, label)
    if before == [HEAD]:
        return []
    order = list(reversed(known_revisions()))  # oldest first; the history is linear
    start = max((order.index(r) for r in before), default=-1) + 1
    command.upgrade(_config(connection), "head")
    return order[start:]


# -- SQLite --------------------------------------------------------------------------------------------------------


def sqlite_revisions(conn: sqlite3.Connection) -> list[str]:
    try:
        return [r[0] for r in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()]
    except sqlite3.OperationalError:  # no such table: not under Alembic yet
        return []


class _Borrowed:
    """The store's sqlite3 connection lent to SQLAlchemy: everything passes through except close()."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def close(self) -> None:
        pass  # the store owns the connection and closes it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def upgrade_sqlite(conn: sqlite3.Connection, label: str) -> list[str]:
    """Bring a SQLite store (the legacy migrations already applied) to HEAD under Alembic."""
    revisions = sqlite_revisions(conn)
    if revisions == [HEAD]:
        return []
    check_not_newer(revisions, label)
    import sqlalchemy as sa
    from sqlalchemy.pool import StaticPool

    engine = sa.create_engine("sqlite://", creator=lambda: _Borrowed(conn), poolclass=StaticPool)
    # The write lock first, as the legacy migrations take it: two processes opening a new database at once
    # apply each revision once (the second re-reads the version after the first committed).
    conn.execute("BEGIN IMMEDIATE")
    try:
        with engine.connect() as sa_conn, sa_conn.begin():
            applied = upgrade(sa_conn, label)
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    return applied

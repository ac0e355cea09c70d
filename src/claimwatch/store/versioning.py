"""Schema versions under Alembic, for both engines (docs/STORE.md, "Migrations").

A new database is created from ``tables.metadata`` and stamped at the head revision (Alembic's recipe for
building an up-to-date database from scratch); an existing one is upgraded through the revisions in
``store/alembic/versions``. The Alembic Config is built here in code (no alembic.ini), and everything runs on a
connection the store has already opened, inside its transaction. ``0001_baseline`` is the schema SQLite files
written by the home-made migrations 0001-0010 have: such files are stamped with it.

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
HEAD = "0003_watch_and_alerts"


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


def create(connection: "Connection") -> None:
    """Create every table of ``tables.metadata`` on an empty database and record the head revision."""
    from alembic import command

    from .tables import metadata

    metadata.create_all(connection)
    command.stamp(_config(connection), "head")


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

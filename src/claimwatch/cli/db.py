"""`claimwatch db upgrade`: create or migrate a claim database (SQLite file or PostgreSQL URL) and say where it is."""
from __future__ import annotations

from pathlib import Path
from typing import Union

import click

from ._db import db_option
from .common import handle_errors


@click.group("db")
def db_group() -> None:
    """The claim database itself (schema versions)."""


@db_group.command("upgrade")
@db_option
@handle_errors
def upgrade(db_path: Union[str, Path]) -> None:
    """Create the claim database if needed and apply pending migrations (any store command also does this)."""
    from ..store import open_store
    from ..store.versioning import HEAD

    with open_store(db_path) as store:
        counts = store.counts()
        label = store.label
    click.echo(f"{label}: schema at revision {HEAD}; {counts['articles']} articles, {counts['claims']} claims",
               err=True)

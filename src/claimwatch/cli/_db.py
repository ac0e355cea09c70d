"""The --db option shared by the store commands (ingest, claims)."""
from __future__ import annotations

from pathlib import Path

import click

from ..store import DB_ENV, DEFAULT_DB

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar=DB_ENV, default=DEFAULT_DB,
    show_default=True, show_envvar=True, help="Claim database (SQLite file).",
)

"""The --db option shared by the store commands: a SQLite file path or a PostgreSQL URL."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

import click

from ..store import DB_ENV, DEFAULT_DB, is_url


class DbTarget(click.ParamType):
    """A SQLite path (as a Path) or a database URL (kept as the string: Path would fold its "//")."""

    name = "path|url"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Union[str, Path]:
        if isinstance(value, Path):
            return value
        text = str(value)
        return text if is_url(text) else Path(text)


db_option = click.option(
    "--db", "db_path", type=DbTarget(), envvar=DB_ENV, default=DEFAULT_DB, show_default=True, show_envvar=True,
    metavar="PATH|URL",
    help="Claim database: a SQLite file, or a PostgreSQL URL (postgresql://user:password@host:port/dbname).",
)

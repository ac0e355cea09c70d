"""`claimwatch export`: write a stored table as Parquet, CSV or JSONL."""
from __future__ import annotations

from pathlib import Path

import click

from ._db import db_option
from .common import handle_errors

_TABLES = ("claims", "articles", "actors", "events", "disputes", "sightings")  # store.export.TABLES, without importing pandas


@click.command("export")
@db_option
@click.option("--table", type=click.Choice(_TABLES), default="claims", show_default=True, help="What to export.")
@click.option("--format", "fmt", type=click.Choice(("parquet", "csv", "jsonl")), default=None,
              help="Output format [default: from the output suffix, else jsonl].")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
@handle_errors
def export(db_path: Path, table: str, fmt: str, output: Path) -> None:
    """Write one table of the claim database to a file (claims carry article fields and sightings)."""
    from ..store.export import export_table

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("parquet", "csv", "jsonl") else "jsonl"
    rows = export_table(db_path, table, fmt, output)
    click.echo(f"{rows} {table} rows written to {output} ({fmt})", err=True)

"""`claimwatch actors`: the actors in the claim database, by how many claims they speak; or one actor's claims."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Optional

import click

from ._db import db_option
from .common import format_option, handle_errors

ACTOR_FIELDS = ("id", "name", "type", "country", "sector", "claims", "mentions")


@click.command("actors")
@db_option
@click.option("--actor", "-a", default=None, metavar="ID|CODE|NAME",
              help="Show the claims this actor speaks instead: id (RUS-GOV), country code (RUS) or name substring.")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most this many actors (or claims with --actor); 0: no limit.")
@format_option("table", ("table", "json", "csv"))
@handle_errors
def actors(db_path: Path, actor: Optional[str], limit: int, fmt: str) -> None:
    """List the top actors: who speaks the most stored claims (CLAIMS), and how many claims mention them (MENTIONS).

    Actors are canonical records (see docs/ACTORS.md): "Moscow", "the Kremlin" and "Russian officials" all count
    for RUS-GOV. With --actor, list that actor's claims as `claimwatch claims --actor` does (those that report a
    statement).
    """
    from ..store import ClaimQuery
    from ..store import open_store
    from .claims import write_claims

    with open_store(db_path, create=False) as store:
        if actor is not None:
            write_claims(store.query_claims(ClaimQuery(actor=actor, limit=limit or None, statements=True)), fmt)
            return
        top = store.top_actors(limit or None)
    if fmt == "json":
        click.echo(json.dumps([a.model_dump() for a in top], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(ACTOR_FIELDS), lineterminator="\n")
        writer.writeheader()
        for a in top:
            writer.writerow(a.model_dump())
        click.echo(buf.getvalue(), nl=False)
    else:
        _write_table(top)


def _write_table(top: list) -> None:
    if not top:
        click.echo("no actors found", err=True)
        return
    headers = ["CLAIMS", "MENTIONS", "ID", "NAME", "TYPE", "COUNTRY", "SECTOR"]
    rows = [[str(a.claims), str(a.mentions), a.id, a.name, a.type, a.country or "-", a.sector or "-"] for a in top]
    widths = [min(40, max(len(h), *(len(r[i]) for r in rows))) for i, h in enumerate(headers)]
    for r in [headers, *rows]:
        cells = [v[:w].rjust(w) if i < 2 else v[:w].ljust(w) for i, (v, w) in enumerate(zip(r, widths))]
        click.echo("  ".join(cells).rstrip())

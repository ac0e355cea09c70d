"""`claimwatch claims`: query the claim database by speaker, text, date, outlet or article."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any, Optional

import click

from ..store import DEFAULT_LIMIT
from ._db import db_option
from .common import format_option, handle_errors

ARTICLE_FIELDS = ("title", "date", "outlet", "url")


@click.command("claims")
@db_option
@click.option("--speaker", "-s", default=None, help="Speaker contains this (case-insensitive; text or resolved name).")
@click.option("--query", "-q", "text", default=None,
              help='Full-text search of the claim content (FTS5: words, "a phrase", OR, NOT, prefix*).')
@click.option("--since", default=None, metavar="DATE", help="Articles dated on or after DATE (ISO).")
@click.option("--until", default=None, metavar="DATE", help="Articles dated on or before DATE (ISO).")
@click.option("--outlet", "-o", default=None,
              help="Articles from this outlet (case, punctuation, a leading 'The' and a trailing 'News' ignored: "
                   "BBC = BBC News).")
@click.option("--article", "article_id", default=None, metavar="ID", help="Claims of one article.")
@click.option("--actor", "-a", default=None, metavar="ID|CODE|NAME",
              help="Claims whose speaker is this actor: id (RUS-GOV), country code (RUS) or name substring.")
@click.option("--event", "event", default=None, metavar="CATEGORY",
              help="Claims whose event has this PLOVER category (e.g. RETREAT, MOBILIZE, ACCUSE).")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
              help="At most this many claims (0: no limit).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many claims first.")
@click.option("--all", "all_claims", is_flag=True,
              help="Also claims that report no statement (a cue the lexicon does not know, or neither cue nor "
                   "speaker); by default only claims that report one are listed.")
@format_option("table", ("table", "json", "csv"))
@handle_errors
def claims(
    db_path: Path,
    speaker: Optional[str],
    text: Optional[str],
    since: Optional[str],
    until: Optional[str],
    outlet: Optional[str],
    article_id: Optional[str],
    actor: Optional[str],
    event: Optional[str],
    limit: int,
    offset: int,
    all_claims: bool,
    fmt: str,
) -> None:
    """List stored claims matching every filter given (newest articles first; best match first with -q)."""
    from ..store import ClaimQuery
    from ..store import open_store

    query = ClaimQuery(
        speaker=speaker, text=text, since=since, until=until, outlet=outlet, article_id=article_id, actor=actor, event=event,
        limit=limit or None, offset=offset, statements=not all_claims,
    )
    from ..store.dedup import sightings_counts

    with open_store(db_path, create=False) as store:
        found = store.query_claims(query)
        seen = sightings_counts(store, (c.article_id for c in found))
    write_claims(found, fmt, sightings=seen)


def write_claims(found: list, fmt: str, sightings: Optional[dict[str, int]] = None) -> None:
    """Render stored claims as JSON, CSV or a table (shared with `claimwatch actors --actor`).

    ``sightings`` (article id -> times its story was seen) adds a ``sightings`` key to JSON and a SEEN column
    to the table (when some count is over 1); CSV keeps the claims table's columns (`claimwatch export` has sightings).
    """
    if fmt == "json":
        rows = [c.model_dump(mode="json") for c in found]
        if sightings is not None:
            for row, c in zip(rows, found):
                row["sightings"] = sightings.get(c.article_id, 1)
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        _write_csv(found)
    else:
        # The SEEN column appears only when some story was seen more than once (a store without copies reads as before).
        _write_table(found, sightings if sightings and max(sightings.values()) > 1 else None)


def flat_row(claim: Any) -> dict[str, Any]:
    """One StoredClaim as a flat dict: the database's claim columns (nested parts as JSON) plus article fields."""
    from ..store.rows import claim_to_row

    row = claim_to_row(claim.article_id, 0, claim)
    row.pop("seq")
    row["hedged"] = "true" if claim.hedged else "false"
    out = {"id": row.pop("id"), "article_id": row.pop("article_id")}
    out.update({f: getattr(claim, f) for f in ARTICLE_FIELDS})
    out.update(row)
    return out


def _write_csv(found: list) -> None:
    from ..store.rows import CLAIM_COLUMNS

    header = ["id", "article_id", *ARTICLE_FIELDS, *(c for c in CLAIM_COLUMNS if c not in ("id", "article_id", "seq"))]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for claim in found:
        writer.writerow(flat_row(claim))
    click.echo(buf.getvalue(), nl=False)


def _one_line(value: Optional[str]) -> str:
    return " ".join((value or "").split())


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[: max(width - 1, 0)] + "…"


def _write_table(found: list, sightings: Optional[dict[str, int]] = None) -> None:
    if not found:
        click.echo("no claims found", err=True)
        return
    rows = []
    for c in found:
        speaker = c.resolved_speaker or (c.speaker.text if c.speaker else "") or "-"
        if c.speaker_actor is not None:
            speaker += f" [{c.speaker_actor.id}]"
        content = c.stance_prefix() + _one_line(c.content.text)
        row = [c.date or "-", c.outlet or "-", _one_line(speaker), _one_line(c.cue.text if c.cue else "-")]
        if sightings is not None:
            row.append(str(sightings.get(c.article_id, 1)))
        rows.append([*row, content])
    headers = ["DATE", "OUTLET", "SPEAKER", "CUE", *(["SEEN"] if sightings is not None else []), "CLAIM"]
    caps = [25, 20, 28, 16, *([6] if sightings is not None else [])]
    widths = [min(cap, max(len(h), *(len(r[i]) for r in rows))) for i, (h, cap) in enumerate(zip(headers, caps))]
    total = shutil.get_terminal_size((120, 24)).columns
    widths.append(max(30, total - sum(widths) - 2 * len(widths)))
    for r in [headers, *rows]:
        click.echo("  ".join(_cut(v, w).ljust(w) for v, w in zip(r, widths)).rstrip())

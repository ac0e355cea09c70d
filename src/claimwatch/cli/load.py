"""`claimwatch load`: store a `claimwatch spark` output in the claim database, as ingest would."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ._db import db_option
from .common import handle_errors


@click.command("load")
@click.argument("output", metavar="OUTPUT", type=click.Path(path_type=Path))
@db_option
@click.option("--near-dup-threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="MinHash Jaccard similarity above which an article is a copy of a stored one; 0 turns "
                   "near-duplicate detection off (exact duplicates are always caught).")
@handle_errors
def load(output: Path, db_path: Path, near_dup_threshold: float) -> None:
    """Store the articles and claims of a `claimwatch spark` OUTPUT folder in the database.

    Duplicates, sightings and re-runs behave as in `claimwatch ingest`: articles already stored (same id, same
    text, or a near-identical copy) are recorded as sightings, and loading the same OUTPUT twice stores
    nothing new. No NLP runs: the claims are the ones Spark extracted.
    """
    from ..batch.load import article_count, check_output, load_output
    from ..ingest_flow import IngestStats
    from ..store import open_store

    check_output(output)  # a wrong folder fails before the database is created
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=article_count(output), unit="article", file=sys.stderr, dynamic_ncols=True, desc="load")

    def progress(stats: IngestStats) -> None:
        assert bar is not None
        bar.update(stats.read - bar.n)
        bar.set_postfix(stored=stats.stored, dups=stats.duplicates, refresh=False)

    with open_store(db_path) as store:
        label = store.label  # never the raw URL: it may hold a password
        try:
            stats = load_output(store, output, near_dup_threshold=near_dup_threshold,
                                on_article=progress if bar else None)
        finally:
            if bar is not None:
                bar.close()
    click.echo(
        f"{stats.read} articles read, {stats.stored} stored, {stats.duplicates} duplicates skipped, "
        f"{stats.claims} claims stored ({label}); {stats.near_duplicates} of the duplicates near-identical, "
        f"{stats.sightings} sightings recorded",
        err=True,
    )

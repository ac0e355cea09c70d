"""`claimwatch ingest`: read articles, extract their claims and store them in the claim database."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import click

if TYPE_CHECKING:
    from ..ingest_flow import IngestStats
from .common import actors_option, handle_errors, model_option, record_options, record_settings, tagger_option
from ._db import db_option


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE|DIR|URL...")
@db_option
@model_option
@tagger_option
@actors_option
@click.option("--id", "article_id", default=None, help="Article id (plain-text input only; one input).")
@click.option("--title", default=None, help="Article title (plain-text inputs).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="Publication date, ISO (plain-text inputs).")
@click.option("--outlet", default=None, help="Outlet name (plain-text inputs).")
@click.option("--url", default=None, help="Article URL (plain-text inputs).")
@record_options
@click.option("--fetch-links", is_flag=True,
              help="Feeds: fetch the page each entry links to and use its main text (the feed's own text when a "
                   "page cannot be fetched; one problem line says why).")
@click.option("--near-dup-threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="MinHash Jaccard similarity above which an article is a copy of a stored one; 0 turns "
                   "near-duplicate detection off (exact duplicates are always caught).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run the NLP pipeline in this many processes (one model load each).")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True,
              help="Articles per nlp.pipe batch (and per chunk sent to a worker).")
@click.option("--max-chars", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Skip (as a problem) articles longer than this.")
@click.pass_context
@handle_errors
def ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db_path: Path,
    model: Optional[str],
    tagger: str,
    actors_path: Optional[str],
    article_id: Optional[str],
    title: Optional[str],
    date: Optional[str],
    outlet: Optional[str],
    url: Optional[str],
    text_field: Optional[str],
    id_field: str,
    title_field: str,
    date_field: str,
    outlet_field: str,
    url_field: str,
    languages: str,
    near_dup_threshold: float,
    fetch_links: bool,
    workers: int,
    batch_size: int,
    max_chars: int,
) -> None:
    """Extract claims from FILE|DIR|URL... into the database.

    Inputs: text, HTML, RSS/Atom (file or URL), WARC, JSONL/CSV/TSV/Parquet records, directories, - for
    stdin; any of them .gz or .zst compressed. Articles already in the database (same id, the same text up to
    whitespace, or a near-identical wire copy) are skipped before any NLP runs on them and recorded as
    sightings of the stored one. Each article is committed on its own, so an interrupted ingest re-run
    continues where it stopped. Exits 1 if any input had a problem; everything readable is still stored.
    """
    from ..ingest.readers import ArticleMeta, check_inputs, read_articles
    from ..ingest_flow import IngestStats, SpacyPipeline, ingest_articles

    problems: list = []
    skipped: list = []
    meta = ArticleMeta(id=article_id, title=title, date=date, outlet=outlet, url=url)
    fields, wanted = record_settings(ctx.params)
    # Missing and unreadable inputs are found before spaCy or the store is imported (seconds) ...
    readable = check_inputs(list(inputs), problems)
    articles = read_articles(readable, meta=meta, max_chars=max_chars, problems=problems, fields=fields,
                             languages=wanted, skipped=skipped, fetch_links=fetch_links) if readable else iter(())
    # ... and no database file is created until there is an article to store.
    first = next(articles, None)
    if first is None:
        _report(problems, IngestStats(), "nothing stored; database not opened", skipped, languages)
        ctx.exit(1 if problems else 0)
    articles = itertools.chain([first], articles)

    from ..store import open_store
    from ..store.dedup import Deduper

    pipeline = SpacyPipeline(model=model, tagger=tagger, actors_path=actors_path, workers=workers, batch_size=batch_size,
                             problems=problems)
    from ..progress import progress_line_for

    bar = _progress_bar(inputs) if sys.stderr.isatty() else None
    # Not a terminal (a log, journald): one plain line every few seconds instead of a redrawn bar.
    line = None if bar is not None else progress_line_for("ingest", _cheap_total(inputs))

    def progress(stats: IngestStats) -> None:
        if line is not None:
            line.update(stats.read)
            return
        assert bar is not None
        bar.update(stats.read - bar.n)
        bar.set_postfix(stored=stats.stored, dups=stats.duplicates, refresh=False)

    with open_store(db_path) as store:
        label = store.label
        dedup = Deduper(store, threshold=near_dup_threshold or 1.0, near=near_dup_threshold > 0)
        try:
            stats = ingest_articles(store, articles, pipeline, on_article=progress if bar or line else None, dedup=dedup)
        finally:
            if bar is not None:
                bar.close()
    _report(problems, stats, label, skipped, languages)
    if problems:
        ctx.exit(1)


def _report(problems: list, stats: "IngestStats", label: str, skipped: list, languages: str) -> None:
    """The problem lines, then the one summary line, on stderr."""
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"{stats.read} articles read, {stats.stored} stored, {stats.duplicates} duplicates skipped, "
        f"{stats.claims} claims stored, {len(problems)} problems ({label}); {stats.near_duplicates} of the "
        f"duplicates near-identical, {stats.sightings} sightings recorded, {len(skipped)} skipped as not {languages}",
        err=True,
    )


def _progress_bar(inputs: tuple[str, ...]):
    """A tqdm bar on stderr (only called on a terminal): articles/s always, ETA when the total is cheap to know."""
    from tqdm import tqdm

    return tqdm(total=_cheap_total(inputs), unit="article", file=sys.stderr, dynamic_ncols=True,
                desc="ingest", smoothing=0.1)


def _cheap_total(inputs: tuple[str, ...]) -> Optional[int]:
    """Article count when every input is an uncompressed JSONL file or a single text/HTML file; else None."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        suffix = path.suffix.lower()
        if raw == "-" or not path.is_file():
            return None
        if suffix in (".jsonl", ".ndjson"):
            with path.open("rb") as f:
                total += sum(1 for line in f if line.strip())
        elif suffix in (".txt", ".md", ".text", ".html", ".htm"):
            total += 1
        else:
            return None
    return total

"""`claimwatch ingest`: read articles, extract their claims and store them in the claim database."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

import click

from ..schema import Article, ArticleOut
from .common import actors_option, handle_errors, model_option
from ._db import db_option


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@db_option
@model_option
@actors_option
@click.option("--id", "article_id", default=None, help="Article id (plain-text input only; one input).")
@click.option("--title", default=None, help="Article title (plain-text inputs).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="Publication date, ISO (plain-text inputs).")
@click.option("--outlet", default=None, help="Outlet name (plain-text inputs).")
@click.option("--url", default=None, help="Article URL (plain-text inputs).")
@click.option("--max-chars", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Skip (as a problem) articles longer than this.")
@click.pass_context
@handle_errors
def ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db_path: Path,
    model: Optional[str],
    actors_path: Optional[str],
    article_id: Optional[str],
    title: Optional[str],
    date: Optional[str],
    outlet: Optional[str],
    url: Optional[str],
    max_chars: int,
) -> None:
    """Extract claims from FILE... (text, .jsonl, .csv/.tsv, directories, - for stdin) into the database.

    Articles already in the database (same id, or the same text up to whitespace) are skipped before any
    NLP runs on them, so re-running an ingest is cheap and adds nothing twice. Exits 1 if any input had a
    problem; everything readable is still stored.
    """
    from ..ingest.readers import ArticleMeta, read_articles
    from ..pipeline import extract_articles, load_nlp
    from ..store.ingest import IngestStats, ingest_articles
    from ..store.sqlite import SqliteStore

    problems: list = []
    meta = ArticleMeta(id=article_id, title=title, date=date, outlet=outlet, url=url)
    articles = read_articles(list(inputs), meta=meta, max_chars=max_chars, problems=problems)
    tty = sys.stderr.isatty()

    def progress(stats: IngestStats) -> None:
        click.echo(f"\r{stats.read} read, {stats.stored} stored, {stats.duplicates} duplicates", nl=False, err=True)

    def extract(new_articles: Iterable[Article]) -> Iterator[ArticleOut]:
        # The model loads only once a new article turns up: re-ingesting known files runs no NLP at all.
        it = iter(new_articles)
        first = next(it, None)
        if first is None:
            return
        yield from extract_articles(load_nlp(model, actors_path=actors_path), itertools.chain([first], it))

    with SqliteStore(db_path) as store:
        stats = ingest_articles(store, articles, extract, on_article=progress if tty else None)
    if tty:
        click.echo("", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"{stats.read} articles read, {stats.stored} stored, {stats.duplicates} duplicates skipped, "
        f"{stats.claims} claims stored, {len(problems)} problems ({db_path})",
        err=True,
    )
    if problems:
        ctx.exit(1)

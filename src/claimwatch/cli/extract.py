"""`claimwatch extract`: read articles, run the pipeline, print the claims (table, JSON or JSONL)."""
from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import sys
import textwrap
from typing import IO, Iterable, Iterator, Optional

import click

from ..ingest.readers import ArticleMeta, InputProblem, check_inputs, normalise_date, read_articles
from ..schema import ArticleOut, ClaimOut, ExtractionOut, reports_statement
from .common import actors_option, format_option, handle_errors, model_option, tagger_option

log = logging.getLogger("claimwatch")

DEFAULT_MAX_CHARS = 1_000_000  # matches pipeline.MAX_TEXT_CHARS; not imported so `--help` skips spaCy
PROGRESS_EVERY = 50
# Claims whose content runs longer are cut to this many wrapped lines in the table.
TABLE_CONTENT_LINES = 4


def _check_date(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return normalise_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("extract")
@click.argument("paths", nargs=-1, metavar="[FILE|DIR|-]...")
@format_option("table")
@model_option
@tagger_option
@actors_option
@click.option("--title", default=None, help="Title of a plain-text input.")
@click.option("--date", default=None, callback=_check_date, help="Publication date (YYYY-MM-DD or ISO datetime).")
@click.option("--outlet", default=None, help="Outlet that published it (e.g. Reuters).")
@click.option("--url", default=None, help="URL of the article.")
@click.option("--id", "article_id", default=None, help="Article id (one input only; default: file name or text hash).")
@click.option(
    "--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True,
    help="Skip (and report) articles with more characters than this.",
)
@click.option(
    "-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
    help="Write output to FILE instead of stdout.",
)
@click.option("-v", "--verbose", is_flag=True, help="Report progress on stderr even when it is not a terminal.")
@click.option("--all", "all_claims", is_flag=True,
              help="Every attribution the extractor finds, also those that report no statement (a cue the "
                   "lexicon does not know, or neither cue nor speaker); by default only claims that report one.")
@handle_errors
def extract(
    paths: tuple[str, ...],
    fmt: str,
    model: Optional[str],
    tagger: str,
    actors_path: Optional[str],
    title: Optional[str],
    date: Optional[str],
    outlet: Optional[str],
    url: Optional[str],
    article_id: Optional[str],
    max_chars: int,
    output: str,
    verbose: bool,
    all_claims: bool,
) -> None:
    """Extract attributed claims (who said what) from news articles.

    Reads plain-text files (one article each), .jsonl/.ndjson and .csv/.tsv files (one article per record,
    fields id, title, text, date, outlet, url), directories (walked recursively) or "-" for stdin
    (the default). --title/--date/--outlet/--url/--id apply to plain-text inputs only.

    Unreadable files and records are reported on stderr, one line each, and skipped; everything readable is
    still written, and the exit status is then 1.
    """
    if not paths and sys.stdin.isatty():
        raise click.UsageError("no input: give FILE, DIR or '-' arguments, or pipe text on stdin")
    meta = ArticleMeta(id=article_id, title=title, date=date, outlet=outlet, url=url)
    problems: list[InputProblem] = []
    reported = _ProblemReporter(problems)
    # Missing and unreadable inputs are reported before the model loads (seconds), and stop the run when
    # nothing else is left.
    readable = check_inputs(paths or ("-",), problems)
    reported.flush()
    articles = read_articles(readable, meta=meta, max_chars=max_chars, problems=problems) if readable else iter(())
    first = next(articles, None)
    outs: Iterable[ArticleOut] = iter(())
    if first is not None:
        from .. import pipeline  # late: importing spaCy takes seconds, which a missing file should not cost

        # The model loads once there is an article for it, still before any output, so a missing model fails
        # cleanly.
        nlp = pipeline.load_nlp(model, actors_path=actors_path, tagger=tagger)
        outs = pipeline.extract_articles(nlp, itertools.chain([first], articles), problems=problems)
        if not all_claims:
            outs = (_statements_only(o) for o in outs)
    progress = verbose or log.isEnabledFor(logging.INFO) or sys.stderr.isatty()
    try:
        with click.open_file(output, "w", encoding="utf-8") as out:
            written = _write(out, fmt, _watch(outs, progress, reported))
    except BrokenPipeError:
        # `claimwatch extract … | head`: the reader left; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1 if problems else 0)
    reported.flush()
    if problems:
        click.echo(f"{len(problems)} input problem(s); {written} article(s) processed.", err=True)
        click.get_current_context().exit(1)


class _ProblemReporter:
    """Prints problems to stderr as they appear, so a long run shows them early and none is lost."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        self.shown = 0

    def flush(self) -> None:
        for problem in self.problems[self.shown :]:
            click.echo(f"error: {problem}", err=True)
        self.shown = len(self.problems)


def _watch(outs: Iterable[ArticleOut], progress: bool, reported: _ProblemReporter) -> Iterator[ArticleOut]:
    n = claims = 0
    for n, article in enumerate(outs, 1):
        claims += len(article.claims)
        reported.flush()
        if progress and n % PROGRESS_EVERY == 0:
            click.echo(f"extract: {n} articles, {claims} claims", err=True)
        yield article
    if progress:
        click.echo(f"extract: done, {n} articles, {claims} claims", err=True)


def _statements_only(article: ArticleOut) -> ArticleOut:
    """The article with only its claims that report a statement (``schema.reports_statement``)."""
    return article.model_copy(update={"claims": [c for c in article.claims if reports_statement(c)]})


def _write(out: IO[str], fmt: str, outs: Iterable[ArticleOut]) -> int:
    """Write articles in ``fmt``; jsonl and table stream, json collects one document. Returns the count."""
    n = 0
    if fmt == "json":
        collected = list(outs)
        doc = ExtractionOut(articles=collected).model_dump(mode="json")
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return len(collected)
    width = _terminal_width()
    for n, article in enumerate(outs, 1):
        if fmt == "jsonl":
            out.write(article.model_dump_json() + "\n")
        else:
            if n > 1:
                out.write("\n")
            out.write("\n".join(render_article(article, width)) + "\n")
        out.flush()  # one article at a time reaches the pipe, not one buffer at the end
    return n


def _terminal_width() -> int:
    # Files and pipes get the fallback width; very narrow terminals still get a readable minimum.
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def render_article(article: ArticleOut, width: int = 100) -> list[str]:
    """Lines of the table view: a header for the article, then one block per claim."""
    head = [f"== {article.id}"]
    head += [v for v in (article.title and f'"{_oneline(article.title)}"', article.date, article.outlet) if v]
    n = len(article.claims)
    lines = [_cut(" | ".join(head) + f"  ({n} claim{'s' if n != 1 else ''})", width)]
    if not article.claims:
        lines.append("   (no claims found)")
    for i, claim in enumerate(article.claims, 1):
        lines += render_claim(claim, i, width)
    return lines




def render_claim(claim: ClaimOut, number: int, width: int = 100) -> list[str]:
    """A compact block: ``[n] speaker [resolved] · cue · kind · polarity · hedged`` then the wrapped content."""
    speaker = _oneline(claim.speaker.text) if claim.speaker else "(no speaker)"
    if claim.resolved_speaker and claim.resolved_speaker != (claim.speaker.text if claim.speaker else None):
        speaker += f" [{_oneline(claim.resolved_speaker)}]"
    fields = [speaker, _oneline(claim.cue.text) if claim.cue else "(no cue)", claim.kind, claim.polarity]
    if claim.hedged:
        fields.append("hedged" + (f" ({', '.join(claim.hedges)})" if claim.hedges else ""))
    prefix = f"  [{number}] "
    indent = " " * len(prefix)
    lines = [_cut(prefix + " · ".join(fields), width)]
    wrapped = textwrap.wrap(
        f"“{_oneline(claim.content.reported())}”", width=max(20, width - len(indent)),
        break_long_words=True, break_on_hyphens=False,
    )
    if len(wrapped) > TABLE_CONTENT_LINES:
        wrapped = wrapped[:TABLE_CONTENT_LINES]
        wrapped[-1] = _cut(wrapped[-1] + " …", width - len(indent))
    lines += [indent + w for w in wrapped]
    return lines


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"

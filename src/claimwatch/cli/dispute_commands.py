"""`claimwatch disputes`, `timeline`, `check` and `eval disputes`: thin shells over claimwatch.disputes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Optional

import click

from ..store import DEFAULT_LIMIT
from ._db import db_option
from .common import format_option, handle_errors, model_option


def _one_line(value: Optional[str]) -> str:
    return " ".join((value or "").split())


def _speaker(c: Any) -> str:
    name = c.resolved_speaker or (c.speaker.text if c.speaker else None) or "(unattributed)"
    if c.speaker_actor is not None:
        name += f" [{c.speaker_actor.id}]"
    return name


def _side_line(c: Any) -> str:
    return f"{c.date or 'undated'} · {c.outlet or '-'} · {_speaker(c)}" + (f" · {c.cue.text}" if c.cue else "")


def _wrap(text: str, indent: str) -> str:
    import textwrap

    width = max(60, shutil.get_terminal_size((120, 24)).columns - 2)
    return textwrap.fill(_one_line(text), width=width, initial_indent=indent, subsequent_indent=indent)


def _progress(msg: str) -> None:
    click.echo(msg, err=True)


@click.command("disputes")
@db_option
@click.option("--actor", "-a", default=None, metavar="ID|CODE|NAME", help="Either side's speaker is this actor.")
@click.option("--since", default=None, metavar="DATE", help="Disputes still seen on or after DATE (ISO).")
@click.option("--until", default=None, metavar="DATE", help="Disputes first seen on or before DATE (ISO).")
@click.option("--outlet", "-o", default=None, help="Either side comes from this outlet (case-insensitive).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None, help="Only disputes scoring at least this.")
@click.option("--all-pairs", is_flag=True, help="Every conflicting pair, not the best pair of each group.")
@click.option("--group", "group_id", default=None, metavar="GROUP",
              help="Every pair of one dispute group (an allegation and each answer to it).")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=20, show_default=True, help="0: no limit.")
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option("--rebuild", is_flag=True, help="Forget stored disputes and detect them again over every claim.")
@click.option("--no-update", is_flag=True, help="Only list what is stored; do not scan claims ingested since.")
@click.option("--embedder", type=click.Choice(["auto", "minilm", "lexical"]), default="auto", show_default=True,
              help="Sentence embeddings: all-MiniLM-L6-v2 (the disputes extra) or lexical overlap.")
@format_option("table", ("table", "json", "jsonl"))
@handle_errors
def disputes(db_path: Path, actor: Optional[str], since: Optional[str], until: Optional[str], outlet: Optional[str],
             min_score: Optional[float], all_pairs: bool, group_id: Optional[str], limit: int, offset: int,
             rebuild: bool, no_update: bool,
             embedder: str, fmt: str) -> None:
    """Conflicting claims: both sides' speakers, words, outlets and dates, best score first.

    Claims ingested since the last run are scanned first (embedded, grouped into propositions, compared with
    every stored claim) unless --no-update; --rebuild scans everything again.
    """
    from ..disputes.detect import detect_disputes
    from ..disputes.embeddings import get_embedder
    from ..store import DisputeQuery
    from ..store import open_store

    query = DisputeQuery(actor=actor, since=since, until=until, outlet=outlet, min_score=min_score,
                         all_pairs=all_pairs, group_id=group_id, limit=limit or None, offset=offset)
    with open_store(db_path, create=False) as store:
        if rebuild or not no_update:
            from ..progress import StageProgress, every_from_env, is_terminal

            tick = None if is_terminal() else StageProgress("disputes", every=every_from_env())
            stats = detect_disputes(store, embedder=get_embedder(embedder), rebuild=rebuild, progress=_progress,
                                    tick=tick)
            if stats.scanned:
                click.echo(f"scanned {stats.scanned} claims: {stats.disputes} conflicting pairs found", err=True)
        found = store.query_disputes(query)
    if fmt == "json":
        click.echo(json.dumps([d.model_dump(mode="json") for d in found], ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for d in found:
            click.echo(json.dumps(d.model_dump(mode="json"), ensure_ascii=False))
    else:
        if not found:
            click.echo("no disputes found", err=True)
        for n, d in enumerate(found, start=offset + 1):
            seen = d.first_seen if d.first_seen == d.last_seen else f"{d.first_seen} → {d.last_seen}"
            more = f" · {d.pairs} pairs (--group {d.group_id})" if d.pairs > 1 else ""
            click.echo(f"[{n}] score {d.score:.2f} · {', '.join(d.reasons) or d.reason} · {d.explanation} · "
                       f"seen {seen or 'undated'}{more} · {d.id}")
            for label, c in (("A", d.left), ("B", d.right)):
                click.echo(f"  {label}: {_side_line(c)}")
                click.echo(_wrap(c.stance_prefix() + c.content.text, "     "))
            click.echo("")


@click.command("check")
@click.argument("sentence")
@db_option
@model_option
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="Resolve dates in the sentence against this day.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True,
              help="At most this many supporting and this many contradicting claims.")
@click.option("--embedder", type=click.Choice(["auto", "minilm", "lexical"]), default="auto", show_default=True)
@format_option("table", ("table", "json"))
@handle_errors
def check(sentence: str, db_path: Path, model: Optional[str], date: Optional[str], limit: int, embedder: str,
          fmt: str) -> None:
    """Stored claims that support or contradict SENTENCE, ranked, with scores, speakers, outlets and dates."""
    from ..disputes.check import Checker
    from ..disputes.embeddings import get_embedder
    from ..pipeline import load_nlp
    from ..store import open_store

    with open_store(db_path, create=False) as store:
        checker = Checker(store, nlp=load_nlp(model), embedder=get_embedder(embedder))
        result = checker.check(sentence, date=date, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.query}  (event: {result.event or '-'}; {result.claims_searched} claims searched, "
               f"{result.candidates} compared, {result.method}, {result.seconds:.2f} s)")
    if not result.addressed:
        click.echo(f"\n{result.message}.")
        return
    for title, matches in (("SUPPORTING", result.supporting), ("CONTRADICTING", result.contradicting)):
        click.echo(f"\n{title} ({len(matches)})")
        for m in matches:
            click.echo(f"  {m.score:.2f}  {_side_line(m.claim)}  — {m.reason}")
            click.echo(_wrap(m.claim.stance_prefix() + m.claim.content.text, "        "))


@click.command("timeline")
@click.argument("query", required=False)
@db_option
@click.option("--actor", "-a", default=None, metavar="ID|CODE|NAME", help="An actor's claims and disputes by day.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Also draw the timeline to FILE (.png or .svg; needs matplotlib).")
@format_option("table", ("table", "json"))
@handle_errors
def timeline(query: Optional[str], db_path: Path, actor: Optional[str], plot: Optional[Path], fmt: str) -> None:
    """How claims on QUERY (a sentence: supporting vs contradicting) or by --actor evolved, day by day."""
    from ..disputes.timeline import actor_timeline, plot_timeline, query_timeline
    from ..errors import ClaimwatchError
    from ..store import open_store

    if bool(query) == bool(actor):
        raise ClaimwatchError("give either a QUERY sentence or --actor X")
    with open_store(db_path, create=False) as store:
        tl = query_timeline(store, query) if query else actor_timeline(store, actor or "")
    if plot is not None:
        plot_timeline(tl, plot)
        click.echo(f"plot written to {plot}", err=True)
    if fmt == "json":
        click.echo(json.dumps(tl.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    cols = ("supporting", "contradicting") if tl.kind == "query" else ("claims", "disputes")
    click.echo(f"{'DAY':<12}" + "".join(f"{c.upper():>15}" for c in cols))
    for d in tl.days:
        click.echo(f"{(d.day or 'undated'):<12}" + "".join(f"{getattr(d, c):>15}" for c in cols))


@click.command("disputes")
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Gold pairs (default: tests/gold_disputes of this checkout).")
@model_option
@click.option("--embedder", type=click.Choice(["auto", "minilm", "lexical"]), default="auto", show_default=True)
@click.option("--errors", "show_errors", is_flag=True, help="List the pairs it gets wrong.")
@format_option("table", ("table", "json"))
@handle_errors
def eval_disputes(gold_dir: Optional[Path], model: Optional[str], embedder: str, show_errors: bool, fmt: str) -> None:
    """Precision/recall of dispute detection on the self-written gold pairs.

    Reference run: claimwatch eval disputes --gold tests/gold_disputes
    """
    from ..disputes.embeddings import get_embedder
    from ..eval.dispute_pairs import default_gold_dir, evaluate_disputes, render_report

    report = evaluate_disputes(gold_dir or default_gold_dir(), model=model, embedder=get_embedder(embedder))
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(report, errors=show_errors))


__all__ = ["disputes", "check", "timeline", "eval_disputes", "DEFAULT_LIMIT"]

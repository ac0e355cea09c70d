"""`claimwatch eval`: score extraction against gold corpora (a thin shell over claimwatch.eval)."""
from __future__ import annotations

import json
from typing import Any, Optional

import click

from .common import format_option, handle_errors, model_option

EXIT_FAIL_UNDER = 3


@click.group("eval")
def eval_group() -> None:
    """Evaluate claimwatch against gold data."""


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def render_table(report: dict) -> str:
    """The report as a plain-text table: one row per system."""
    head = ["system", "P", "R", "F1", "exP", "exR", "exF1", "src", "cue", "e2eP", "e2eR", "e2eF1",
            "#gold", "#pred", "fail"]
    rows = []
    for s in report["systems"]:
        c = s["counts"]
        rows.append([
            s["system"],
            _pct(s["content"]["p"]), _pct(s["content"]["r"]), _pct(s["content"]["f1"]),
            _pct(s["exact"]["p"]), _pct(s["exact"]["r"]), _pct(s["exact"]["f1"]),
            _pct(s["source_acc"]), _pct(s["cue_acc"]),
            _pct(s["e2e"]["p"]), _pct(s["e2e"]["r"]), _pct(s["e2e"]["f1"]),
            str(c["n_gold"]), str(c["n_pred"]), str(s["failures"]),
        ])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))

    out = [
        f"PolNeAR {report['split']}: {report['articles']} articles, {report['gold_attributions']} gold "
        f"attributions, model {report['model']}",
        "content P/R/F1 at Jaccard>=0.5 (ex*: identical char sets); src/cue: accuracy on matched pairs; "
        "e2e: content+source+cue",
        line(head),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
    ]
    errs = report.get("errors")
    if errs:
        for key, title, n in (("missed", "missed gold attributions", errs["n_missed"]),
                              ("false_positives", "false positives", errs["n_false_positives"])):
            out.append("")
            out.append(f"{errs['system']}: top buckets of {title} ({n} in all; an item can be in several)")
            for b in errs[key]:
                out.append(f"  {b['count']:6d}  {_pct(b['share']):>5}%  {b['bucket']}")
                out.append(f"          e.g. {b['example']}")
    return "\n".join(out)


@eval_group.command("attribution")
@click.option("--polnear", "polnear_dir", required=True, metavar="DIR",
              help="PolNeAR data directory (holding train/ and dev/), e.g. ../shared/data/polnear.")
@click.option("--split", type=click.Choice(["dev", "train"]), default="dev", show_default=True)
@click.option("--baseline", type=click.Choice(["textacy"]), default=None,
              help="Also score a baseline system in the same run.")
@click.option("--export", "export", type=click.Path(dir_okay=False, writable=True), default=None,
              metavar="FILE", help="Write claimwatch's predictions as JSONL (one line per article).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
@model_option
@click.option("--tagger", "taggers", type=click.Choice(["crf", "minilm"]), multiple=True,
              help="Attribution tagger to score [default: crf]; repeat it (--tagger crf --tagger minilm) to score "
                   "several, one row each, in the same run.")
@format_option("table", ("table", "json"))
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="Print the N biggest buckets of missed gold attributions and false positives.")
@click.option("--fail-under", type=click.FloatRange(0.0, 1.0), default=None, metavar="F1",
              help="Exit with code 3 when claimwatch's end-to-end F1 (the first --tagger's) is below F1 (0-1).")
@handle_errors
def attribution(polnear_dir: str, split: str, baseline: Optional[str], export: Optional[str],
                limit: Optional[int], model: Optional[str], taggers: tuple[str, ...], fmt: str, errors: int,
                fail_under: Optional[float]) -> None:
    """Score attribution extraction on PolNeAR (content, source, cue, end-to-end).

    Reference run: claimwatch eval attribution --polnear ../shared/data/polnear --split dev --baseline textacy
    """
    from ..eval.attribution import evaluate_attribution

    def progress(msg: str) -> None:
        click.echo(msg, err=True)

    report: dict[str, Any] = evaluate_attribution(
        polnear_dir, split=split, model=model, baseline=baseline, export=export, limit=limit,
        errors=errors, progress=progress, taggers=tuple(dict.fromkeys(taggers)) or ("crf",),
    )
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_table(report))
    if fail_under is not None:
        ours = report["systems"][0]["e2e"]["f1"]
        if ours < fail_under:
            click.echo(f"end-to-end F1 {ours:.3f} is below --fail-under {fail_under:.3f}", err=True)
            raise click.exceptions.Exit(EXIT_FAIL_UNDER)


def render_events_table(report: dict) -> str:
    """The events report as a plain-text table: one row per system."""
    head = ["system", "acc", "macroF1", "src", "tar", "#", "#src", "#tar", "none"]
    rows = [[s["system"], _pct(s["accuracy"]), _pct(s["macro_f1"]), _pct(s["source_acc"]), _pct(s["target_acc"]),
             str(s["n"]), str(s["n_source"]), str(s["n_target"]), str(s["no_event"])] for s in report["systems"]]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))

    cv = f", {report['folds']}-fold cross-validation" if report.get("folds") else ""
    out = [
        f"PLOVER GSR: {report['records']} records, model {report['model']}{cv}",
        "acc/macroF1: event category; src/tar: actor code accuracy on records with a gold source/target",
        line(head),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
        "",
        *(f"{s['system']}: {s['note']}" for s in report["systems"]),
    ]
    if report.get("top_confusions"):
        out.append("")
        out.append("claimwatch's most frequent errors (gold -> predicted):")
        out += [f"  {c['count']:4d}  {c['gold']} -> {c['pred']}" for c in report["top_confusions"]]
    return "\n".join(out)


@eval_group.command("events")
@click.option("--plover", "plover_path", required=True, metavar="FILE",
              help="The PLOVER gold standard records, e.g. ../shared/data/plover/PLOVER_GSR_CAMEO.json.")
@click.option("--folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="K-fold cross-validation for everything fitted on the GSR (majority baseline, claimwatch+lr).")
@click.option("--written", "written_path", default=None, metavar="FILE",
              help="Project-written training sentences for the +written rows "
                   "(default: the packaged resources/events_train.en.v1.jsonl).")
@click.option("--no-written", is_flag=True, help="Leave out the rows trained on the written sentences.")
@model_option
@format_option("table", ("table", "json"))
@handle_errors
def events(plover_path: str, folds: Optional[int], written_path: Optional[str], no_written: bool,
           model: Optional[str], fmt: str) -> None:
    """Score event coding on the PLOVER GSR (category accuracy/macro-F1, source/target actor codes).

    Reference run: claimwatch eval events --plover ../shared/data/plover/PLOVER_GSR_CAMEO.json --folds 5
    """
    from ..eval.events import evaluate_events

    def progress(msg: str) -> None:
        click.echo(msg, err=True)

    report = evaluate_events(plover_path, model=model, folds=folds, written=written_path,
                             use_written=not no_written, progress=progress)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_events_table(report))


@eval_group.command("written-events")
@click.option("--split", type=click.Choice(["dev", "heldout", "all"]), default="dev", show_default=True,
              help="dev: the plain and reported sentences of each code (for revising patterns); heldout: the "
                   "reworded ones (never read while revising).")
@click.option("--written", "written_path", default=None, metavar="FILE",
              help="Written training sentences (default: the packaged resources/events_train.en.v1.jsonl).")
@click.option("--errors", "show_errors", is_flag=True, help="List every miscoded sentence (table format).")
@model_option
@format_option("table", ("table", "json"))
@handle_errors
def written_events(split: str, written_path: Optional[str], show_errors: bool, model: Optional[str], fmt: str) -> None:
    """Score the event patterns on the project-written PLOVER sentences (no GSR needed)."""
    from ..eval.events import evaluate_written

    report = evaluate_written(written_path, split=split, model=model, progress=lambda m: click.echo(m, err=True))
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"written sentences, split {report['split']}: {report['records']} records")
    click.echo(f"category accuracy {100 * report['accuracy']:.1f}, macro-F1 {100 * report['macro_f1']:.1f}, "
               f"coded {report['coded']} ({100 * report['precision_when_coded']:.1f} right when coded)")
    for cat, v in report["per_category"].items():
        click.echo(f"  {cat:10s} {v['correct']:4d}/{v['n']}")
    click.echo("most frequent errors (gold -> predicted):")
    for c in report["top_confusions"]:
        click.echo(f"  {c['count']:4d}  {c['gold']} -> {c['pred']}")
    if show_errors:
        for e in report["errors"]:
            click.echo(f"{e['gold']:10s} -> {str(e['pred']):10s} [{e['cameo']}] {e['text']}")


@eval_group.command("stance")
@click.option("--fnc", "fnc_dir", default=None, metavar="DIR",
              help="FNC-1 data directory: scores the held-out 10% of bodies (seeded as the official baseline).")
@click.option("--test-stances", default=None, metavar="FILE", help="An FNC-format stances CSV to score instead.")
@click.option("--test-bodies", default=None, metavar="FILE", help="The bodies CSV that goes with --test-stances.")
@click.option("--model-file", default=None, metavar="FILE",
              help="Stance model to score (default: the packaged resources/stance.v1.pkl).")
@click.option("--cache", "cache_dir", default=None, metavar="DIR",
              help="Sentence-embedding cache (default: $XDG_CACHE_HOME/claimwatch/embeddings).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--no-cross", is_flag=True, help="Score the gradient-boosting model alone (no cross-encoder).")
@format_option("table", ("table", "json"))
@click.option("--fail-under", type=click.FloatRange(0.0, 1.0), default=None, metavar="SCORE",
              help="Exit with code 3 when the relative FNC-1 score is below SCORE (0-1).")
@handle_errors
def stance(fnc_dir: Optional[str], test_stances: Optional[str], test_bodies: Optional[str],
           model_file: Optional[str], cache_dir: Optional[str], no_cache: bool, no_cross: bool, fmt: str,
           fail_under: Optional[float]) -> None:
    """Score the stance model: FNC-1 weighted score as a share of the maximum, per-class F1, confusion.

    Reference run: claimwatch eval stance --fnc ../shared/data/fnc-1
    """
    from ..eval.stance import evaluate_stance, render_stance_table
    from .train import default_cache_dir

    def progress(msg: str) -> None:
        click.echo(msg, err=True)

    cache = None if no_cache else (cache_dir or default_cache_dir())
    report = evaluate_stance(fnc_dir, test_stances=test_stances, test_bodies=test_bodies,
                             model_path=model_file, cache_dir=cache, use_cross=not no_cross, progress=progress)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_stance_table(report))
    if fail_under is not None and report["relative_score"] < fail_under:
        click.echo(f"relative score {report['relative_score']:.4f} is below --fail-under {fail_under:.4f}", err=True)
        raise click.exceptions.Exit(EXIT_FAIL_UNDER)


def render_real_table(report: dict) -> str:
    out = []
    p = report.get("pairs")
    if p:
        out.append(f"pairs ({report['split']}): {p['pairs']} ({p['matched']} matched), {p['real']} real; threshold "
                   f"{p['threshold']:.2f}: P {p['p']:.3f}  R {p['r']:.3f}  F1 {p['f1']:.3f}  (tp {p['tp']} fp {p['fp']} "
                   f"fn {p['fn']});  calibration error {p['ece']:.3f}")
        out.append("  reliability: " + "  ".join(f"{r['bin']}: {r['pairs']} pairs, mean p {r['mean_p']:.2f}, real "
                                               f"{r['real']:.2f}" for r in p["reliability"]))
        for s, v in p["strata"].items():
            out.append(f"  {s}: {v['pairs']} pairs, {v['real']} real, P {v['p']:.3f} R {v['r']:.3f}")
    c = report.get("check")
    if c:
        fmt = (lambda v: "-" if v is None else f"{v:.3f}")
        out.append(f"check ({report['split']}): {c['cases']} cases; supports@5 {fmt(c['supports@5'])} "
                   f"({c['support_cases']}), contradicts@5 {fmt(c['contradicts@5'])} ({c['contradict_cases']}), "
                   f"abstention {fmt(c['abstention'])} ({c['never_cases']}); listed {c['listed']}, precision "
                   f"{fmt(c['listed_precision'])}, unjudged {c['listed_unjudged']}")
        for stratum, v in c.get("by_stratum", {}).items():
            out.append(f"  {stratum}: {v['cases']} cases; supports@5 {v['supports@5']}, contradicts@5 "
                       f"{v['contradicts@5']}, abstention {v['abstention']}")
    return "\n".join(out)


@eval_group.command("disputes-real")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="A store of ../shared/data/news/ukraine_2022_apr_dec_news_sample.jsonl built with this pipeline.")
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default=None,
              help="The gold set (default: tests/gold_real of a source checkout).")
@click.option("--split", type=click.Choice(["dev", "test", "test2", "test3", "test4", "test5", "test6", "test7",
                                            "test8", "test9", "test10", "test11", "test12"]),
              default="dev", show_default=True,
              help="test, test2, test3 and the check-case sets test4 to test12 were each scored once and are "
                   "spent: a new test set is needed for a new held-out figure (docs/EVALUATION.md).")
@click.option("--partly-real", is_flag=True, help="Count 'partly' pairs as real disputes (second row).")
@click.option("--no-check", is_flag=True, help="Score the pairs only.")
@click.option("--no-cross", is_flag=True, help="check on its rules alone, without its cross-encoder.")
@click.option("--export", "export_path", type=click.Path(dir_okay=False), default=None,
              help="Write every scored pair and check case (JSON) here.")
@model_option
@format_option("table", ("table", "json"))
@handle_errors
def disputes_real(db_path: str, gold_dir: Optional[str], split: str, partly_real: bool, no_check: bool,
                  export_path: Optional[str], no_cross: bool, model: Optional[str], fmt: str) -> None:
    """Score disputes and check on the blind real-news gold set (docs/EVALUATION.md, "Disputes on real news")."""
    from pathlib import Path

    from ..disputes.relation import default_model
    from ..eval.dispute_gold import (check_report, default_gold_dir, load_check_cases, load_gold_pairs, pair_report,
                                     score_pairs)
    from ..pipeline import load_nlp
    from ..store import open_store

    gold = Path(gold_dir) if gold_dir else default_gold_dir()
    rel = default_model()
    report: dict[str, Any] = {"split": split}
    with open_store(db_path, create=False) as store:
        pairs = load_gold_pairs(gold, split)
        rows = score_pairs(store, pairs) if pairs else []
        if pairs:  # a set of check cases only (test4 on) has no pairs
            report["pairs"] = pair_report(rows, rel.threshold_dispute, partly_real)
        if not no_check:
            report["check"] = check_report(store, load_check_cases(gold, split), nlp=load_nlp(model),
                                           progress=lambda m: click.echo(m, err=True), use_cross=not no_cross)
    if export_path:
        Path(export_path).write_text(json.dumps({"rows": rows, **report}, indent=1, default=str), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(render_real_table(report))


@eval_group.command("actors")
@click.option("--news", "news_dir", required=True, type=click.Path(file_okay=False, exists=True),
              help="The shared news samples' folder (../shared/data/news).")
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default=None,
              help="The gold set's folder (default: tests/gold_real of a source checkout).")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True,
              help="test is scored once, at the end (docs/EVALUATION.md).")
@click.option("--errors", "show_errors", is_flag=True, help="List every wrong item (table format).")
@model_option
@format_option("table", ("table", "json"))
@handle_errors
def actors(news_dir: str, gold_dir: Optional[str], split: str, show_errors: bool, model: Optional[str],
           fmt: str) -> None:
    """Score speaker actors on the blind actor gold set (docs/EVALUATION.md, "Speaker actors on real news")."""
    from pathlib import Path

    from ..eval.actors import evaluate
    from ..pipeline import load_nlp

    report = evaluate(load_nlp(model), Path(news_dir), split=split, gold_dir=Path(gold_dir) if gold_dir else None,
                      progress=lambda m: click.echo(m, err=True))
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if fmt == "json" else
               render_actors_report(report, show_errors))


def render_actors_report(report: dict, show_errors: bool = False) -> str:
    lines = [
        f"actor gold ({report['split']}): {report['items']} items in {report['articles']} articles",
        f"speaker actor accuracy {report['speaker_actor_accuracy']:.3f} ({report['correct']}/"
        f"{report['speaker_items']}); no claim at the cue {report['no_claim_at_cue']}",
        "wrong, by reason: " + ", ".join(f"{k} {v}" for k, v in report["reasons"].items() if k != "ok"),
        f"pronoun actors: {report['pronoun_actor_claims']} claims {report['pronoun_actor_names']}",
        f"non-attribution cues still extracted: {report['non_attribution_kept']}/{report['non_attribution_items']}",
    ]
    for r in report["rows"] if show_errors else ():
        if not r["ok"]:
            a = r["actor"] or {}
            lines.append(f"  {r['item']} {r['why']:<16} gold {r['referent']!r} {r['type']} {r['country']} | "
                         f"speaker {r['speaker']!r} -> {a.get('name')!r} {a.get('type')} {a.get('country')}")
    return "\n".join(lines)

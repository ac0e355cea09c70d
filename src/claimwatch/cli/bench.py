"""`claimwatch bench`: speed and peak memory, bare spaCy vs full extraction (a shell over claimwatch.bench)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from .common import format_option, handle_errors, model_option, tagger_option


def render_table(report: dict) -> str:
    head = ["run", "wall s", "articles/s", "words/s", "peak RSS MB", "load s"]
    rows = [
        [name, f"{r['wall_s']:.2f}", f"{r['articles_per_s']:.1f}", f"{r['words_per_s']:.0f}",
         f"{r['peak_rss_mb']:.0f}", f"{r['load_s']:.2f}"]
        for name, r in report["runs"].items()
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))

    m = report["machine"]
    comps = report["components_s"]
    total = sum(comps.values()) or 1.0
    per = report["enrichment_share_per_article"]
    return "\n".join([
        f"{report['articles']} articles, {report['words']} words, model {report['model']}, "
        f"tagger {report.get('tagger', 'crf')}, "
        f"warmup {report['warmup']}, {m['cpus']} CPUs, {m['platform']}",
        line(head),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
        f"full/bare words/s: {report['ratio_full_bare_words_per_s']:.2f}" + (
            f" (median of {len(report['ratio_per_pair'])} bare/full pairs: "
            f"{', '.join(f'{r:.2f}' for r in report['ratio_per_pair'])})" if len(report.get("ratio_per_pair", ())) > 1
            else ""),
        "",
        "stage                     seconds   share",
        *(f"{name:<24}{sec:>8.2f}  {sec / total * 100:>5.1f}%" for name, sec in comps.items()),
        f"enrichment (actors, places, dates, quantities, events): {report['enrichment_share'] * 100:.1f}% of "
        f"extraction time; per article median {per['median'] * 100:.1f}%, p90 {per['p90'] * 100:.1f}%, "
        f"max {per['max'] * 100:.1f}%",
    ])


def render_scale(report: dict) -> str:
    """The --workers, --ingest-into and --queries-db sections as plain-text tables."""
    out: list[str] = []
    workers = report.get("workers")
    if workers:
        out += ["", f"extraction with N worker processes (batch {workers['batch_size']}, steady state)",
                "workers  articles  wall s  articles/s  speed-up"]
        out += [f"{r['workers']:>7}  {r['articles']:>8}  {r['wall_s']:>6.1f}  {r['articles_per_s']:>10.2f}  "
                f"{r['speedup']:>7.2f}x" for r in workers["runs"]]
    ingest = report.get("ingest")
    if ingest:
        e = ingest["end_to_end"]
        out += ["", f"ingest end to end into {e['target']} (1 worker, dedup on): {e['articles_per_s']:.2f} articles/s, "
                    f"{e['stored']} articles, {e['claims']} claims",
                "store-only (extraction results written again)   articles/s  exact-dedup only  near-dup ms/article"]
        out += [f"  {s['target'][:44]:<44}  {s['with_dedup']['articles_per_s']:>10.1f}  "
                + (f"{s['exact_only']['articles_per_s']:>16.1f}  {s['near_dedup_ms_per_article']:>19.2f}"
                   if s["exact_only"] else f"{'-':>16}  {'-':>19}")
                for s in ingest["store_only"]]
    spark = report.get("spark")
    if spark:
        out += ["", f"claimwatch spark on {spark['master']} ({spark['partitions']} partitions): "
                    f"{spark['articles_per_s']:.2f} articles/s ({spark['articles']} articles, {spark['claims']} claims, "
                    f"job {spark['job_s']:.1f} s; session start {spark['session_start_s']:.1f} s not counted)"]
    queries = report.get("queries")
    if queries:
        c = queries["counts"]
        out += ["", f"query latency on {queries['store']} ({c['articles']} articles, {c['claims']} claims), "
                    f"{queries['repeat']} calls each", "query                              p50 ms   p95 ms   max ms"]
        out += [f"{name:<33}{k['p50_ms']:>8.1f} {k['p95_ms']:>8.1f} {k['max_ms']:>8.1f}"
                for name, k in queries["kinds"].items()]
        chk = queries.get("check")
        if chk:
            w = chk["warm"]
            out.append(f"{'check (warm Checker)':<33}{w['p50_ms']:>8.1f} {w['p95_ms']:>8.1f} {w['max_ms']:>8.1f}"
                       f"   cold {chk['cold_s']:.1f} s, {chk['claims_searched']} claims searched")
    det = report.get("detection")
    if det:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in det["stages"].items())
        out += ["", f"dispute detection over {det['claims']} claims as new ({det['embedder']}, {det['cpus']} CPUs): "
                    f"{det['seconds']:.1f} s ({stages})",
                f"  {det['embedded']} embedded, {det['candidate_pairs']} candidate pairs, {det['disputes']} disputes; "
                f"first check on a new Checker {det['first_check_s']:.2f} s, {det['encoded_on_first_check']} text(s) "
                f"encoded"]
    if report.get("load"):
        from ..bench.web_load import render_load

        out += render_load(report["load"])
    if report.get("hostile"):
        from ..bench.hostile import render_hostile

        out += render_hostile(report["hostile"])
    return "\n".join(out)


def _counts(value: Optional[str], what: str = "worker counts (e.g. 1,2)") -> list[int]:
    if not value:
        return []
    try:
        counts = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of {what}") from None
    if not counts or any(n < 1 for n in counts):
        raise click.BadParameter(f"{value!r}: {what.split(' (')[0]} must be 1 or more")
    return counts


@click.command("bench")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(dir_okay=False),
              metavar="FILE", help="JSONL (a \"text\" field per line) or .txt; repeatable. Reference corpus: "
                                   "../shared/data/news/bbc_news_2004_2005_sample.jsonl")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
@model_option
@tagger_option
@click.option("--warmup", type=click.IntRange(min=0), default=10, show_default=True,
              help="Articles processed untimed before each timed pass.")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--pairs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run bare and full this many times, alternately; full/bare is the median of the pairs' ratios "
                   "(use 3 on a shared machine).")
@click.option("--no-speed", is_flag=True, help="Skip the bare/full/stages runs (run only the sections asked for).")
@click.option("--workers", "workers", default=None, metavar="N,M,...",
              help="Also time full extraction with each of these worker-process counts (e.g. 1,2).")
@click.option("--ingest-into", "ingest_into", multiple=True, metavar="sqlite|URL",
              help="Also time ingest: end to end into SQLite, and the store side alone into each target given "
                   "(\"sqlite\": a new file; a database URL must point at an empty database). Repeatable.")
@click.option("--spark", "spark_master", default=None, metavar="MASTER",
              help="Also time `claimwatch spark` over the corpus on this Spark master (e.g. 'local[2]').")
@click.option("--queries-db", "queries_db", default=None, type=click.Path(dir_okay=False, path_type=Path),
              metavar="DB", help="Time claims search, disputes and check on this store (no corpus needed).")
@click.option("--grow-to", "grow_to", type=click.IntRange(min=1), default=None, metavar="CLAIMS",
              help="With --queries-db: time a copy of the store repeated up to this many claims (e.g. 100000).")
@click.option("--repeat", type=click.IntRange(min=1), default=50, show_default=True,
              help="Calls per query kind for --queries-db.")
@click.option("--no-check", is_flag=True, help="With --queries-db: skip the check timings (they load MiniLM).")
@click.option("--disputes-db", "disputes_db", default=None, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Time dispute detection over every claim of a copy of this store, as if all were new.")
@click.option("--keep-vectors", is_flag=True, help="With --disputes-db: keep the stored embeddings (time the rest).")
@click.option("--load-db", "load_db", default=None, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="DB", help="Load-test the web API on loopback: a server over this store, one client, then "
                                 "--clients at once for --seconds (no corpus needed).")
@click.option("--clients", default=50, show_default=True, type=click.IntRange(min=2),
              help="With --load-db: concurrent clients (a fifth of them on /api/check).")
@click.option("--seconds", default=60, show_default=True, type=click.FloatRange(min=1), help="With --load-db: "
              "how long the concurrent clients run.")
@click.option("--server-workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="With --load-db: server processes (claimwatch serve --workers).")
@click.option("--think", "think", default=1.0, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="With --load-db: each concurrent client's mean think time between an answer and its next "
                   "request (exponential, seeded), as a person reading the page; 0 = closed loop (ask again at once).")
@click.option("--check-slots", "check_slots", default=None, type=click.IntRange(min=1), metavar="N",
              help="With --load-db: the server's --check-slots (default: serve's own).")
@click.option("--hostile", "hostile", default=None, metavar="CHARS,CHARS,...",
              help="Time one article of each pathological text (resources/hostile.v1.json) at these sizes in "
                   "characters (e.g. 100000,1000000); no corpus needed.")
@format_option("table", ("table", "json"))
@handle_errors
def bench(corpus: tuple[str, ...], limit: Optional[int], model: Optional[str], tagger: str, warmup: int, batch_size: int,
          pairs: int, no_speed: bool, workers: Optional[str], ingest_into: tuple[str, ...], queries_db: Optional[Path],
          grow_to: Optional[int], repeat: int, no_check: bool, spark_master: Optional[str], hostile: Optional[str],
          load_db: Optional[Path], clients: int, seconds: float, server_workers: int, think: float,
          check_slots: Optional[int], disputes_db: Optional[Path], keep_vectors: bool, fmt: str) -> None:
    """Time extraction (bare spaCy vs full claimwatch), and on request scaling, ingest and query latency.

    Each extraction run happens in a fresh process, so the peak RSS reported is that run's own. A third run
    times extraction stage by stage and reports the enrichment stages' share (actors, places, dates,
    quantities, events). --workers, --ingest-into, --spark and --queries-db add the sections of docs/BENCHMARKS.md.
    """
    from ..bench import load_corpus, run_bench
    from ..errors import InputError

    counts = _counts(workers)
    only_sections = hostile or load_db or disputes_db
    wants_corpus = (not no_speed and not only_sections) or counts or ingest_into or spark_master
    if wants_corpus and not corpus:
        raise InputError("give --corpus FILE (or only --queries-db DB with --no-speed)")
    if grow_to is not None and queries_db is None:
        raise InputError("--grow-to needs --queries-db")
    say = lambda msg: click.echo(msg, err=True)  # noqa: E731
    report: dict = {}
    if not no_speed and corpus:
        report = run_bench(list(corpus), limit=limit, model=model, warmup=warmup, batch_size=batch_size,
                           progress=say, tagger=tagger, pairs=pairs)
    if counts or ingest_into:
        from ..bench.scale import bench_ingest, bench_workers

        articles = load_corpus(list(corpus), limit)
        if counts:
            report["workers"] = bench_workers(articles, counts, model=model, batch_size=batch_size, say=say)
        if ingest_into:
            targets = [None if t.strip().lower() == "sqlite" else t for t in ingest_into]
            report["ingest"] = bench_ingest(articles, targets, model=model, batch_size=batch_size, say=say)
    if spark_master:
        from ..bench.scale import bench_spark

        report["spark"] = bench_spark(list(corpus), limit=limit, model=model, master=spark_master, say=say)
    if queries_db is not None:
        report["queries"] = _queries(queries_db, grow_to, repeat, not no_check, say)
    if disputes_db is not None:
        from ..bench.detection import bench_detection

        report["detection"] = bench_detection(disputes_db, keep_vectors=keep_vectors, model=model, say=say)
    if load_db is not None:
        from ..bench.web_load import bench_load

        report["load"] = bench_load(load_db, clients=clients, seconds=seconds, server_workers=server_workers,
                                    think_s=think, check_slots=check_slots, model=model, say=say)
    if hostile:
        from ..bench.hostile import bench_hostile

        report["hostile"] = bench_hostile(_counts(hostile, "sizes in characters (e.g. 100000,1000000)"),
                                          model=model, say=say)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(((render_table(report) + "\n") if "runs" in report else "") + render_scale(report).lstrip("\n"))


def _queries(db: Path, grow_to: Optional[int], repeat: int, check: bool, say) -> dict:
    import tempfile

    from ..bench.queries import bench_queries, grow_store

    if grow_to is None:
        return bench_queries(db, repeat=repeat, check=check, say=say)
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        grown = Path(tmp) / "grown.db"
        say(f"bench: copying {db} and repeating it up to {grow_to} claims")
        grow_store(db, grown, grow_to, say=say)
        report = bench_queries(grown, repeat=repeat, check=check, say=say)
        report["store"] = f"{db} repeated to {report['counts']['claims']} claims"
        return report

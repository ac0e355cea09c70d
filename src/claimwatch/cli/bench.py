"""`claimwatch bench`: speed and peak memory, bare spaCy vs full extraction (a shell over claimwatch.bench)."""
from __future__ import annotations

import json
from typing import Optional

import click

from .common import format_option, handle_errors, model_option


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
        f"warmup {report['warmup']}, {m['cpus']} CPUs, {m['platform']}",
        line(head),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
        f"full/bare words/s: {report['ratio_full_bare_words_per_s']:.2f}",
        "",
        "stage                     seconds   share",
        *(f"{name:<24}{sec:>8.2f}  {sec / total * 100:>5.1f}%" for name, sec in comps.items()),
        f"enrichment (actors, places, dates, quantities, events): {report['enrichment_share'] * 100:.1f}% of "
        f"extraction time; per article median {per['median'] * 100:.1f}%, p90 {per['p90'] * 100:.1f}%, "
        f"max {per['max'] * 100:.1f}%",
    ])


@click.command("bench")
@click.option("--corpus", "corpus", required=True, multiple=True, type=click.Path(dir_okay=False),
              metavar="FILE", help="JSONL (a \"text\" field per line) or .txt; repeatable. Reference corpus: "
                                   "../shared/data/news/bbc_news_2004_2005_sample.jsonl")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
@model_option
@click.option("--warmup", type=click.IntRange(min=0), default=10, show_default=True,
              help="Articles processed untimed before each timed pass.")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
@format_option("table", ("table", "json"))
@handle_errors
def bench(corpus: tuple[str, ...], limit: Optional[int], model: Optional[str], warmup: int,
          batch_size: int, fmt: str) -> None:
    """Time bare spaCy parsing and full claimwatch extraction on the same texts.

    Each run happens in a fresh process, so the peak RSS reported is that run's own. A third run times
    extraction stage by stage and reports the enrichment stages' share (actors, places, dates,
    quantities, events).
    """
    from ..bench import run_bench

    report = run_bench(list(corpus), limit=limit, model=model, warmup=warmup, batch_size=batch_size,
                       progress=lambda msg: click.echo(msg, err=True))
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(render_table(report))

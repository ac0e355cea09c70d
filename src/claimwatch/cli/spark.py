"""`claimwatch spark`: extract claims with Spark into Parquet datasets (load them with `claimwatch load`)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from .common import actors_option, handle_errors, model_option, record_options, record_settings


@click.command("spark")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=str))
@click.argument("output", metavar="OUTPUT", type=click.Path(file_okay=False, path_type=Path))
@click.option("--master", default="local[2]", show_default=True, metavar="URL",
              help="Spark master (local[N], spark://host:7077, yarn …); ignored inside spark-submit or a running session.")
@click.option("--partitions", type=click.IntRange(min=1), default=None,
              help="Partitions the articles are spread over, one spaCy pipeline each [default: the master's parallelism].")
@model_option
@actors_option
@record_options
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True,
              help="Articles per nlp.pipe batch.")
@click.option("--max-chars", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Skip (as a problem) articles longer than this.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles of INPUT.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it holds an earlier claimwatch spark output.")
@click.pass_context
@handle_errors
def spark(
    ctx: click.Context,
    input_path: str,
    output: Path,
    master: str,
    partitions: Optional[int],
    model: Optional[str],
    actors_path: Optional[str],
    text_field: Optional[str],
    id_field: str,
    title_field: str,
    date_field: str,
    outlet_field: str,
    url_field: str,
    languages: str,
    batch_size: int,
    max_chars: int,
    limit: Optional[int],
    overwrite: bool,
) -> None:
    """Extract claims from INPUT with Spark and write them to OUTPUT as Parquet.

    INPUT is anything `claimwatch ingest` reads (a JSONL/CSV/Parquet file, a directory …), on a path every
    executor can read; records become the same articles, with the same ids. OUTPUT is a new folder with
    articles/, claims/, actors/, events/ and problems/ datasets (docs/SCALE.md); `claimwatch load OUTPUT`
    puts it into a claim database. Exits 1 if any input had a problem; everything readable is still written.
    """
    from ..batch.spark import SparkOptions, check_model, check_output_dir, input_files, run_spark, spark_session

    # Bad arguments fail before Spark starts (seconds) rather than inside a job.
    input_files(input_path)
    check_output_dir(output, overwrite)
    check_model(model)
    fields, wanted = record_settings(ctx.params)
    options = SparkOptions(
        model=model, actors_path=actors_path, languages=wanted, max_chars=max_chars, batch_size=batch_size,
        partitions=partitions, limit=limit, fields=fields,
    )
    verbose = bool((ctx.find_root().params or {}).get("verbose"))
    session, created = spark_session(master, quiet=not verbose, progress=sys.stderr.isatty())
    try:
        stats = run_spark(session, input_path, output, options, overwrite=overwrite)
    finally:
        if created:
            session.stop()
    for problem in stats.problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"{stats.articles} articles from {stats.files} files extracted on {stats.partitions} partitions in "
        f"{stats.seconds:.1f} s ({stats.articles_per_second:.1f} articles/s): {stats.claims} claims, "
        f"{stats.events} events, {stats.actors} actors, {len(stats.problems)} problems, {len(stats.skipped)} "
        f"skipped as not {languages} -> {output} (store it with: claimwatch load {output} --db PATH)",
        err=True,
    )
    if stats.problems:
        ctx.exit(1)

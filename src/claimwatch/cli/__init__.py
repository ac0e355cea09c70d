"""The `claimwatch` command: a thin click shell over the library.

Each command lives in its own module and calls one library function.
"""
from __future__ import annotations

import logging

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimwatch")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and details to stderr.")
@click.option("--traceback", "show_traceback", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, show_traceback: bool) -> None:
    """claimwatch: who claimed what, about whom, and who disputes it."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = show_traceback


def _register() -> None:
    # Imported here, not at module top, so `claimwatch --help` stays fast and import-cycle free.
    from . import actors, bench, claims, db as db_cmd, dispute_commands as disputes_cmd, eval as eval_cmd
    from . import export as export_cmd, extract, ingest, load as load_cmd, serve, spark as spark_cmd, train
    from . import watch as watch_cmd

    main.add_command(extract.extract)
    main.add_command(ingest.ingest)
    main.add_command(claims.claims)
    main.add_command(actors.actors)
    main.add_command(eval_cmd.eval_group)
    main.add_command(bench.bench)
    main.add_command(train.train_group)
    main.add_command(serve.serve)
    main.add_command(export_cmd.export)
    main.add_command(db_cmd.db_group)  # PostgreSQL setup and Alembic upgrades
    main.add_command(spark_cmd.spark)
    main.add_command(load_cmd.load)
    # `disputes`, `check`, `timeline`, and `eval disputes` in the eval group.
    main.add_command(disputes_cmd.disputes)
    main.add_command(disputes_cmd.check)
    main.add_command(disputes_cmd.timeline)
    eval_cmd.eval_group.add_command(disputes_cmd.eval_disputes)
    # Continuous collection and saved searches (docs/WATCH.md).
    main.add_command(watch_cmd.watch)
    main.add_command(watch_cmd.watchlist_group)


_register()

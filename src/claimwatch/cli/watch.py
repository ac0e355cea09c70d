"""`claimwatch watch`: collect continuously from a sources file; `claimwatch watchlist`: saved searches."""
from __future__ import annotations

import json
import secrets
import signal
import threading
from pathlib import Path
from typing import Optional

import click

from .common import actors_option, format_option, handle_errors, model_option, tagger_option
from ._db import db_option


@click.command("watch")
@click.argument("sources_file", type=click.Path(dir_okay=False, path_type=Path), metavar="SOURCES")
@db_option
@model_option
@tagger_option
@actors_option
@click.option("--interval", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="Seconds from the start of one cycle to the start of the next.")
@click.option("--host-delay", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
              help="Seconds between two requests to the same host.")
@click.option("--backoff", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="A failing source waits this long, then twice as long after each further failure …")
@click.option("--backoff-max", type=click.FloatRange(min=0.1), default=3600.0, show_default=True,
              help="… up to this many seconds.")
@click.option("--max-items", type=click.IntRange(min=1), default=200, show_default=True,
              help="New items taken from one source per cycle (the rest wait for the next cycle).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="Where `claimwatch serve` answers: alerts link to the claim on its article page there.")
@click.option("--embedder", type=click.Choice(["auto", "minilm", "lexical", "none"]), default="auto",
              show_default=True, help="Dispute detection's sentence embeddings; none: no dispute detection.")
@click.option("--cycles", type=click.IntRange(min=1), default=None,
              help="Stop after this many cycles (default: run until SIGTERM or Ctrl-C).")
@handle_errors
def watch(sources_file: Path, db_path: Path, model: Optional[str], tagger: str, actors_path: Optional[str],
          interval: float, host_delay: float, backoff: float, backoff_max: float, max_items: int, base_url: str,
          embedder: str, cycles: Optional[int]) -> None:
    """Collect from the feeds, sitemaps and directories of SOURCES every --interval seconds.

    Each cycle fetches the sources (conditional GET, --host-delay between requests to a host, back-off for
    failing ones), ingests the new items as `claimwatch ingest` would, updates disputes, raises and delivers the
    watchlists' alerts, and logs one line on stderr. Its state is in the database: a restarted watch resumes.
    SIGTERM or Ctrl-C stops it after the current item. SOURCES: one URL or directory a line, then optionally an
    outlet name (docs/WATCH.md). Mail alerts use the CLAIMWATCH_SMTP_* settings.
    """
    from ..alerts.delivery import SmtpSettings
    from ..ingest_flow import SpacyPipeline
    from ..store import open_store
    from ..watch.cycle import WatchSettings, Watcher
    from ..watch.sources import read_sources

    sources = read_sources(sources_file)
    settings = WatchSettings(interval=interval, host_delay=host_delay, backoff_base=backoff, backoff_cap=backoff_max,
                             max_items=max_items, base_url=base_url,
                             embedder=None if embedder == "none" else embedder)
    smtp = SmtpSettings.from_env()
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():  # a second Ctrl-C: do not wait for the current item
            raise KeyboardInterrupt
        click.echo(f"{signal.Signals(signum).name}: stopping after the current item", err=True)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    pipeline = SpacyPipeline(model=model, tagger=tagger, actors_path=actors_path)
    with open_store(db_path) as store:
        click.echo(f"watching {len(sources)} sources into {store.label} every {interval:g} s", err=True)
        watcher = Watcher(store, sources, pipeline, settings, smtp=smtp, stop=stop,
                          on_problem=lambda line: click.echo(line, err=True),
                          on_cycle=lambda stats: click.echo(stats.line(), err=True))
        try:
            watcher.run(cycles)
        finally:
            watcher.close()
            for sig, handler in previous.items():  # as they were (the command may run inside another program)
                signal.signal(sig, handler)


@click.group("watchlist")
def watchlist_group() -> None:
    """Saved searches: new claims (or disputes) matching them raise alerts (docs/WATCH.md)."""


def _filters(f):  # the options shared by add and edit
    for opt in reversed([
        click.option("--actor", "-a", default=None, metavar="ID|CODE|NAME", help="The speaker's actor."),
        click.option("--text", "-t", "text", default=None, help="Full-text query over the claim content."),
        click.option("--event", "-e", default=None, help="Event category (PLOVER: ACCUSE, MOBILIZE …)."),
        click.option("--outlet", "-o", default=None, help="The article's outlet (case-insensitive)."),
        click.option("--disputes/--claims", "disputes", default=None,
                     help="Alert when a matching claim enters a dispute (--disputes) or on every new matching "
                          "claim (--claims, the default)."),
        click.option("--webhook", default=None, metavar="URL", help="POST each alert there as JSON ('' removes)."),
        click.option("--email", default=None, metavar="ADDRESS", help="Mail each alert there ('' removes)."),
    ]):
        f = opt(f)
    return f


def _check(webhook: Optional[str], email: Optional[str]) -> None:
    from ..errors import ClaimwatchError

    if webhook and not webhook.startswith(("http://", "https://")):
        raise ClaimwatchError(f"--webhook must be an http(s) URL, got {webhook!r}")
    if email and "@" not in email:
        raise ClaimwatchError(f"--email must be a mail address, got {email!r}")


def _show(wl, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(wl.model_dump(), ensure_ascii=False))
    else:
        extra = "".join(f" · {k} {v}" for k, v in (("webhook", wl.webhook), ("email", wl.email)) if v)
        click.echo(f"{wl.id}\t{wl.name}\t{wl.describe()}{extra}")


@watchlist_group.command("add")
@click.argument("name")
@_filters
@db_option
@format_option("table", ("table", "json"))
@handle_errors
def watchlist_add(name: str, actor, text, event, outlet, disputes, webhook, email, db_path, fmt: str) -> None:
    """Save a watchlist NAME; claims stored from now on that match every filter given raise alerts."""
    from ..store import Watchlist, open_store

    _check(webhook, email)
    wl = Watchlist(id="w" + secrets.token_hex(4), name=name, actor=actor or None, text=text or None,
                   event=event or None, outlet=outlet or None, disputes=bool(disputes), webhook=webhook or None,
                   email=email or None)
    with open_store(db_path) as store:
        _show(store.save_watchlist(wl), fmt)


@watchlist_group.command("edit")
@click.argument("watchlist_id")
@click.option("--name", default=None)
@_filters
@db_option
@format_option("table", ("table", "json"))
@handle_errors
def watchlist_edit(watchlist_id: str, name, actor, text, event, outlet, disputes, webhook, email, db_path,
                   fmt: str) -> None:
    """Change a watchlist's name, filters or deliveries (an empty value removes a filter)."""
    from ..errors import ClaimwatchError
    from ..store import open_store

    _check(webhook, email)
    with open_store(db_path, create=False) as store:
        wl = store.get_watchlist(watchlist_id)
        if wl is None:
            raise ClaimwatchError(f"no watchlist {watchlist_id!r}")
        changes = {k: (v or None) for k, v in (("name", name), ("actor", actor), ("text", text), ("event", event),
                                                ("outlet", outlet), ("webhook", webhook), ("email", email))
                   if v is not None}
        if changes.get("name", "x") is None:
            raise ClaimwatchError("a watchlist needs a name")
        if disputes is not None:
            changes["disputes"] = disputes
        _show(store.save_watchlist(wl.model_copy(update=changes)), fmt)


@watchlist_group.command("list")
@db_option
@format_option("table", ("table", "json"))
@handle_errors
def watchlist_list(db_path, fmt: str) -> None:
    """The saved watchlists."""
    from ..store import open_store

    with open_store(db_path, create=False) as store:
        found = store.watchlists()
    if fmt == "json":
        click.echo(json.dumps([w.model_dump() for w in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no watchlists", err=True)
    for wl in found:
        _show(wl, fmt)


@watchlist_group.command("rm")
@click.argument("watchlist_id")
@db_option
@handle_errors
def watchlist_rm(watchlist_id: str, db_path) -> None:
    """Delete a watchlist and its alerts."""
    from ..errors import ClaimwatchError
    from ..store import open_store

    with open_store(db_path, create=False) as store:
        if not store.delete_watchlist(watchlist_id):
            raise ClaimwatchError(f"no watchlist {watchlist_id!r}")
    click.echo(f"deleted {watchlist_id}", err=True)


@watchlist_group.command("alerts")
@click.argument("watchlist_id")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=20, show_default=True, help="0: all.")
@db_option
@format_option("jsonl", ("table", "jsonl"))
@handle_errors
def watchlist_alerts(watchlist_id: str, limit: int, db_path, fmt: str) -> None:
    """A watchlist's alerts, newest first (jsonl: the payload the webhook received, with delivery statuses)."""
    from ..alerts.atom import alert_title
    from ..errors import ClaimwatchError
    from ..store import open_store

    with open_store(db_path, create=False) as store:
        if store.get_watchlist(watchlist_id) is None:
            raise ClaimwatchError(f"no watchlist {watchlist_id!r}")
        found = store.alerts(watchlist_id, limit or None)
    for a in found:
        if fmt == "jsonl":
            click.echo(json.dumps({**a.payload, "alert_id": a.id, "created_at": a.created_at,
                                   "webhook_status": a.webhook_status, "mail_status": a.mail_status},
                                  ensure_ascii=False))
        else:
            click.echo(f"{a.created_at}\t{alert_title(a)}\t{a.payload.get('link', '')}")

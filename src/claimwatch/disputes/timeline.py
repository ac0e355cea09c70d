"""How claims on a proposition evolved by day: ``claimwatch timeline QUERY | --actor X``.

With a query sentence, the claims ``check`` finds are counted per article day as supporting or contradicting
it. With ``--actor``, the actor's claims per day (the store's ``claim_timeline``) and the dispute groups in
which it speaks on either side, by the day they were first seen. ``plot_timeline`` draws either as stacked
bars with matplotlib (the ``disputes`` extra), PNG or SVG by the file's suffix.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel

from ..errors import ClaimwatchError
from ..store import ClaimQuery, Store


class TimelineDay(BaseModel):
    day: Optional[str]
    supporting: int = 0
    contradicting: int = 0
    claims: int = 0
    disputes: int = 0


class Timeline(BaseModel):
    title: str
    kind: str  # "query" or "actor"
    days: list[TimelineDay]


def query_timeline(store: Store, text: str, *, limit: int = 200, checker: Any = None) -> Timeline:
    """Supporting and contradicting claims of ``text`` per article day (undated last)."""
    from .check import Checker

    checker = checker or Checker(store)
    found = checker.check(text, limit=limit)
    days: dict[Optional[str], TimelineDay] = {}
    for matches, field in ((found.supporting, "supporting"), (found.contradicting, "contradicting")):
        for m in matches:
            day = m.claim.date[:10] if m.claim.date else None
            row = days.setdefault(day, TimelineDay(day=day))
            setattr(row, field, getattr(row, field) + 1)
            row.claims += 1
    ordered = sorted(days.values(), key=lambda d: (d.day is None, d.day or ""))
    return Timeline(title=text, kind="query", days=ordered)


def actor_timeline(store: Store, actor: str) -> Timeline:
    """The actor's claims per day and the dispute groups it is part of, by first day seen."""
    counts = store.claim_timeline(ClaimQuery(actor=actor, limit=None))
    disputes = store.dispute_timeline(actor=actor)
    days: dict[Optional[str], TimelineDay] = {}
    for c in counts:
        days[c.day] = TimelineDay(day=c.day, claims=c.claims)
    for day, n in disputes.items():
        days.setdefault(day, TimelineDay(day=day)).disputes = n
    ordered = sorted(days.values(), key=lambda d: (d.day is None, d.day or ""))
    return Timeline(title=f"actor {actor}", kind="actor", days=ordered)


def plot_timeline(timeline: Timeline, path: Path) -> Path:
    """Stacked bars per day, written to ``path`` (.png or .svg)."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ClaimwatchError(f"{path}: the plot must be a .png or .svg file")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError:
        raise ClaimwatchError("plotting needs matplotlib: pip install 'claimwatch[disputes]'") from None
    from datetime import date

    dated = [d for d in timeline.days if d.day]
    if not dated:
        raise ClaimwatchError("nothing to plot: no dated claims")
    xs = [date.fromisoformat(d.day[:10]) for d in dated]  # type: ignore[index]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    if timeline.kind == "query":
        a = [d.supporting for d in dated]
        b = [d.contradicting for d in dated]
        ax.bar(xs, a, color="#3a7d44", label="supporting")
        ax.bar(xs, b, bottom=a, color="#c0392b", label="contradicting")
    else:
        a = [d.claims for d in dated]
        b = [d.disputes for d in dated]
        ax.bar(xs, a, color="#4a6fa5", label="claims")
        ax.bar(xs, b, bottom=a, color="#c0392b", label="disputes (first seen)")
    ax.set_title(timeline.title[:90])
    ax.set_ylabel("per day")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    try:
        fig.savefig(path, format=suffix[1:])
    except OSError as exc:
        raise ClaimwatchError(f"{path}: cannot write the plot: {exc.strerror}") from None
    finally:
        plt.close(fig)
    return path

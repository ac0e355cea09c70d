"""Geometry of the actor timeline bar chart, drawn as inline SVG by a template (no JS, no plotting library).

Numbers and labels are computed here; the template escapes every label it prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from .models import TimelineDay

DAILY_MAX_DAYS = 92  # up to about a quarter: one bar per day; longer: per week, then per month
WEEKLY_MAX_DAYS = 730
MIN_DAYS = 14
MAX_BAR_PX = 40.0


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    claims_y: float
    claims_h: float
    disputes_y: float
    disputes_h: float
    label: str
    claims: int
    disputes: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[Bar]
    y_ticks: list[tuple[float, int]]  # (y, value)
    x_labels: list[tuple[float, str]]  # (x centre, label)
    bucket: str  # day | week | month
    total_claims: int
    total_disputes: int


def _bucket_key(d: date, bucket: str) -> date:
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    return d


def _next(d: date, bucket: str) -> date:
    if bucket == "week":
        return d + timedelta(days=7)
    if bucket == "month":
        return (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return d + timedelta(days=1)


def _label(d: date, bucket: str) -> str:
    return d.strftime("%Y-%m") if bucket == "month" else d.isoformat()


def build_chart(days: Sequence[TimelineDay], width: int = 760, height: int = 240) -> Chart:
    """Bars for every day (or week, month) from the first to the last claim, empty ones included."""
    parsed: list[tuple[date, int, int]] = []
    for d in days:
        try:
            parsed.append((date.fromisoformat(d.day[:10]), d.claims, d.disputes))
        except ValueError:
            continue
    left, bottom, top, right = 36, height - 28, 12, 8
    if not parsed:
        return Chart(width, height, left, bottom, [], [], [], "day", 0, 0)
    first, last = min(p[0] for p in parsed), max(p[0] for p in parsed)
    # A few days of context before a short burst, so one busy day is not drawn as one wall-to-wall bar.
    first = min(first, last - timedelta(days=MIN_DAYS - 1))
    span = (last - first).days + 1
    bucket = "day" if span <= DAILY_MAX_DAYS else "week" if span <= WEEKLY_MAX_DAYS else "month"
    counts: dict[date, list[int]] = {}
    for d, c, x in parsed:
        slot = counts.setdefault(_bucket_key(d, bucket), [0, 0])
        slot[0] += c
        slot[1] += x
    keys: list[date] = []
    k = _bucket_key(first, bucket)
    while k <= last:
        keys.append(k)
        k = _next(k, bucket)
    peak = max(max(c + x for c, x in counts.values()), 1)
    plot_w, plot_h = width - left - right, bottom - top
    step = plot_w / len(keys)
    bar_w = min(max(step * 0.7, 1.0), MAX_BAR_PX)
    bars: list[Bar] = []
    for i, key in enumerate(keys):
        c, x = counts.get(key, [0, 0])
        ch = plot_h * c / peak
        xh = plot_h * x / peak
        bars.append(Bar(
            x=round(left + i * step + (step - bar_w) / 2, 2), width=round(bar_w, 2),
            claims_y=round(bottom - ch, 2), claims_h=round(ch, 2),
            disputes_y=round(bottom - ch - xh, 2), disputes_h=round(xh, 2),
            label=_label(key, bucket), claims=c, disputes=x,
        ))
    ticks = sorted({0, peak, (peak + 1) // 2} if peak > 1 else {0, 1})
    y_ticks = [(round(bottom - plot_h * t / peak, 2), t) for t in ticks]
    every = max(1, -(-len(keys) // max(1, plot_w // 110)))  # about one label per 110 px
    x_labels = [(round(b.x + b.width / 2, 2), b.label) for i, b in enumerate(bars) if i % every == 0]
    return Chart(width, height, left, bottom, bars, y_ticks, x_labels, bucket,
                 sum(c for c, _ in counts.values()), sum(x for _, x in counts.values()))


# -- claims over time by outlet (the claims page) -----------------------------------------------------------------

OTHER = "other outlets"


@dataclass(frozen=True)
class StackPart:
    series: int  # index into StackChart.series (palette colour)
    y: float
    h: float
    count: int


@dataclass(frozen=True)
class StackBar:
    x: float
    width: float
    label: str
    total: int
    parts: list[StackPart]


@dataclass(frozen=True)
class StackChart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[StackBar]
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    bucket: str
    series: list[tuple[str, int]]  # (label, claims), biggest first; the last may be OTHER
    total: int


def build_stacked_chart(rows: Sequence[tuple[str, str, int]], labels: dict[str, str] | None = None,
                        width: int = 760, height: int = 240, top: int = 6) -> StackChart:
    """Stacked bars of claims per day (week, month) and series (outlet): the ``top`` biggest series by name, the
    rest as one ``OTHER`` series. ``rows``: (ISO day, series key, claims); ``labels``: key -> name shown."""
    labels = labels or {}
    parsed: list[tuple[date, str, int]] = []
    for day, key, n in rows:
        try:
            parsed.append((date.fromisoformat(day[:10]), key, n))
        except ValueError:
            continue
    left, bottom, top_px, right = 36, height - 28, 12, 8
    if not parsed:
        return StackChart(width, height, left, bottom, [], [], [], "day", [], 0)
    totals: dict[str, int] = {}
    for _, key, n in parsed:
        totals[key] = totals.get(key, 0) + n
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    named = ranked[:top] if len(ranked) <= top + 1 else ranked[:top]
    index = {k: i for i, k in enumerate(named)}
    series = [(labels.get(k) or k or "(no outlet)", totals[k]) for k in named]
    if len(ranked) > len(named):
        series.append((OTHER, sum(totals[k] for k in ranked[len(named):])))
    other = len(named)
    first, last = min(p[0] for p in parsed), max(p[0] for p in parsed)
    first = min(first, last - timedelta(days=MIN_DAYS - 1))
    span = (last - first).days + 1
    bucket = "day" if span <= DAILY_MAX_DAYS else "week" if span <= WEEKLY_MAX_DAYS else "month"
    counts: dict[date, list[int]] = {}
    for d, key, n in parsed:
        slot = counts.setdefault(_bucket_key(d, bucket), [0] * len(series))
        slot[index.get(key, other)] += n
    keys: list[date] = []
    k = _bucket_key(first, bucket)
    while k <= last:
        keys.append(k)
        k = _next(k, bucket)
    peak = max(max(sum(v) for v in counts.values()), 1)
    plot_w, plot_h = width - left - right, bottom - top_px
    step = plot_w / len(keys)
    bar_w = min(max(step * 0.7, 1.0), MAX_BAR_PX)
    bars: list[StackBar] = []
    for i, key in enumerate(keys):
        values = counts.get(key, [0] * len(series))
        y = float(bottom)
        parts = []
        for s, n in enumerate(values):
            if n:
                h = plot_h * n / peak
                y -= h
                parts.append(StackPart(s, round(y, 2), round(h, 2), n))
        bars.append(StackBar(round(left + i * step + (step - bar_w) / 2, 2), round(bar_w, 2), _label(key, bucket),
                             sum(values), parts))
    ticks = sorted({0, peak, (peak + 1) // 2} if peak > 1 else {0, 1})
    y_ticks = [(round(bottom - plot_h * t / peak, 2), t) for t in ticks]
    # Room for about one label per 110 px: on a phone-sized chart, two or three.
    every = max(1, -(-len(keys) // max(1, plot_w // 110)))
    x_labels = [(round(b.x + b.width / 2, 2), b.label) for i, b in enumerate(bars) if i % every == 0]
    return StackChart(width, height, left, bottom, bars, y_ticks, x_labels, bucket, series,
                      sum(n for _, _, n in parsed))

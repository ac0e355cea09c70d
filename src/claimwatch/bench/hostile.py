"""Extraction time on pathological text for ``claimwatch bench --hostile``: does it grow linearly with length?

Each unit string of ``resources/hostile.v1.json`` is repeated to every size asked for and extracted once, in
one process with the pipeline loaded and warmed up first. The growth ratio is the time at the largest size
over the time at the smallest: linear growth from 100 KB to 1 MB gives about 10.
"""
from __future__ import annotations

import time
from typing import Callable, Optional, Sequence

from ..resources import packaged, read_json

Say = Callable[[str], None]


def hostile_texts() -> dict[str, str]:
    """Name -> unit string, from the data file."""
    data = read_json(packaged("hostile.v1.json"))
    return dict(data["texts"])


def repeated(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def bench_hostile(sizes: Sequence[int], *, model: Optional[str] = None, say: Say = lambda _msg: None) -> dict:
    """Seconds to extract each hostile text at each size, the guard's notes, and the growth ratio."""
    from ..pipeline import extract_articles, load_nlp
    from ..schema import Article

    nlp = load_nlp(model)
    list(extract_articles(nlp, [Article(id="warmup", text="The minister said taxes would rise.")]))
    sizes = sorted(sizes)
    rows = []
    for name, unit in hostile_texts().items():
        seconds: list[float] = []
        notes: list[str] = []
        for size in sizes:
            problems: list = []
            article = Article(id="hostile", text=repeated(unit, size))
            start = time.perf_counter()
            (out,) = extract_articles(nlp, [article], problems=problems)
            seconds.append(time.perf_counter() - start)
            notes = [p.message for p in problems]
            say(f"bench: {name!r} at {size:,} characters: {seconds[-1]:.2f} s, {len(out.claims)} claims")
        rows.append({"name": name, "unit": unit, "seconds": seconds, "notes_at_largest": notes,
                     "growth": seconds[-1] / seconds[0] if seconds[0] > 0 else None})
    return {"sizes": sizes, "texts": rows}


def render_hostile(report: dict) -> list[str]:
    """The section's lines: one row per text, seconds per size and the growth ratio."""
    sizes = report["sizes"]
    head = "text                 " + "".join(f"{_size(s):>10}" for s in sizes) + "   growth"
    lines = ["", f"hostile text: seconds to extract one article of each size (growth: largest / smallest)", head]
    for row in report["texts"]:
        growth = f"{row['growth']:.1f}x" if row["growth"] is not None else "-"
        lines.append(f"{row['name'][:20]:<21}" + "".join(f"{s:>10.2f}" for s in row["seconds"]) + f"{growth:>9}")
    return lines


def _size(chars: int) -> str:
    return f"{chars / 1_000_000:g} MB" if chars >= 1_000_000 else f"{chars / 1000:g} KB"

"""Progress of long commands when stderr is not a terminal (a log file, journald, a CI log).

A terminal gets tqdm's redrawn bar; anything else would get that bar's carriage returns as one endless line, so
``ProgressLine`` writes one plain line every ``every`` seconds instead::

    ingest: 120/500 (24%), 3.9/s, ETA 1m37s

``total`` may be unknown (None): the line then says how many are done and the rate only.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

DEFAULT_EVERY_S = 5.0


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_text(label: str, done: int, total: Optional[int], elapsed: float, unit: str = "") -> str:
    """The line itself: done/total (percent), rate per second, ETA when the total is known."""
    rate = done / elapsed if elapsed > 0 else 0.0
    unit = f" {unit}" if unit else ""
    if total:
        shown = f"{done}/{total}{unit} ({100 * done // total}%)"
        eta = format_duration((total - done) / rate) if rate > 0 and done < total else ("0s" if done >= total else "?")
        return f"{label}: {shown}, {rate:.1f}/s, ETA {eta}"
    return f"{label}: {done}{unit}, {rate:.1f}/s"


class ProgressLine:
    """Call ``update(done)`` as often as you like; a line goes to ``stream`` at most every ``every`` seconds."""

    def __init__(self, label: str, total: Optional[int] = None, *, every: float = DEFAULT_EVERY_S,
                 stream: Optional[TextIO] = None, unit: str = "",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.total, self.every, self.unit = label, total, every, unit
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = clock()
        self.last_line = self.start
        self.done = 0

    def update(self, done: int, total: Optional[int] = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = self.clock()
        if now - self.last_line >= self.every:
            self.last_line = now
            self.write()

    def write(self) -> None:
        print(progress_text(self.label, self.done, self.total, self.clock() - self.start, self.unit),
              file=self.stream, flush=True)


def is_terminal(stream: Optional[TextIO] = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def progress_line_for(label: str, total: Optional[int] = None, *, stream: Optional[TextIO] = None,
                      every: Optional[float] = None) -> Optional[ProgressLine]:
    """A ``ProgressLine`` when ``stream`` (stderr) is not a terminal, else None (the caller draws a bar).

    ``every`` defaults to ``every_from_env()``."""
    if is_terminal(stream):
        return None
    return ProgressLine(label, total, stream=stream, every=every_from_env() if every is None else every)


class StageProgress:
    """A ``tick(stage, done, total)`` callback (dispute detection's) writing one ``ProgressLine`` per stage."""

    def __init__(self, label: str, *, stream: Optional[TextIO] = None, every: float = DEFAULT_EVERY_S) -> None:
        self.label, self.stream, self.every = label, stream, every
        self.lines: dict[str, ProgressLine] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        line = self.lines.get(stage)
        if line is None:
            line = self.lines[stage] = ProgressLine(f"{self.label} {stage}", total, stream=self.stream,
                                                    every=self.every)
        line.update(done, total)


def every_from_env(default: float = DEFAULT_EVERY_S) -> float:
    """Seconds between progress lines: ``CLAIMWATCH_PROGRESS_S`` when set (0: a line per update), else ``default``."""
    import os

    raw = os.environ.get("CLAIMWATCH_PROGRESS_S", "").strip()
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError:
        return default

"""The sources file of ``claimwatch watch``: one source a line (docs/WATCH.md, "Sources file").

::

    # comments and blank lines are ignored
    https://example.org/world/rss.xml        Example Times
    https://example.org/sitemap-news.xml
    /srv/incoming/wire                      Wire desk

Each line: a feed (RSS/Atom) or sitemap URL, or a local directory, then optionally the outlet name (the rest of the
line) given to its articles. Whether a URL is a feed or a sitemap is seen from what it serves.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import ClaimwatchError

URL_PREFIXES = ("http://", "https://")


@dataclass(frozen=True)
class Source:
    location: str  # a URL, or a directory path (absolute, resolved against the sources file's folder)
    outlet: Optional[str] = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(URL_PREFIXES)

    @property
    def key(self) -> str:
        """How the store names it (its state, its handled items)."""
        return self.location if self.is_url else f"dir:{self.location}"


def parse_sources(text: str, base: Optional[Path] = None, origin: str = "sources") -> list[Source]:
    """The sources in ``text``; ClaimwatchError naming the line for anything else."""
    found: list[Source] = []
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        location, _, outlet = line.partition(" ")
        if "\t" in location:
            location, _, outlet = line.partition("\t")
        outlet = outlet.strip() or None
        if not location.startswith(URL_PREFIXES):
            if "://" in location:
                raise ClaimwatchError(f"{origin}:{n}: only http(s) URLs and directories are sources, got {location!r}")
            path = Path(location).expanduser()
            if base is not None and not path.is_absolute():
                path = base / path
            location = str(path.resolve())
        if location in seen:
            raise ClaimwatchError(f"{origin}:{n}: {location} is listed twice")
        seen.add(location)
        found.append(Source(location, outlet))
    if not found:
        raise ClaimwatchError(f"{origin}: no sources (one feed or sitemap URL, or directory, a line)")
    return found


def read_sources(path: Path) -> list[Source]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimwatchError(f"cannot read the sources file {path}: {exc}") from None
    return parse_sources(text, base=path.parent, origin=str(path))

"""PLOVER-coded sentences: the PLOVER gold standard records (GSR) and the project-written training sentences.

The GSR (``PLOVER_GSR_CAMEO.json``, Open Event Data Alliance, CC BY-SA 4.0) is a JSON list of coded sentences plus
one ``DOCUMENT`` record (skipped); its categories are mapped to current PLOVER labels through
``resources/plover.v1.json``, and a few old CAMEO country codes to ISO. ``resources/events_train.en.v1.jsonl``
holds the project-written sentences (``training.events`` assembles it), split into dev and held-out by position.
``eval.events`` scores on both; ``training.events`` builds the second.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence

from ..errors import ClaimwatchError

WRITTEN_FILE = "events_train.en.v1.jsonl"
CODE_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


@dataclass(frozen=True)
class GsrRecord:
    id: str
    text: str
    label: str  # as written in the file
    category: str  # current PLOVER category
    sources: tuple[str, ...]
    targets: tuple[str, ...]


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for a in value:
        if isinstance(a, dict) and a.get("code"):
            code = str(a["code"]).strip().upper()
            out.append(CODE_ALIASES.get(code, code))
    return tuple(out)


def load_gsr(path: str | Path) -> list[GsrRecord]:
    """The GSR's event records (the DOCUMENT record skipped), categories mapped to current PLOVER labels."""
    from ..nlp.events import default_lexicon

    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClaimwatchError(f"{p}: cannot read the PLOVER gold standard ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise ClaimwatchError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, list):
        raise ClaimwatchError(f"{p}: expected a JSON list of PLOVER records")
    lex = default_lexicon()
    records = []
    for n, rec in enumerate(data):
        if not isinstance(rec, dict) or rec.get("event") == "DOCUMENT":
            continue
        if not rec.get("text") or not rec.get("event"):
            raise ClaimwatchError(f"{p}: record {n} ({rec.get('id', '?')}) has no text or no event")
        category, _ = lex.canonical(rec["event"])
        records.append(GsrRecord(
            id=str(rec.get("id", n)), text=rec["text"], label=rec["event"], category=category,
            sources=_codes(rec.get("source")), targets=_codes(rec.get("target")),
        ))
    if not records:
        raise ClaimwatchError(f"{p}: no event records")
    return records


# -- the project-written sentences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenRecord:
    text: str
    category: str
    mode: str
    cameo: str
    author: str


# Each CAMEO code has three sentences, written in this order (docs/events-training-prompt.md): a plain report,
# a reported or passive form, and a reworded one. The first two are the development split (patterns may be
# revised on them); the reworded third is held out, a test of whether revisions generalise to new wordings.
SPLITS = ("dev", "heldout", "all")


def split_of(position: int) -> str:
    return "heldout" if position % 3 == 2 else "dev"


def select_split(records: Sequence[WrittenRecord], split: str) -> list[WrittenRecord]:
    """The records of one split; a record's position is its order among the records of its CAMEO code."""
    if split not in SPLITS:
        raise ClaimwatchError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
    seen: dict[str, int] = {}
    out = []
    for r in records:
        pos = seen.get(r.cameo, 0)
        seen[r.cameo] = pos + 1
        if split == "all" or split_of(pos) == split:
            out.append(r)
    return out


def default_written_path() -> Path:
    return Path(str(resources.files("claimwatch.resources").joinpath(WRITTEN_FILE)))


def load_written(path: Optional[str | Path] = None) -> list[WrittenRecord]:
    """The written training sentences; a bad line is an error naming the file and line."""
    p = Path(path) if path else default_written_path()
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ClaimwatchError(f"{p}: cannot read the written training set ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ClaimwatchError(f"{p}: not UTF-8 text (byte {exc.start}): expected JSON lines") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            out.append(WrittenRecord(str(obj["text"]), str(obj["category"]), str(obj.get("mode", "")),
                                     str(obj.get("cameo", "")), str(obj.get("author", ""))))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ClaimwatchError(f"{p}:{n}: not a training record ({exc})") from None
    if not out:
        raise ClaimwatchError(f"{p}: no training records")
    return out

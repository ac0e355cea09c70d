"""The project-written PLOVER training sentences: loading, and assembling them from the writers' files.

``resources/events_train.en.v1.jsonl`` holds news-style sentences written for this project, three for each
3- and 4-digit line of the CAMEO->PLOVER table, labelled with that line's PLOVER category (protocol and the
writers' instructions: docs/EVALUATION.md, docs/events-training-prompt.md). It is training data for the
``claimwatch+written`` rows of ``claimwatch eval events``; none of it comes from the PLOVER GSR.

``assemble_written`` is the one mechanical step between the writers' files and the shipped file, fixed
before the data existed: drop invalid lines, labels that disagree with the table, duplicates, and any
sentence too close to a GSR sentence (word-set Jaccard >= ``CONTAMINATION_JACCARD``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import ClaimwatchError

WRITTEN_FILE = "events_train.en.v1.jsonl"
CONTAMINATION_JACCARD = 0.5
_WORD = re.compile(r"[a-z]+")
_TABLE_LINE = re.compile(r"^(\d{3,4}):\s*([A-Z]+)\s*,")


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


def read_cameo_table(path: str | Path) -> dict[str, str]:
    """CAMEO code -> PLOVER category, from CAMEO2PLOVER-2021.txt's 3- and 4-digit lines."""
    table = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _TABLE_LINE.match(line)
        if m:
            table.setdefault(m.group(1), m.group(2))
    return table


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def assemble_written(parts: Iterable[str | Path], table: dict[str, str], heldout_texts: Sequence[str]
                     ) -> tuple[list[dict], dict[str, int]]:
    """The records to ship, and how many lines each mechanical rule dropped."""
    held = [_words(t) for t in heldout_texts]
    kept: list[dict] = []
    seen: set[str] = set()
    dropped = {"invalid": 0, "label_mismatch": 0, "duplicate": 0, "contamination": 0}
    for part in parts:
        for line in Path(part).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text, cat, code = str(obj["text"]).strip(), str(obj["category"]), str(obj["cameo"])
            except (json.JSONDecodeError, KeyError, TypeError):
                dropped["invalid"] += 1
                continue
            if table.get(code) != cat:
                dropped["label_mismatch"] += 1
                continue
            key = " ".join(text.lower().split())
            if key in seen:
                dropped["duplicate"] += 1
                continue
            words = _words(text)
            if any(jaccard(words, h) >= CONTAMINATION_JACCARD for h in held):
                dropped["contamination"] += 1
                continue
            seen.add(key)
            kept.append({"text": text, "category": cat, "mode": str(obj.get("mode", "")).strip(),
                         "cameo": code, "author": str(obj.get("author", ""))})
    return kept, dropped

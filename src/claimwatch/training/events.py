"""The project-written PLOVER training sentences: assembling them from the writers' files.

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
from pathlib import Path
from typing import Iterable, Sequence

CONTAMINATION_JACCARD = 0.5
_WORD = re.compile(r"[a-z]+")
_TABLE_LINE = re.compile(r"^(\d{3,4}):\s*([A-Z]+)\s*,")


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

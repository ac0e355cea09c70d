"""Read PolNeAR (brat standoff attribution annotations) into gold articles.

Layout: ``<root>/<split>/text/<name>.txt`` and ``<root>/<split>/attributions/<name>_<annotator>.ann``.
A brat file holds text-bound annotations (``T1\\tSource 110 112\\twe``; discontinuous spans are
written ``Content 10 20;25 30``) and events tying them together
(``E1\\tAttribution:T4 Content:T3 Cue:T2 Source:T1``). An event may lack a Source or a Cue,
repeat a role (``Content2:T5``), or carry an ``Attribution-no-source`` trigger.

Offsets are Python code-point offsets into the text file read as UTF-8 with newlines untouched;
:func:`check_offsets` verifies ``text[s:e]`` against the text brat stored beside each span.

Notes:
    Newell, Margolin, Ruths. "An Attribution Relations Corpus for Political News" (LREC 2018).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, TypedDict

from ..errors import InputError

SPLITS = ("train", "dev")
ROLES = ("source", "cue", "content")

SpanList = list[list[int]]


class GoldAttribution(TypedDict):
    """One attribution: each role is a list of ``[start, end]`` char spans (None when absent)."""

    source: Optional[SpanList]
    cue: Optional[SpanList]
    content: SpanList


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)
    annotator: Optional[str] = None


@dataclass
class TextBound:
    label: str
    spans: SpanList
    text: str


@dataclass
class ReadStats:
    """What the reader met on the way; useful to report and to test edge cases."""

    articles: int = 0
    attributions: int = 0
    events_without_content: int = 0
    discontinuous_spans: int = 0
    offset_mismatches: int = 0
    articles_without_annotations: int = 0
    mismatch_examples: list[str] = field(default_factory=list)


_ID_LINE = re.compile(r"^[TERAMN#*]\d*\t")
_ROLE_NUM = re.compile(r"^([A-Za-z-]+?)(\d*)$")


def _logical_lines(raw: str) -> list[str]:
    """Brat lines, re-joining annotation text that contained a newline.

    Some PolNeAR files store a span text over two physical lines; a line that does not start with
    an annotation id continues the previous one.
    """
    out: list[str] = []
    for line in raw.split("\n"):
        if out and not _ID_LINE.match(line):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return [ln for ln in out if ln.strip()]


def parse_ann(raw: str) -> tuple[dict[str, TextBound], list[dict[str, list[str]]]]:
    """Parse a brat .ann string into text-bound annotations and events (role -> [T ids])."""
    tbs: dict[str, TextBound] = {}
    events: list[dict[str, list[str]]] = []
    for line in _logical_lines(raw):
        parts = line.split("\t")
        ann_id = parts[0]
        if ann_id.startswith("T") and len(parts) >= 2:
            label, _, locs = parts[1].partition(" ")
            spans = []
            for frag in locs.split(";"):
                s, e = frag.split()
                spans.append([int(s), int(e)])
            tbs[ann_id] = TextBound(label=label, spans=spans, text="\t".join(parts[2:]))
        elif ann_id.startswith("E") and len(parts) >= 2:
            roles: dict[str, list[str]] = {}
            for i, arg in enumerate(parts[1].split()):
                role, _, ref = arg.partition(":")
                m = _ROLE_NUM.match(role)
                base = m.group(1) if m else role
                # The first argument is the trigger (Attribution / Attribution-no-source).
                key = "trigger" if i == 0 else base.lower()
                roles.setdefault(key, []).append(ref)
            events.append(roles)
        # A (attributes), R (relations), # (annotator notes) carry nothing we score.
    return tbs, events


def _merge(spans: SpanList) -> SpanList:
    """Sort spans and merge overlapping or touching ones."""
    out: SpanList = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def _span_text_matches(text: str, tb: TextBound) -> bool:
    # brat joins the fragments of a discontinuous span with a single space.
    got = " ".join(text[s:e] for s, e in tb.spans)
    return got == tb.text or got.strip() == tb.text.strip()


def attributions_from_ann(
    raw: str, text: str, stats: Optional[ReadStats] = None, name: str = ""
) -> list[GoldAttribution]:
    """Turn one .ann file into attributions, checking every span against ``text``."""
    stats = stats if stats is not None else ReadStats()
    tbs, events = parse_ann(raw)
    for tid, tb in tbs.items():
        if len(tb.spans) > 1:
            stats.discontinuous_spans += 1
        if not _span_text_matches(text, tb):
            stats.offset_mismatches += 1
            if len(stats.mismatch_examples) < 5:
                stats.mismatch_examples.append(f"{name}:{tid} {tb.spans} {tb.text[:40]!r}")
    out: list[GoldAttribution] = []
    for ev in events:
        def collect(role: str) -> Optional[SpanList]:
            spans = [sp for ref in ev.get(role, []) if ref in tbs for sp in tbs[ref].spans]
            return _merge(spans) if spans else None

        content = collect("content")
        if not content:
            stats.events_without_content += 1
            continue
        out.append({"source": collect("source"), "cue": collect("cue"), "content": content})
    out.sort(key=lambda a: (a["content"][0][0], a["content"][0][1]))
    stats.attributions += len(out)
    return out


def read_polnear(
    root: str | Path, split: str = "dev", limit: Optional[int] = None, stats: Optional[ReadStats] = None
) -> list[GoldArticle]:
    """Read one PolNeAR split into gold articles, sorted by id.

    Args:
        root: the PolNeAR data directory (holding ``train/`` and ``dev/``).
        split: ``"train"`` or ``"dev"``.
        limit: read only the first N articles (in sorted order).
        stats: filled with counts of edge cases and offset mismatches.

    When an article has several annotator files, the first in sorted order is used. An article
    without any .ann file is kept with no attributions (and counted in ``stats``).
    """
    if split not in SPLITS:
        raise InputError(f"unknown PolNeAR split '{split}' (choose from: {', '.join(SPLITS)})")
    base = Path(root) / split
    text_dir, ann_dir = base / "text", base / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(f"not a PolNeAR directory: {root} (expected {split}/text and {split}/attributions)")
    stats = stats if stats is not None else ReadStats()
    texts = sorted(text_dir.glob("*.txt"))
    if not texts:
        raise InputError(f"no .txt files in {text_dir}")
    anns: dict[str, list[Path]] = {}
    for p in sorted(ann_dir.glob("*.ann")):
        stem, sep, _annotator = p.stem.rpartition("_")
        if sep:
            anns.setdefault(stem, []).append(p)
    articles: list[GoldArticle] = []
    for tp in texts[: limit if limit is not None else None]:
        # newline="" keeps \r\n as two code points, as brat counted them.
        with open(tp, encoding="utf-8", newline="") as fh:
            text = fh.read()
        files = anns.get(tp.stem, [])
        if not files:
            stats.articles_without_annotations += 1
            articles.append(GoldArticle(id=tp.stem, text=text, attributions=[]))
            continue
        chosen = files[0]
        with open(chosen, encoding="utf-8", newline="") as fh:
            raw = fh.read()
        attrs = attributions_from_ann(raw, text, stats, name=chosen.name)
        articles.append(
            GoldArticle(id=tp.stem, text=text, attributions=attrs, annotator=chosen.stem.rpartition("_")[2])
        )
    stats.articles = len(articles)
    return articles

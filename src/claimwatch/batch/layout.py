"""The on-disk layout of a ``claimwatch spark`` output: Parquet datasets plus a manifest (docs/SCALE.md).

```
OUTPUT/
  _claimwatch.json   manifest, written last: a folder without it is not (or not yet) a complete output
  articles/          one row per input article, in input order: metadata, text, the ArticleOut as JSON
  claims/            one row per claim: the columns of the store's ``claims`` table
  actors/            one row per actor named in any claim, with the number of claims naming it
  events/            one row per claim that carries an event
  problems/          one row per input record that could not be read, or was skipped for its language
```

Plain data only: the loader and any reader (pandas, DuckDB, Spark) need no pyspark.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Optional

from ..errors import InputError
from ..schema import ArticleOut
from ..store.rows import CLAIM_COLUMNS, claim_to_row

MANIFEST = "_claimwatch.json"
FORMAT = "claimwatch-spark"
FORMAT_VERSION = 1
ARTICLES, CLAIMS, ACTORS, EVENTS, PROBLEMS = "articles", "claims", "actors", "events", "problems"
DATASETS = (ARTICLES, CLAIMS, ACTORS, EVENTS, PROBLEMS)

# (column, type) per dataset; types are Spark SQL names. ``file_index``/``record_index`` are the input order:
# the input file's place in the sorted file list, and the record's place in that file.
ARTICLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file_index", "int"), ("record_index", "long"),
    ("id", "string"), ("title", "string"), ("date", "string"), ("outlet", "string"), ("url", "string"),
    ("origin", "string"), ("text", "string"), ("n_claims", "int"), ("result", "string"),
)
_CLAIM_INTS = frozenset({"seq", "speaker_start", "speaker_end", "cue_start", "cue_end", "content_start",
                         "content_end", "hedged"})
CLAIM_SCHEMA: tuple[tuple[str, str], ...] = tuple((c, "int" if c in _CLAIM_INTS else "string") for c in CLAIM_COLUMNS)
ACTOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"), ("name", "string"), ("type", "string"), ("country", "string"), ("sector", "string"),
    ("claims", "long"),
)
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "string"), ("article_id", "string"), ("article_date", "string"),
    ("category", "string"), ("cameo", "string"), ("mode", "string"), ("negated", "boolean"),
    ("source_id", "string"), ("source_name", "string"), ("target_id", "string"), ("target_name", "string"),
    ("speaker_actor_id", "string"),
)
PROBLEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file_index", "int"), ("record_index", "long"), ("kind", "string"), ("origin", "string"), ("message", "string"),
)


def claim_rows(result: ArticleOut) -> list[tuple]:
    """``claims/`` rows of one article: exactly the rows the store writes (``store.rows.claim_to_row``)."""
    rows = []
    for seq, claim in enumerate(result.claims):
        row = claim_to_row(result.id, seq, claim)
        rows.append(tuple(row[c] for c in CLAIM_COLUMNS))
    return rows


def event_rows(result: ArticleOut) -> list[tuple]:
    """``events/`` rows of one article: one per claim with an event."""
    rows = []
    for claim in result.claims:
        ev = claim.event
        if ev is None:
            continue
        rows.append((
            claim.id, result.id, result.date, ev.category, ev.cameo, ev.mode, ev.negated,
            ev.source.id if ev.source else None, ev.source.name if ev.source else None,
            ev.target.id if ev.target else None, ev.target.name if ev.target else None,
            claim.speaker_actor.id if claim.speaker_actor else None,
        ))
    return rows


def actor_mentions(result: ArticleOut) -> Iterator[tuple[str, tuple]]:
    """``(actor id, (name, type, country, sector))`` once per claim that names the actor (speaker or mention)."""
    for claim in result.claims:
        refs = ([claim.speaker_actor] if claim.speaker_actor is not None else []) + [m.actor for m in claim.actors]
        seen: dict[str, tuple] = {}
        for ref in refs:
            seen[ref.id] = (ref.name, ref.type, ref.country, ref.sector)
        yield from seen.items()


def read_manifest(output: Path) -> dict[str, Any]:
    """The manifest of a complete ``claimwatch spark`` output; InputError for anything else."""
    if not output.is_dir():
        raise InputError(f"{output}: not a directory (expected the OUTPUT folder of claimwatch spark)")
    path = output / MANIFEST
    if not path.is_file():
        partial = (output / ARTICLES).is_dir()
        raise InputError(
            f"{output}: no {MANIFEST}: the claimwatch spark run that wrote it did not finish; run it again"
            if partial else f"{output}: not a claimwatch spark output (no {MANIFEST})"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path}: not a claimwatch spark manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise InputError(f"{path}: output format version {manifest.get('version')!r}; this claimwatch reads "
                         f"version {FORMAT_VERSION} (rerun claimwatch spark)")
    return manifest


def dataset_files(output: Path, name: str) -> list[Path]:
    """The Parquet part files of one dataset, in part order (which is row order for ``articles/``)."""
    folder = output / name
    if not folder.is_dir():
        raise InputError(f"{output}: no {name}/ dataset (not a claimwatch spark output?)")
    return sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and not p.name.startswith((".", "_")))


def row_count(output: Path, name: str) -> int:
    """Rows in one dataset, from the Parquet footers (no data is read)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in dataset_files(output, name))


def read_rows(output: Path, name: str) -> Iterator[dict[str, Any]]:
    """Every row of a (small) dataset as a dict, part file by part file."""
    import pyarrow.parquet as pq

    for path in dataset_files(output, name):
        yield from pq.read_table(path).to_pylist()


def write_manifest(output: Path, *, input_path: str, model: Optional[str], pipeline_version: str,
                   counts: dict[str, int], options: dict[str, Any]) -> None:
    from datetime import datetime, timezone

    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "pipeline_version": pipeline_version,
        "input": input_path,
        "model": model,
        "options": options,
        "counts": counts,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

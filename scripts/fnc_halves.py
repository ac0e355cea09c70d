#!/usr/bin/env python3
"""Write the FNC-1 training bodies as two JSONL news samples (docs/EVALUATION.md, claims interims 14 and 15).

Half T (tuning) holds the bodies with an even Body ID, half E (evaluation) the odd ones, each in file order, as
``{"id": "fnc-<Body ID>", "text": articleBody}``. The data is not ours to redistribute: write the halves outside
the repository.

    python scripts/fnc_halves.py ../shared/data/fnc-1/train_bodies.csv /tmp/fnc
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    try:
        with source.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        halves = {"T": [r for r in rows if int(r["Body ID"]) % 2 == 0],
                  "E": [r for r in rows if int(r["Body ID"]) % 2 == 1]}
    except (OSError, KeyError, ValueError, csv.Error) as exc:
        print(f"error: {source}: not the FNC-1 bodies file ({exc})", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for half, chosen in halves.items():
        path = out / f"fnc_bodies_{half}.jsonl"
        path.write_text("".join(json.dumps({"id": f"fnc-{r['Body ID']}", "text": r["articleBody"]},
                                           ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
        print(f"{path}: {len(chosen)} bodies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

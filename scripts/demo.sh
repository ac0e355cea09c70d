#!/usr/bin/env bash
# One command for a fresh clone: install everything, then run claimwatch on the built-in example article.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EXAMPLE=src/claimwatch/examples/port-blockade.txt
echo "== claimwatch extract $EXAMPLE" >&2
.venv/bin/claimwatch extract "$EXAMPLE" --date 2026-03-02 --outlet "claimwatch example" --format table
echo "== claimwatch ingest $EXAMPLE --db demo.db" >&2
.venv/bin/claimwatch ingest "$EXAMPLE" --db demo.db --date 2026-03-02 --outlet "claimwatch example"
echo "== claimwatch claims --db demo.db --speaker Kalnin" >&2
.venv/bin/claimwatch claims --db demo.db --speaker Kalnin

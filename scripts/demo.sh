#!/usr/bin/env bash
# One command for a fresh clone: install everything, then run claimwatch on the built-in example article.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EXAMPLE=src/claimwatch/examples/port-blockade.txt
# The example is set in fictional countries: its actors come in a file of their own, as a user's would.
ACTORS=src/claimwatch/examples/port-blockade.actors.yaml
echo "== claimwatch extract $EXAMPLE" >&2
.venv/bin/claimwatch extract "$EXAMPLE" --actors "$ACTORS" --date 2026-03-02 --outlet "claimwatch example" --format table
echo "== claimwatch ingest $EXAMPLE --db demo.db" >&2
.venv/bin/claimwatch ingest "$EXAMPLE" --actors "$ACTORS" --db demo.db --date 2026-03-02 --outlet "claimwatch example"
echo "== claimwatch claims --db demo.db --speaker Kalnin" >&2
.venv/bin/claimwatch claims --db demo.db --speaker Kalnin
echo "== claimwatch disputes --db demo.db" >&2
.venv/bin/claimwatch disputes --db demo.db
echo "== done: browse it with  .venv/bin/claimwatch serve --db demo.db --actors $ACTORS  (http://127.0.0.1:8000)" >&2

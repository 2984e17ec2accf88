#!/usr/bin/env bash
# Install everything into .venv and run every check: lint, types, unit, end-to-end and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# Browser tests use Debian's chromium (Playwright drives it; no browser download).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,milvus,ray]'
.venv/bin/ruff check assistant tests benchmarks
.venv/bin/ruff format --check assistant tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"

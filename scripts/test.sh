#!/usr/bin/env bash
# Install everything into .venv and run every check: lint, types, unit, end-to-end and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check assistant tests benchmarks
.venv/bin/ruff format --check assistant tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"

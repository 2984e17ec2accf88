"""The real report in a scratch corpus folder, and settings over it (for tests and benchmarks)."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "corpus"
REPORT = CORPUS / "metropolitan-peel-2017-effectiveness.txt"
SIDECAR = REPORT.with_suffix(".toml")
DEV_QUESTIONS = ROOT / "tests" / "data" / "questions-dev.jsonl"


def make_corpus(folder: Path) -> Path:
    """A corpus folder holding a copy of the Met report and its metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPORT, folder / REPORT.name)
    shutil.copyfile(SIDECAR, folder / SIDECAR.name)
    return folder


def settings_for(corpus: Path, index: Path, **changes: object) -> Settings:
    """Settings for ``corpus`` and ``index`` from defaults only (no environment, no assistant.toml)."""
    return load_settings({"corpus": corpus, "index": index, **changes}, env={}, cwd=corpus.parent)

"""Shared fixtures: the real report in a scratch corpus, a fake embedder, one real model per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings, load_settings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "metropolitan-peel-2017-effectiveness.txt"
SIDECAR = REPORT.with_suffix(".toml")
DEV_QUESTIONS = ROOT / "tests" / "data" / "questions-dev.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def make_corpus(folder: Path) -> Path:
    """A corpus folder holding a copy of the Met report and its metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPORT, folder / REPORT.name)
    shutil.copyfile(SIDECAR, folder / SIDECAR.name)
    return folder


def settings_for(corpus: Path, index: Path, **changes: object) -> Settings:
    return load_settings({"corpus": corpus, "index": index, **changes}, env={}, cwd=corpus.parent)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def settings(corpus: Path, tmp_path: Path) -> Settings:
    return settings_for(corpus, tmp_path / "index")


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The real report indexed once with the real MiniLM model, shared by end-to-end tests."""
    from assistant.store import update_index

    base = tmp_path_factory.mktemp("real")
    settings = settings_for(make_corpus(base / "corpus"), base / "index")
    update_index(settings, progress=False, log=lambda _m: None)
    yield settings


@pytest.fixture(scope="session")
def real_assistant(real_index: Settings):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    return Assistant.open(real_index, log=lambda _m: None, progress=False)

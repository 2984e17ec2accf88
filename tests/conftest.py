"""Shared fixtures: the real report in a scratch corpus, a fake embedder, one real model per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings
from tests.support.corpus import make_corpus, settings_for
from tests.support.fakes import FakeEmbedder

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.store.load import LoadedIndex

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


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
def real_assistant(real_index: Settings) -> Assistant:
    from assistant.service import Assistant

    return Assistant.open(real_index, log=lambda _m: None, progress=False)


@pytest.fixture(scope="session")
def real_library(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The six-report library fixture (tests/support/library.py) indexed once with the real model."""
    from assistant.service import Assistant
    from tests.support.library import write_library

    base = tmp_path_factory.mktemp("library")
    write_library(base / "corpus")
    settings = settings_for(base / "corpus", base / "index")
    return Assistant.open(settings, log=lambda _m: None, progress=False)


@pytest.fixture(scope="session")
def browse_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The library, a PDF, a web page and a damaged file (tests/support/browse.py), indexed with the fake."""
    from assistant.store import update_index
    from tests.support.browse import write_browse_corpus

    base = tmp_path_factory.mktemp("browse")
    write_browse_corpus(base / "corpus")
    settings = settings_for(base / "corpus", base / "index")
    update_index(settings, embedder=FakeEmbedder(), progress=False, log=lambda _m: None)
    return settings


@pytest.fixture(scope="session")
def browse_index(browse_settings: Settings) -> Iterator[LoadedIndex]:
    from assistant.store import open_index

    loaded = open_index(browse_settings.index)
    yield loaded
    loaded.close()

"""A chat server over a real index and a headless Chromium driving it (Debian's chromium + Playwright).

The corpus is the Met report plus a hostile fixture report whose text tries to inject HTML,
scripts, Markdown links and template syntax. Every page records the requests it makes; a
test fails if any of them leaves the chat server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import CHROMIUM, Chat, chat_page, chromium
from tests.support.corpus import make_corpus
from tests.support.server import running_chat, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HOSTILE_TITLE = "Hostile Test Constabulary — Fixture"
HOSTILE_REPORT = (
    "Hostile fixture\n\n"
    "How effective is the force at briefing zanzibar parade marshals?\n\n"
    "Good\n\n"
    "The force issued <script>window.__pwned = 1</script> guidance to zanzibar parade marshals; "
    "see [the guidance](http://evil.example/steal) for details.\n\n"
    "Zanzibar parade marshals were briefed with ${window.__pwned2 = 1} and {{value}} notes "
    '<img src="http://evil.example/x.png" onerror="window.__pwned3 = 1"> before each parade.\n'
)
HOSTILE_SIDECAR = f'title = "{HOSTILE_TITLE}"\nforce = "Hostile Test Constabulary"\nyear = 2019\n'


@pytest.fixture(scope="session")
def browser_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    corpus = make_corpus(base / "corpus")
    (corpus / "hostile-fixture.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    (corpus / "hostile-fixture.toml").write_text(HOSTILE_SIDECAR, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def chat_url(browser_corpus: Path) -> Iterator[str]:
    """``assistant serve`` started as a user starts it, on a free loopback port."""
    base = browser_corpus.parent
    with running_chat(browser_corpus, base / "index", base / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with chromium() as browser:
        yield browser


@pytest.fixture
def chat(browser: Browser, chat_url: str) -> Iterator[Chat]:
    """A fresh 1280×800 page; fails the test if the page fetched anything from elsewhere."""
    with chat_page(browser, chat_url, ["clipboard-read", "clipboard-write"]) as page:
        yield page


@pytest.fixture(scope="session")
def library_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``assistant serve`` over the six-report library fixture (tests/support/library.py)."""
    from tests.support.library import write_library

    with serving(tmp_path_factory.mktemp("browser-library"), write_library) as url:
        yield url


@pytest.fixture
def library_chat(browser: Browser, library_url: str) -> Iterator[Chat]:
    """The chat over the six-report library fixture, in a fresh page."""
    with chat_page(browser, library_url) as page:
        yield page

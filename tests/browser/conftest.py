"""A chat server over a real index and a headless Chromium driving it (Debian's chromium + Playwright).

The corpus is the Met report plus a hostile fixture report whose text tries to inject HTML,
scripts, Markdown links and template syntax. Every page records the requests it makes; a
test fails if any of them leaves the chat server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_chat
from tests.conftest import make_corpus

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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
SCREENSHOTS_ENV = "ASSISTANT_SCREENSHOTS"
"""Set to a folder (e.g. ``docs``) to save the screenshots of the main views there."""


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
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Chat:
    """A page of the chat, with the few gestures the tests need."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.set_default_timeout(30_000)

    def open(self) -> Chat:
        self.page.goto(self.url)
        self.question_box().wait_for()
        return self

    def question_box(self) -> Any:
        return self.page.locator("#question textarea, #question input").first

    def turn(self) -> str:
        return str(self.page.evaluate("() => document.querySelector('#cards .cards')?.dataset.turn || ''"))

    def ask(self, question: str) -> Any:
        """Type ``question``, press Enter, wait for the cards of the answer; returns the card locator."""
        before = self.turn()
        box = self.question_box()
        box.fill(question)
        box.press("Enter")
        self.wait_for_new_cards(before)
        return self.page.locator("#cards article.card")

    def wait_for_new_cards(self, before: str) -> None:
        self.page.wait_for_function(
            "b => { const s = document.querySelector('#cards .cards'); return s && s.dataset.turn !== b; }",
            arg=before,
            polling="raf",
        )

    def last_reply(self) -> str:
        return str(self.page.locator("#chat .message.bot, #chat [data-testid='bot']").last.inner_text())

    def external_requests(self) -> list[str]:
        origin = self.url.rstrip("/")
        return [u for u in self.requests if not (u.startswith(origin) or u.startswith(("data:", "blob:")))]

    def screenshot(self, name: str, tmp: Path, full_page: bool = False) -> Path:
        folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"screenshot-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def chat(browser: Any, chat_url: str) -> Iterator[Chat]:
    """A fresh 1280×800 page; fails the test if the page fetched anything from elsewhere."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=chat_url.rstrip("/"))
    page = context.new_page()
    c = Chat(page, chat_url)
    yield c.open()
    external = c.external_requests()
    context.close()
    assert not external, f"the page requested outside resources: {external}"

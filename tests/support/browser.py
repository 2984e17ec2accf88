"""Headless Chromium driving the chat (Debian's chromium + Playwright), for browser tests and benchmarks."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright is imported when a browser starts
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS_ENV = "ASSISTANT_SCREENSHOTS"
"""Set to a folder (e.g. ``docs``) to save the screenshots of the main views there."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, launched by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Chat:
    """A page of the chat, with the few gestures the tests need."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.set_default_timeout(30_000)

    def open(self) -> Chat:
        self.page.goto(self.url)
        self.question_box().wait_for()
        return self

    def question_box(self) -> Locator:
        return self.page.locator("#question textarea, #question input").first

    def turn(self) -> str:
        return str(self.page.evaluate("() => document.querySelector('#cards .cards')?.dataset.turn || ''"))

    def ask(self, question: str) -> Locator:
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

    BOT = "#chat .message.bot, #chat [data-testid='bot']"

    def last_reply(self) -> str:
        """The text of the assistant's last message, once the chat has drawn it."""
        self.page.wait_for_function(
            "sel => { const m = [...document.querySelectorAll(sel)].pop();"
            " const t = m ? m.innerText.trim() : ''; return t && t !== 'Loading content'; }",
            arg=self.BOT,
            polling="raf",
        )
        return str(self.page.locator(self.BOT).last.inner_text())

    def ask_again(self, how: str) -> None:
        """Press one of the re-ask buttons under the conversation and wait for its cards."""
        before = self.turn()
        self.page.locator(f"#again-{how}").click()
        self.wait_for_new_cards(before)

    def external_requests(self) -> list[str]:
        origin = self.url.rstrip("/")
        return [u for u in self.requests if not (u.startswith(origin) or u.startswith(("data:", "blob:")))]

    def screenshot(self, name: str, tmp: Path, full_page: bool = False) -> Path:
        folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"screenshot-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@contextmanager
def chat_page(browser: Browser, url: str, permissions: Sequence[str] = ()) -> Iterator[Chat]:
    """A fresh 1280×800 page on the chat at ``url``, opened; fails if the page fetched anything from
    elsewhere. ``permissions`` are granted to the chat's origin (e.g. the clipboard)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    if permissions:
        context.grant_permissions(list(permissions), origin=url.rstrip("/"))
    chat = Chat(context.new_page(), url)
    try:
        yield chat.open()
        external = chat.external_requests()
    finally:
        context.close()
    assert not external, f"the page requested outside resources: {external}"

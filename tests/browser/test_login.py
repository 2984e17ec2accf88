"""A chat with a login, in real Chromium: only the login page answers first, and after logging in
the chat works as without one (issue 13: every route behind the login except the login page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import Chat
from tests.support.server import running_chat

pytestmark = pytest.mark.slow
LOGIN = ("casey", "a long pass phrase")


@pytest.fixture(scope="module")
def locked_url(browser_corpus: Path) -> Iterator[str]:
    base = browser_corpus.parent
    env = {"ASSISTANT_AUTH": ":".join(LOGIN)}
    with running_chat(browser_corpus, base / "index", base / "locked-server.log", env=env) as url:
        yield url


def test_the_login_page_loads_and_logging_in_opens_the_chat(browser: Any, locked_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
    chat = Chat(page, locked_url)
    page.goto(locked_url)
    page.get_by_label("username").fill(LOGIN[0])
    page.get_by_label("password").fill("wrong")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Incorrect Credentials").wait_for()
    page.get_by_label("username").fill(LOGIN[0])
    page.get_by_label("password").fill(LOGIN[1])
    page.get_by_role("button", name="Login").click()
    chat.question_box().wait_for()
    cards = chat.ask("What is said about detective shortages?")
    assert cards.count() >= 1
    assert chat.external_requests() == []
    context.close()
    assert all("/config" in u or "/login" in u for u in refused), refused  # nothing the page needs

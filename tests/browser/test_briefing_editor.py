"""Issue 12's briefing editor and exports in real Chromium: headings start as the section name;
passages move to the top, the bottom or a numbered place with keyboard focus following them;
a removal can be undone; the exports group by heading whatever the order, as the editor's
outline shows; and the exports fit a committee paper."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Download, Locator

from tests.support.browser import Chat

pytestmark = pytest.mark.slow

DETECTIVES = "what is said about detective shortages"
MET_URL = (
    "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2017/metropolitan/effectiveness/"
)


def flat(text: str) -> str:
    return " ".join(text.split())


def pin_cards(chat: Chat, count: int) -> list[str]:
    """Pin the first ``count`` cards of the latest answer; their quotes, in order."""
    cards = chat.page.locator("#cards article.card")
    quotes = []
    for i in range(count):
        cards.nth(i).locator("button.pin").click()
        chat.page.locator("#cards .pinned-count").get_by_text(f"{i + 1} passage").wait_for()
        quotes.append(flat(cards.nth(i).locator("blockquote").inner_text()))
    return quotes


def order(chat: Chat) -> list[str]:
    return [flat(t) for t in chat.page.locator("[data-pin] blockquote").all_inner_texts()]


def wait_order(chat: Chat, first: str) -> None:
    chat.page.wait_for_function(
        "q => document.querySelector('[data-pin=\"1\"] blockquote')?.innerText.includes(q)", arg=first[:40]
    )


def item(chat: Chat, quote: str) -> Locator:
    return chat.page.locator(".pin-item").filter(has_text=quote[:40])


def pid_of(control: Locator) -> str:
    return re.sub(r"^pin-(\w+)-\w+$", r"\1", control.get_attribute("id") or "")


def focused_pin(chat: Chat) -> str:
    """The passage id of the control that has keyboard focus ("" if none of a passage's)."""
    return str(
        chat.page.evaluate(
            "() => { const e = document.activeElement?.closest('[id^=\"pin-\"]');"
            " const m = e && e.id.match(/^pin-(\\w+)-/); return m ? m[1] : ''; }"
        )
    )


def download_when(chat: Chat, button: str, ready: Callable[[Download], bool]) -> Download:
    """Download from ``button`` until the file is the one wanted (edits refresh the downloads a
    moment after they are typed); fails after 20 s."""
    deadline = time.monotonic() + 20
    while True:
        with chat.page.expect_download() as got:
            chat.page.locator(button).click()
        if ready(got.value) or time.monotonic() > deadline:
            return got.value
        chat.page.wait_for_timeout(300)


def test_moves_follow_focus_undo_and_group_by_heading(chat: Chat) -> None:
    cards = chat.ask(DETECTIVES)
    sections = [cards.nth(i).locator(".section").inner_text().split(" › ")[0] for i in range(3)]
    quotes = pin_cards(chat, 3)
    chat.page.get_by_role("tab", name="Briefing").click()
    chat.page.locator("[data-pin='3']").wait_for()
    headings = [chat.page.get_by_label(f"Topic heading for passage {n}").input_value() for n in (1, 2, 3)]
    assert headings == sections  # the section's name, not words of the question

    last = item(chat, quotes[2]).locator("button", has_text="To top")
    moved = pid_of(last)
    last.click()  # one click from the bottom to the top
    wait_order(chat, quotes[2])
    assert order(chat) == [quotes[2], quotes[0], quotes[1]]
    chat.page.wait_for_function(f"() => document.activeElement?.closest('[id^=\"pin-{moved}-\"]') !== null")
    assert focused_pin(chat) == moved

    bottom = item(chat, quotes[2]).locator("button", has_text="To bottom")
    bottom.click()
    chat.page.wait_for_function(
        "q => document.querySelector('[data-pin=\"3\"] blockquote')?.innerText.includes(q)",
        arg=quotes[2][:40],
    )
    assert order(chat) == [quotes[0], quotes[1], quotes[2]]
    chat.page.wait_for_function(f"() => document.activeElement?.closest('[id^=\"pin-{moved}-\"]') !== null")

    position = item(chat, quotes[2]).get_by_label("Move passage 3 to position")
    position.click()
    chat.page.get_by_role("option", name="2", exact=True).click()
    chat.page.wait_for_function(
        "q => document.querySelector('[data-pin=\"2\"] blockquote')?.innerText.includes(q)",
        arg=quotes[2][:40],
    )
    assert order(chat) == [quotes[0], quotes[2], quotes[1]]

    item(chat, quotes[0]).locator("button", has_text="Remove").click()
    undo = chat.page.locator("#briefing-undo")
    undo.wait_for()
    chat.page.wait_for_function("() => document.activeElement?.id === 'briefing-undo'")
    chat.page.wait_for_function("() => document.querySelectorAll('[data-pin]').length === 2")
    assert order(chat) == [quotes[2], quotes[1]]
    assert "Undo remove" in chat.page.locator("#briefing-status").inner_text()
    undo.click()
    wait_order(chat, quotes[0])
    assert order(chat) == [quotes[0], quotes[2], quotes[1]]

    for n, text in ((1, "Detectives"), (2, "Specialist units"), (3, "Detectives")):
        box = chat.page.get_by_label(f"Topic heading for passage {n}")
        box.fill(text)
    chat.page.wait_for_function(
        "t => document.querySelector('#briefing-outline')?.innerText.includes(t)",
        arg="Detectives — passages 1 and 3",
    )
    outline = chat.page.locator("#briefing-outline").inner_text()
    assert outline.index("Detectives — passages 1 and 3") < outline.index("Specialist units — passage 2")

    def headings_of(d: Download) -> list[str]:
        document = docx.Document(io.BytesIO(Path(d.path()).read_bytes()))
        return [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]

    got = download_when(chat, "#download-docx", lambda d: "Specialist units" in headings_of(d))
    document = docx.Document(io.BytesIO(Path(got.path()).read_bytes()))
    paras = [(p.style.name if p.style is not None else "", flat(p.text)) for p in document.paragraphs]
    assert [t for s, t in paras if s == "Heading 1"] == ["Detectives", "Specialist units", "Sources"]
    assert [t for s, t in paras if s == "Quote"] == [quotes[0], quotes[1], quotes[2]]  # grouped by heading


def test_exports_fit_a_committee_paper(chat: Chat) -> None:
    cards = chat.ask(DETECTIVES)
    citations = [cards.nth(i).locator("cite").first.inner_text() for i in range(2)]
    quotes = pin_cards(chat, 2)
    chat.page.get_by_role("tab", name="Briefing").click()
    title = "The Met's 2017 inspection: what the committee briefing must say about detectives"
    chat.page.locator("#briefing-title textarea, #briefing-title input").first.fill(title)
    chat.page.locator("#briefing-author textarea, #briefing-author input").first.fill("A. Analyst")

    def author_of(d: Download) -> str:
        return str(docx.Document(io.BytesIO(Path(d.path()).read_bytes())).core_properties.author)

    got = download_when(chat, "#download-docx", lambda d: author_of(d) == "A. Analyst")
    assert got.suggested_filename == "the-met-s-2017-inspection-what-the-committee-briefing-must.docx"
    document = docx.Document(io.BytesIO(Path(got.path()).read_bytes()))
    props = document.core_properties
    assert props.title == title and props.author == "A. Analyst"
    assert props.created is not None and abs((datetime.now(UTC) - props.created).total_seconds()) < 600
    texts = [flat(p.text) for p in document.paragraphs]
    for quote, citation in zip(quotes, citations, strict=True):
        line = texts[texts.index(quote) + 1]
        assert line.startswith(f"— {citation} · Grade: ") and line.endswith(" [1]")
    assert sum(MET_URL in t for t in texts) == 1  # the address once, in Sources

    md = download_when(chat, "#download-md", lambda d: d.suggested_filename.endswith("-must.md"))
    markdown = Path(md.path()).read_text(encoding="utf-8")
    assert markdown.count(MET_URL) == 1 and "\\[1\\]" not in markdown and " [1]" in markdown
    for quote in quotes:
        assert f"> {quote}" in markdown

"""The chat in real headless Chromium: asking, cards, pinning, exports, filters, follow-ups, safety."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from assistant.answer import ABSTAIN_MESSAGE
from tests.browser.conftest import HOSTILE_TITLE
from tests.support.browser import Chat
from tests.support.corpus import REPORT

pytestmark = pytest.mark.slow

MET_TITLE = "Metropolitan PEEL 2017 — Effectiveness"
MET_URL = (
    "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2017/metropolitan/effectiveness/"
)
DETECTIVES = "what is said about detective shortages"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_question_shows_cited_cards_and_a_quoted_summary(chat: Chat, tmp_path: Path) -> None:
    cards = chat.ask(DETECTIVES)
    assert cards.count() == 5
    first = cards.first
    assert first.locator("h3.report").inner_text() == MET_TITLE
    assert "Metropolitan Police Service · 2017" in first.inner_text()
    assert first.locator(".grade").count() == 1
    assert re.search(r"¶\d+", first.locator(".loc").inner_text())
    assert first.locator("cite").inner_text().startswith(f"{MET_TITLE} › How effective")
    assert first.locator("mark.support").count() == 1
    terms = {t.lower() for t in chat.page.locator("#cards b.term").all_inner_texts()}
    assert {"detective", "shortages"} <= terms
    report = flat(REPORT.read_text(encoding="utf-8"))
    for quote in chat.page.locator("#cards blockquote.quote").all_inner_texts():
        assert flat(quote) in report
    reply = chat.last_reply()
    assert reply.startswith("In brief:")
    quoted = re.findall(r"“([^”]+)” \[(\d)\]", reply)
    assert 1 <= len(quoted) <= 3
    for sentence, number in quoted:
        assert flat(sentence) in flat(cards.nth(int(number) - 1).locator("blockquote").inner_text())
    focused = chat.page.evaluate("() => document.activeElement?.closest('#question') !== null")
    assert focused, "focus should return to the question box"
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, "the first card fits a 1280×800 window"
    chat.screenshot("chat", tmp_path)
    chat.question_box().fill("PNC wanted suspects")  # the Ask button works too, and gives focus back
    before = chat.turn()
    chat.page.locator("#ask").click()
    chat.wait_for_new_cards(before)
    chat.page.wait_for_function("() => document.activeElement?.closest('#question') !== null")


def test_pin_two_passages_edit_reorder_and_export(chat: Chat, tmp_path: Path) -> None:
    cards = chat.ask(DETECTIVES)
    chosen = [cards.nth(i) for i in (0, 1)]
    quotes = [flat(c.locator("blockquote").inner_text()) for c in chosen]
    citations = [c.locator("cite").inner_text() for c in chosen]
    for card in chosen:
        card.locator("button.pin").click()
        n = chosen.index(card) + 1
        chat.page.locator("#cards .pinned-count").get_by_text(f"{n} passage").wait_for()
    assert chosen[0].locator("button.pin").get_attribute("aria-pressed") == "true"
    chat.page.get_by_role("tab", name="Briefing").click()
    second_heading = chat.page.get_by_label("Topic heading for passage 2")
    second_heading.fill("Related findings")
    second_heading.press("Enter")
    chat.page.wait_for_function(
        "() => document.querySelector('#briefing-status')?.innerText.includes('2 topic headings')"
    )
    chat.page.get_by_role("button", name="↑ Up").last.click()
    chat.page.wait_for_function(
        "q => document.querySelector('[data-pin=\"1\"] blockquote')?.innerText.includes(q)",
        arg=quotes[1][:40],
    )
    chat.page.wait_for_timeout(500)  # let the last edit's refresh settle before the screenshot
    chat.screenshot("briefing", tmp_path, full_page=True)
    section = chosen[0].locator(".section").inner_text().split(" › ")[0]

    with chat.page.expect_download() as got:
        chat.page.locator("#download-docx").click()
    document = docx.Document(io.BytesIO(Path(got.value.path()).read_bytes()))
    paras = [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    assert [t for s, t in paras if s == "Quote"] == [quotes[1], quotes[0]]
    assert [t for s, t in paras if s == "Heading 1"] == ["Related findings", section, "Sources"]
    texts = [t for _, t in paras]
    for quote, citation in zip(quotes, citations, strict=True):
        assert re.fullmatch(
            rf"— {re.escape(citation)} · Grade: [A-Za-z ]+ \[1\]", texts[texts.index(quote) + 1]
        )
    report = flat(REPORT.read_text(encoding="utf-8"))
    assert all(flat(q) in report for q in quotes)
    assert next(t for s, t in paras if s == "List Number") == (
        f"{MET_TITLE}. Metropolitan Police Service, 2017. HMICFRS, PEEL effectiveness. "
        f"Updated 2018-03-22. {MET_URL}"
    )

    with chat.page.expect_download() as got:
        chat.page.locator("#download-md").click()
    markdown = Path(got.value.path()).read_text(encoding="utf-8")
    plain = re.sub(r"\\(.)", r"\1", markdown)
    assert plain.index("## Related findings") < plain.index(quotes[1]) < plain.index(f"## {section}")
    assert plain.index(quotes[0]) < plain.index("## Sources") < plain.index(MET_URL)
    assert markdown.count(MET_URL) == 1
    for quote, citation in zip(quotes, citations, strict=True):
        assert re.search(rf"> {re.escape(quote)}\n\n— {re.escape(citation)} · Grade: [A-Za-z ]+ \[1\]", plain)


def test_the_briefing_survives_a_reload(chat: Chat) -> None:
    card = chat.ask(DETECTIVES).first
    quote = flat(card.locator("blockquote").inner_text())
    card.locator("button.pin").click()
    chat.page.locator("#cards .pinned-count").wait_for()
    chat.page.get_by_role("tab", name="Briefing").click()
    title = chat.page.locator("#briefing-title textarea, #briefing-title input").first
    stored = "() => localStorage.getItem('report-assistant-briefing')"
    before = chat.page.evaluate(stored)
    title.fill("Met detectives")
    chat.page.wait_for_function(f"b => ({stored})() !== b", arg=before)  # kept as soon as typed
    chat.page.reload()
    chat.question_box().wait_for()
    chat.page.get_by_role("tab", name="Briefing").click()
    chat.page.locator("[data-pin='1'] blockquote").get_by_text(quote[:40]).wait_for()
    assert chat.page.locator("#briefing-title textarea, #briefing-title input").first.input_value() == (
        "Met detectives"
    )
    assert "1" in chat.page.locator("#briefing-status").inner_text()


def test_copy_citation_puts_the_full_citation_and_its_grade_on_the_clipboard(chat: Chat) -> None:
    card = chat.ask(DETECTIVES).first
    assert card.locator("p.where .grade").inner_text() == "Requires improvement"  # the section's grade line
    card.locator("button.copy").click()
    chat.page.wait_for_function(
        "() => document.querySelector('#cards button.copy').innerText.includes('Copied')"
    )
    copied = chat.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{card.locator('cite').inner_text()} · Grade: Requires improvement ({MET_URL})"


def test_filters_apply_to_the_next_question(chat: Chat) -> None:
    cards = chat.ask("zanzibar parade marshals")
    assert HOSTILE_TITLE in cards.locator("h3.report").all_inner_texts()
    chat.page.get_by_text("Filters (applied to your next question)").click()
    chat.page.locator("#f-report input").click()
    chat.page.get_by_role("option", name=MET_TITLE).click()
    chat.page.keyboard.press("Escape")
    cards = chat.ask("zanzibar parade marshals")
    titles = set(cards.locator("h3.report").all_inner_texts())
    assert titles <= {MET_TITLE}
    assert "Filters: Report: " in chat.last_reply()


def test_a_follow_up_carries_the_previous_topic(chat: Chat) -> None:
    chat.ask(DETECTIVES)
    cards = chat.ask("and what did they recommend?")
    reply = chat.last_reply()
    assert "Read as a follow-up: “and what did they recommend about detective shortages?”" in reply
    texts = " ".join(cards.locator("blockquote").all_inner_texts()).lower()
    assert "detective" in texts and "should" in texts


def test_hostile_report_text_and_questions_show_as_text(chat: Chat) -> None:
    question = '<img src=x onerror="window.__pwnedq=1"> [zanzibar](http://evil.example/q) parade marshals'
    cards = chat.ask(question)
    hostile = cards.filter(has_text="zanzibar parade marshals")
    assert hostile.count() >= 1
    text = " ".join(hostile.locator("blockquote").all_inner_texts())
    assert "<script>window.__pwned = 1</script>" in text
    assert "[the guidance](http://evil.example/steal)" in text
    assert "${window.__pwned2 = 1} and {{value}}" in text
    assert '<img src="http://evil.example/x.png" onerror="window.__pwned3 = 1">' in text
    assert question in chat.page.locator("#chat [data-testid='user']").last.inner_text()
    reply = chat.last_reply()  # the summary quotes the hostile sentences: as text too
    assert "<script>window.__pwned = 1</script>" in reply and "(http://evil.example/steal)" in reply
    page_state = chat.page.evaluate(
        "() => [window.__pwned, window.__pwned2, window.__pwned3, window.__pwnedq,"
        ' document.querySelectorAll(\'a[href*="evil.example"], img[src*="evil.example"], #cards script,'
        " #chat img').length]"
    )
    assert page_state == [None, None, None, None, 0]


def test_an_unanswerable_question_says_so_and_shows_the_nearest(chat: Chat) -> None:
    cards = chat.ask("what is the best recipe for banana bread")
    assert chat.last_reply().startswith(ABSTAIN_MESSAGE)
    assert chat.page.locator("#cards .abstain").inner_text().startswith(ABSTAIN_MESSAGE)
    assert cards.count() >= 1
    assert "In brief" not in chat.last_reply()


def test_upload_makes_a_report_searchable_without_restart(chat: Chat, tmp_path: Path) -> None:
    chat.page.get_by_text("Add a report").click()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    chat.page.locator("#upload input[type=file]").set_input_files(str(empty))
    status = chat.page.locator("#upload-status")
    status.get_by_text("Not added").wait_for()
    assert "empty" in status.inner_text()

    new = tmp_path / "quokka-report.txt"
    new.write_text(
        "Quokka Constabulary PEEL 2020\n\nHow effective is the force at quokka welfare patrols?\n\n"
        "Good\n\nThe force runs quokka welfare patrols on every island beach at dawn.\n",
        encoding="utf-8",
    )
    chat.page.locator(
        "#upload button[aria-label*='Clear'], #upload button[aria-label*='Remove']"
    ).first.click()
    chat.page.locator("#upload input[type=file]").set_input_files(str(new))
    status.get_by_text("searchable now").wait_for(timeout=240_000)
    cards = chat.ask("quokka welfare patrols")
    assert "The force runs quokka welfare patrols on every island beach at dawn." in cards.first.inner_text()


def test_cards_are_readable_on_a_narrow_window(chat: Chat, tmp_path: Path) -> None:
    chat.page.set_viewport_size({"width": 390, "height": 844})
    cards = chat.ask(DETECTIVES)
    overflow = chat.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    box = cards.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert cards.first.locator("blockquote").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 14
    cards.first.scroll_into_view_if_needed()
    chat.screenshot("narrow", tmp_path)


def test_no_request_leaves_the_server(chat: Chat) -> None:
    chat.ask(DETECTIVES)
    chat.page.get_by_text("Filters (applied to your next question)").click()
    chat.page.get_by_text("Add a report").click()
    chat.page.get_by_role("tab", name="Briefing").click()
    chat.page.wait_for_timeout(500)
    assert len(chat.requests) > 5
    assert chat.external_requests() == []

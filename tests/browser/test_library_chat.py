"""Issue 10's chat over the six-report library fixture, in real Chromium: the scope line and
"search every report", grouped cards, "which forces", comparison columns and the Grades tab."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator

from tests.support.browser import Chat

pytestmark = pytest.mark.slow


def test_a_scoped_answer_says_where_it_searched_and_widens_in_one_click(library_chat: Chat) -> None:
    cards = library_chat.ask("Is Kent short of detectives?")
    page = library_chat.page
    assert page.locator("#scope-line").inner_text() == "Searched: Kent Police, 2016, 2017."
    assert "Searched: Kent Police, 2016, 2017." in library_chat.last_reply()
    assert all(w.startswith("Kent Police · ") for w in cards.locator("header .who").all_inner_texts())
    library_chat.ask_again("widen")
    assert page.locator("#scope-line").inner_text() == "Searched: every report (6), as asked."
    assert "Searched: every report (6), as asked" in library_chat.last_reply()
    forces = {w.split(" · ")[0] for w in page.locator("#cards article.card header .who").all_inner_texts()}
    assert forces - {"Kent Police"}, "the widened answer draws on other forces' reports"
    assert not page.locator("#again-widen").is_visible()


def test_a_year_the_force_lacks_is_said_plainly(library_chat: Chat) -> None:
    library_chat.ask("What did the 2015 inspection say about Kent's investigations?")
    note = "No report on Kent Police for 2015 is indexed; the reports searched are of 2016, 2017."
    assert note in library_chat.page.locator("#scope-line").inner_text()
    assert note in library_chat.last_reply()


def test_one_wording_in_several_reports_is_one_card_citing_each(library_chat: Chat) -> None:
    cards = library_chat.ask("what is said about mental health liaison officers")
    grouped = cards.filter(has=library_chat.page.locator(".copies"))
    assert grouped.count() >= 1
    card = grouped.first
    header = card.locator("header .who").inner_text()
    copies = card.locator(".copies li")
    assert copies.count() >= 1
    seen = {header}
    for i in range(copies.count()):
        who = copies.nth(i).locator(".who").inner_text()
        cite = copies.nth(i).locator("cite").inner_text()
        assert re.fullmatch(r".+ · \d{4}", who) and who not in seen
        assert "PEEL" in cite and "¶" in cite  # each report's own citation
        seen.add(who)
    quote = " ".join(card.locator("blockquote").inner_text().split())
    texts = [" ".join(t.split()) for t in cards.locator("blockquote").all_inner_texts()]
    assert texts.count(quote) == 1
    assert re.search(r"\([A-Z][\w ]+, \d{4}; [A-Z][\w ]+, \d{4}", library_chat.last_reply())


def test_which_forces_gives_one_card_per_report_named_in_brief(library_chat: Chat) -> None:
    cards = library_chat.ask("Which forces are short of detectives?")
    who = cards.locator("header .who").all_inner_texts()
    assert len(who) == len(set(who)) >= 3
    reply = library_chat.last_reply()
    for name in who:
        force, year = name.split(" · ")
        assert f"{force}, {year}" in reply
    assert (
        "One card per report that addresses the question" in library_chat.page.locator("#cards").inner_text()
    )


def test_a_comparison_sets_the_reports_side_by_side_and_stacks_them_narrow(
    library_chat: Chat, tmp_path: Path
) -> None:
    library_chat.ask("Compare Kent and GMP on vulnerability")
    page = library_chat.page
    columns = page.locator("#cards .compare-row").first.locator(".compare-col")
    assert columns.count() == 2
    heads = columns.locator(".compare-head").all_inner_texts()
    assert heads[0].startswith("Kent Police, 2017") and heads[1].startswith("Greater Manchester Police, 2018")
    assert "Good" in heads[0] and "Requires improvement" in heads[1]
    left, right = (columns.nth(i).bounding_box() for i in (0, 1))
    assert left and right and abs(left["y"] - right["y"]) < 2 and right["x"] >= left["x"] + left["width"]
    library_chat.screenshot("compare", tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    left, right = (columns.nth(i).bounding_box() for i in (0, 1))
    assert left and right and right["y"] >= left["y"] + left["height"] - 1
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1


def test_the_grades_tab_shows_every_report_coloured_and_cited(library_chat: Chat, tmp_path: Path) -> None:
    page = library_chat.page
    page.get_by_role("tab", name="Grades").click()
    table = page.locator("#grades table.grades-table")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 6
    met = rows.filter(has_text="Metropolitan Police Service").filter(has_text="2017")
    cells = met.locator("td.grade-cell")
    texts = [" ".join(t.split()) for t in cells.all_inner_texts()]
    assert "Good (stated in the text) in the text, ¶5" in texts
    assert "grade not stated in the report not stated" in texts
    assert "Requires improvement grade line" in texts
    assert met.locator(".grade-good").count() >= 1 and met.locator(".grade-requires-improvement").count() >= 1
    cite = met.locator("td[data-stated='words'] .grade-where").get_attribute("title") or ""
    assert cite.endswith("tackling serious and organised crime? › ¶5")
    library_chat.screenshot("grades", tmp_path)


def copied_grade(row: Locator, inside: str = "") -> str:
    """Check that the copy button of ``row`` (a card, then ``inside`` its own parts; or a row of
    its "same wording" list) copies the row's citation with the grade its badge shows, as the
    exports phrase it; say which kind of grade it was."""
    badge = row.locator(f"{inside}p.where .grade" if inside else ".grade")
    shown, kind = badge.inner_text(), badge.get_attribute("class") or ""
    cite = row.locator(f"{inside}p.citation cite" if inside else "cite").inner_text()
    copied = row.locator(f"{inside}.actions button.copy" if inside else "button.copy").get_attribute(
        "data-citation"
    )
    copied = copied or ""
    url = re.search(r" \(https://[^ ]+\)$", copied)
    assert copied.startswith(cite) and url, copied
    added = copied[len(cite) : url.start()]
    if "grade-none" in kind:
        assert added == "", copied
        return "none"
    if shown.endswith(" (stated in the text)"):
        grade = shown.removesuffix(" (stated in the text)")
        assert re.fullmatch(rf" · Grade: {grade} \(stated in the text, ¶\d+\)", added), copied
        return "words"
    assert added == f" · Grade: {shown}", copied
    return "line"


def test_copy_citation_carries_the_grade_each_card_shows(library_chat: Chat) -> None:
    """A grade line as "· Grade: Good", a rating stated in words with where it is stated, and
    nothing where the report states no grade -- on every card and every "same wording" row."""
    seen, rows = set(), 0
    for question in (
        "How well does the Metropolitan Police Service tackle serious and organised crime in 2017?",
        "What specialist capabilities such as firearms does the Metropolitan Police Service have in 2017?",
        "what is said about mental health liaison officers",
    ):
        cards = library_chat.ask(question)
        for i in range(cards.count()):
            card = cards.nth(i)
            seen.add(copied_grade(card, inside=":scope > "))
            copies = card.locator(".copies li")
            rows += copies.count()
            seen.update(copied_grade(copies.nth(k)) for k in range(copies.count()))
    assert seen == {"none", "words", "line"} and rows >= 1

"""Cards and chat replies (pure): escaped report text, marked support and terms, extractive summary."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer import ABSTAIN_MESSAGE
from assistant.conversation import interpret
from assistant.grades import LINE, NONE, WORDS, SectionGrade
from assistant.records import Answer, Hit, Passage, ReportMeta
from assistant.retrieval.filters import Filters
from assistant.ui.cards import EMPTY, AnswerView, card_html, esc, marked_text, pin_html, query_terms
from assistant.ui.evidence import cards_html
from assistant.ui.render import escape_md, reply_markdown

META = ReportMeta(id="met", title="Met PEEL 2017", force="Metropolitan Police Service", year=2017)
TEXT = "Recruitment is slow. Detective shortages affect the quality of investigations. Other news."


def hit(rank: int, text: str = TEXT, support: tuple[int, int] | None = (21, 78), **kw: object) -> Hit:
    fields: dict[str, object] = {
        "id": f"p{rank}",
        "report_id": "met",
        "report_title": "Met PEEL 2017",
        "section_path": ("How effective is the force at investigating crime?", "Areas for improvement"),
        "grade": "Requires improvement",
        "paragraph": 2,
        "bullet": 3,
        "start": 0,
        "end": len(text),
        "text": text,
        "page": 14,
    }
    fields.update(kw)
    return Hit(Passage(**fields), score=0.5 / rank, rank=rank, support=support)  # type: ignore[arg-type]


def answer(*hits: Hit, **kw: object) -> Answer:
    base = Answer(question="detective shortages", hits=hits, query="detective shortages (investigator)")
    return replace(base, **kw)  # type: ignore[arg-type]


def visible_text(html: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html))


def test_support_sentence_is_highlighted_and_terms_marked() -> None:
    out = marked_text(TEXT, (21, 78), {"detect", "shortag"})
    assert '<mark class="support" title="Best-supporting sentence">' in out
    marked = re.search(r"<mark[^>]*>(.*)</mark>", out)
    assert marked and visible_text(marked.group(1)) == TEXT[21:78]
    assert re.findall(r'<b class="term">([^<]*)</b>', out) == ["Detective", "shortages"]
    assert visible_text(out) == TEXT


def test_no_support_means_no_highlight() -> None:
    assert "<mark" not in marked_text(TEXT, None, {"detect"})
    assert "<mark" not in marked_text(TEXT, (50, 10), set())


def test_query_terms_include_glossary_expansions_and_corrections() -> None:
    terms = query_terms(answer(expansions=("CID",), corrections={"detectve": "detective"}))
    assert {"detect", "shortag", "investig", "cid"} <= terms
    assert "said" not in query_terms(answer(query="what is said about PNC"))


HOSTILE = 'See <script>window.pwned=1</script> and [click](http://evil.example) ${alert(1)} {{value}} "q"'


def test_report_text_is_escaped_everywhere_on_the_card() -> None:
    h = hit(1, HOSTILE, None, section_path=("<img src=x onerror=alert(1)>",), lead_in="<b>lead</b>")
    card = card_html(h, {"click", "valu"}, META, pinned=False)
    assert "<script>" not in card and "<img" not in card and "<b>lead" not in card
    assert "&lt;script&gt;" in card and "&#36;&#123;alert(1)&#125;" in card
    assert "<a " not in card
    assert HOSTILE in visible_text(card)


def test_card_shows_source_grade_location_score_and_actions() -> None:
    card = card_html(hit(2), set(), META, pinned=True)
    text = visible_text(card)
    for part in (
        "[2]",
        "Met PEEL 2017",
        "Metropolitan Police Service · 2017",
        "Areas for improvement",
        "Requires improvement",
        "¶2 · bullet 3 · p. 14",
        "score 0.250",
        "Pinned",
        "Copy citation",
    ):
        assert part in text, part
    assert 'class="grade grade-requires-improvement"' in card
    assert 'data-action="pin" data-id="p2" aria-pressed="true"' in card
    assert 'data-citation="Met PEEL 2017 › How effective' in card


def copied(card: str) -> list[str]:
    """What each "Copy citation" button of ``card`` copies."""
    import html as h

    return [h.unescape(c) for c in re.findall(r'data-action="copy" data-citation="([^"]*)"', card)]


def test_copy_citation_carries_the_grade_the_card_shows() -> None:
    section = ("How effective is the force at investigating crime?",)
    where = f"Met PEEL 2017 › {section[0]} › Areas for improvement › ¶2, bullet 3, p. 14"
    url = replace(META, source_url="https://example.org/met")
    kent = replace(META, id="kent", title="Kent PEEL 2017", force="Kent Police", source_url=None)
    other = replace(hit(1).passage, id="k1", report_id="kent", report_title="Kent PEEL 2017", grade=None)
    words = SectionGrade(section, "Good", WORDS, "Despite the rating of ‘good’ …", paragraph=5)
    line = SectionGrade(section, "Inadequate", LINE, "Inadequate")
    view = AnswerView({"met": url, "kent": kent}, {"met": (words,), "kent": (line,)})
    card = card_html(replace(hit(1), also_in=(other,)), set(), url, pinned=False, view=view)
    assert copied(card) == [
        f"{where.replace('Met', 'Kent', 1)} · Grade: Inadequate",  # the other report's own grade
        f"{where} · Grade: Good (stated in the text, ¶5) (https://example.org/met)",
    ]
    assert 'class="grade grade-inadequate"' in card.split('class="section"')[0]  # shown in its row too
    none = AnswerView({"met": META}, {"met": (SectionGrade(section, None, NONE),)})
    assert copied(card_html(hit(1), set(), META, pinned=False, view=none)) == [where]  # nothing added
    older = card_html(hit(1), set(), META, pinned=False)  # an index without stated grades
    assert copied(older) == [f"{where} · Grade: Requires improvement"]
    assert copied(card_html(hit(1, grade=None), set(), META, pinned=False)) == [where]


def test_cards_for_an_abstention_warn_first_and_still_show_the_nearest_passages() -> None:
    html = cards_html(answer(hit(1), hit(2), abstained=True), {"met": META})
    assert html.index(ABSTAIN_MESSAGE) < html.index('class="card"')
    assert html.count('<article class="card"') == 2
    assert cards_html(None, {}) == EMPTY


def test_reply_cites_card_numbers_and_explains_how_the_question_was_read() -> None:
    first = interpret("what is said about detective shortages", None)
    follow = interpret("and what did they recommend?", first)
    reply = reply_markdown(
        follow,
        answer(hit(1), expansions=("investigator",), corrections={"detectve": "detective"}),
        Filters(grade=("Good",)),
    )
    assert reply.startswith(
        "**In brief:** “Detective shortages affect the quality of investigations.” \\[1\\]"
    )
    assert "Read as a follow-up: “and what did they recommend about detective shortages?”" in reply
    assert "Also searched: investigator" in reply and "detectve → detective" in reply
    assert "Filters: Grade: Good" in reply


def test_reply_to_an_abstention_says_so_plainly() -> None:
    reply = reply_markdown(interpret("banana bread", None), answer(hit(1), abstained=True))
    assert reply.startswith(f"**{ABSTAIN_MESSAGE}**")
    assert "In brief" not in reply


def test_escape_md_neutralises_markdown_and_html() -> None:
    assert escape_md("[x](e) <b> *a* `c` $m$") == "\\[x\\](e) &lt;b&gt; \\*a\\* \\`c\\` \\$m\\$"
    assert escape_md("http://e.org www.f.org a@b.org") == "http\\://e.org www\\.f.org a\\@b.org"


def test_pin_html_escapes() -> None:
    out = pin_html(1, "<i>x</i>", "A › B", "<b>")
    assert "<i>" not in out and "&lt;i&gt;x&lt;/i&gt;" in out and "&lt;b&gt;" in out
    assert esc("{$}") == "&#123;&#36;&#125;"


def test_a_reply_says_where_it_searched_and_which_filters_excluded_everything() -> None:
    from assistant.records import Scope

    kent = ReportMeta(id="kent", title="Kent PEEL 2016", force="Kent Police", year=2016)
    scope = Scope(reports=("kent",), source="question", forces=("Kent Police",), years=(2016,), narrowed=True)
    note = "No report on Kent Police for 2015 is indexed; the reports searched are of 2016."
    scoped = answer(hit(1), scope=replace(scope, notes=(note,)), reports={"kent": kent, "met": META})
    reply = reply_markdown(interpret("detective shortages", None), scoped)
    assert "Searched: Kent Police, 2016. No report on Kent Police for 2015 is indexed" in reply
    empty = reply_markdown(
        interpret("detectives", None), answer(abstained=True), Filters(force=("Kent Police",))
    )
    assert empty.startswith("**No passage matches your filters** (Force: Kent Police)")
    assert ABSTAIN_MESSAGE not in empty
    html = cards_html(answer(abstained=True), {}, filters="Force: Kent Police")
    assert "No passage matches your filters" in html and ABSTAIN_MESSAGE not in html
    assert "No passages found" not in html


def test_loaded_reports_are_named_first_few_then_counted() -> None:
    from assistant.ui.render import loaded_markdown

    metas = [
        ReportMeta(id=f"r{y}", title=f"T{y}", force="Kent Police", year=y) for y in (2016, 2017, 2018, 2019)
    ]
    assert loaded_markdown(metas) == (
        "**4 reports loaded:** Kent Police 2016, Kent Police 2017, Kent Police 2018 and 1 more."
    )
    assert loaded_markdown(metas[:1]) == "**1 report loaded:** Kent Police 2016."
    assert "No report is loaded" in loaded_markdown([])


def test_when_nothing_in_the_top_cards_answers_the_brief_says_so() -> None:
    off = replace(answer(hit(1, "The force tests its skills.", None)), question="zanzibar parade marshals")
    reply = reply_markdown(interpret("zanzibar parade marshals", None), off)
    assert reply.startswith(
        "**In brief:** no sentence of the top passages uses the question's words (“zanzibar parade marshals”)"
    )

"""A passage in its place: section, neighbouring paragraphs, sentences around it, web links."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from assistant.context import (
    check_context,
    context_dict,
    context_sentences,
    is_web_page,
    passage_context,
    render_context,
    text_fragment_url,
)
from assistant.errors import NotFoundError, QuestionError
from assistant.records import Passage
from assistant.store.load import LoadedIndex
from tests.support.browse import HTML_ID, HTML_URL, PDF_ID

MET = "metropolitan-peel-2017-effectiveness"
INVESTIGATING = "How effective is the force at investigating crime and reducing re-offending?"


@pytest.fixture
def index(browse_index: LoadedIndex) -> LoadedIndex:
    return browse_index


def find(index: LoadedIndex, report: str, text: str) -> Passage:
    return next(p for p in index.table if p.report_id == report and text in p.text)


def test_every_passage_is_found_by_its_id(index: LoadedIndex) -> None:
    for row, p in enumerate(index.table):
        assert index.table.row_of(p.id) == row
    assert index.table.row_of("0" * 16) is None


def test_a_bullet_is_shown_with_its_lead_in_its_sibling_bullets_and_two_paragraphs_either_side(
    index: LoadedIndex,
) -> None:
    target = find(index, MET, "detective shortages affect the quality of investigations")
    ctx = passage_context(index, target.id)
    assert ctx.passage == target and ctx.section[ctx.position] == target
    assert all(p.section_path == (INVESTIGATING,) and p.report_id == MET for p in ctx.section)
    shown = {p.paragraph for p in ctx.shown}
    assert shown == {target.paragraph + d for d in (-2, -1, 0, 1, 2)} & {p.paragraph for p in ctx.section}
    lead = next(p for p in ctx.before if p.bullet is None and p.paragraph == target.paragraph)
    assert lead.text == target.lead_in == "Weaknesses include:"
    siblings = [p for p in ctx.shown if p.paragraph == target.paragraph and p.bullet is not None]
    assert [p.bullet for p in siblings] == list(range(1, len(siblings) + 1)) and len(siblings) > 1
    assert ctx.grade is not None and ctx.grade.grade == "Requires improvement"
    assert ctx.grade_label == "Requires improvement"
    whole = passage_context(index, target.id, None)
    assert whole.shown == whole.section and len(whole.section) > len(ctx.shown)
    assert [p.paragraph for p in passage_context(index, target.id, 0).shown] == [target.paragraph] * (
        1 + len(siblings)
    )


def test_sentences_around_a_passage_come_from_its_neighbours_in_the_section(index: LoadedIndex) -> None:
    target = find(index, MET, "detective shortages affect the quality of investigations")
    ctx = passage_context(index, target.id)
    before, after = context_sentences(ctx)
    prev, nxt = ctx.section[ctx.position - 1], ctx.section[ctx.position + 1]
    assert before is not None and prev.text.endswith(before)
    assert after is not None and nxt.text.startswith(after)
    first = passage_context(index, ctx.section[0].id)
    assert context_sentences(first)[0] is None
    bullet_one = next(p for p in ctx.section if p.paragraph == target.paragraph and p.bullet == 1)
    assert context_sentences(passage_context(index, bullet_one.id))[0] is None  # the lead-in is not repeated


def test_bad_ids_and_context_sizes_are_refused_with_what_is_allowed(index: LoadedIndex) -> None:
    for bad in ("nope", "", "0" * 16, None, 12):
        with pytest.raises(NotFoundError, match="passage ids are the 16 hex digits"):
            passage_context(index, bad)
    for bad_context in (-1, 51, 2.5, "2", True):
        with pytest.raises(QuestionError, match="from 0 to 50"):
            check_context(bad_context)
    assert check_context(3.0) == 3


def test_text_fragment_links_name_the_passage_and_encode_its_syntax() -> None:
    url = "https://example.org/report/#top"
    short = text_fragment_url(url, "Anti-social behaviour, crime & disorder")
    assert short == (
        "https://example.org/report/#:~:text=Anti%2Dsocial%20behaviour%2C%20crime%20%26%20disorder"
    )
    words = [f"w{i}" for i in range(30)]
    long = text_fragment_url(url, " ".join(words))
    start, end = long.split("#:~:text=")[1].split(",")
    assert unquote(start) == " ".join(words[:6]) and unquote(end) == " ".join(words[-6:])
    assert is_web_page("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-2017/met/")
    for not_page in (
        "https://x.org/report.pdf",
        "file:///tmp/a.html",
        "https://x.org/r.DOCX",
        "ftp://x.org/",
    ):
        assert not is_web_page(not_page)


def test_a_web_page_links_to_the_passage_and_the_json_has_text_and_citations(index: LoadedIndex) -> None:
    target = find(index, HTML_ID, "detective shortages affect the quality of investigations")
    ctx = passage_context(index, target.id, 1)
    assert ctx.web_link is not None and ctx.web_link.startswith(HTML_URL + "#:~:text=")
    data = context_dict(ctx)
    assert data["text"] == target.text and data["report"]["id"] == HTML_ID
    assert data["citation"].startswith("Dorset PEEL 2019 › How effective is the force at investigating")
    assert data["citation"].endswith(f"({HTML_URL})")
    assert [b["id"] for b in data["before"]] == [p.id for p in ctx.before]
    assert all(b["citation"] and b["text"] for b in data["before"] + data["after"])
    assert data["grade"] == "Requires improvement" and data["context"] == 1
    text = render_context(ctx)
    assert f"> ¶{target.paragraph}.{target.bullet}" in text and ctx.citation in text
    assert "--section shows all" in text


def test_no_web_link_without_a_web_address(index: LoadedIndex) -> None:
    pdf = find(index, PDF_ID, "detective shortages")
    assert index.reports[PDF_ID].source_url is None
    assert passage_context(index, pdf.id).web_link is None
    assert context_dict(passage_context(index, pdf.id))["web_link"] is None

"""The briefing model and its exports: exact quotes, full citations, sources, the user's order."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from assistant.briefing import DEFAULT_TITLE, UNTITLED_TOPIC, Briefing, full_citation
from assistant.briefing_export import citation_line, md_literal, source_entry, to_docx, to_markdown, xml_safe
from assistant.briefing_files import file_stem, write_exports
from assistant.grades import LINE, NONE, WORDS, SectionGrade
from assistant.records import Passage, ReportMeta
from tests.support.records import make_passage

MET = ReportMeta(
    id="met",
    title="Metropolitan PEEL 2017 — Effectiveness",
    force="Metropolitan Police Service",
    year=2017,
    inspection="PEEL effectiveness",
    publisher="HMICFRS",
    updated="2018-03-22",
    source_url="https://example.org/met",
)
OTHER = ReportMeta(id="kent", title="Kent PEEL 2018")
REPORTS = {m.id: m for m in (MET, OTHER)}


def passage(pid: str, text: str, report: ReportMeta = MET, **kw: object) -> Passage:
    fields = {"grade": "Requires improvement", **kw}
    return make_passage(pid, text, report.id, report.title, **fields)


A = passage(
    "a",
    "detective shortages affect the quality of investigations; and",
    bullet=3,
    lead_in="Weaknesses include:",
)
B = passage(
    "b", "The force should continue to seek to increase the number of qualified detectives.", paragraph=5
)
C = passage("c", "Kent is good at <script>alert(1)</script> [links](http://x.example) *stars*.", OTHER)


def built() -> Briefing:
    return Briefing().pin(A, "Detective shortages").pin(B, "Detective shortages").pin(C, "Kent")


def test_pin_appends_once_in_order() -> None:
    b = built()
    assert [p.passage.id for p in b.pins] == ["a", "b", "c"]
    assert b.pin(A, "Elsewhere") is b
    assert b.has("a") and not b.has("z")
    assert len(b.unpin("b")) == 2


def test_move_reorders_and_stops_at_the_ends() -> None:
    b = built()
    assert [p.passage.id for p in b.move("c", -1).pins] == ["a", "c", "b"]
    assert [p.passage.id for p in b.move("c", -5).pins] == ["c", "a", "b"]
    assert [p.passage.id for p in b.move("a", 9).pins] == ["b", "c", "a"]
    assert b.move("missing", 1) == b
    assert [p.passage.id for p in b.move_to("c", 0).pins] == ["c", "a", "b"]  # to the top
    assert [p.passage.id for p in b.move_to("a", len(b) - 1).pins] == ["b", "c", "a"]  # to the bottom
    assert [p.passage.id for p in b.move_to("a", 1).pins] == ["b", "a", "c"]  # to a numbered place


def test_a_removal_can_be_undone_in_place() -> None:
    b = built()
    gone = b.unpin("b").unpin("a")
    assert [p.passage.id for p in gone.pins] == ["c"] and gone == Briefing().pin(C, "Kent")
    back = gone.undo_remove()
    assert [p.passage.id for p in back.pins] == ["a", "c"]
    assert back.undo_remove() == b and back.undo_remove().pins[1].heading == "Detective shortages"
    assert b.undo_remove() is b
    again = gone.pin(A, "Again")
    assert again.undo_remove().pins == again.pins  # pinned again meanwhile: nothing to put back


def test_edits_change_only_their_pin_and_never_the_quote() -> None:
    b = built().set_heading("b", "  Recommendations\n").set_note("b", " check with HR ")
    assert [p.heading for p in b.pins] == ["Detective shortages", "Recommendations", "Kent"]
    assert b.pins[1].note == "check with HR"
    assert b.pins[1].passage == B
    assert b.set_heading("a", "   ").pins[0].heading == UNTITLED_TOPIC
    assert b.retitle("").title == DEFAULT_TITLE


def test_topics_group_pins_by_heading_whatever_their_order() -> None:
    b = built()
    assert [(h, [p.passage.id for p in ps]) for h, ps in b.topics()] == [
        ("Detective shortages", ["a", "b"]),
        ("Kent", ["c"]),
    ]
    moved = b.move("c", -1)  # a, c, b: the two Detective shortages pins still make one topic
    assert [(h, [p.passage.id for p in ps]) for h, ps in moved.topics()] == [
        ("Detective shortages", ["a", "b"]),
        ("Kent", ["c"]),
    ]
    assert [h for h, _ in b.move_to("c", 0).topics()] == ["Kent", "Detective shortages"]


def test_sources_one_per_report_in_order_of_first_use() -> None:
    b = built().move("c", -2)
    assert [m.id for m in b.sources(REPORTS)] == ["kent", "met"]
    unknown = Briefing().pin(passage("x", "text", ReportMeta(id="gone", title="Gone report")), "T")
    assert unknown.sources({})[0].title == "Gone report"


def test_source_entry_and_full_citation() -> None:
    assert source_entry(MET) == (
        "Metropolitan PEEL 2017 — Effectiveness. Metropolitan Police Service, 2017. "
        "HMICFRS, PEEL effectiveness. Updated 2018-03-22."
    )
    assert source_entry(OTHER) == "Kent PEEL 2018."
    assert full_citation(A, MET) == (
        "Metropolitan PEEL 2017 — Effectiveness › How effective is the force at investigating crime? "
        "› ¶2, bullet 3 (https://example.org/met)"
    )
    assert full_citation(C, OTHER) == str(C.citation)


def unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_quotes_exactly_cites_n_and_gives_each_address_once() -> None:
    md = to_markdown(built().set_note("c", "my note"), REPORTS)
    lines = md.splitlines()
    assert lines[0] == "# Briefing note"
    quotes = [unescape_md(line[2:]) for line in lines if line.startswith("> ")]
    assert quotes == [A.text, B.text, C.text]
    for p, n in ((A, 1), (B, 1), (C, 2)):
        quote_at = next(
            i for i, line in enumerate(lines) if line.startswith("> ") and unescape_md(line[2:]) == p.text
        )
        assert lines[quote_at + 2] == f"— {p.citation} · Grade: Requires improvement [{n}]"
    assert "_From a list introduced by: “Weaknesses include:”_" in md
    assert lines.index("## Detective shortages") < lines.index("## Kent") < lines.index("## Sources")
    assert lines[-2] == f"1. {source_entry(MET)} <https://example.org/met>"
    assert lines[-1] == f"2. {source_entry(OTHER)}"
    assert md.count("https://example.org/met") == 1
    assert "**Note:** my note" in md
    assert "\\[" not in md.split("## Sources")[0].replace("\\[links\\]", "")  # [1] is not escaped


def test_grades_in_citations_are_as_stated_and_optional() -> None:
    words = SectionGrade(("S",), "Good", WORDS, "Despite the rating of ‘good’ …", paragraph=5)
    b = Briefing().pin(A, "T", grade=words).pin(B, "T", grade=SectionGrade(("S",), None, NONE))
    b = b.pin(C, "T", grade=SectionGrade(("S",), "Inadequate", LINE, "Inadequate"))
    lines = [citation_line(pin, 1, True) for pin in b.pins]
    assert lines[0].endswith(" · Grade: Good (stated in the text, ¶5) [1]")
    assert lines[1].endswith(" · grade not stated in the report [1]")
    assert lines[2].endswith(" · Grade: Inadequate [1]")
    assert citation_line(b.pins[0], 1, False) == f"{A.citation} [1]"
    md = to_markdown(b.with_grades(False), REPORTS)
    assert "Grade:" not in md and "stated in the text" not in md
    assert "Grade: Good (stated in the text, ¶5)" in to_markdown(b, REPORTS)


HOSTILE = (
    "<script>alert(1)</script> [the guidance](http://evil.example/x) ![i](http://e.example/i.png) "
    "*em* __strong__ `code` ~~gone~~ &amp; <b>bold</b> www.evil.example mail@evil.example "
    "$x$ and $y$ \\*"
)


@pytest.mark.parametrize(
    "text", [HOSTILE, "# heading", "> quoted", "1. listed", "- listed", "+ listed", "[ref]: http://e.example"]
)
def test_markdown_shows_report_text_as_text_never_markup_or_links(text: str) -> None:
    import html

    from markdown_it import MarkdownIt

    md = to_markdown(Briefing().pin(passage("h", text), text), REPORTS)
    rendered = MarkdownIt("commonmark").enable("strikethrough").render(md)
    body = rendered[rendered.index("<h2>") : rendered.index("<h2>Sources</h2>")]  # the report text
    for tag in ("<a ", "<img", "<script", "<em>", "<strong>", "<code>", "<s>", "<b>", "<ol", "<ul", "<h1>#"):
        assert tag not in body, (tag, body)
    assert rendered.count("<h1>") == 1 and body.count("<blockquote>") == 1 and body.count("<h2>") == 1
    shown = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert shown.count(text) == 2  # as the heading and as the quote, verbatim


def test_markdown_escapes_only_what_could_act() -> None:
    plain = "Cite [1] and snake_case words; costs £5 & more (see p. 3)."
    assert md_literal(plain) == plain
    assert md_literal("a_b *c* [d](e)") == "a_b \\*c\\* \\[d\\](e)"
    assert md_literal("see http://x.example") == "see http\\://x.example"


def test_docx_has_the_same_quotes_citations_headings_and_sources() -> None:
    from datetime import UTC, datetime

    b = built().set_note("a", "note on A").retitle("Met detectives").set_author("A. Analyst")
    when = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)
    doc = docx.Document(io.BytesIO(to_docx(b, REPORTS, now=when)))
    paras = [(p.style.name if p.style else "", p.text) for p in doc.paragraphs]
    assert paras[0] == ("Title", "Met detectives") and paras[1][1] == "Prepared by A. Analyst"
    assert [t for s, t in paras if s == "Quote"] == [A.text, B.text, C.text]
    assert [t for s, t in paras if s == "Heading 1"] == ["Detective shortages", "Kent", "Sources"]
    texts = [t for _, t in paras]
    assert texts[texts.index(A.text) + 1] == f"— {A.citation} · Grade: Requires improvement [1]"
    assert texts[texts.index(C.text) + 1] == f"— {C.citation} · Grade: Requires improvement [2]"
    assert "Note: note on A" in texts
    assert [t for s, t in paras if s == "List Number"] == [
        f"{source_entry(MET)} https://example.org/met",
        source_entry(OTHER),
    ]
    assert sum("https://example.org/met" in t for t in texts) == 1
    props = doc.core_properties
    assert (props.title, props.author, props.last_modified_by) == (
        "Met detectives",
        "A. Analyst",
        "A. Analyst",
    )
    assert props.created == when and props.modified == when and "python-docx" not in (props.comments or "")
    anonymous = docx.Document(io.BytesIO(to_docx(built(), REPORTS))).core_properties
    assert anonymous.author == "" and anonymous.created is not None
    assert abs((datetime.now(UTC) - anonymous.created).total_seconds()) < 120


def test_write_exports_names_files_after_the_title(tmp_path: Path) -> None:
    md, dx = write_exports(built().retitle("Briefing: Met / detectives!"), REPORTS, tmp_path / "out")
    assert md.name == "briefing-met-detectives.md" and dx.name == "briefing-met-detectives.docx"
    assert md.read_text(encoding="utf-8").startswith("# Briefing: Met / detectives!")
    assert dx.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("", "briefing"),
        ("???", "briefing"),
        ("Note 1", "note-1"),
        (
            "The Met's 2017 inspection: what the committee briefing must say",
            "the-met-s-2017-inspection-what-the-committee-briefing-must",
        ),
        ("x" * 70, "x" * 60),
    ],
)
def test_file_stem(title: str, stem: str) -> None:
    assert file_stem(title) == stem


def test_a_briefing_survives_a_round_trip_through_json() -> None:
    import json

    b = built().set_note("a", "n").retitle("T").set_author("Me").with_grades(False)
    b = b.pin(
        passage("g", "graded"), "G", grade=SectionGrade(("S",), "Good", WORDS, "rated good", paragraph=2)
    )
    assert Briefing.from_dict(json.loads(json.dumps(b.to_dict()))) == b
    assert Briefing.from_dict({}) == Briefing()
    with pytest.raises(ValueError, match="not a saved briefing"):
        Briefing.from_dict({"pins": [{"heading": "no passage"}]})
    with pytest.raises(ValueError, match="not a saved briefing"):
        Briefing.from_dict({"pins": "nonsense"})


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("plain, tabs\tand\nnewlines\r kept", "plain, tabs\tand\nnewlines\r kept"),
        ("esc \x1b[31m bell \x07 nul \x00 del \x7f", "esc \ufffd[31m bell \ufffd nul \ufffd del \ufffd"),
        ("lone \ud800 surrogate \udfff", "lone \ufffd surrogate \ufffd"),
        ("\ufffe\uffff not characters", "\ufffd\ufffd not characters"),
        ("Arabic \u0639 emoji \U0001f693 RTL \u202e kept", "Arabic \u0639 emoji \U0001f693 RTL \u202e kept"),
    ],
)
def test_xml_safe_replaces_what_xml_cannot_hold_one_for_one(text: str, safe: str) -> None:
    assert xml_safe(text) == safe


def test_exports_of_text_xml_cannot_hold_succeed(tmp_path: Path) -> None:
    """Issue 13: "All strings must be XML compatible" from python-docx on a report's control characters."""
    hostile = passage("x", "Detectives \x1b[1mshort\x1b[0m \x07 and \ud800 a surrogate.", lead_in="a \x0c b")
    b = Briefing(title="Met \x1b").pin(hostile, "Topic \x07").set_note("x", "note \x00")
    md, dx = write_exports(b, REPORTS, tmp_path / "out")
    doc = docx.Document(str(dx))
    assert [p.text for p in doc.paragraphs if p.style and p.style.name == "Quote"] == [
        "Detectives \ufffd[1mshort\ufffd[0m \ufffd and \ufffd a surrogate."
    ]
    assert doc.core_properties.title == "Met \ufffd"
    text = md.read_text(encoding="utf-8")
    assert "Detectives \ufffd[1mshort" in text and "\x1b" not in text and "\x07" not in text
    assert {p.stat().st_mode & 0o777 for p in (md, dx)} == {0o600}


def test_lone_surrogates_from_the_browser_become_replacement_marks() -> None:
    """A briefing kept by the browser may carry them; sent back to the page they broke its stream."""
    kept = built().to_dict()
    kept["pins"][0]["passage"]["text"] = "half \ud83d of an emoji"
    kept["pins"][0]["note"] = "note \udfff"
    b = Briefing.from_dict(kept)
    assert b.pins[0].passage.text == "half \ufffd of an emoji" and b.pins[0].note == "note \ufffd"
    assert b.set_note("a", "typed \ud800").pins[0].note == "typed \ufffd"
    assert b.retitle("t \udc00").title == "t \ufffd"

"""The chat's behaviour without a browser: asking, follow-ups, filters, pins, exports, uploads."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from assistant.briefing import Briefing
from assistant.retrieval.filters import Filters
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.ui.cards import EMPTY
from assistant.ui.session import BriefingStore, ChatLogic, Exports, make_filters
from tests.support.fakes import FakeEmbedder


@pytest.fixture
def logic(settings: Settings, fake: FakeEmbedder, tmp_path: Path) -> ChatLogic:
    assistant = Assistant.open(
        settings, query_embedder=fake, build_embedder=fake, progress=False, log=lambda _m: None
    )
    return ChatLogic(assistant, tmp_path / "exports")


def test_ask_adds_both_messages_escaped_and_renders_cards(logic: ChatLogic) -> None:
    history, latest, html = logic.ask("detective shortages <b>now</b>", [], None, Filters(), Briefing())
    assert history[0] == {"role": "user", "content": "detective shortages &lt;b&gt;now&lt;/b&gt;"}
    assert history[1]["role"] == "assistant"
    assert latest is not None and latest.answer.hits
    assert html.count('<article class="card"') == len(latest.answer.hits)
    assert "<b>now</b>" not in html


def test_a_short_follow_up_is_asked_with_the_previous_topic(logic: ChatLogic) -> None:
    history, first, _ = logic.ask("what is said about detective shortages", [], None, Filters(), Briefing())
    history, second, _ = logic.ask("and what did they recommend?", history, first, Filters(), Briefing())
    assert second is not None and second.turn.carried
    assert second.answer.question == "and what did they recommend about detective shortages?"
    assert "Read as a follow-up" in history[-1]["content"]


def test_filters_apply_to_the_question(logic: ChatLogic) -> None:
    _, latest, _ = logic.ask("detectives", [], None, make_filters(report=["no such report"]), Briefing())
    assert latest is not None and latest.answer.hits == ()
    _, latest, _ = logic.ask("detectives", [], None, make_filters(year=["2017"]), Briefing())
    assert latest is not None and latest.answer.hits


def test_an_empty_question_changes_nothing_and_an_error_is_shown_not_raised(logic: ChatLogic) -> None:
    assert logic.ask("   ", [], None, Filters(), Briefing()) == ([], None, EMPTY)
    history, latest, _ = logic.ask("\x00\x01", [], None, Filters(), Briefing())
    assert latest is None and history[-1]["content"].startswith("Not answered: the question is empty")


def test_set_pins_makes_the_latest_answers_pins_exactly_the_wanted_set(logic: ChatLogic) -> None:
    _, latest, _ = logic.ask("detective shortages", [], None, Filters(), Briefing())
    assert latest is not None
    ids = [h.passage.id for h in latest.answer.hits]
    b = logic.set_pins(latest, Briefing(), {ids[2], ids[0], "not-a-passage"})
    assert [p.passage.id for p in b.pins] == [ids[0], ids[2]]
    assert b.pins[0].heading == latest.answer.hits[0].passage.section_path[0]  # the section, to retitle
    assert logic.cards(latest, b).count('aria-pressed="true"') == 2
    assert [p.passage.id for p in logic.set_pins(latest, b, {ids[2]}).pins] == [ids[2]]
    assert logic.set_pins(latest, b, {ids[0], ids[2]}) == b
    assert logic.set_pins(None, b, set()) == b


def test_set_pins_keeps_passages_pinned_from_earlier_answers(logic: ChatLogic) -> None:
    _, first, _ = logic.ask("detective shortages", [], None, Filters(), Briefing())
    assert first is not None
    b = logic.set_pins(first, Briefing(), {first.answer.hits[0].passage.id})
    _, second, _ = logic.ask("domestic abuse", [], None, Filters(), b)
    assert second is not None
    b = logic.set_pins(second, b, {second.answer.hits[0].passage.id})
    headings = [h.passage.section_path[0] for h in (first.answer.hits[0], second.answer.hits[0])]
    assert len(b) == 2 and [p.heading for p in b.pins] == headings


def test_briefing_store_keeps_sessions_apart_and_counts_structural_changes(logic: ChatLogic) -> None:
    _, latest, _ = logic.ask("detective shortages", [], None, Filters(), Briefing())
    assert latest is not None
    store = BriefingStore()
    p = latest.answer.hits[0].passage
    assert store.get("a") == (0, Briefing())
    assert store.update("a", lambda b: b.pin(p, "T"))[0] == 1
    assert store.update("a", lambda b: b.set_heading(p.id, "New"))[0] == 1
    assert store.get("a")[1].pins[0].heading == "New"
    assert store.get("b") == (0, Briefing())
    assert store.update("a", lambda b: b.unpin(p.id)) == (2, Briefing())
    store.drop("a")
    assert store.get("a") == (0, Briefing())


def test_export_writes_markdown_and_docx_of_the_pins(logic: ChatLogic) -> None:
    assert logic.export(Briefing()) == Exports()
    _, latest, _ = logic.ask("detective shortages", [], None, Filters(), Briefing())
    assert latest is not None
    b = Briefing()
    b = logic.set_pins(latest, b, {h.passage.id for h in latest.answer.hits[:2]})
    exports = logic.export(b)
    md, dx = exports.markdown, exports.docx
    assert md is not None and dx is not None and exports.problems == ()
    assert {p.stat().st_mode & 0o777 for p in (md, dx)} == {
        0o600
    } and md.parent.stat().st_mode & 0o777 == 0o700
    text = md.read_text(encoding="utf-8")
    assert "https://www.justiceinspectorates.gov.uk/" in text
    quotes = [p.text for p in docx.Document(str(dx)).paragraphs if p.style and p.style.name == "Quote"]
    assert quotes == [h.passage.text for h in latest.answer.hits[:2]]


def test_filter_choices_come_from_the_index(logic: ChatLogic) -> None:
    c = logic.filter_choices()
    assert c.report == ["Metropolitan PEEL 2017 — Effectiveness"]
    assert c.force == ["Metropolitan Police Service"] and c.year == [2017]
    assert "How effective is the force at investigating crime and reducing re-offending?" in c.section
    assert c.grade[0] == "Outstanding"


def test_upload_errors_are_clear_messages(logic: ChatLogic, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert logic.upload(str(empty)).startswith("**Not added:**") and "is empty" in logic.upload(str(empty))
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x00\x01")
    message = re.sub(r"\\(.)", r"\1", logic.upload(str(exe)))
    assert message.startswith("**Not added:** tool.exe") and "supported" in message and ".txt" in message
    assert logic.upload(None) == ""


def test_the_app_builds_with_a_named_ask_endpoint(logic: ChatLogic) -> None:
    from assistant.ui.app import build_app

    demo = build_app(logic.assistant)
    names = {fn.api_name for fn in demo.fns.values()}
    assert "ask" in names


def _pinned(logic: ChatLogic, text: str = "") -> Briefing:
    _, latest, _ = logic.ask("detective shortages", [], None, Filters(), Briefing())
    assert latest is not None
    b = logic.set_pins(latest, Briefing(), {latest.answer.hits[0].passage.id})
    return b.set_note(b.pins[0].passage.id, text) if text else b


def test_text_xml_cannot_hold_still_exports(logic: ChatLogic) -> None:
    """Issue 13: a \\x1b or \\x07 in report text made the DOCX export fail ("All strings must be
    XML compatible"), and a lone surrogate broke the Markdown file too."""
    b = _pinned(logic, "bell \x07 escape \x1b[31m surrogate \ud800 end").retitle("T\x1b\x00itle")
    exports = logic.export(b)
    assert exports.problems == () and exports.markdown and exports.docx
    notes = [p.text for p in docx.Document(str(exports.docx)).paragraphs if p.text.startswith("Note:")]
    assert notes == ["Note: bell \ufffd escape \ufffd[31m surrogate \ufffd end"]
    assert "bell \ufffd escape" in exports.markdown.read_text(encoding="utf-8")


def test_a_failed_export_says_what_failed_and_offers_nothing_stale(
    logic: ChatLogic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import briefing_files

    first = logic.export(_pinned(logic, "first"))
    assert first.markdown and first.docx

    def full_disk(*_a: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(briefing_files, "to_docx", full_disk)
    second = logic.export(_pinned(logic, "second"))
    assert second.docx is None and second.markdown is not None and second.markdown != first.markdown
    assert "second" in second.markdown.read_text(encoding="utf-8")
    assert second.problems == (
        "the DOCX file could not be made (No space left on device; free some disk space or try again)",
    )
    monkeypatch.undo()
    third = logic.export(_pinned(logic, "second"))  # the next change tries again, and works
    assert third.problems == () and third.docx is not None


def test_old_exports_are_removed(logic: ChatLogic) -> None:
    import os
    import time

    old = logic.export_dir / "old"
    old.mkdir(parents=True)
    (old / "briefing.md").write_text("x")
    stale = time.time() - 3600
    os.utime(old, (stale, stale))
    fresh = logic.export_dir / "fresh"
    fresh.mkdir()
    logic.export(Briefing())
    assert not old.exists() and fresh.exists()


def test_a_sessions_latest_export_is_kept_while_it_lives(logic: ChatLogic) -> None:
    import os
    import time

    kept = logic.export(_pinned(logic), session="tab").markdown
    assert kept is not None
    stale = time.time() - 3600
    os.utime(kept.parent, (stale, stale))
    logic.export(Briefing(), session="other")
    assert kept.exists()  # a page left open an hour still downloads its briefing
    logic.forget("tab")
    logic.export(Briefing(), session="other")
    assert not kept.exists()

"""The briefing tab's outline, status line and focus script (pure)."""

from __future__ import annotations

from assistant.briefing import Briefing
from assistant.records import Passage
from assistant.ui.briefing_view import EMPTY_HINT, focus_js, outline_markdown, status_line


def passage(n: int) -> Passage:
    return Passage(f"p{n}", "r", "R", ("S",), None, n, None, 0, 10, f"Quote number {n}.")


def test_the_outline_shows_the_exports_grouping_whatever_the_order() -> None:
    b = Briefing().pin(passage(1), "Detectives").pin(passage(2), "Units").pin(passage(3), "Detectives")
    assert outline_markdown(b).splitlines()[2:] == [
        "1. Detectives — passages 1 and 3",
        "2. Units — passage 2",
    ]
    assert outline_markdown(Briefing()) == ""


def test_the_status_line_counts_and_offers_undo() -> None:
    b = Briefing().pin(passage(1), "A").pin(passage(2), "B")
    assert status_line(b) == "**2** pinned passages under **2** topic headings."
    assert status_line(Briefing()) == EMPTY_HINT
    removed = b.unpin("p1")
    assert "Removed “Quote number 1.”: **Undo remove** puts it back." in status_line(removed)


def test_the_focus_script_names_its_targets_in_order() -> None:
    js = focus_js("pin-a-top", "pin-a-heading")
    assert '["pin-a-top", "pin-a-heading"]' in js and js.startswith("() => {")

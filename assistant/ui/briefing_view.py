"""What the briefing tab shows besides its controls (pure): the status line, the outline of the
export, and the script that keeps keyboard focus on a passage that moved."""

from __future__ import annotations

import json

from assistant.briefing import UNTITLED_TOPIC, Briefing
from assistant.ui.render import escape_md

EMPTY_HINT = "Nothing pinned yet: press **Pin to briefing** on an evidence card."
FOCUS_WINDOW_MS = 2500
"""How long after a move the page keeps focus on the moved passage while the list is redrawn."""


def status_line(briefing: Briefing, problems: tuple[str, ...] = ()) -> str:
    """How many passages under how many headings, what a removal can undo, and any download that
    could not be made this time (and why)."""
    n, topics = len(briefing), len(briefing.topics())
    undo = ""
    if briefing.removed:
        gone = briefing.removed[-1][1].passage.text
        undo = (
            f" Removed “{escape_md(gone[:60])}{'…' if len(gone) > 60 else ''}”: **Undo remove** puts it back."
        )
    if not n:
        return EMPTY_HINT + undo
    passages = f"**{n}** pinned passage{'s' if n != 1 else ''}"
    line = f"{passages} under **{topics}** topic heading{'s' if topics != 1 else ''}.{undo}"
    if problems:
        line += (
            f"  \n**Download not made:** {escape_md('; '.join(problems))}. Your briefing is kept "
            "and still editable; the next change tries again."
        )
    return line


def _numbers(ns: list[int]) -> str:
    words = [str(n) for n in ns]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"passage{'s' if len(ns) > 1 else ''} {listed}"


def outline_markdown(briefing: Briefing) -> str:
    """The export's outline: each heading once, in order of its first passage, with the numbers of
    the passages under it (the exports group by heading, whatever the order of the list)."""
    if not briefing.pins:
        return ""
    position = {p.passage.id: n for n, p in enumerate(briefing.pins, start=1)}
    lines = ["**The export reads** (passages under the same heading are grouped):", ""]
    for n, (heading, pins) in enumerate(briefing.topics(), start=1):
        numbers = _numbers([position[p.passage.id] for p in pins])
        lines.append(f"{n}. {escape_md(heading or UNTITLED_TOPIC)} — {numbers}")
    return "\n".join(lines)


def focus_js(*element_ids: str) -> str:
    """A script giving keyboard focus to the first enabled control of ``element_ids`` once the
    list has been redrawn (and again if it is redrawn, or focus falls back to the page, within
    :data:`FOCUS_WINDOW_MS`), so focus follows a passage that moved instead of staying at its
    old place; it never takes focus from another control the user moved to, and the script of a
    later move replaces it."""
    return (
        "() => { const ids = " + json.dumps(list(element_ids)) + ";"
        " const me = {}; window.__focusFollows = me;"  # a later move's script takes over
        f" const until = performance.now() + {FOCUS_WINDOW_MS}; let done = null;"
        " const pick = () => { for (const id of ids) { const box = document.getElementById(id);"
        " if (!box) continue; const el = box.matches('button, input, textarea, select') ? box"
        " : box.querySelector('input, textarea, button, select'); if (el && !el.disabled) return el; }"
        " return null; };"
        " const lost = () => !document.activeElement || document.activeElement === document.body;"
        " const tick = () => { if (window.__focusFollows !== me) return; const el = pick();"
        " if (el && (el !== done || lost())) { el.focus(); done = el; }"
        " if (performance.now() < until) requestAnimationFrame(tick); };"
        " requestAnimationFrame(tick); }"
    )

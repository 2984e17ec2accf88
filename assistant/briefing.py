"""A briefing note built from pinned passages (no UI here; exports in :mod:`assistant.briefing_export`).

A :class:`Briefing` is an ordered list of :class:`Pin` s. Each pin is one passage -- quoted
exactly, never edited -- under a topic heading the user may change (it starts as the passage's
section heading), with an optional note of the user's own. Pins under the same heading form
one topic section of the exports, wherever they sit in the list (:meth:`Briefing.topics`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.grades import SectionGrade
from assistant.records import Passage, ReportMeta

DEFAULT_TITLE = "Briefing note"
UNTITLED_TOPIC = "Untitled topic"
UNDO_DEPTH = 20
"""Removals that can be undone, latest first."""


@dataclass(frozen=True)
class Pin:
    """One pinned passage under a topic heading, with the user's optional note.

    ``before`` and ``after`` are the report's sentences just before and after the passage (in
    its section; "" at either end), and ``grade`` the grade of its section as the report states
    it: both kept from when it was pinned, so an export needs no index.
    """

    passage: Passage
    heading: str
    note: str = ""
    before: str = ""
    after: str = ""
    grade: SectionGrade | None = None


@dataclass(frozen=True)
class Briefing:
    """Pinned passages in the user's order. Every change returns a new briefing.

    ``removed`` holds the pins taken out, latest last, with the place each had, so a removal
    can be undone; it is not part of the briefing's value (nor of its saved copy).
    """

    title: str = DEFAULT_TITLE
    pins: tuple[Pin, ...] = ()
    context: bool = False
    """Export option: show the sentence before and after each quote (marked as context)."""
    footnotes: bool = False
    """Export option: in the Word file, cite in footnotes instead of a line under each quote."""
    author: str = ""
    grades_in_citations: bool = True
    """Whether the exports' citations carry each section's grade as stated (on by default)."""
    removed: tuple[tuple[int, Pin], ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.pins)

    def has(self, passage_id: str) -> bool:
        return any(p.passage.id == passage_id for p in self.pins)

    def _at(self, passage_id: str) -> int:
        for i, p in enumerate(self.pins):
            if p.passage.id == passage_id:
                return i
        return -1

    def pin(
        self,
        passage: Passage,
        heading: str,
        around: tuple[str | None, str | None] = (None, None),
        grade: SectionGrade | None = None,
    ) -> Briefing:
        """Append ``passage`` under ``heading`` (``around``: the sentences before and after it;
        ``grade``: its section's grade as stated); pinning a passage twice keeps the first pin."""
        if self.has(passage.id):
            return self
        heading = clean_line(heading) or UNTITLED_TOPIC
        pin = Pin(passage, heading, "", around[0] or "", around[1] or "", grade)
        return replace(self, pins=(*self.pins, pin))

    def with_options(self, *, context: bool | None = None, footnotes: bool | None = None) -> Briefing:
        """The export options changed (None: as they were)."""
        return replace(
            self,
            context=self.context if context is None else bool(context),
            footnotes=self.footnotes if footnotes is None else bool(footnotes),
        )

    def unpin(self, passage_id: str) -> Briefing:
        """Take a pin out, remembering where it was (:meth:`undo_remove`)."""
        i = self._at(passage_id)
        if i < 0:
            return self
        kept = (*self.removed, (i, self.pins[i]))[-UNDO_DEPTH:]
        return replace(self, pins=self.pins[:i] + self.pins[i + 1 :], removed=kept)

    def undo_remove(self) -> Briefing:
        """Put the last removed pin back where it was (nothing to undo: unchanged)."""
        if not self.removed:
            return self
        (i, pin), rest = self.removed[-1], self.removed[:-1]
        if self.has(pin.passage.id):  # pinned again meanwhile
            return replace(self, removed=rest)
        at = min(i, len(self.pins))
        return replace(self, pins=(*self.pins[:at], pin, *self.pins[at:]), removed=rest)

    def move(self, passage_id: str, offset: int) -> Briefing:
        """Move a pin ``offset`` places (negative: up), stopping at either end."""
        i = self._at(passage_id)
        return self if i < 0 else self.move_to(passage_id, i + offset)

    def move_to(self, passage_id: str, position: int) -> Briefing:
        """Move a pin to ``position`` (0 is the top; past either end: that end)."""
        i = self._at(passage_id)
        if i < 0:
            return self
        j = min(max(position, 0), len(self.pins) - 1)
        pins = list(self.pins)
        pins.insert(j, pins.pop(i))
        return replace(self, pins=tuple(pins))

    def set_heading(self, passage_id: str, heading: str) -> Briefing:
        heading = clean_line(heading) or UNTITLED_TOPIC
        return self._edit(passage_id, lambda p: replace(p, heading=heading))

    def set_note(self, passage_id: str, note: str) -> Briefing:
        note = _SURROGATE.sub("\ufffd", note).strip()
        return self._edit(passage_id, lambda p: replace(p, note=note))

    def retitle(self, title: str) -> Briefing:
        return replace(self, title=clean_line(title) or DEFAULT_TITLE)

    def set_author(self, author: str) -> Briefing:
        return replace(self, author=clean_line(author))

    def with_grades(self, on: bool) -> Briefing:
        return replace(self, grades_in_citations=bool(on))

    def _edit(self, passage_id: str, change: Callable[[Pin], Pin]) -> Briefing:
        return replace(self, pins=tuple(change(p) if p.passage.id == passage_id else p for p in self.pins))

    def topics(self) -> list[tuple[str, list[Pin]]]:
        """Pins grouped by heading, whatever their order: the groups in order of each heading's
        first pin, the pins of a group in the user's order. This is the exports' outline."""
        groups: dict[str, list[Pin]] = {}
        for pin in self.pins:
            groups.setdefault(pin.heading, []).append(pin)
        return list(groups.items())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, for keeping a briefing in the browser across reloads."""
        return {
            "title": self.title,
            "author": self.author,
            "grades_in_citations": self.grades_in_citations,
            "pins": [
                {
                    "passage": p.passage.to_dict(),
                    "heading": p.heading,
                    "note": p.note,
                    "before": p.before,
                    "after": p.after,
                    "grade": p.grade.to_dict() if p.grade else None,
                }
                for p in self.pins
            ],
            "context": self.context,
            "footnotes": self.footnotes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Briefing:
        """The briefing :meth:`to_dict` saved; ``ValueError`` if ``data`` is not one.

        It comes back from the browser, so any text in it may hold lone surrogates (which
        JSON can carry but UTF-8 cannot): they become U+FFFD, or the page's next update fails.
        """
        data = _whole_text(data)
        try:
            pins = tuple(
                Pin(
                    Passage.from_dict(p["passage"]),
                    str(p["heading"]),
                    str(p.get("note", "")),
                    str(p.get("before") or ""),
                    str(p.get("after") or ""),
                    SectionGrade.from_dict(p["grade"]) if p.get("grade") else None,
                )
                for p in data.get("pins", [])
            )
            return cls(
                title=str(data.get("title") or DEFAULT_TITLE),
                pins=pins,
                context=data.get("context") is True,
                footnotes=data.get("footnotes") is True,
                author=str(data.get("author") or ""),
                grades_in_citations=data.get("grades_in_citations", True) is not False,
            )
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a saved briefing: {exc}") from None

    def sources(self, reports: Mapping[str, ReportMeta]) -> list[ReportMeta]:
        """One entry per cited report, in order of first citation (unknown reports by title only)."""
        seen: dict[str, ReportMeta] = {}
        for pin in self.pins:
            p = pin.passage
            if p.report_id not in seen:
                seen[p.report_id] = reports.get(p.report_id) or ReportMeta(
                    id=p.report_id, title=p.report_title
                )
        return list(seen.values())


def default_heading(passage: Passage) -> str:
    """The topic heading a newly pinned passage starts with: its section's heading (so passages
    of one section group together), to be retitled by the user; "" before the first heading."""
    return passage.section_path[0] if passage.section_path else ""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_text(value: Any) -> Any:
    """``value`` (JSON data) with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {k: _whole_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_text(v) for v in value]
    return value


def clean_line(text: str) -> str:
    """One line of user text: whitespace runs (newlines included) become single spaces, and
    lone surrogates (which cannot be sent back to the page as UTF-8) U+FFFD."""
    return " ".join(_SURROGATE.sub("\ufffd", text).split())


def full_citation(passage: Passage, meta: ReportMeta | None = None, grade: str = "") -> str:
    """The citation people paste: report › headings › ¶, bullet, page, then ``grade`` when given
    (:func:`assistant.grades.citation_grade`, after " · " as in the exports), then the report's
    URL if known."""
    cite = str(passage.citation) + (f" · {grade}" if grade else "")
    return f"{cite} ({meta.source_url})" if meta is not None and meta.source_url else cite

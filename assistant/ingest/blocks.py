"""What every block-oriented format parser (HTML, Word, Markdown, PDF) shares.

A parser walks its document and hands each block -- title, heading, paragraph, list item --
to an :class:`ElementBuilder`, which writes the extracted text (blocks separated by a blank
line, so ``text[start:end]`` is the block) and records the :class:`Element` with its offsets.
Paragraph-like blocks are classified the same way for every format by
:func:`classify_paragraph`: grade lines, "Last updated ..." / "Published ..." dates, web
boilerplate, or plain paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from assistant.ingest.structure import Element, ElementKind, Parsed, as_grade, normalise_space
from assistant.ingest.text import DATE_LINE, is_boilerplate, iso_date

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december")
    )
    for m in names.split()
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")


def parse_date(text: str) -> str | None:
    """A date as documents print it -> ISO ``YYYY-MM-DD``; None when it is not one.

    Accepts ``22/03/2018`` (UK day first), ``2018-03-22`` (also with a time after it, as in
    meta tags), ``22 March 2018``, ``22nd Mar 2018`` and ``March 22, 2018``.
    """
    text = normalise_space(text).rstrip(".")
    if m := _ISO_PREFIX.match(text):
        return iso_date(m.group(1))
    if found := iso_date(text):
        return found
    if m := _DAY_MONTH_YEAR.match(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    elif m := _MONTH_DAY_YEAR.match(text):
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        return None
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def pdf_date(value: str) -> str | None:
    """A PDF info date ``D:20180322101500+00'00'`` -> ``2018-03-22``."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value.strip())
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
    except ValueError:
        return None


def classify_paragraph(text: str) -> tuple[ElementKind, str] | None:
    """What a paragraph-like block is: ``(kind, value)``, or None for boilerplate to drop.

    A grade line gives ``("grade", canonical grade)``; a dated line gives ``("updated" or
    "published", ISO date)``; anything else is a paragraph.
    """
    text = normalise_space(text)
    if not text or is_boilerplate(text):
        return None
    if grade := as_grade(text):
        return "grade", grade
    if (m := DATE_LINE.match(text)) and (when := parse_date(m["date"])):
        published = m["what"].lower().startswith(("published", "date"))
        return ("published" if published else "updated"), when
    return "paragraph", text


def rank_levels(levels: Iterable[float]) -> dict[float, int]:
    """Distinct raw heading levels (h2, h3 ... or font ranks) -> 1, 2, ... in ascending order.

    Documents skip levels (a page whose first sub-heading is an h3 under an h1 title); ranking
    makes the first heading level used level 1, so every format nests sections the same way.
    """
    return {raw: i + 1 for i, raw in enumerate(sorted(set(levels)))}


class ElementBuilder:
    """Accumulates extracted text and elements; blocks are separated by a blank line."""

    SEPARATOR = "\n\n"

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self.elements: list[Element] = []

    def write(self, text: str) -> tuple[int, int]:
        """Append ``text`` as a block of the extracted text; returns its ``(start, end)``."""
        if self._parts:
            self._parts.append(self.SEPARATOR)
            self._pos += len(self.SEPARATOR)
        start = self._pos
        self._parts.append(text)
        self._pos += len(text)
        return start, self._pos

    def add(
        self,
        kind: ElementKind,
        text: str,
        *,
        value: str | None = None,
        level: int = 1,
        page: int | None = None,
        page_label: str | None = None,
    ) -> None:
        """Record one element whose source text is ``text`` (``value`` replaces it, e.g. an ISO date)."""
        text = normalise_space(text)
        if not text:
            return
        start, end = self.write(text)
        self.elements.append(Element(kind, value or text, start, end, level, page, page_label))

    def add_paragraph(
        self, text: str, *, bullet: bool = False, page: int | None = None, page_label: str | None = None
    ) -> None:
        """A paragraph or list item, classified by :func:`classify_paragraph` (bullets stay bullets)."""
        found = classify_paragraph(text)
        if found is None:
            return
        kind, value = found
        if bullet and kind == "paragraph":
            kind = "bullet"
        self.add(kind, text, value=value if kind in ("updated", "published") else None, page=page,
                 page_label=page_label)  # fmt: skip

    def has_title(self) -> bool:
        return any(e.kind == "title" for e in self.elements)

    def parsed(self, meta: dict[str, object] | None = None) -> Parsed:
        return Parsed("".join(self._parts), list(self.elements), {k: v for k, v in (meta or {}).items() if v})

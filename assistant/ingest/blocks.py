"""What every block-oriented format parser (HTML, Word, Markdown, PDF) shares.

A parser walks its document and hands each block -- title, heading, paragraph, list item --
to an :class:`ElementBuilder`, which writes the extracted text (blocks separated by a blank
line, so ``text[start:end]`` is the block) and records the :class:`Element` with its offsets,
stopping the parse as soon as the file yields more text or blocks than its :class:`Limits` allow.
Paragraph-like blocks are classified the same way for every format (and the text scrape) by
:func:`assistant.ingest.lines.classify_paragraph`.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.ingest.limits import Limits
from assistant.ingest.lines import classify_paragraph
from assistant.ingest.structure import Element, ElementKind, Parsed, normalise_space


def rank_levels(levels: Iterable[float]) -> dict[float, int]:
    """Distinct raw heading levels (h2, h3 ... or font ranks) -> 1, 2, ... in ascending order.

    Documents skip levels (a page whose first sub-heading is an h3 under an h1 title); ranking
    makes the first heading level used level 1, so every format nests sections the same way.
    """
    return {raw: i + 1 for i, raw in enumerate(sorted(set(levels)))}


class ElementBuilder:
    """Accumulates extracted text and elements; blocks are separated by a blank line."""

    SEPARATOR = "\n\n"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
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
        self.limits.check_text(self._pos)
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
        self.limits.check_blocks(len(self.elements))

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

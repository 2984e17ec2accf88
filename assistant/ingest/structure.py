"""The one structure model every format parser feeds: a flat list of elements -> sections.

A format parser (text, HTML, PDF, DOCX, Markdown) only has to say what each piece of the
document *is* -- title, heading (with level), grade line, paragraph, bullet item, metadata --
and where it is. :func:`assemble` then does the rest the same way for every format:

* the heading stack gives each block its section path;
* a grade line attaches to the innermost heading and holds for its sub-headings;
* paragraphs are numbered within their innermost heading (¶1, ¶2, ...);
* a bullet list shares the number of the paragraph that introduced it when that paragraph
  ends with a colon ("Weaknesses include:"), which becomes each bullet's ``lead_in``;
  a list with no such lead-in takes a paragraph number of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.records import GRADES, Block, GradeLine, Section

ElementKind = Literal["title", "heading", "grade", "paragraph", "bullet", "updated", "published"]

_WS = re.compile(r"\s+")
_GRADE_LOOKUP = {g.lower(): g for g in GRADES}


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space and trim: the form passages are quoted in."""
    return _WS.sub(" ", text).strip()


def as_grade(text: str) -> str | None:
    """The canonical grade if ``text`` is exactly a grade line ("Requires improvement"), else None."""
    return _GRADE_LOOKUP.get(normalise_space(text).rstrip(".").lower())


@dataclass(frozen=True)
class Element:
    """One piece of a document as a format parser sees it."""

    kind: ElementKind
    text: str
    start: int
    end: int
    level: int = 1
    page: int | None = None
    page_label: str | None = None


@dataclass(frozen=True)
class Parsed:
    """What a format parser returns: the extracted text, its classified elements and metadata.

    ``meta`` holds what the file's own properties say (PDF info, HTML meta tags, Word core
    properties), keyed like :class:`~assistant.records.ReportMeta`; elements found in the text
    (a title, a "Last updated" line) take precedence over it, and a sidecar over both.
    """

    text: str
    elements: list[Element]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _SectionBuilder:
    path: tuple[str, ...]
    grade: str | None
    blocks: list[Block]
    grade_line: GradeLine | None = None


def assemble(elements: list[Element]) -> tuple[Section, ...]:
    """Turn parser elements into sections of numbered paragraphs and bullets (see module doc)."""
    stack: list[tuple[int, str, str | None]] = []  # (level, heading, grade in force)
    lines: dict[tuple[str, ...], GradeLine] = {}  # each grade line, by the heading path it sits under
    sections: list[_SectionBuilder] = []
    current: _SectionBuilder | None = None
    paragraph = 0
    lead_in: Block | None = None  # the last paragraph, if a list may follow it
    list_para: int | None = None  # ¶ number of the list being read
    bullet = 0

    def open_section() -> _SectionBuilder:
        nonlocal current, paragraph, lead_in, list_para
        path = tuple(h for _, h, _ in stack)
        grade = next((g for _, _, g in reversed(stack) if g is not None), None)
        current = _SectionBuilder(path, grade, [], lines.get(path))
        sections.append(current)
        paragraph, lead_in, list_para = 0, None, None
        return current

    for el in elements:
        text = normalise_space(el.text)
        if el.kind == "heading":
            while stack and stack[-1][0] >= el.level:
                stack.pop()
            stack.append((el.level, text, None))
            current = None
            lead_in, list_para = None, None
            continue
        if el.kind == "grade":
            if stack and stack[-1][2] is None:
                level, heading, _ = stack[-1]
                stack[-1] = (level, heading, as_grade(text) or text)
                path = tuple(h for _, h, _ in stack)
                lines[path] = GradeLine(stack[-1][2] or text, text, el.start, el.end, el.page, el.page_label)
                if current is not None and current.path == path:
                    current.grade = stack[-1][2]
                    current.grade_line = lines[path]
            continue
        if el.kind not in ("paragraph", "bullet") or not text:
            continue
        section = current or open_section()
        if el.kind == "paragraph":
            paragraph += 1
            block = Block(
                "paragraph", text, el.start, el.end, paragraph, page=el.page, page_label=el.page_label
            )
            section.blocks.append(block)
            lead_in = block if text.endswith(":") else None
            list_para = None
            continue
        if list_para is None:
            if lead_in is not None:
                list_para = lead_in.paragraph
            else:
                paragraph += 1
                list_para = paragraph
            bullet = 0
        bullet += 1
        section.blocks.append(
            Block(
                "bullet",
                text,
                el.start,
                el.end,
                list_para,
                bullet=bullet,
                lead_in=lead_in.text if lead_in is not None else None,
                page=el.page,
                page_label=el.page_label,
            )
        )
    return tuple(Section(s.path, s.grade, tuple(s.blocks), s.grade_line) for s in sections if s.blocks)

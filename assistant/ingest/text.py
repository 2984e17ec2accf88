"""Plain-text reports, such as a text scrape of an HMICFRS report web page.

Blocks are runs of non-blank lines; a line starting with a bullet marker starts a bullet item
(indented lines after it continue the item). Each block is then classified:

* web boilerplate ("Skip to content", "Back to top", cookie banners) is dropped;
* the first remaining block is the title;
* "Last updated 22/03/2018" / "Published ..." are metadata, not passages;
* a block that is exactly a grade ("Requires improvement") is a grade line;
* a single short line with no closing punctuation, or ending in "?", is a heading. Question
  headings ("How effective is the force at ...?") are level 1, as in PEEL reports; other
  headings ("Areas for improvement") sit one level below the question they follow;
* everything else is a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.ingest.limits import Limits
from assistant.ingest.lines import classify_paragraph, is_boilerplate
from assistant.ingest.structure import Element, normalise_space

BULLET = re.compile(r"^[ \t]*(?:[•●▪◦‣∙·*–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]+")
HEADING_MAX_CHARS = 200
HEADING_MAX_WORDS = 30


def looks_like_heading(text: str) -> bool:
    """A short line without closing punctuation, or a question line."""
    text = normalise_space(text)
    if not text or len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
        return False
    if text.endswith("?"):
        return True
    return text[-1] not in ".:;,!)\"'’”" and (text[0].isupper() or text[0].isdigit())


def _stands_alone(line: str) -> bool:
    """Lines that are never part of a paragraph even without blank lines around them."""
    found = classify_paragraph(line)
    return found is None or found[0] != "paragraph"


def _blocks(text: str) -> Iterator[tuple[bool, int, int]]:
    """Yield ``(is_bullet, start, end)`` for each block; ``start`` skips any bullet marker."""
    block: tuple[bool, int, int] | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        stripped = line.strip()
        if not stripped:
            if block:
                yield block
            block = None
            continue
        content_start = line_start + len(line) - len(line.lstrip())
        content_end = line_start + len(line.rstrip())
        marker = BULLET.match(line)
        if _stands_alone(stripped):
            if block:
                yield block
            yield (False, content_start, content_end)
            block = None
        elif marker:
            if block:
                yield block
            block = (True, min(line_start + marker.end(), content_end), content_end)
        elif block and (not block[0] or line[:1].isspace()):
            block = (block[0], block[1], content_end)
        else:
            if block:
                yield block
            block = (False, content_start, content_end)
    if block:
        yield block


def parse_text(text: str, limits: Limits | None = None) -> list[Element]:
    """Classify the blocks of a plain-text report (see module docstring); stop past ``limits.blocks``."""
    limits = limits or Limits()
    elements: list[Element] = []
    have_title = False
    in_question = False
    for is_bullet, start, end in _blocks(text):
        limits.check_blocks(len(elements))
        body = text[start:end]
        if is_boilerplate(body):
            continue
        single_line = "\n" not in body.strip()
        if not have_title and not is_bullet:
            elements.append(Element("title", body, start, end))
            have_title = True
            continue
        found = classify_paragraph(body) if single_line else None
        if found is not None and found[0] in ("updated", "published"):
            elements.append(Element(found[0], found[1], start, end))
        elif is_bullet:
            elements.append(Element("bullet", body, start, end))
        elif found is not None and found[0] == "grade":
            elements.append(Element("grade", body, start, end))
        elif single_line and looks_like_heading(body):
            question = normalise_space(body).endswith("?")
            level = 1 if question or not in_question else 2
            in_question = question or (in_question and level == 2)
            elements.append(Element("heading", body, start, end, level=level))
        else:
            elements.append(Element("paragraph", body, start, end))
    limits.check_blocks(len(elements))
    return elements

"""PDF reports -> elements, with pdfplumber (MIT; text lines with positions and fonts).

1. **Lines** of every page, with font size and weight (the size most of a line's characters
   have; bold when most are bold).
2. **Page furniture**: in the top and bottom tenth of a page, a line that is only a page
   number ("7", "Page 7", "7 of 40", "vii"), or whose text (digits aside) recurs on at least
   30% of the pages (a running header or footer), is dropped. The page's printed number is
   that page-number line, or the number at either end of a running line when it changes from
   page to page; a page without one is cited by its physical number.
3. **Blocks**: a line continues the block above it when it has the same font, follows at the
   document's usual line pitch for that font (a gap over 1.25 pitches starts a new block),
   does not start with a bullet marker and, in a list item, is indented past the marker. At
   a page break, the first line on the next page continues the last block when both are body
   text and that block did not end a sentence (or the line starts in lower case): a paragraph
   running over a page break is one block, cited by the page where it starts.
4. **Hyphens** at line ends: before a lower-case letter the hyphen is kept when the document
   uses the hyphenated word (or both halves are words it uses) more than the joined word;
   otherwise the word is re-joined. Soft hyphens always join.
5. **Kinds**: the largest text on the first page is the title; text larger than body text, or
   bold short lines, are headings nested by size; grade lines, dates, bullets and paragraphs
   as in every format.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant.errors import IngestError
from assistant.ingest.blocks import ElementBuilder, rank_levels
from assistant.ingest.limits import Limits
from assistant.ingest.lines import classify_paragraph
from assistant.ingest.pdf_read import NO_TEXT, Line, read_lines
from assistant.ingest.structure import Parsed, normalise_space
from assistant.ingest.text import looks_like_heading

MARGIN = 0.10
REPEAT_SHARE = 0.30
GAP_FACTOR = 1.25
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
EDGE_NUMBER = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")
BULLET = re.compile(
    r"^(?:\(cid:\d+\)|[\ue000-\uf8ff•●▪◦‣∙·■□►➢✓]|[-–—*]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)\s*"
)
SENTENCE_END = re.compile(r"[.!?:][’”'\")\]]*$")
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


@dataclass
class Block:
    lines: list[Line]
    bullet: bool
    text: str = ""

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def bold(self) -> bool:
        return self.lines[0].bold


@dataclass
class Vocabulary:
    """Words the document uses, to decide whether a line-end hyphen belongs to the word."""

    words: Counter[str] = field(default_factory=Counter)
    compounds: Counter[str] = field(default_factory=Counter)
    fragments: Counter[str] = field(default_factory=Counter)

    def keep_hyphen(self, head: str, tail: str) -> bool:
        head, tail = head.lower(), tail.lower()
        hyphenated, joined = f"{head}-{tail}", head + tail
        if self.compounds[hyphenated] != self.words[joined]:
            return self.compounds[hyphenated] > self.words[joined]
        return all(len(w) > 1 and self.words[w] > self.fragments[w] for w in (head, tail))


def furniture(pages: list[list[Line]], heights: list[float]) -> tuple[list[set[int]], list[str | None]]:
    """Indexes of running-header/footer and page-number lines per page, and printed page labels."""
    candidates: list[tuple[int, int, str]] = []
    pages_of: dict[str, set[int]] = defaultdict(set)
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            in_margin = line.top < MARGIN * heights[p] or line.top > (1 - MARGIN) * heights[p]
            if in_margin and (i < 3 or i >= len(lines) - 3):
                key = re.sub(r"\d+", "#", line.text.lower())
                candidates.append((p, i, key))
                pages_of[key].add(p)
    repeats = max(2, math.ceil(REPEAT_SHARE * len(pages)))
    drop: list[set[int]] = [set() for _ in pages]
    labels: list[str | None] = [None] * len(pages)
    numbers: dict[str, dict[int, str]] = defaultdict(dict)
    for p, i, key in candidates:
        text = pages[p][i].text
        if m := PAGE_NUMBER.match(text):
            drop[p].add(i)
            labels[p] = labels[p] or m.group(1)
        elif len(pages_of[key]) >= repeats:
            drop[p].add(i)
            if m := EDGE_NUMBER.search(text):
                numbers[key][p] = m.group(1) or m.group(2)
    for by_page in numbers.values():
        if len(set(by_page.values())) > 1:  # changes from page to page: a page number
            for p, number in by_page.items():
                labels[p] = labels[p] or number
    return drop, labels


def _pitches(lines: list[Line]) -> dict[float, float]:
    """The usual distance from one line's top to the next within a block, per font size."""
    seen: dict[float, Counter[float]] = defaultdict(Counter)
    for a, b in itertools.pairwise(lines):
        pitch = b.top - a.top
        if a.page == b.page and a.size == b.size and 0.8 * a.size < pitch < 2.5 * a.size:
            seen[a.size][round(pitch * 2) / 2] += 1
    return {size: counts.most_common(1)[0][0] for size, counts in seen.items()}


def _stands_alone(text: str) -> bool:
    found = classify_paragraph(text)
    return found is not None and found[0] != "paragraph"


def _continues(block: Block, line: Line, pitches: dict[float, float], body: float) -> bool:
    last = block.lines[-1]
    if line.size != last.size or line.bold != last.bold or BULLET.match(line.text):
        return False
    if _stands_alone(line.text) or (len(block.lines) == 1 and _stands_alone(last.text)):
        return False
    if block.bullet and line.x0 <= block.lines[0].x0 + 1:
        return False
    if line.page != last.page:
        body_text = abs(line.size - body) < 0.6
        ends = SENTENCE_END.search(last.text) is not None
        return body_text and line.page == last.page + 1 and (not ends or line.text[:1].islower())
    pitch = pitches.get(line.size, line.size * 1.2)
    if line.top - last.top > pitch * GAP_FACTOR:
        return False
    return not (line.x0 > last.x0 + 10 and SENTENCE_END.search(last.text) and not block.bullet)


def _blocks(lines: list[Line], body: float) -> list[Block]:
    pitches = _pitches(lines)
    blocks: list[Block] = []
    for line in lines:
        if blocks and _continues(blocks[-1], line, pitches, body):
            blocks[-1].lines.append(line)
        else:
            blocks.append(Block([line], bullet=bool(BULLET.match(line.text))))
    return blocks


def _vocabulary(lines: list[Line]) -> Vocabulary:
    vocab = Vocabulary()
    for a, b in zip(lines, [*lines[1:], None], strict=True):
        vocab.words.update(w.lower() for w in _WORD.findall(a.text))
        vocab.compounds.update(w.lower() for w in _COMPOUND.findall(a.text))
        if b is not None and a.text.endswith("-") and (head := _WORD.findall(a.text)):
            vocab.fragments[head[-1].lower()] += 1
            if tail := _WORD.findall(b.text):
                vocab.fragments[tail[0].lower()] += 1
    return vocab


def join_lines(texts: list[str], vocab: Vocabulary) -> str:
    """Lines of one block -> its text, re-joining words hyphenated across lines (see module doc)."""
    out = texts[0]
    for nxt in texts[1:]:
        if out.endswith("\u00ad"):
            out = out[:-1] + nxt
        elif out.endswith("-") and len(out) > 1 and out[-2].isalnum():
            head = _WORD.findall(out)
            tail = _WORD.findall(nxt)
            starts_lower = nxt[:1].islower()
            if starts_lower and head and tail and not vocab.keep_hyphen(head[-1], tail[0]):
                out = out[:-1] + nxt
            else:
                out += nxt
        else:
            out += " " + nxt
    return out


def _sane_title(value: object) -> str | None:
    text = normalise_space(str(value or ""))
    if len(text) < 4 or re.search(r"\.(docx?|pdf|indd|pptx?)$|^microsoft word|^untitled", text, re.I):
        return None
    return text


def parse_pdf(data: bytes, name: str, limits: Limits) -> Parsed:
    """Parse a PDF report (see module docstring), stopping at ``limits`` (see :mod:`.pdf_read`)."""
    pages, heights, info = read_lines(data, name, limits)
    drop, labels = furniture(pages, heights)
    lines = [line for p, page in enumerate(pages) for i, line in enumerate(page) if i not in drop[p]]
    text_chars = sum(len("".join(_WORD.findall(line.text))) for line in lines)
    if text_chars < 20:
        raise IngestError(name, f"{NO_TEXT} (its pages are images, e.g. a scan; add a PDF with a text layer)")
    if sum(line.text.count("(cid:") for line in lines) > text_chars / 10:
        raise IngestError(name, f"{NO_TEXT} (its fonts have no Unicode map, so the text cannot be decoded)")
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    blocks = _blocks(lines, body)
    vocab = _vocabulary(lines)
    for block in blocks:
        texts = [line.text for line in block.lines]
        if block.bullet:
            texts[0] = BULLET.sub("", texts[0], count=1)
        block.text = join_lines(texts, vocab)
    first_page = min((b.lines[0].page for b in blocks), default=0)
    largest = max((b.size for b in blocks if b.lines[0].page == first_page), default=body)
    title = next((b for b in blocks if b.lines[0].page == first_page and b.size == largest), None)
    if title is not None and title.size < body * 1.25:
        title = None

    def is_heading(b: Block) -> bool:
        if b is title or b.bullet or _stands_alone(b.text):
            return False
        bigger = b.size >= body + 0.8
        return bigger or (
            b.bold and b.size >= body - 0.6 and len(b.lines) <= 3 and looks_like_heading(b.text)
        )

    heading_rank = {id(b): -b.size + (0 if b.bold else 0.25) for b in blocks if is_heading(b)}
    levels = rank_levels(heading_rank.values())
    out = ElementBuilder(limits)
    for block in blocks:
        page = block.lines[0].page
        label = labels[page] or str(page + 1)
        if block is title:
            out.add("title", block.text)
        elif id(block) in heading_rank:
            level = levels[heading_rank[id(block)]]
            out.add("heading", block.text, level=level, page=page + 1, page_label=label)
        else:
            out.add_paragraph(block.text, bullet=block.bullet, page=page + 1, page_label=label)
    return out.parsed({"title": _sane_title(info.get("Title"))})

"""A passage on its PDF page: where its lines are, and the page drawn with them highlighted.

The index knows the physical page a passage starts on, not where on it. So the passage is found
again among the page's characters, read exactly as the PDF parser reads them (pdfplumber's text
lines, upright characters only), and compared by their *skeleton*: letters and digits only,
compatibility-normalised (a ligature "ﬁ" is "fi") and lower-cased. That ignores what the parser
changed -- spaces, line-end hyphens it re-joined, bullet markers it removed -- while keeping
every character's position. A passage running over a page break is matched as far as it goes on
its first page and continued on the next ones (at most :data:`MAX_PAGES`).

The page is drawn by pypdfium2 (PDFium, which pdfplumber's page images use; on this machine,
nothing is fetched) and each matched line gets a translucent box. Pages read and drawn are kept
in small caches keyed by the file's size and time, so a changed file is read afresh.
"""

from __future__ import annotations

import functools
import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.context import PassageContext
from assistant.errors import NotFoundError, StoreError
from assistant.store import find_report
from assistant.store.load import LoadedIndex

MAX_PAGES = 3
MIN_MATCH = 24
"""Skeleton characters a partial match must have: fewer could be a chance repeat elsewhere."""
IMAGE_WIDTH = 900
"""Pixels across a rendered page: legible in a card beside the chat, ~60-150 KB as a PNG."""
FILL = (255, 200, 0, 90)
STROKE = (214, 120, 0)
PAD = 1.0

Box = tuple[float, float, float, float]
"""``(x0, top, x1, bottom)`` in PDF points from the page's top-left corner (pdfplumber's frame)."""


@dataclass(frozen=True)
class PageMark:
    """The lines of a passage on one page."""

    page: int
    """Physical page number, from 1."""
    width: float
    height: float
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Located:
    """Where a passage is in its PDF: one :class:`PageMark` per page it is on (may be none)."""

    marks: tuple[PageMark, ...]
    complete: bool
    """Whether all of the passage was found (False: only its start, or nothing)."""


def skeleton(chars: Iterable[str]) -> tuple[str, list[int]]:
    """Letters and digits of ``chars`` (NFKC, lower case), and for each the index of the char it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(chars):
        for c in unicodedata.normalize("NFKC", ch):
            if c.isalnum():
                out.append(c.lower())
                where.append(i)
    return "".join(out), where


def longest_prefix(haystack: str, needle: str) -> tuple[int, int]:
    """``(position, length)`` of the longest prefix of ``needle`` found in ``haystack`` (first place).

    If a prefix occurs, so do all shorter ones, so the length is found by bisection.
    """
    lo, hi = 0, len(needle)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if needle[:mid] in haystack:
            lo = mid
        else:
            hi = mid - 1
    return (haystack.find(needle[:lo]) if lo else -1), lo


def line_boxes(lines: Sequence[int], boxes: Sequence[Box], chosen: Iterable[int]) -> tuple[Box, ...]:
    """One box per text line around the ``chosen`` characters on it (``lines[i]``: char i's line)."""
    per_line: dict[int, Box] = {}
    for i in chosen:
        x0, top, x1, bottom = boxes[i]
        old = per_line.get(lines[i])
        if old is not None:
            x0, top, x1, bottom = min(old[0], x0), min(old[1], top), max(old[2], x1), max(old[3], bottom)
        per_line[lines[i]] = (x0, top, x1, bottom)
    return tuple((b[0] - PAD, b[1] - PAD, b[2] + PAD, b[3] + PAD) for _, b in sorted(per_line.items()))


def trailing_marks(texts: Sequence[str], lines: Sequence[int], boxes: Sequence[Box], last: int) -> list[int]:
    """The punctuation right after char ``last`` ("by:", "properly;", a line-end hyphen), which the
    skeleton leaves out but the highlight should not: the following non-space characters on its
    line, with no gap between them, up to the next letter or digit."""
    out = []
    for i in range(last + 1, len(texts)):
        touching = boxes[i][0] - boxes[i - 1][2] < 1.0
        blank = not texts[i].strip()
        letter = any(c.isalnum() for c in unicodedata.normalize("NFKC", texts[i]))
        if lines[i] != lines[last] or not touching or blank or letter:
            break
        out.append(i)
    return out


@dataclass(frozen=True)
class PageText:
    """A page's characters in the PDF parser's reading order, each with its line and box."""

    texts: tuple[str, ...]
    lines: tuple[int, ...]
    boxes: tuple[Box, ...]
    width: float
    height: float


FileStamp = tuple[str, int, int]
"""``(path, size, mtime_ns)``: what the caches below are keyed by, so a changed file is read again."""


def stamp(pdf: Path) -> FileStamp:
    st = pdf.stat()
    return str(pdf), st.st_size, st.st_mtime_ns


@functools.lru_cache(maxsize=64)
def page_text(file: FileStamp, page: int) -> PageText:
    """Page ``page`` (from 1) of the file, read as the PDF parser reads it (upright characters only).

    Reading a page's characters is most of the time a "Show in report" takes, and cards of one
    answer often sit on the same pages, so the last 64 pages read are kept.
    """
    import pdfplumber

    texts: list[str] = []
    lines: list[int] = []
    boxes: list[Box] = []
    with pdfplumber.open(file[0]) as doc:
        p = doc.pages[page - 1]
        upright = p.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
        for n, line in enumerate(upright.extract_text_lines(return_chars=True, strip=True)):
            for c in line.get("chars", ()):
                texts.append(str(c.get("text", "")))
                lines.append(n)
                boxes.append((float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])))
        return PageText(tuple(texts), tuple(lines), tuple(boxes), float(p.width), float(p.height))


@functools.lru_cache(maxsize=64)
def page_count(file: FileStamp) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(file[0])
    try:
        return len(doc)
    finally:
        doc.close()


@functools.lru_cache(maxsize=8)
def page_picture(file: FileStamp, page: int, width: int) -> Any:
    """Page ``page`` drawn ``width`` pixels across (an RGB PIL image; the last 8 are kept)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(file[0])
    try:
        pdf_page = doc[page - 1]
        return pdf_page.render(scale=width / pdf_page.get_width()).to_pil().convert("RGB")
    finally:
        doc.close()


def locate(pdf: Path, page: int, text: str) -> Located:
    """Find ``text`` in ``pdf`` from physical ``page`` (from 1) on (see the module docstring)."""
    file = stamp(pdf)
    pages = page_count(file)
    if not 1 <= page <= pages:
        raise NotFoundError(f"{pdf.name} has {pages} pages, not a page {page}")
    wanted, _ = skeleton(text)
    marks: list[PageMark] = []
    for number in range(page, min(page + MAX_PAGES, pages + 1)):
        if not wanted:
            break
        p = page_text(file, number)
        hay, where = skeleton(p.texts)
        at, length = longest_prefix(hay, wanted)
        if length < min(MIN_MATCH, len(wanted)):
            break
        chosen = sorted({where[k] for k in range(at, at + length)})
        ends = [i for i, j in itertools.pairwise([*chosen, -1]) if j < 0 or p.lines[j] != p.lines[i]]
        chosen += [k for i in ends for k in trailing_marks(p.texts, p.lines, p.boxes, i)]
        marks.append(PageMark(number, p.width, p.height, line_boxes(p.lines, p.boxes, chosen)))
        wanted = wanted[length:]
    return Located(tuple(marks), complete=bool(marks) and not wanted)


def render_page(pdf: Path, mark: PageMark, width: int = IMAGE_WIDTH) -> bytes:
    """Page ``mark.page`` of ``pdf`` as a PNG ``width`` pixels across, ``mark.boxes`` highlighted."""
    from PIL import Image, ImageDraw

    base = page_picture(stamp(pdf), mark.page, width)
    scale = base.width / mark.width
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, top, x1, bottom in mark.boxes:
        draw.rectangle((x0 * scale, top * scale, x1 * scale, bottom * scale), fill=FILL, outline=STROKE)
    image = Image.alpha_composite(base.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


def report_file(corpus: Path, relative: str, size: int, mtime_ns: int) -> Path:
    """The indexed report file, if it is still the one indexed; else a :class:`StoreError` saying so.

    A page image of a file changed since indexing would highlight the wrong lines, or none.
    """
    path = (corpus / relative).resolve()
    if not path.is_relative_to(corpus.resolve()):
        raise StoreError(f"{relative} is outside the corpus folder {corpus}")
    try:
        stat = path.stat()
    except OSError:
        raise StoreError(
            f"the report file {path} is gone since it was indexed; run `assistant index` to update the index"
        ) from None
    if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
        raise StoreError(
            f"the report file {path} has changed since it was indexed; "
            "run `assistant index` to update the index"
        )
    return path


@dataclass(frozen=True)
class PdfView:
    """A passage's pages in its PDF: the file, where the passage is, and the printed page numbers."""

    file: Path
    located: Located
    labels: dict[int, str]
    """Printed page number (label) of each physical page the passage is on, where the index knows it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "complete": self.located.complete,
            "pages": [
                {
                    "page": m.page,
                    "page_label": self.labels.get(m.page),
                    "width": m.width,
                    "height": m.height,
                    "boxes": [[round(v, 2) for v in box] for box in m.boxes],
                }
                for m in self.located.marks
            ],
        }


def pdf_view(index: LoadedIndex, corpus: Path, ctx: PassageContext) -> PdfView:
    """Find the passage of ``ctx`` (of a PDF report in ``corpus``) on its pages.

    The manifest says where the file is and its size and time when it was indexed; the
    section's other passages give the printed numbers of the pages the passage runs on to.
    """
    passage = ctx.passage
    if ctx.report.format != "pdf" or passage.page is None:
        raise NotFoundError(f"passage {passage.id} is not from a PDF page, so there is no page to show")
    entry = find_report(list(index.manifest.reports), passage.report_id)
    path = report_file(corpus, entry.path, entry.size, entry.mtime_ns)
    known = (*ctx.section, passage)
    labels = {p.page: p.page_label for p in known if p.page is not None and p.page_label is not None}
    try:
        located = locate(path, passage.page, passage.text)
    except NotFoundError:
        raise
    except Exception as exc:  # pdfminer and pypdfium2 raise many types on a damaged file
        raise StoreError(f"the PDF {path.name} cannot be read now ({type(exc).__name__}: {exc})") from None
    return PdfView(path, located, labels)

"""Word (.docx) reports -> elements, with python-docx.

The body is read in order, paragraphs and tables alike; page headers and footers are separate
parts of the file and are not read. Paragraph styles say what each block is:

* ``Title`` is the title (else the document's core-properties title is used);
* ``Heading N`` (or a paragraph style with an outline level) is a heading, nested by rank;
* ``List ...`` styles, or any paragraph with list numbering, are bullets;
* a table row is one paragraph with its cells joined by `` | ``;
* everything else is a paragraph (grade lines and dates are recognised as in every format).

Before python-docx reads it, every part of the zip is inflated as a stream and counted
against the file's limits (per part and in all; the sizes the zip declares are not
trusted), and ``word/document.xml`` is counted as it inflates (:mod:`.scan`): its elements,
its paragraphs and table rows with text, and its text, stopping at the first limit passed.
Only a file within every limit is then read in full.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from assistant.errors import IngestError
from assistant.ingest.blocks import ElementBuilder, rank_levels
from assistant.ingest.limits import Inflation, Limits
from assistant.ingest.scan import CHUNK, MarkupCounter, count_markup
from assistant.ingest.structure import Parsed

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLOCKS = frozenset({f"{_W}p", f"{_W}tr"})
_TEXT = frozenset({f"{_W}t"})


def _style_chain(paragraph: Any) -> list[Any]:
    style: Any = paragraph.style
    chain: list[Any] = []
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _heading_level(paragraph: Any) -> int | None:
    """``Heading 2`` -> 2; a style based on a heading, or with an outline level, counts too."""
    for style in _style_chain(paragraph):
        if m := _HEADING_STYLE.match(style.name or ""):
            return int(m.group(1))
    for element in (paragraph._p.pPr, *(s.element.pPr for s in _style_chain(paragraph))):
        level = element.find(_qn("w:outlineLvl")) if element is not None else None
        if level is not None and str(level.get(_qn("w:val"))).isdigit() and int(level.get(_qn("w:val"))) < 9:
            return int(level.get(_qn("w:val"))) + 1
    return None


def _is_list_item(paragraph: Any) -> bool:
    if any((s.name or "").lower().startswith("list") for s in _style_chain(paragraph)):
        return True
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.numPr is not None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    result: str = qn(tag)
    return result


def _inflated(part: IO[bytes], inflation: Inflation) -> Iterator[bytes]:
    """The part's bytes as they inflate, each chunk counted against the file's limits."""
    size = 0
    while chunk := part.read(CHUNK):
        size += len(chunk)
        inflation.add(len(chunk), size)
        yield chunk


def _check_parts(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Inflate every part as a stream within the limits; count the document's XML as it inflates.

    The document's blocks are its paragraphs and table rows with text (as :func:`parse_docx`
    reads them); its text is that of its ``w:t`` runs. Entities are never expanded.
    """
    from lxml import etree

    parts = archive.infolist()
    limits.check_objects(len(parts), "parts in its zip")
    inflation = Inflation(limits)
    for info in parts:
        with archive.open(info) as part:
            chunks = _inflated(part, inflation)
            if info.filename == "word/document.xml":
                counter = MarkupCounter(limits, "XML elements", _BLOCKS, text_in=_TEXT)
                count_markup(
                    lambda target: etree.XMLParser(
                        target=target, resolve_entities=False, no_network=True, huge_tree=False
                    ),
                    counter,
                    chunks,
                )
            else:
                for _chunk in chunks:
                    pass


def parse_docx(data: bytes, name: str, limits: Limits) -> Parsed:
    """Parse a Word document (see module docstring)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive, limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as exc:
        raise IngestError(name, f"is not a readable Word document ({type(exc).__name__}: {exc})") from None
    except etree.XMLSyntaxError as exc:
        raise IngestError(name, f"is not a readable Word document (XMLSyntaxError: {exc})") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged zip or XML raises many types
        raise IngestError(name, f"is not a readable Word document ({type(exc).__name__}: {exc})") from None
    body = document.element.body
    blocks: list[Any] = []
    for child in body.iterchildren():
        if child.tag == _qn("w:p"):
            blocks.append(Paragraph(child, document))
        elif child.tag == _qn("w:tbl"):
            blocks.append(Table(child, document))
    raw_levels = {id(b): _heading_level(b) for b in blocks if isinstance(b, Paragraph)}
    levels = rank_levels(level for level in raw_levels.values() if level is not None)
    out = ElementBuilder(limits)
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each text once
                    if cell.text.strip() and cell.text not in cells:
                        cells.append(cell.text)
                out.add_paragraph(" | ".join(cells))
            continue
        text = block.text
        style = (block.style.name or "").lower() if block.style is not None else ""
        if style == "title" and not out.has_title():
            out.add("title", text)
        elif (level := raw_levels[id(block)]) is not None:
            out.add("heading", text, level=levels[level])
        else:
            out.add_paragraph(text, bullet=_is_list_item(block))
    props = document.core_properties
    return out.parsed({"title": (props.title or "").strip()})

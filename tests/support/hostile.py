"""Hostile report files made on the spot (issue 13's reproductions), for tests and benchmarks.

Each is small on disk and large once read: a PDF whose one content stream inflates to many
megabytes of spaces, a PDF of thousands of pages, a Word file whose zipped XML inflates to
hundreds of thousands of paragraphs, web pages and Markdown with more blocks or text than any
report. The PDF writer below writes the objects by hand, so a file of any size takes only as
long as zlib does.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

_TEXT = b"BT /F1 11 Tf 72 400 Td (This page of the report says very little at all.) Tj ET\n"
SENTENCE = "The force is making progress but there is more to do to protect vulnerable people."


def _deflate_repeated(head: bytes, chunk: bytes, times: int) -> bytes:
    """zlib data of ``head + chunk * times``, made in the time of compressing ``chunk`` once.

    After a full flush the compressor forgets what came before, so every further copy of
    ``chunk`` compresses to the same bytes: they are written ``times`` times, then the end of the
    stream and the checksum of the whole.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    copy = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.adler32(head)
    for _ in range(times):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + start + copy * times + b"\x03\x00" + checksum.to_bytes(4, "big")


def _stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(body), extra, body)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object ``n`` (1-based) is ``objects[n - 1]``; object 1 must be the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _pages_pdf(contents: list[bytes]) -> bytes:
    """One page per content stream (already a complete stream object), with a Helvetica font."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (first_page + 2 * i + 1)
        )
        objects.append(content)
    return _pdf(objects)


def deflated_spaces(mb: int) -> bytes:
    """zlib data of ``mb`` MB of spaces (~1 KB per MB), made without holding the spaces."""
    return _deflate_repeated(b"", b" " * 1_000_000, mb)


def inflating_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MB of spaces (~1 MB per GB on disk)."""
    body = _deflate_repeated(_TEXT, b" " * 1_000_000, inflated_mb)
    return _pages_pdf([_stream(body, b"/Filter /FlateDecode ")])


def filtered_pdf(filter_name: str, body: bytes) -> bytes:
    """A one-page PDF with a line of text, then more content ``body`` behind the filter ``filter_name``
    (e.g. LZWDecode)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents [5 0 R 6 0 R] >>",
        _stream(_TEXT),
        _stream(body, b"/Filter /%s " % filter_name.encode()),
    ]
    return _pdf(objects)


def run_length_spaces(count: int) -> bytes:
    """RunLengthDecode data of about ``count`` spaces: 2 bytes for every 128 (a 64:1 expansion)."""
    return b"\x81 " * (count // 128) + b"\x80"


def _width(table: int) -> int:
    """Code width the reader uses with ``table`` entries (PDF LZW, EarlyChange 1)."""
    return 9 if table < 511 else 10 if table < 1023 else 11 if table < 2047 else 12


def lzw_spaces(count: int) -> bytes:
    """LZWDecode data of ``count`` spaces, as pdfminer reads it: runs of 1, 2, 3 ... spaces, each a
    new table entry, with a clear code before the table fills (about 1,000:1)."""
    bits: list[str] = []
    table = left = 0

    def put(code: int) -> None:
        bits.append(format(code, f"0{_width(table)}b"))

    left, run, table = count, 0, 258
    put(256)
    while left:
        run = min(run + 1, left)
        put(32 if run == 1 else 258 + run - 2)
        left -= run
        if run > 1:
            table += 1
        if table >= 4000:  # start a new table before codes outgrow 12 bits
            put(256)
            table, run = 258, 0
    put(257)
    text = "".join(bits)
    text += "0" * (-len(text) % 8)
    return int(text, 2).to_bytes(len(text) // 8, "big")


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages, each with one line of text (8,000 pages is ~4 MB, as in the issue)."""
    return _pages_pdf([_stream(_TEXT)] * pages)


def many_streams_pdf(streams: int, inflated_mb: int) -> bytes:
    """``streams`` pages, each of whose content streams inflates to ``inflated_mb`` MB (under a per-stream
    limit one by one, over a per-file limit together)."""
    body = _deflate_repeated(_TEXT, b" " * 1_000_000, inflated_mb)
    return _pages_pdf([_stream(body, b"/Filter /FlateDecode ")] * streams)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)


def _document_xml(paragraphs: Iterable[str]) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    yield f'<w:document xmlns:w="{_W}"><w:body>'.encode()
    for text in paragraphs:
        yield f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
    yield b"</w:body></w:document>"


def docx_of(paragraphs: Iterable[str], extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document holding ``paragraphs`` (plus any ``extra`` parts), written as it streams."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for piece in _document_xml(paragraphs):
                part.write(piece)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def inflating_docx(paragraphs: int) -> bytes:
    """A Word document of ``paragraphs`` ordinary paragraphs (188,660: ~110 KB zipped, ~22 MB of XML)."""
    return docx_of(f"{SENTENCE} ({i % 7})" for i in range(paragraphs))


def docx_with_big_part(inflated_mb: int) -> bytes:
    """A small, valid Word document carrying an extra part that inflates to ``inflated_mb`` MB of zeros."""
    return docx_of(
        ["A Word report with one ordinary paragraph."],
        {"word/media/image1.bin": bytes(inflated_mb * 1_000_000)},
    )


def entity_bomb_docx(levels: int = 9) -> bytes:
    """A Word document whose XML declares entities nested ``levels`` deep, ten times each (a "billion
    laughs": expanded, the one reference would be 10**levels copies)."""
    entities = '<!ENTITY e0 "ha">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, levels + 1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{_W}"><w:body>'
        f"<w:p><w:r><w:t>A report that laughs &e{levels};</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>An ordinary paragraph of the report.</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def many_blocks_html(paragraphs: int) -> bytes:
    """A web page of ``paragraphs`` paragraphs."""
    body = "".join(f"<p>{SENTENCE} ({i % 7})</p>\n" for i in range(paragraphs))
    return f"<!DOCTYPE html><html><body><main><h1>Endless</h1>\n{body}</main></body></html>".encode()


def long_text_html(mb: int) -> bytes:
    """A web page of one paragraph of ``mb`` MB of words (one block, huge text)."""
    words = (SENTENCE + " ") * (mb * 1_000_000 // (len(SENTENCE) + 1))
    return f"<!DOCTYPE html><html><body><main><h1>Long</h1><p>{words}</p></main></body></html>".encode()


def many_elements_html(spans: int) -> bytes:
    """A web page of one paragraph made of ``spans`` tiny ``<span>`` elements."""
    spans_html = "<span>a</span>" * spans
    return f"<html><body><main><h1>Spans</h1><p>{spans_html}</p></main></body></html>".encode()


def many_blocks_markdown(items: int) -> bytes:
    """A Markdown file of ``items`` list items."""
    return ("# Endless\n\n" + "".join(f"- {SENTENCE} ({i % 7})\n" for i in range(items))).encode()


def emphasis_markdown(spans: int) -> bytes:
    """A Markdown file of one paragraph of ``spans`` emphasised letters: ~4 bytes each, but 4 tokens
    each once parsed (a million of them take ~2 GB to parse)."""
    return b"# Emphasis\n\n" + b"*a* " * spans


def many_blocks_text(paragraphs: int) -> bytes:
    """A plain-text file of ``paragraphs`` paragraphs."""
    return ("Endless\n\n" + "".join(f"{SENTENCE} ({i % 7})\n\n" for i in range(paragraphs))).encode()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path

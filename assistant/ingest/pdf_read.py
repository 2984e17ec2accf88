"""Reading a PDF's text lines with pdfplumber, within the file's :class:`Limits`.

pdfminer (under pdfplumber) inflates every stream it reads in one call and keeps the result.
Its decoders are replaced here, in this process only, by ones that count what each stream
inflates to against the limits of the file being read and stop at the limit, mid-stream:

* FlateDecode through :func:`assistant.ingest.limits.inflate` (and ``inflate_damaged`` for
  a stream with a bad checksum, pdfminer's fallback, which it joins byte by byte);
* LZWDecode and RunLengthDecode (up to ~2,700:1 and 128:1) as they decode;
* the ASCII filters (at most 4 bytes out per byte in) counted after decoding;
* CCITTFaxDecode, an image filter, yields nothing: text is never drawn by it, and its
  output would be as wide as the image claims.

Before reading any page, the objects in the cross-reference tables and the pages in the page
tree are counted (stopping one past the limit); each page's layout is dropped once its lines
are read, and the text read so far is counted after every page.
"""

from __future__ import annotations

import contextvars
import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from assistant.errors import IngestError
from assistant.ingest.limits import Inflation, LimitExceeded, Limits, inflate, inflate_damaged
from assistant.ingest.structure import normalise_space

NO_TEXT = "no extractable text — OCR is not supported"
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_INFLATION: contextvars.ContextVar[Inflation | None] = contextvars.ContextVar("pdf_inflation", default=None)


@dataclass(frozen=True)
class Line:
    page: int  # 0-based physical page
    top: float
    x0: float
    text: str
    size: float
    bold: bool


def _line(page: int, raw: dict[str, Any]) -> Line | None:
    chars = [c for c in raw.get("chars", ()) if str(c.get("text", "")).strip()]
    text = normalise_space(str(raw.get("text", "")))
    if not chars or not text:
        return None
    size = Counter(round(float(c["size"]) * 2) / 2 for c in chars).most_common(1)[0][0]
    bold = sum(1 for c in chars if BOLD.search(str(c.get("fontname", "")))) > 0.6 * len(chars)
    return Line(page, float(raw["top"]), float(raw["x0"]), text, size, bold)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes`` (which calls only these)."""

    def __init__(self, real: Any) -> None:
        self.error = real.error
        self.decompressobj = real.decompressobj
        self._real = real

    def decompress(self, data: bytes) -> bytes:
        inflation = _INFLATION.get()
        return self._real.decompress(data) if inflation is None else inflate(data, inflation)


def _counted(decode: Any) -> Any:
    """``decode`` with its output counted against the current file's limits (for filters of small ratio)."""

    def run(data: bytes, *args: Any) -> bytes:
        out: bytes = decode(data, *args)
        inflation = _INFLATION.get()
        if inflation is not None:
            inflation.add(len(out), len(out))
        return out

    return run


def _lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    inflation = _INFLATION.get()
    room = inflation.room() if inflation is not None else None
    parts, size = [], 0
    for part in LZWDecoder(io.BytesIO(data)).run():
        parts.append(part)
        size += len(part)
        if room is not None and size > room:
            break
    if inflation is not None:
        inflation.add(size, size)
    return b"".join(parts)


def _run_length(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5): a length byte n, then n + 1 literal bytes (n < 128) or one
    byte repeated 257 - n times (n > 128); 128 ends the data. Stops one byte past the limits."""
    inflation = _INFLATION.get()
    room = inflation.room() if inflation is not None else None
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128 and (room is None or len(out) <= room):
        n = data[i]
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
    if inflation is not None:
        inflation.add(len(out), len(out))
    return bytes(out)


def _no_image_data(data: bytes, params: Any) -> bytes:
    return b""


_installed = False


def install_bounded_decoders() -> None:
    """Replace pdfminer's stream decoders with the bounded ones above (once per process).

    Outside :func:`read_lines` (no file's limits set) they inflate as pdfminer's own do.
    """
    global _installed
    if _installed:
        return
    import zlib

    from pdfminer import pdftypes

    names = vars(pdftypes)  # the globals PDFStream.decode looks its decoders up in
    names.update(
        zlib=_BoundedZlib(zlib),
        decompress_corrupted=_bounded_damaged,
        lzwdecode=_lzw,
        rldecode=_run_length,
        ascii85decode=_counted(names["ascii85decode"]),
        asciihexdecode=_counted(names["asciihexdecode"]),
        ccittfaxdecode=_no_image_data,
    )
    _installed = True


def _bounded_damaged(data: bytes) -> bytes:
    inflation = _INFLATION.get()
    return inflate_damaged(data, inflation if inflation is not None else Inflation(Limits()))


def _count_objects(document: Any, limits: Limits) -> None:
    seen: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            seen.add(objid)
            if limits.objects and len(seen) > limits.objects:
                limits.check_objects(len(seen), "PDF objects")


def _count_pages(document: Any, limits: Limits) -> None:
    from pdfminer.pdfpage import PDFPage

    if not limits.pages:
        return
    for count, _page in enumerate(PDFPage.create_pages(document), 1):
        limits.check_pages(count)


def read_lines(
    data: bytes, name: str, limits: Limits
) -> tuple[list[list[Line]], list[float], dict[str, Any]]:
    """Every page's text lines, the page heights and the document properties, within ``limits``."""
    import pdfplumber

    install_bounded_decoders()
    inflation = Inflation(limits)
    token = _INFLATION.set(inflation)
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
        _count_objects(pdf.doc, limits)
        _count_pages(pdf.doc, limits)
        # Only now may pdfplumber list the pages. (Its close() would list them all, even for a file
        # refused for its page count: it is never called; each page read is closed, and the rest is
        # garbage once this returns.)
        pages: list[list[Line]] = []
        heights: list[float] = []
        chars = 0
        for page in pdf.pages:
            upright = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
            raw = upright.extract_text_lines(return_chars=True, strip=True)
            pages.append([line for r in raw if (line := _line(page.page_number - 1, r)) is not None])
            heights.append(float(page.height))
            page.close()  # its layout is not needed again: memory stays that of one page
            chars += sum(len(line.text) for line in pages[-1])
            limits.check_text(chars)
            inflation.raise_if_exceeded()
        inflation.raise_if_exceeded()
        return pages, heights, dict(pdf.metadata or {})
    except (LimitExceeded, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many types on damaged or protected files
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, LimitExceeded | MemoryError):
            raise cause from None
        inflation.raise_if_exceeded()  # a limit passed inside pdfminer, whose error it then replaced
        if type(cause).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
            raise IngestError(
                name, f"{NO_TEXT} (the PDF is encrypted with a password; add an unprotected copy)"
            ) from None
        raise IngestError(name, f"is not a readable PDF ({type(cause).__name__}: {cause})") from None
    finally:
        _INFLATION.reset(token)

"""Limits on what one report file may expand to, checked while it is read.

A file small on disk can be huge once read: a 1 MB PDF stream inflating to 1 GB of spaces, a
70 KB Word file holding 20 MB of paragraphs, thousands of pages, millions of elements. Each
parser checks these limits *as it goes*, so it stops at the limit instead of finding out
after the memory and time are spent (and :mod:`assistant.ingest.worker` runs it in a process
of its own with a memory and time limit, for whatever a check does not foresee):

* :class:`Limits` -- the limits (from the settings; 0 means no limit);
* :class:`LimitExceeded` -- raised deep inside a parser at the moment a limit is passed;
  :func:`assistant.ingest.formats.parse_format` turns it into an error naming the file;
* :class:`Inflation` -- the bytes one file's compressed parts have inflated to, per part and
  in all; :func:`inflate` inflates zlib data no further than it allows.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import astuple, dataclass

from assistant.settings import Settings

MB = 1_000_000
RAISE_IT = "raise it if this is a genuine report"


class LimitExceeded(Exception):
    """A file passed one of its :class:`Limits` while being read."""

    def __init__(self, what: str, setting: str) -> None:
        super().__init__(what)
        self.what = what
        self.setting = setting

    @property
    def reason(self) -> str:
        """What was too large and which setting allows more, as the end of a line naming the file."""
        return f"refused, as {self.what} (the limit, setting {self.setting}; {RAISE_IT})"


SETTINGS = (
    "max_stream_mb",
    "max_inflate_mb",
    "max_pages",
    "max_objects",
    "max_text_mb",
    "max_blocks",
    "parse_seconds",
    "parse_memory_mb",
)
"""The settings :meth:`Limits.from_settings` reads (flags of ``assistant index`` and ``add``)."""


@dataclass(frozen=True)
class Limits:
    """What one file may expand to while it is read; 0 (the default here) means no limit."""

    stream_bytes: int = 0
    file_bytes: int = 0
    pages: int = 0
    objects: int = 0
    text_chars: int = 0
    blocks: int = 0
    seconds: float = 0
    memory_bytes: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            stream_bytes=settings.max_stream_mb * MB,
            file_bytes=settings.max_inflate_mb * MB,
            pages=settings.max_pages,
            objects=settings.max_objects,
            text_chars=settings.max_text_mb * MB,
            blocks=settings.max_blocks,
            seconds=float(settings.parse_seconds),
            memory_bytes=settings.parse_memory_mb * 1024 * 1024,
        )

    def key(self) -> str:
        """A short text that changes when any limit does (recorded with a file refused under them)."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:12]

    @classmethod
    def defaults(cls) -> Limits:
        """The limits of the default settings."""
        return cls.from_settings(Settings())

    def check_pages(self, pages: int) -> None:
        if self.pages and pages > self.pages:
            raise LimitExceeded(f"it has more than {self.pages:,} pages", "max_pages")

    def check_objects(self, count: int, kind: str = "objects") -> None:
        if self.objects and count > self.objects:
            raise LimitExceeded(f"it holds more than {self.objects:,} {kind}", "max_objects")

    def check_text(self, chars: int) -> None:
        if self.text_chars and chars > self.text_chars:
            raise LimitExceeded(
                f"it holds more than {self.text_chars / MB:,.0f} million characters of text", "max_text_mb"
            )

    def check_blocks(self, blocks: int) -> None:
        if self.blocks and blocks > self.blocks:
            raise LimitExceeded(
                f"it holds more than {self.blocks:,} paragraphs, headings and list items", "max_blocks"
            )


class Inflation:
    """Counts what one file's compressed parts inflate to, against the per-part and per-file limits.

    The first limit passed is kept in :attr:`exceeded`, so a parser library that catches and
    ignores the exception cannot make the file pass: the caller checks it again at the end.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0
        self.exceeded: LimitExceeded | None = None

    def room(self) -> int | None:
        """The most one more part may inflate to (None: no limit)."""
        caps = []
        if self.limits.stream_bytes:
            caps.append(self.limits.stream_bytes)
        if self.limits.file_bytes:
            caps.append(max(0, self.limits.file_bytes - self.total))
        return min(caps) if caps else None

    def add(self, inflated: int, part_so_far: int) -> None:
        """Count ``inflated`` more bytes, of a part that has now inflated to ``part_so_far`` in all."""
        self.raise_if_exceeded()
        stream, whole = self.limits.stream_bytes, self.limits.file_bytes
        self.total += inflated
        if stream and part_so_far > stream:
            self.exceeded = LimitExceeded(
                f"a compressed part of it inflates to more than {stream / MB:,.0f} MB", "max_stream_mb"
            )
        elif whole and self.total > whole:
            self.exceeded = LimitExceeded(
                f"its compressed parts together inflate to more than {whole / MB:,.0f} MB", "max_inflate_mb"
            )
        self.raise_if_exceeded()

    def raise_if_exceeded(self) -> None:
        if self.exceeded is not None:
            raise self.exceeded


def _inflate_some(inflater: zlib._Decompress, data: bytes, room: int | None, size: int) -> bytes:
    """Feed ``data``; never more output than one byte past ``room`` for a part now ``size`` bytes."""
    return inflater.decompress(data) if room is None else inflater.decompress(data, room + 1 - size)


def inflate(data: bytes, inflation: Inflation) -> bytes:
    """``data`` (zlib format) inflated, stopping as soon as it passes the limits of ``inflation``.

    As :func:`zlib.decompress`: a damaged stream, or one that ends early, raises :class:`zlib.error`.
    """
    inflater = zlib.decompressobj()
    out = _inflate_some(inflater, data, inflation.room(), 0)
    inflation.add(len(out), len(out))
    if not inflater.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return out


def inflate_damaged(data: bytes, inflation: Inflation, step: int = 65536) -> bytes:
    """What ``data`` inflates to up to where it ends or is damaged, within the limits of ``inflation``.

    The rule of pdfminer's ``decompress_corrupted``, for streams whose checksum is wrong: damage
    within the last 3 bytes (the checksum) is forgiven, damage before them raises
    :class:`zlib.error`. Fed ``step`` bytes at a time (pdfminer feeds one byte at a time and
    joins the output quadratically); a step that fails is fed again byte by byte from a copy
    of the inflater to find where the damage is.
    """
    inflater = zlib.decompressobj()
    room = inflation.room()
    parts: list[bytes] = []
    size = 0
    for start in range(0, len(data), step):
        chunk = data[start : start + step]
        saved = inflater.copy()
        try:
            part = _inflate_some(inflater, chunk, room, size)
            parts.append(part)
            size += len(part)
        except zlib.error:
            inflater = saved
            for i in range(len(chunk)):
                try:
                    part = _inflate_some(inflater, chunk[i : i + 1], room, size)
                except zlib.error:
                    if start + i < len(data) - 3:
                        raise
                    break
                parts.append(part)
                size += len(part)
        if (room is not None and size > room) or inflater.eof:
            break
    out = b"".join(parts)
    inflation.add(len(out), len(out))
    return out

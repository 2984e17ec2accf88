"""A briefing note built from pinned passages, and its Markdown and DOCX exports (no UI here).

A :class:`Briefing` is an ordered list of :class:`Pin` s. Each pin is one passage -- quoted
exactly, never edited -- under a topic heading the user may change, with an optional note of
the user's own. Pins that follow each other under the same heading form one topic section.
Exports quote every passage verbatim, follow each quote with its full citation and the number
of its source, and end with the list of sources (one entry per report, in order of first use).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.records import Passage, ReportMeta

DEFAULT_TITLE = "Briefing note"
UNTITLED_TOPIC = "Untitled topic"
PROVENANCE = (
    "Quotations are exact extracts from the reports listed under Sources; "
    "headings and notes are the author's own."
)


@dataclass(frozen=True)
class Pin:
    """One pinned passage under a topic heading, with the user's optional note.

    ``before`` and ``after`` are the report's sentences just before and after the passage (in
    its section; "" at either end), kept from when it was pinned so an export can show them.
    """

    passage: Passage
    heading: str
    note: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Briefing:
    """Pinned passages in the user's order. Every change returns a new briefing."""

    title: str = DEFAULT_TITLE
    pins: tuple[Pin, ...] = ()
    context: bool = False
    """Export option: show the sentence before and after each quote (marked as context)."""
    footnotes: bool = False
    """Export option: in the Word file, cite in footnotes instead of a line under each quote."""

    def __len__(self) -> int:
        return len(self.pins)

    def has(self, passage_id: str) -> bool:
        return any(p.passage.id == passage_id for p in self.pins)

    def _at(self, passage_id: str) -> int:
        for i, p in enumerate(self.pins):
            if p.passage.id == passage_id:
                return i
        return -1

    def pin(
        self, passage: Passage, heading: str, around: tuple[str | None, str | None] = (None, None)
    ) -> Briefing:
        """Append ``passage`` under ``heading`` (``around``: the sentences before and after it);
        pinning a passage twice keeps the first pin."""
        if self.has(passage.id):
            return self
        pin = Pin(passage, clean_line(heading) or UNTITLED_TOPIC, "", around[0] or "", around[1] or "")
        return replace(self, pins=(*self.pins, pin))

    def with_options(self, *, context: bool | None = None, footnotes: bool | None = None) -> Briefing:
        """The export options changed (None: as they were)."""
        return replace(
            self,
            context=self.context if context is None else bool(context),
            footnotes=self.footnotes if footnotes is None else bool(footnotes),
        )

    def unpin(self, passage_id: str) -> Briefing:
        return replace(self, pins=tuple(p for p in self.pins if p.passage.id != passage_id))

    def move(self, passage_id: str, offset: int) -> Briefing:
        """Move a pin ``offset`` places (negative: up), stopping at either end."""
        i = self._at(passage_id)
        if i < 0:
            return self
        j = min(max(i + offset, 0), len(self.pins) - 1)
        pins = list(self.pins)
        pins.insert(j, pins.pop(i))
        return replace(self, pins=tuple(pins))

    def set_heading(self, passage_id: str, heading: str) -> Briefing:
        heading = clean_line(heading) or UNTITLED_TOPIC
        return self._edit(passage_id, lambda p: replace(p, heading=heading))

    def set_note(self, passage_id: str, note: str) -> Briefing:
        note = _SURROGATE.sub("\ufffd", note).strip()
        return self._edit(passage_id, lambda p: replace(p, note=note))

    def retitle(self, title: str) -> Briefing:
        return replace(self, title=clean_line(title) or DEFAULT_TITLE)

    def _edit(self, passage_id: str, change: Callable[[Pin], Pin]) -> Briefing:
        return replace(self, pins=tuple(change(p) if p.passage.id == passage_id else p for p in self.pins))

    def topics(self) -> list[tuple[str, list[Pin]]]:
        """Runs of consecutive pins sharing a heading, in order."""
        groups: list[tuple[str, list[Pin]]] = []
        for pin in self.pins:
            if groups and groups[-1][0] == pin.heading:
                groups[-1][1].append(pin)
            else:
                groups.append((pin.heading, [pin]))
        return groups

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, for keeping a briefing in the browser across reloads."""
        return {
            "title": self.title,
            "pins": [
                {
                    "passage": p.passage.to_dict(),
                    "heading": p.heading,
                    "note": p.note,
                    "before": p.before,
                    "after": p.after,
                }
                for p in self.pins
            ],
            "context": self.context,
            "footnotes": self.footnotes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Briefing:
        """The briefing :meth:`to_dict` saved; ``ValueError`` if ``data`` is not one.

        It comes back from the browser, so any text in it may hold lone surrogates (which
        JSON can carry but UTF-8 cannot): they become U+FFFD, or the page's next update fails.
        """
        data = _whole_text(data)
        try:
            pins = tuple(
                Pin(
                    Passage.from_dict(p["passage"]),
                    str(p["heading"]),
                    str(p.get("note", "")),
                    str(p.get("before") or ""),
                    str(p.get("after") or ""),
                )
                for p in data.get("pins", [])
            )
            title = str(data.get("title") or DEFAULT_TITLE)
            return cls(title, pins, data.get("context") is True, data.get("footnotes") is True)
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a saved briefing: {exc}") from None

    def sources(self, reports: Mapping[str, ReportMeta]) -> list[ReportMeta]:
        """One entry per cited report, in order of first citation (unknown reports by title only)."""
        seen: dict[str, ReportMeta] = {}
        for pin in self.pins:
            p = pin.passage
            if p.report_id not in seen:
                seen[p.report_id] = reports.get(p.report_id) or ReportMeta(
                    id=p.report_id, title=p.report_title
                )
        return list(seen.values())


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD, one for one.

    Report text may carry control characters (``\\x1b``, ``\\x07``) or lone surrogates from a
    parser; Word files are XML and python-docx refuses them, and lone surrogates cannot be
    written as UTF-8 at all. An export never fails over such text: the character is shown as
    the replacement mark instead (tab, newline and carriage return are kept). DEL is replaced
    too, though XML allows it: it is a control character in a Markdown file as well.
    """
    return _NOT_XML.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_text(value: Any) -> Any:
    """``value`` (JSON data) with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {k: _whole_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_text(v) for v in value]
    return value


def default_heading(passage: Passage) -> str:
    """The topic heading a newly pinned passage starts with: its section's heading (so passages
    of one section group together), to be retitled by the user; "" before the first heading."""
    return passage.section_path[0] if passage.section_path else ""


def clean_line(text: str) -> str:
    """One line of user text: whitespace runs (newlines included) become single spaces, and
    lone surrogates (which cannot be sent back to the page as UTF-8) U+FFFD."""
    return " ".join(_SURROGATE.sub("\ufffd", text).split())


def source_entry(meta: ReportMeta) -> str:
    """``Title. Force, year. Publisher, inspection. Updated 2018-03-22. URL`` (parts that are known)."""
    parts = [meta.title]
    who = ", ".join(str(x) for x in (meta.force, meta.year) if x)
    what = ", ".join(x for x in (meta.publisher, meta.inspection) if x)
    when = (
        f"Updated {meta.updated}"
        if meta.updated
        else (f"Published {meta.published}" if meta.published else "")
    )
    parts += [x for x in (who, what, when) if x]
    text = ". ".join(x.rstrip(".") for x in parts) + "."
    return f"{text} {meta.source_url}" if meta.source_url else text


def full_citation(passage: Passage, meta: ReportMeta | None = None) -> str:
    """The citation people paste: report › headings › ¶, bullet, page, then the report's URL if known."""
    cite = str(passage.citation)
    return f"{cite} ({meta.source_url})" if meta is not None and meta.source_url else cite


def context_line(passage: Passage) -> str | None:
    """For a bullet, the sentence that introduced its list, which the quote alone would lose."""
    return f"From a list introduced by: “{passage.lead_in}”" if passage.lead_in else None


def around_lines(briefing: Briefing, pin: Pin) -> tuple[str | None, str | None]:
    """With the context option, the sentences before and after the quote, marked as context (the
    report's own words, not part of the quote); else nothing."""
    if not briefing.context:
        return None, None
    before = f"Context before: “{pin.before}”" if pin.before else None
    after = f"Context after: “{pin.after}”" if pin.after else None
    return before, after


_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>#|~&])")


def md_literal(text: str) -> str:
    """Markdown that renders as exactly ``text``: characters that could format or link are escaped."""
    return _MD_ACTIVE.sub(r"\\\1", clean_line(text))


def to_markdown(briefing: Briefing, reports: Mapping[str, ReportMeta]) -> str:
    """The briefing as Markdown: title, topics with quotes and citations, then sources."""
    sources = briefing.sources(reports)
    number = {m.id: i for i, m in enumerate(sources, start=1)}
    out = [f"# {md_literal(briefing.title)}", "", f"_{PROVENANCE}_", ""]
    for heading, pins in briefing.topics():
        out += [f"## {md_literal(heading)}", ""]
        for pin in pins:
            p = pin.passage
            meta = reports.get(p.report_id)
            before, after = around_lines(briefing, pin)
            for line in (context_line(p), before):
                if line:
                    out += [f"_{md_literal(line)}_", ""]
            out += [f"> {md_literal(p.text)}", ""]
            if after:
                out += [f"_{md_literal(after)}_", ""]
            out += [f"— {md_literal(full_citation(p, meta))} \\[{number[p.report_id]}\\]", ""]
            if pin.note:
                out += [f"**Note:** {md_literal(pin.note)}", ""]
    out += ["## Sources", ""]
    out += [f"{i}. {md_literal(source_entry(m))}" for i, m in enumerate(sources, start=1)]
    return xml_safe("\n".join(out).rstrip() + "\n")


def to_docx(briefing: Briefing, reports: Mapping[str, ReportMeta]) -> bytes:
    """The briefing as a Word document (python-docx): same content and order as the Markdown.

    Every string goes through :func:`xml_safe` first, so no report text can make it fail.

    With the footnotes option each quote ends with a footnote number and its citation is the
    footnote (:mod:`assistant.docx_notes`), as UK government briefings often cite; otherwise the
    citation is a small line under the quote.
    """
    import docx
    from docx.shared import Pt

    from assistant.docx_notes import Footnotes

    t = xml_safe
    doc = docx.Document()
    notes = Footnotes(doc) if briefing.footnotes else None
    doc.core_properties.title = t(briefing.title)
    doc.add_heading(t(briefing.title), level=0)
    doc.add_paragraph(PROVENANCE).runs[0].italic = True
    sources = briefing.sources(reports)
    number = {m.id: i for i, m in enumerate(sources, start=1)}
    for heading, pins in briefing.topics():
        doc.add_heading(t(heading), level=1)
        for pin in pins:
            p = pin.passage
            before, after = around_lines(briefing, pin)
            for line in (context_line(p), before):
                if line:
                    doc.add_paragraph(t(line)).runs[0].italic = True
            quote = doc.add_paragraph(t(p.text), style="Quote")
            if after:
                doc.add_paragraph(t(after)).runs[0].italic = True
            citation = t(f"{full_citation(p, reports.get(p.report_id))} [{number[p.report_id]}]")
            if notes is not None:
                notes.add(quote, citation)
            else:
                doc.add_paragraph().add_run(f"— {citation}").font.size = Pt(9)
            if pin.note:
                note = doc.add_paragraph()
                note.add_run("Note: ").bold = True
                note.add_run(t(pin.note))
    doc.add_heading("Sources", level=1)
    for meta in sources:
        doc.add_paragraph(t(source_entry(meta)), style="List Number")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def file_stem(title: str) -> str:
    """A safe file name stem from the title: ``"Briefing note: Met"`` -> ``briefing-note-met``."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return stem or "briefing"


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


FORMATS = ("md", "docx")
"""The export formats, by file suffix."""
FORMAT_NAMES = {"md": "Markdown", "docx": "DOCX"}


def export_bytes(briefing: Briefing, reports: Mapping[str, ReportMeta], suffix: str) -> bytes:
    """The briefing as a file of one of :data:`FORMATS`."""
    if suffix == "md":
        return to_markdown(briefing, reports).encode("utf-8")
    if suffix == "docx":
        return to_docx(briefing, reports)
    raise ValueError(f"unknown export format {suffix!r}; known: {', '.join(FORMATS)}")


def write_export(briefing: Briefing, reports: Mapping[str, ReportMeta], folder: Path, suffix: str) -> Path:
    """Write ``<title>.<suffix>`` into ``folder`` (made 0700, the file 0600); return its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{file_stem(briefing.title)}.{suffix}"
    write_private(path, export_bytes(briefing, reports, suffix))
    return path


def write_exports(briefing: Briefing, reports: Mapping[str, ReportMeta], folder: Path) -> tuple[Path, Path]:
    """Write ``<title>.md`` and ``<title>.docx`` into ``folder``; return their paths."""
    md, dx = (write_export(briefing, reports, folder, suffix) for suffix in FORMATS)
    return md, dx

"""A briefing as a committee paper: Markdown and DOCX exports (pure, apart from writing the files).

Layout, the same in both formats: the title (and who prepared it), a line on provenance, then
one section per topic heading (:meth:`~assistant.briefing.Briefing.topics`: every pin under
its heading, whatever the order of the list), each quote verbatim followed by its citation --
report › headings › ¶, the section's grade as the report states it (optional, on by default),
and ``[n]``, the number of its source -- and last the list of sources, where each report's
address appears once. The DOCX carries the briefing's own title, author and date.

Files are written by :mod:`assistant.briefing_files`. Markdown is written to render as exactly
the text it holds: report text (and the user's own)
never becomes formatting, HTML or a link, yet nothing is escaped that could not act
(:func:`md_literal`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from assistant.briefing import UNTITLED_TOPIC, Briefing, Pin, clean_line
from assistant.grades import NONE, citation_grade
from assistant.records import Passage, ReportMeta

PROVENANCE = (
    "Quotations are exact extracts from the reports listed under Sources; "
    "headings and notes are the author's own."
)
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINK_SYNTAX = re.compile(r"\][(\[:]")
"""A ``]`` that a link, an image or a link reference definition could follow."""
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_START = re.compile(r"^(?:([>+-])|(#{1,6})(?=\s|$)|(\d{1,9})([.)])(?=\s|$))")
_AUTOLINKS = (
    (re.compile(r"(?i)\b(https?|ftp):(?=//)"), r"\1\\:"),
    (re.compile(r"(?i)\b(www)\."), r"\1\\."),
    (re.compile(r"(?<=\w)@(?=\w)"), r"\\@"),
)
"""Bare addresses GFM would link (``http://``, ``www.``, e-mail): the character that makes them one."""


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


def md_literal(text: str) -> str:
    """Markdown that renders as exactly ``text`` (on one line), escaping only what could act.

    Escaped: backticks, asterisks and tildes (code, emphasis, strikethrough); an underscore
    at a word's edge (inside a word it cannot emphasise); square brackets only when the text
    has link syntax (``](``, ``][``, ``]:``); ``<`` before a tag or autolink; ``&`` that would
    form an entity; a backslash before punctuation; ``$`` when two could make maths; at the
    start, a heading, quote, list or rule marker; and the ``:``, ``.`` or ``@`` that would make
    a bare address a link. So citation numbers stay ``[1]`` and ordinary prose is untouched.
    """
    t = clean_line(text)
    linky = bool(_LINK_SYNTAX.search(t))
    maths = t.count("$") >= 2
    out = []
    for i, c in enumerate(t):
        prev = t[i - 1] if i else " "
        nxt = t[i + 1] if i + 1 < len(t) else " "
        acts = (
            c in "`*~"
            or (c == "\\" and nxt in _ASCII_PUNCT)
            or (c == "_" and not (prev.isalnum() and nxt.isalnum()))
            or (c in "[]" and linky)
            or (c == "<" and (nxt.isalpha() or nxt in "/!?"))
            or (c == "&" and bool(_ENTITY.match(t, i)))
            or (c == "$" and maths)
        )
        out.append(f"\\{c}" if acts else c)
    escaped = "".join(out)
    escaped = _LINE_START.sub(
        lambda m: f"\\{m[1]}" if m[1] else (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), escaped, count=1
    )
    for pattern, replacement in _AUTOLINKS:
        escaped = pattern.sub(replacement, escaped)
    return escaped


def source_entry(meta: ReportMeta) -> str:
    """``Title. Force, year. Publisher, inspection. Updated 2018-03-22.`` (the parts known)."""
    parts = [meta.title]
    who = ", ".join(str(x) for x in (meta.force, meta.year) if x)
    what = ", ".join(x for x in (meta.publisher, meta.inspection) if x)
    when = (
        f"Updated {meta.updated}"
        if meta.updated
        else (f"Published {meta.published}" if meta.published else "")
    )
    parts += [x for x in (who, what, when) if x]
    return ". ".join(x.rstrip(".") for x in parts) + "."


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


def grade_note(pin: Pin) -> str:
    """The grade of the pin's section as the report states it: "Grade: Requires improvement",
    "Grade: Good (stated in the text, ¶5)", or "grade not stated in the report"."""
    g = pin.grade
    if g is not None and g.stated == NONE:
        return g.label()
    return citation_grade(g, pin.passage.grade)


def citation_line(pin: Pin, number: int, with_grade: bool) -> str:
    """What follows a quote: ``Report › Heading › ¶2, bullet 3 · Grade: Good [1]``."""
    grade = grade_note(pin) if with_grade else ""
    return f"{pin.passage.citation}" + (f" · {grade}" if grade else "") + f" [{number}]"


def _numbers(
    briefing: Briefing, reports: Mapping[str, ReportMeta]
) -> tuple[list[ReportMeta], dict[str, int]]:
    sources = briefing.sources(reports)
    return sources, {m.id: i for i, m in enumerate(sources, start=1)}


def _safe_url(url: str | None) -> str | None:
    """The address as an autolink target, or None when it could not be one safely."""
    if not url or re.search(r"[\s<>]", url) or not re.match(r"(?i)https?://", url):
        return None
    return url


def to_markdown(briefing: Briefing, reports: Mapping[str, ReportMeta]) -> str:
    """The briefing as Markdown (see the module docstring)."""
    sources, number = _numbers(briefing, reports)
    out = [f"# {md_literal(briefing.title)}", ""]
    if briefing.author:
        out += [f"Prepared by {md_literal(briefing.author)}", ""]
    out += [f"_{PROVENANCE}_", ""]
    for heading, pins in briefing.topics():
        out += [f"## {md_literal(heading or UNTITLED_TOPIC)}", ""]
        for pin in pins:
            p = pin.passage
            before, after = around_lines(briefing, pin)
            for line in (context_line(p), before):
                if line:
                    out += [f"_{md_literal(line)}_", ""]
            out += [f"> {md_literal(p.text)}", ""]
            if after:
                out += [f"_{md_literal(after)}_", ""]
            cite = citation_line(pin, number[p.report_id], briefing.grades_in_citations)
            out += [f"— {md_literal(cite)}", ""]
            if pin.note:
                out += [f"**Note:** {md_literal(pin.note)}", ""]
    out += ["## Sources", ""]
    for i, meta in enumerate(sources, start=1):
        url = _safe_url(meta.source_url)
        address = f" <{url}>" if url else (f" {md_literal(meta.source_url)}" if meta.source_url else "")
        out.append(f"{i}. {md_literal(source_entry(meta))}{address}")
    return xml_safe("\n".join(out).rstrip() + "\n")


def to_docx(briefing: Briefing, reports: Mapping[str, ReportMeta], now: datetime | None = None) -> bytes:
    """The briefing as a Word document (python-docx): the same content and order as the Markdown,
    with core properties from the briefing (title, author if set, created now).

    Every string goes through :func:`xml_safe` first, so no report text can make it fail. With
    the footnotes option each quote ends with a footnote number and its citation is the footnote
    (:mod:`assistant.docx_notes`), as UK government briefings often cite; otherwise the citation
    is a small line under the quote.
    """
    import docx
    from docx.shared import Pt

    from assistant.docx_notes import Footnotes

    now = now or datetime.now(UTC)
    t = xml_safe  # every string: no report text can make python-docx fail
    doc = docx.Document()
    paper(doc)
    notes = Footnotes(doc) if briefing.footnotes else None
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = (
        t(briefing.title),
        t(briefing.author),
        t(briefing.author),
    )
    props.created, props.modified, props.revision = now, now, 1
    props.comments = props.subject = props.keywords = props.category = ""
    doc.add_heading(t(briefing.title), level=0)
    if briefing.author:
        doc.add_paragraph(t(f"Prepared by {briefing.author}"))
    doc.add_paragraph(PROVENANCE).runs[0].italic = True
    sources, number = _numbers(briefing, reports)
    for heading, pins in briefing.topics():
        doc.add_heading(t(heading or UNTITLED_TOPIC), level=1)
        for pin in pins:
            p = pin.passage
            before, after = around_lines(briefing, pin)
            for line in (context_line(p), before):
                if line:
                    doc.add_paragraph(t(line)).runs[0].italic = True
            quote = doc.add_paragraph(t(p.text), style="Quote")
            if after:
                doc.add_paragraph(t(after)).runs[0].italic = True
            cite = t(citation_line(pin, number[p.report_id], briefing.grades_in_citations))
            if notes is not None:
                notes.add(quote, cite)
            else:
                doc.add_paragraph().add_run(f"— {cite}").font.size = Pt(9)
            if pin.note:
                note = doc.add_paragraph()
                note.add_run("Note: ").bold = True
                note.add_run(t(pin.note))
    doc.add_heading("Sources", level=1)
    for meta in sources:
        entry = source_entry(meta) + (f" {meta.source_url}" if meta.source_url else "")
        doc.add_paragraph(t(entry), style="List Number")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def paper(doc: Any) -> None:
    """A committee paper's page: A4 with 2 cm margins (python-docx's template is US Letter with
    wide margins), a title of 20 pt, and quotes with little space around them."""
    from docx.shared import Cm, Pt

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
    doc.styles["Title"].font.size = Pt(20)
    quote = doc.styles["Quote"].paragraph_format
    quote.space_before, quote.space_after = Pt(4), Pt(2)

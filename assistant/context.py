"""A passage in its place in the report (pure, over a loaded index): section, neighbours, links.

Passages are stored in report order, one row per paragraph or bullet, each with its section
path, so the text around a quote is read straight from the index: no report file is opened.
What a reader needs before trusting a quote is

* the section it sits in (heading path and grade),
* the paragraphs around it -- ``context`` paragraphs before and after, counting a lead-in
  sentence and its bullets as one paragraph, as the report numbers them -- or the whole section,
* its citation, and for a web page the address with a text fragment (``#:~:text=``) that makes a
  browser scroll to the passage and highlight it.

The page image of a PDF source is :mod:`assistant.pdf_pages` (it reads the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from assistant.briefing import full_citation
from assistant.errors import NotFoundError, QuestionError
from assistant.grades import SectionGrade, grade_of, index_grades
from assistant.passages import sentence_spans
from assistant.records import Passage, ReportMeta
from assistant.store.load import LoadedIndex

DEFAULT_CONTEXT = 2
MAX_CONTEXT = 50
FRAGMENT_WORDS = 6
"""A text fragment names a long passage by its first and last this many words."""
_ID = re.compile(r"^[0-9a-f]{1,64}$")
NOT_WEB_PAGES = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt")


@dataclass(frozen=True)
class PassageContext:
    """A passage with its section around it; ``section[position]`` is the passage itself."""

    passage: Passage
    report: ReportMeta
    section: tuple[Passage, ...]
    position: int
    context: int | None
    """Paragraphs shown either side; None means the whole section."""
    grade: SectionGrade | None = None
    """The section's grade as the report states it (its own heading's, or the nearest above)."""

    @property
    def grade_label(self) -> str:
        """ "Good", "Good (stated in the text)", or that the report states none here."""
        if self.grade is not None:
            return self.grade.label()
        return self.passage.grade or "grade not stated in the report"

    def _positions(self) -> list[int]:
        if self.context is None:
            return list(range(len(self.section)))
        here = self.passage.paragraph
        return [i for i, p in enumerate(self.section) if abs(p.paragraph - here) <= self.context]

    @property
    def shown(self) -> tuple[Passage, ...]:
        """The passages shown, in order: ``context`` paragraphs either side (all when None)."""
        return tuple(self.section[i] for i in self._positions())

    @property
    def before(self) -> tuple[Passage, ...]:
        return tuple(self.section[i] for i in self._positions() if i < self.position)

    @property
    def after(self) -> tuple[Passage, ...]:
        return tuple(self.section[i] for i in self._positions() if i > self.position)

    @property
    def paragraphs(self) -> int:
        """How many paragraphs the section has (a lead-in and its bullets count once)."""
        return len({p.paragraph for p in self.section})

    @property
    def citation(self) -> str:
        return full_citation(self.passage, self.report)

    @property
    def web_link(self) -> str | None:
        """The source web page at this passage (text fragment), when the source is a web page."""
        url = self.report.source_url
        return text_fragment_url(url, self.passage.text) if url and is_web_page(url) else None


def check_context(context: object) -> int:
    """``context`` as a number of paragraphs, or a :class:`QuestionError` with the allowed range."""
    whole = int(context) if isinstance(context, float) and context.is_integer() else context
    if isinstance(whole, bool) or not isinstance(whole, int) or not 0 <= whole <= MAX_CONTEXT:
        raise QuestionError(
            f"context must be a whole number of paragraphs from 0 to {MAX_CONTEXT}, got {context!r}"
        )
    return whole


def find_row(index: LoadedIndex, passage_id: object) -> int:
    """The table row of ``passage_id``, or a :class:`NotFoundError` saying where ids come from."""
    text = str(passage_id).strip().lower() if isinstance(passage_id, str) else ""
    row = index.table.row_of(text) if _ID.match(text) else None
    if row is None:
        raise NotFoundError(
            f"no passage with id {passage_id!r} in the index; passage ids are the 16 hex digits "
            'that `assistant ask --json` (or a card, or search_reports) gives as "id"'
        )
    return row


def section_rows(index: LoadedIndex, row: int) -> range:
    """The rows of the section holding ``row``: the run of rows with its report and section path.

    Rows of one report are stored together in document order, so a section is one run; a
    heading that occurs twice in a report makes two runs, and only the one holding ``row``
    is its section.
    """
    cols = index.table.columns
    report, section = int(cols.report[row]), int(cols.section[row])
    start, stop = row, row + 1
    while start > 0 and int(cols.report[start - 1]) == report and int(cols.section[start - 1]) == section:
        start -= 1
    n = len(index.table)
    while stop < n and int(cols.report[stop]) == report and int(cols.section[stop]) == section:
        stop += 1
    return range(start, stop)


def passage_context(
    index: LoadedIndex, passage_id: object, context: int | None = DEFAULT_CONTEXT
) -> PassageContext:
    """The passage ``passage_id`` in its section, ``context`` paragraphs either side (None: all)."""
    if context is not None:
        context = check_context(context)
    row = find_row(index, passage_id)
    rows = section_rows(index, row)
    section = tuple(index.table.get(i) for i in rows)
    passage = section[row - rows.start]
    report = index.reports.get(passage.report_id) or ReportMeta(passage.report_id, passage.report_title)
    grade = grade_of(index_grades(index).get(passage.report_id, ()), passage.section_path)
    return PassageContext(passage, report, section, row - rows.start, context, grade)


def context_sentences(ctx: PassageContext) -> tuple[str | None, str | None]:
    """The sentence just before the passage and the one just after it, within its section.

    Before a bullet, the sentence before is the previous bullet's last one; the lead-in that
    introduced the list is not repeated (it is shown with the quote already). None at either
    end of the section.
    """
    before = after = None
    if ctx.position > 0:
        prev = ctx.section[ctx.position - 1]
        if prev.text != ctx.passage.lead_in:
            before = last_sentence(prev.text)
    if ctx.position + 1 < len(ctx.section):
        after = first_sentence(ctx.section[ctx.position + 1].text)
    return before, after


def first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[0][0] : spans[0][1]].strip() if spans else text.strip()


def last_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[-1][0] : spans[-1][1]].strip() if spans else text.strip()


def is_web_page(url: str) -> bool:
    """Whether ``url`` is a web page (http or https, and not a document file such as a PDF).

    A text fragment only works in a browser's page view; PDF viewers ignore it.
    """
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and not parts.path.lower().endswith(NOT_WEB_PAGES)


def _fragment_part(text: str) -> str:
    """Percent-encoded for a text directive, where ``-``, ``,`` and ``&`` are syntax: encoded too."""
    return quote(text, safe="").replace("-", "%2D")


def text_fragment_url(url: str, text: str, words: int = FRAGMENT_WORDS) -> str:
    """``url#:~:text=start,end``: a link that scrolls to ``text`` and highlights it.

    Short passages are named whole; longer ones by their first and last ``words`` words (a
    browser then highlights everything from the one to the other), which keeps the link short
    and still matches when the page breaks the passage over lines or inline elements. Any
    fragment already on ``url`` is replaced.
    """
    base = url.strip().split("#", 1)[0]
    tokens = text.split()
    if len(tokens) <= 2 * words:
        directive = _fragment_part(" ".join(tokens))
    else:
        directive = f"{_fragment_part(' '.join(tokens[:words]))},{_fragment_part(' '.join(tokens[-words:]))}"
    return f"{base}#:~:text={directive}"


def block_dict(p: Passage) -> dict[str, Any]:
    """One passage of a context, as JSON."""
    return {
        "id": p.id,
        "paragraph": p.paragraph,
        "bullet": p.bullet,
        "lead_in": p.lead_in,
        "text": p.text,
        "page": p.page,
        "page_label": p.page_label,
        "citation": str(p.citation),
    }


def context_dict(ctx: PassageContext) -> dict[str, Any]:
    """The ``show --json`` object (and MCP ``get_passage``): exact text and citations only."""
    meta = ctx.report
    sentences = context_sentences(ctx)
    return {
        "id": ctx.passage.id,
        "text": ctx.passage.text,
        "citation": ctx.citation,
        "report": {
            "id": meta.id,
            "title": meta.title,
            "force": meta.force,
            "year": meta.year,
            "inspection": meta.inspection,
            "format": meta.format,
            "source_url": meta.source_url,
        },
        "section_path": list(ctx.passage.section_path),
        "grade": ctx.grade.grade if ctx.grade is not None else ctx.passage.grade,
        "grade_label": ctx.grade_label,
        "grade_citation": ctx.grade.citation(meta.title) if ctx.grade is not None else None,
        "paragraph": ctx.passage.paragraph,
        "bullet": ctx.passage.bullet,
        "lead_in": ctx.passage.lead_in,
        "page": ctx.passage.page,
        "page_label": ctx.passage.page_label,
        "context": ctx.context,
        "paragraphs_in_section": ctx.paragraphs,
        "before": [block_dict(p) for p in ctx.before],
        "after": [block_dict(p) for p in ctx.after],
        "sentence_before": sentences[0],
        "sentence_after": sentences[1],
        "web_link": ctx.web_link,
    }


def render_context(ctx: PassageContext) -> str:
    """A terminal view: heading and grade, the paragraphs shown, the passage marked with ``>``.

    A bullet's lead-in is a paragraph of the same number, so it is always among those shown.
    """
    meta = ctx.report
    who = ", ".join(str(x) for x in (meta.force, meta.year) if x)
    lines = [meta.title + (f" ({who})" if who else "")]
    lines += ["  " * i + ("› " if i else "") + h for i, h in enumerate(ctx.passage.section_path)]
    lines.append(f"Grade: {ctx.grade_label}")
    lines.append("")
    for p in ctx.shown:
        mark = ">" if p.id == ctx.passage.id else " "
        where = f"¶{p.paragraph}" + (f".{p.bullet}" if p.bullet is not None else "")
        bullet = "• " if p.bullet is not None else ""
        lines.append(f"{mark} {where:6} {bullet}{p.text}")
    lines += ["", f"— {ctx.citation}"]
    if ctx.web_link:
        lines.append(f"Web page at this passage: {ctx.web_link}")
    shown = len({p.paragraph for p in ctx.shown})
    if shown < ctx.paragraphs:
        lines.append(f"({shown} of the section's {ctx.paragraphs} paragraphs shown; --section shows all)")
    return "\n".join(lines) + "\n"

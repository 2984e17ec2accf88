"""Evidence cards as HTML (pure). Every piece of report or user text is escaped before it is marked up.

A card shows where a passage comes from (report, force, year, section, grade, ¶/bullet/page,
score), the passage with its best-supporting sentence highlighted and the query's terms
(glossary expansions included) marked, and its buttons -- pin and copy citation, which the
page's script turns into events (see :mod:`assistant.ui.style`), and "Show in report", which opens
the passage in its section inside the card (:mod:`assistant.ui.context_view`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from assistant.briefing import full_citation
from assistant.grades import LINE, WORDS, SectionGrade, citation_grade, grade_of
from assistant.records import Answer, Hit, Passage, ReportMeta
from assistant.retrieval.lexical import WORD_AS_TYPED as _WORD
from assistant.retrieval.lexical import tokenize

_GRADE_CLASS = re.compile(r"[^a-z]+")


def esc(text: object) -> str:
    """HTML-escaped text, with template braces and dollars as entities so no template engine reads them."""
    return (
        html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")
    )


def query_terms(answer: Answer) -> frozenset[str]:
    """Stemmed terms the reports were searched with: the question as repaired, plus glossary expansions."""
    if answer.terms:
        return frozenset(answer.terms)
    text = " ".join([answer.query or answer.question, *answer.expansions, *answer.corrections.values()])
    return frozenset(tokenize(text, query=True))


def _mark_terms(text: str, terms: Collection[str]) -> str:
    out, pos = [], 0
    for m in _WORD.finditer(text):
        if terms and set(tokenize(m.group())) & set(terms):
            out += [esc(text[pos : m.start()]), f'<b class="term">{esc(m.group())}</b>']
            pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def marked_text(text: str, support: tuple[int, int] | None, terms: Collection[str]) -> str:
    """``text`` escaped, with ``support`` (a character range) in ``<mark>`` and query terms in ``<b>``."""
    if support is None or not 0 <= support[0] < support[1] <= len(text):
        return _mark_terms(text, terms)
    a, b = support
    return (
        _mark_terms(text[:a], terms)
        + f'<mark class="support" title="Best-supporting sentence">{_mark_terms(text[a:b], terms)}</mark>'
        + _mark_terms(text[b:], terms)
    )


def grade_badge(grade: str | None, label: str | None = None, title: str = "Grade of this section") -> str:
    """A grade as a coloured badge (``label`` shown, default the grade); never a bare "No grade"."""
    if not grade:
        return f'<span class="grade grade-none" title="{esc(title)}">{esc(label or NOT_STATED)}</span>'
    slug = _GRADE_CLASS.sub("-", grade.lower()).strip("-")
    return f'<span class="grade grade-{slug}" title="{esc(title)}">{esc(label or grade)}</span>'


NOT_STATED = "grade not stated in the report"


def stated_grade_badge(stated: SectionGrade | None, grade: str | None, report_title: str) -> str:
    """The badge of a section's grade as the report states it (:mod:`assistant.grades`): its grade
    line; else the rating stated in words (the sentence in its title); else "grade not stated in
    the report". ``grade`` is the passage's own grade, used when the index has no stated grades
    (an older index)."""
    if stated is None:
        return grade_badge(
            grade, title="Grade line of this section" if grade else "The report states no grade here"
        )
    cite = stated.citation(report_title)
    if stated.stated == LINE:
        return grade_badge(stated.grade, stated.label(), f"Grade line: {cite}")
    if stated.stated == WORDS:
        return grade_badge(stated.grade, stated.label(), f"“{stated.text}” ({cite})")
    return grade_badge(None, stated.label(), "The report states no grade for this section")


def stated_grade_html(stated: SectionGrade | None, grade: str | None, report_title: str) -> str:
    """:func:`stated_grade_badge`, and for a rating stated in words the citation of that sentence."""
    badge = stated_grade_badge(stated, grade, report_title)
    if stated is None or stated.stated != WORDS:
        return badge
    return badge + (
        f' <span class="grade-cite" title="{esc(stated.text)}">as stated in '
        f"<cite>{esc(stated.citation(report_title))}</cite></span>"
    )


def location(hit: Hit) -> str:
    """``¶2 · bullet 3 · p. 14``: where in the section the passage sits."""
    p = hit.passage
    parts = [f"¶{p.paragraph}"]
    if p.bullet is not None:
        parts.append(f"bullet {p.bullet}")
    page = p.page_label if p.page_label is not None else p.page
    if page is not None:
        parts.append(f"p. {page}")
    return " · ".join(parts)


@dataclass(frozen=True)
class AnswerView:
    """What every card of one answer reads besides its hit: the reports' metadata, their grades
    as stated, and which passage is which card (for a lead-in's items that are cards too)."""

    reports: Mapping[str, ReportMeta] = field(default_factory=dict)
    grades: Mapping[str, tuple[SectionGrade, ...]] = field(default_factory=dict)
    card_of: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, answer: Answer, reports: Mapping[str, ReportMeta]) -> AnswerView:
        return cls(
            {**reports, **answer.reports},
            answer.grades,
            {h.passage.id: h.rank for h in answer.hits},
        )

    def stated(self, p: Passage) -> SectionGrade | None:
        """The grade in force where ``p`` sits, as its report states it (None: not known here)."""
        own = self.grades.get(p.report_id)
        return grade_of(own, p.section_path) if own is not None else None

    def citation(self, p: Passage) -> str:
        """What "Copy citation" copies: :func:`~assistant.briefing.full_citation` with the grade the
        card shows, phrased as the exports phrase it (nothing where the report states none)."""
        return full_citation(p, self.reports.get(p.report_id), citation_grade(self.stated(p), p.grade))

    def who(self, report_id: str) -> str:
        """ "Kent Police · 2017" for a report (empty when neither is known)."""
        meta = self.reports.get(report_id)
        return " · ".join(str(x) for x in ((meta.force, meta.year) if meta else ()) if x)


def copies_html(hit: Hit, view: AnswerView) -> str:
    """The other reports holding the same wording, each with its own citation, its grade there
    (which its copy button copies too) and copy button."""
    if not hit.also_in:
        return ""
    n = len(hit.also_in)
    rows = "".join(
        f'<li><span class="who">{esc(view.who(c.report_id) or c.report_title)}</span> '
        f"<cite>{esc(str(c.citation))}</cite> {stated_grade_badge(view.stated(c), c.grade, c.report_title)} "
        f'<button type="button" class="copy" data-action="copy" '
        f'data-citation="{esc(view.citation(c))}">Copy citation</button></li>'
        for c in hit.also_in
    )
    return (
        f'<div class="copies"><p class="copies-title">Same wording in {n} other report{"s" if n > 1 else ""}:'
        f"</p><ul>{rows}</ul></div>"
    )


def items_html(hit: Hit, terms: Collection[str], view: AnswerView) -> str:
    """A lead-in's items, shown with it (a lead-in alone answers nothing); an item that is a card
    of its own says which."""
    if not hit.items:
        return ""
    rows = []
    for item in hit.items:
        card = view.card_of.get(item.id)
        also = f' <span class="item-card">(card [{card}])</span>' if card and card != hit.rank else ""
        rows.append(f'<li data-bullet="{item.bullet}">{_mark_terms(item.text, terms)}{also}</li>')
    return f'<ul class="items" aria-label="The list it introduces">{"".join(rows)}</ul>'


def card_html(
    hit: Hit, terms: Collection[str], meta: ReportMeta | None, pinned: bool, view: AnswerView | None = None
) -> str:
    """One evidence card (see module docstring)."""
    p = hit.passage
    n = hit.rank
    view = view or AnswerView({p.report_id: meta} if meta else {})
    who = esc(view.who(p.report_id))
    section = " › ".join(esc(s) for s in p.section_path) or "(before the first heading)"
    lead = f'<p class="lead-in">{esc(p.lead_in)}</p>' if p.lead_in else ""
    cite = view.citation(p)
    pin_label = "Pinned" if pinned else "Pin to briefing"
    return (
        f'<article class="card" id="card-{n}" data-rank="{n}" aria-labelledby="card-{n}-title">'
        f'<header><span class="num" aria-label="Passage {n}">[{n}]</span>'
        f'<h3 class="report" id="card-{n}-title">{esc(p.report_title)}</h3>'
        f'<span class="who">{who}</span></header>'
        f"{copies_html(hit, view)}"
        f'<p class="section">{section}</p>'
        f'<p class="where">{stated_grade_html(view.stated(p), p.grade, p.report_title)}'
        f' <span class="loc">{esc(location(hit))}</span>'
        f' <span class="score" title="Relevance score (higher is better)">score {hit.score:.3f}</span></p>'
        f'{lead}<blockquote class="quote">{marked_text(p.text, hit.support, terms)}</blockquote>'
        f"{items_html(hit, terms, view)}"
        f'<p class="citation"><cite>{esc(str(p.citation))}</cite></p>'
        f'<div class="actions">'
        f'<button type="button" class="pin" data-action="pin" data-id="{esc(p.id)}" '
        f'aria-pressed="{str(pinned).lower()}">{pin_label}</button>'
        f'<button type="button" class="copy" data-action="copy" data-citation="{esc(cite)}">'
        f"Copy citation</button>{show_button(p.id, n)}</div>{CONTEXT_SLOT.format(n=n)}</article>"
    )


def show_button(passage_id: str, n: int) -> str:
    """ "Show in report": the page script fetches the passage's context into the card's slot."""
    return (
        f'<button type="button" class="show" data-action="context" data-id="{esc(passage_id)}" '
        f'aria-expanded="false" aria-controls="context-{n}">Show in report</button>'
    )


CONTEXT_SLOT = '<div class="context-slot" id="context-{n}" aria-live="polite" hidden></div>'

EMPTY = '<div class="cards-empty">Ask a question: the passages that answer it appear here as cards.</div>'


def pin_html(n: int, text: str, citation: str, lead_in: str | None) -> str:
    """A pinned passage in the briefing list: number, quote and citation, escaped."""
    lead = f'<p class="lead-in"><em>{esc(lead_in)}</em></p>' if lead_in else ""
    return (
        f'<div class="pin-quote" data-pin="{n}"><strong>{n}.</strong>{lead}'
        f'<blockquote>{esc(text)}</blockquote><p class="citation"><cite>{esc(citation)}</cite></p></div>'
    )

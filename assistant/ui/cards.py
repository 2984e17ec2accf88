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
from collections.abc import Collection, Iterable, Mapping

from assistant.answer import ABSTAIN_MESSAGE
from assistant.briefing import full_citation
from assistant.records import Answer, Hit, ReportMeta
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


def grade_badge(grade: str | None) -> str:
    if not grade:
        return '<span class="grade grade-none">No grade</span>'
    slug = _GRADE_CLASS.sub("-", grade.lower()).strip("-")
    return f'<span class="grade grade-{slug}" title="Grade of this section">{esc(grade)}</span>'


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


def card_html(hit: Hit, terms: Collection[str], meta: ReportMeta | None, pinned: bool) -> str:
    """One evidence card (see module docstring)."""
    p = hit.passage
    n = hit.rank
    who = " · ".join(esc(x) for x in ((meta.force, meta.year) if meta else ()) if x)
    section = " › ".join(esc(s) for s in p.section_path) or "(before the first heading)"
    lead = f'<p class="lead-in">{esc(p.lead_in)}</p>' if p.lead_in else ""
    cite = full_citation(p, meta)
    pin_label = "Pinned ✓" if pinned else "Pin to briefing"
    return (
        f'<article class="card" id="card-{n}" data-rank="{n}" aria-labelledby="card-{n}-title">'
        f'<header><span class="num" aria-label="Passage {n}">[{n}]</span>'
        f'<h3 class="report" id="card-{n}-title">{esc(p.report_title)}</h3>'
        f'<span class="who">{who}</span></header>'
        f'<p class="section">{section}</p>'
        f'<p class="where">{grade_badge(p.grade)} <span class="loc">{esc(location(hit))}</span>'
        f' <span class="score" title="Relevance score (higher is better)">score {hit.score:.3f}</span></p>'
        f'{lead}<blockquote class="quote">{marked_text(p.text, hit.support, terms)}</blockquote>'
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


def cards_html(
    answer: Answer | None,
    reports: Mapping[str, ReportMeta],
    pinned: Iterable[str] = (),
    heading: str = "",
    turn: int = 0,
) -> str:
    """All cards for ``answer``; an abstention warning first when the reports do not cover it.

    ``turn`` numbers the answer within the conversation, so a page (or a test) can tell a new
    set of cards from the previous one even when the question is the same.
    """
    if answer is None:
        return EMPTY
    pinned_ids = set(pinned)
    terms = query_terms(answer)
    head = f'<h2 class="cards-title">Evidence for “{esc(heading or answer.question)}”</h2>'
    if pinned_ids:
        n = len(pinned_ids)
        head += (
            f'<p class="pinned-count">{n} passage{"s" if n != 1 else ""} pinned: see the Briefing tab.</p>'
        )
    if answer.abstained:
        head += (
            f'<div class="abstain" role="alert"><strong>{esc(ABSTAIN_MESSAGE)}</strong> '
            "The nearest passages are below; treat them with caution.</div>"
        )
    if not answer.hits:
        head += '<p class="cards-empty">No passages found.</p>'
    cards = "".join(
        card_html(h, terms, reports.get(h.passage.report_id), h.passage.id in pinned_ids) for h in answer.hits
    )
    return f'<section class="cards" aria-label="Evidence" data-turn="{turn}">{head}{cards}</section>'


def pin_html(n: int, text: str, citation: str, lead_in: str | None) -> str:
    """A pinned passage in the briefing list: number, quote and citation, escaped."""
    lead = f'<p class="lead-in"><em>{esc(lead_in)}</em></p>' if lead_in else ""
    return (
        f'<div class="pin-quote" data-pin="{n}"><strong>{n}.</strong>{lead}'
        f'<blockquote>{esc(text)}</blockquote><p class="citation"><cite>{esc(citation)}</cite></p></div>'
    )

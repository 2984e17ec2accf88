"""The Evidence panel as HTML (pure): where the answer was searched, then its cards in the answer's layout.

* ``passages``: the cards best first.
* ``which`` ("which forces ..."): one card per report that addresses the question, each card's
  header naming its report.
* ``compare``: a row per section the reports share, each report's cards in a column of its own
  under its grade for that section, so the columns sit next to each other on a wide window and
  stack on a narrow one (CSS grid, :mod:`assistant.ui.style`).

Every piece of report or user text is escaped (:func:`assistant.ui.cards.esc`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from assistant.answer import ABSTAIN_MESSAGE, scope_lines
from assistant.grades import grade_of
from assistant.records import Answer, Hit, ReportMeta
from assistant.ui.cards import EMPTY, AnswerView, card_html, esc, query_terms, stated_grade_html


def scope_html(answer: Answer) -> str:
    """ "Searched: Kent Police, 2017." and the scope's notes, when the library holds several
    reports or the question narrowed the search."""
    shown = scope_lines(answer)
    if not shown:
        return ""
    label, *notes = shown
    return f'<p class="scope" id="scope-line">{esc(label)}.{"".join(f" {esc(n)}" for n in notes)}</p>'


def mode_note(answer: Answer, view: AnswerView) -> str:
    """What the layout of a "which" or "compare" answer means, in one line."""
    if answer.mode == "which" and answer.hits:
        searched = len(answer.scope.reports) if answer.scope else len(answer.hits)
        n = len({h.passage.report_id for h in answer.hits})
        return (
            f'<p class="mode-note">One card per report that addresses the question: '
            f"{n} of the {searched} report{'s' if searched != 1 else ''} searched.</p>"
        )
    if answer.mode == "compare" and answer.comparison:
        names = " · ".join(esc(_name(r, view)) for r in answer.comparison[0].reports)
        return f'<p class="mode-note">Side by side, section by section: {names}.</p>'
    return ""


def _name(report_id: str, view: AnswerView) -> str:
    meta = view.reports.get(report_id)
    return view.who(report_id).replace(" · ", ", ") or (meta.title if meta else report_id)


def comparison_html(answer: Answer, view: AnswerView, card: Callable[[Hit], str]) -> str:
    """A comparison by section: each section's heading once, then a column per report with its
    grade there (as the report states it) and all its cards under that heading."""
    by_rank = {h.rank: h for h in answer.hits}
    sections: dict[str, dict[str, list[int]]] = {}
    for row in answer.comparison:
        cells = sections.setdefault(row.section, {r: [] for r in row.reports})
        for report_id, ranks in zip(row.reports, row.ranks, strict=True):
            cells.setdefault(report_id, []).extend(ranks)
    blocks = []
    for section, columns in sections.items():
        cols = []
        for report_id, shown in columns.items():
            meta = view.reports.get(report_id)
            title = meta.title if meta else report_id
            stated = grade_of(view.grades.get(report_id, ()), (section,))
            grade = stated_grade_html(stated, None, title) if stated else ""
            cards = "".join(card(by_rank[k]) for k in shown if k in by_rank) or (
                '<p class="cards-empty">None of this report’s best passages is under this heading.</p>'
            )
            cols.append(
                f'<div class="compare-col" data-report="{esc(report_id)}">'
                f'<p class="compare-head"><strong>{esc(_name(report_id, view))}</strong> {grade}</p>'
                f"{cards}</div>"
            )
        blocks.append(
            f'<section class="compare-row"><h3 class="compare-section">{esc(section)}</h3>'
            f'<div class="compare-cols">{"".join(cols)}</div></section>'
        )
    return f'<div class="compare">{"".join(blocks)}</div>'


def cards_html(
    answer: Answer | None,
    reports: Mapping[str, ReportMeta],
    pinned: Iterable[str] = (),
    heading: str = "",
    turn: int = 0,
    filters: str = "",
    offered: Sequence[str] = (),
) -> str:
    """The whole panel for ``answer``: where it was searched, an abstention warning when the
    reports do not cover it or what excluded everything (``filters``, described), then the
    cards in the answer's layout (module docstring).

    ``turn`` numbers the answer within the conversation, so a page (or a test) can tell a new
    set of cards from the previous one even when the question is the same. ``offered`` names the
    re-asks that apply (:func:`assistant.ui.turns.offered`): the panel carries them in
    ``data-offers``, and the page's style shows just those buttons (:data:`assistant.ui.style.CSS`).
    """
    if answer is None:
        return EMPTY
    pinned_ids = set(pinned)
    terms = query_terms(answer)
    view = AnswerView.of(answer, reports)
    head = f'<h2 class="cards-title">Evidence for “{esc(heading or answer.question)}”</h2>'
    head += scope_html(answer) + mode_note(answer, view)
    if pinned_ids:
        n = len(pinned_ids)
        head += (
            f'<p class="pinned-count">{n} passage{"s" if n != 1 else ""} pinned: see the Briefing tab.</p>'
        )
    if not answer.hits and filters:
        head += (
            '<div class="filtered-out" role="alert"><strong>No passage matches your filters</strong> '
            f"({esc(filters)}). Clear them to search every report.</div>"
        )
    elif answer.abstained:
        head += (
            f'<div class="abstain" role="alert"><strong>{esc(ABSTAIN_MESSAGE)}</strong> '
            "The nearest passages are below; treat them with caution.</div>"
        )
    if not answer.hits and not filters:
        head += '<p class="cards-empty">No passages found.</p>'

    def card(h: Hit) -> str:
        p = h.passage
        return card_html(h, terms, view.reports.get(p.report_id), p.id in pinned_ids, view)

    body = comparison_html(answer, view, card) if answer.mode == "compare" and answer.comparison else ""
    body = body or "".join(card(h) for h in answer.hits)
    offers = f' data-offers="{esc(" ".join(offered))}"' if offered else ""
    return f'<section class="cards" aria-label="Evidence" data-turn="{turn}"{offers}>{head}{body}</section>'

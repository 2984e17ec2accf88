"""The Grades tab as HTML (pure): force × year × section, coloured by grade, each cell citing where
the report states it (its grade line, a sentence rating it in words, or nowhere).

Rows are reports (force and year, latest first within a force, as
:func:`assistant.grades.grades_table` orders them); columns are the graded sections in the
order the reports first give them. Every piece of report text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.grades import LINE, NONE, WORDS, GradeRow, SectionGrade
from assistant.ui.cards import esc, grade_badge

EMPTY = '<p class="cards-empty">No report in the library states a graded section yet.</p>'
_QUESTION_OPENING = re.compile(
    r"^how (?:effective|efficient|legitimate|well|good)\s+(?:is|are)\s+(?:the\s+)?(?:force|forces)(?:['’]s)?"
    r"\s+(?:at\s+|in\s+)?",
    re.IGNORECASE,
)


def short_heading(section: str) -> str:
    """A column label for a section: a PEEL question heading without its opening ("How effective
    is the force at protecting ...?" -> "Protecting ..."); the full heading is its tooltip."""
    short = _QUESTION_OPENING.sub("", section).rstrip("?").strip()
    return short[:1].upper() + short[1:] if short else section


def where_stated(g: SectionGrade) -> str:
    """A cell's short citation: "grade line", "in the text, ¶5", or "not stated"."""
    if g.stated == LINE:
        return "grade line"
    if g.stated == WORDS and g.paragraph is not None:
        bullet = f", bullet {g.bullet}" if g.bullet is not None else ""
        return f"in the text, ¶{g.paragraph}{bullet}"
    return "not stated"


def cell_html(row: GradeRow) -> str:
    """One report's grade for one section: the badge, where it is stated, the full citation on hover."""
    g = row.grade
    cite = g.citation(row.report_title)
    title = f"{cite}: “{g.text}”" if g.stated == WORDS else cite
    badge = grade_badge(g.grade if g.stated != NONE else None, g.label(), title)
    return (
        f'<td class="grade-cell" data-stated="{esc(g.stated)}">{badge}'
        f'<br><small class="grade-where" title="{esc(cite)}">{esc(where_stated(g))}</small></td>'
    )


def grades_html(rows: Iterable[GradeRow]) -> str:
    """The whole table (module docstring); a plain note when there is nothing to show."""
    rows = list(rows)
    if not rows:
        return EMPTY
    sections = list(dict.fromkeys(" › ".join(r.grade.section) for r in rows))
    reports = list(dict.fromkeys(r.report_id for r in rows))
    cells = {(r.report_id, " › ".join(r.grade.section)): r for r in rows}
    first = {r.report_id: r for r in reversed(rows)}
    head = "".join(f'<th scope="col" title="{esc(s)}">{esc(short_heading(s))}</th>' for s in sections)
    body = []
    for rid in reports:
        meta = first[rid]
        year = f'<br><span class="g-year">{esc(meta.year)}</span>' if meta.year is not None else ""
        tds = "".join(
            cell_html(cells[(rid, s)]) if (rid, s) in cells else '<td class="grade-cell">—</td>'
            for s in sections
        )
        body.append(
            f'<tr data-report="{esc(rid)}"><th scope="row" title="{esc(meta.report_title)}">'
            f'<span class="g-force">{esc(meta.force or meta.report_title)}</span>{year}</th>{tds}</tr>'
        )
    return (
        '<div class="grades-scroll">'
        '<table class="grades-table" aria-label="Grades by force, year and section">'
        f'<thead><tr><th scope="col">Report</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        '<p class="grades-key">Each grade as the report states it: on its grade line, in the text '
        "(a sentence rating it, cited by paragraph), or not stated. Hover a cell for the full citation.</p>"
    )

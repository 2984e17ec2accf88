"""The Reports tab: every indexed report, the files that could not be read, and a report's outline.

One HTML component. Its page script (:data:`assistant.ui.style.LIBRARY_JS`) asks the server
for the list each time the tab comes into view (so an upload shows at once), for a report's
outline when its title is clicked, and for a section's text when the section is opened. The
server functions only call the library (:mod:`assistant.outline`) and mark up its records here,
escaping every piece of report text.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assistant.errors import AssistantError
from assistant.grades import NONE, WORDS
from assistant.outline import OutlineEntry, ReportRow, library_rows, report_outline, section_passages
from assistant.records import ReportMeta
from assistant.service import Assistant
from assistant.store.load import LoadedIndex
from assistant.store.plan import Skipped
from assistant.ui.cards import esc, grade_badge
from assistant.ui.context_view import error_html, js_args, paragraphs_html

LOADING = '<p class="lib-note">Loading the list of reports…</p>'


def grade_html(grade: str | None, stated: str) -> str:
    """A grade badge, marked when the report states the grade only in words (no grade line)."""
    if grade is None or stated == NONE:
        return '<span class="lib-none">not stated</span>'
    note = ' <span class="lib-stated" title="No grade line: the text states it">(in the text)</span>'
    return grade_badge(grade) + (note if stated == WORDS else "")


def _grades_cell(row: ReportRow) -> str:
    if not row.grades:
        return '<span class="lib-none">none</span>'
    counts = Counter((g.grade, g.stated if g.grade else NONE) for g in row.grades)
    title = "; ".join(f"{' › '.join(g.section)}: {g.label()}" for g in row.grades)
    badges = "".join(
        f'<span class="lib-grade">{grade_html(*key)}{f" ×{n}" if n > 1 else ""}</span>'
        for key, n in counts.items()
    )
    return f'<span class="lib-grades" title="{esc(title)}">{badges}</span>'


FORMAT_NAMES = {"pdf": "PDF", "html": "Web page", "docx": "Word", "markdown": "Markdown", "text": "Text"}


def _source_html(url: str | None) -> str:
    """The source address as a link showing its site (the whole address on hover and in the link)."""
    if not url:
        return '<span class="lib-none">none</span>'
    site = urlsplit(url).netloc.removeprefix("www.") or url
    return (
        f'<a href="{esc(url)}" title="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(site)}</a>'
    )


def _row_html(row: ReportRow) -> str:
    who = " · ".join(esc(x) for x in (row.force, row.year, row.inspection) if x)
    fmt = esc(FORMAT_NAMES.get(row.format, row.format)) + (f", {row.pages} pages" if row.pages else "")
    details = (
        f'{fmt}<div class="lib-fact">{row.passages} passages</div>'
        f'<div class="lib-fact">indexed {esc(row.indexed[:10])}</div>'
    )
    return (
        f'<tr data-report="{esc(row.id)}"><td><button type="button" class="lib-open" data-action="outline" '
        f'data-id="{esc(row.id)}" title="Open the outline">{esc(row.title)}</button>'
        f'<div class="lib-who">{who}</div><div class="lib-file">{esc(row.path)}</div></td>'
        f'<td class="lib-details">{details}</td><td>{_grades_cell(row)}</td>'
        f'<td class="lib-source">{_source_html(row.source_url)}</td></tr>'
    )


def reports_html(rows: Sequence[ReportRow], skipped: Sequence[Skipped]) -> str:
    """The table of reports and the list of unreadable files."""
    n = len(rows)
    parts = [f'<h2 class="lib-title">{n} report{"s" if n != 1 else ""} in the library</h2>']
    if rows:
        parts.append(
            '<div class="lib-scroll"><table class="lib-table"><thead><tr><th scope="col">Report</th>'
            '<th scope="col">Format and size</th><th scope="col">Grades</th><th scope="col">Source</th>'
            "</tr></thead><tbody>" + "".join(_row_html(r) for r in rows) + "</tbody></table></div>"
        )
    if skipped:
        items = "".join(
            f"<li><code>{esc(s.path)}</code>: {esc(s.reason or 'could not be read')}</li>" for s in skipped
        )
        parts.append(
            f'<div class="lib-skipped" role="note"><h3>Files that could not be read ({len(skipped)})</h3>'
            f'<ul>{items}</ul><p class="lib-note">Fix or replace a file and it is read at the next '
            "update (<code>assistant index</code>, or an upload).</p></div>"
        )
    return "".join(parts)


def outline_html(meta: ReportMeta, entries: Sequence[OutlineEntry]) -> str:
    """A report's headings as opening sections: grade, paragraph count; the text is fetched on opening."""
    who = " · ".join(esc(x) for x in (meta.force, meta.year, meta.inspection) if x)
    items = []
    for i, e in enumerate(entries):
        count = (
            f"{e.paragraphs} paragraph{'s' if e.paragraphs != 1 else ''}" if e.passages else "sub-headings"
        )
        grade = grade_html(e.grade, e.grade_stated) if e.grade else ""
        items.append(
            f'<li class="lvl-{min(e.level, 4)}"><details data-section="{i}" data-id="{esc(meta.id)}">'
            f'<summary><span class="lib-heading">{esc(e.heading)}</span> {grade} '
            f'<span class="lib-count">{count}</span></summary><div class="lib-section"></div></details></li>'
        )
    return (
        f'<section class="lib-outline" data-report="{esc(meta.id)}" '
        f'aria-label="Outline of {esc(meta.title)}">'
        f'<h3>{esc(meta.title)}</h3><p class="lib-who">{who}</p>'
        '<p class="lib-note">Open a heading to read its section in full.</p>'
        f'<ol class="lib-headings">{"".join(items)}</ol></section>'
    )


def section_html(index: LoadedIndex, report: str, position: int) -> str:
    """Every paragraph of the ``position``-th heading of ``report``'s outline, sub-headings included."""
    _, entries = report_outline(index, report)
    if not 0 <= position < len(entries):
        raise AssistantError(f"the report has {len(entries)} headings, not a heading number {position}")
    path = entries[position].path
    parts = []
    for heading, run in itertools.groupby(
        section_passages(index, report, path), key=lambda p: p.section_path
    ):
        if heading != path:
            parts.append(f'<h4 class="lib-sub">{esc(" › ".join(heading[len(path) - 1 :]))}</h4>')
        parts.append(paragraphs_html(list(run), ""))
    return "".join(parts)


def server_functions(assistant: Assistant) -> list[Callable[..., str]]:
    """``reports_list()``, ``outline(report_id)`` and ``section(report_id, n)`` for the tab's script."""
    corpus: Path = assistant.settings.corpus

    def guarded(fn: Callable[[LoadedIndex], str]) -> str:
        try:
            return fn(assistant.live.get())
        except AssistantError as exc:
            return error_html(str(exc))

    def reports_list(_data: Any = None) -> str:
        return guarded(lambda index: reports_html(*library_rows(index, corpus)))

    def outline(data: Any) -> str:
        (report_id,) = js_args(data, 1)
        return guarded(lambda index: outline_html(*report_outline(index, str(report_id))))

    def section(data: Any) -> str:
        report_id, position = js_args(data, 2)
        whole = (
            isinstance(position, int | float) and not isinstance(position, bool) and position == int(position)
        )
        return guarded(lambda index: section_html(index, str(report_id), int(position) if whole else -1))

    return [reports_list, outline, section]


def build(gr: Any, assistant: Assistant) -> Any:
    """The tab's one component (call inside ``gr.Tab``)."""
    from assistant.ui import style

    return gr.HTML(
        f'<div class="lib-list">{LOADING}</div><div class="lib-outline-slot" aria-live="polite"></div>',
        elem_id="library",
        js_on_load=style.LIBRARY_JS,
        server_functions=server_functions(assistant),
    )

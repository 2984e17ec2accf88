"""The library as a reader browses it: every report with its facts, a report's outline, a section in full.

* :func:`library_rows` -- one :class:`ReportRow` per indexed report (title, force, year,
  inspection, format, pages, passages, grades, source address, date indexed), and the files that
  could not be read, with why (the manifest's :class:`~assistant.store.plan.Skipped` records).
* :func:`report_outline` -- a report's headings in order, each with its grade and how many
  paragraphs and passages are under it.
* :func:`section_passages` -- every passage of one section, in order.

Everything comes from the loaded index; only a PDF's page count is read from its file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import NotFoundError
from assistant.grades import SectionGrade, grade_of, index_grades
from assistant.records import Passage, ReportMeta
from assistant.store import find_report
from assistant.store.load import LoadedIndex
from assistant.store.manifest import ReportEntry
from assistant.store.plan import Skipped


@dataclass(frozen=True)
class ReportRow:
    """One indexed report as the Reports tab and ``assistant reports --json`` list it."""

    id: str
    title: str
    force: str | None
    year: int | None
    inspection: str | None
    format: str
    pages: int | None
    """Pages of a PDF (None for other formats, which have no pages)."""
    passages: int
    grades: tuple[SectionGrade, ...]
    """Each graded section's grade as the report states it, in report order."""
    source_url: str | None
    indexed: str
    path: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["grades"] = [
            {"section": " › ".join(g.section), "grade": g.grade, "stated": g.stated, "label": g.label()}
            for g in self.grades
        ]
        return data


@dataclass(frozen=True)
class OutlineEntry:
    """One heading of a report: its path, grade, and the paragraphs and passages right under it."""

    path: tuple[str, ...]
    grade: str | None
    """The grade in force here as the report states it (its own, or its parent heading's)."""
    paragraphs: int
    passages: int
    first_passage: str | None
    """Id of its first passage (None for a heading with only sub-headings under it)."""
    page_label: str | None = None
    grade_stated: str = "none"
    """How the report states ``grade``: on a grade ``line``, in ``words``, or ``none``."""

    @property
    def level(self) -> int:
        return len(self.path)

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else "(before the first heading)"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": list(self.path), "level": self.level, "heading": self.heading}


def pdf_pages(path: Path) -> int | None:
    """How many pages the PDF at ``path`` has (None if it cannot be opened)."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(str(path))
    except (OSError, pypdfium2.PdfiumError):
        return None
    try:
        return len(doc)
    finally:
        doc.close()


def library_rows(index: LoadedIndex, corpus: Path) -> tuple[tuple[ReportRow, ...], tuple[Skipped, ...]]:
    """Every indexed report by title, and the corpus files that could not be read (see module doc)."""
    grades = index_grades(index)
    rows = []
    for entry in index.manifest.reports:
        meta = index.reports.get(entry.id) or ReportMeta(entry.id, entry.id)
        pages = pdf_pages(corpus / entry.path) if meta.format == "pdf" else None
        rows.append(
            ReportRow(
                id=entry.id,
                title=meta.title,
                force=meta.force,
                year=meta.year,
                inspection=meta.inspection,
                format=meta.format,
                pages=pages,
                passages=entry.passages,
                grades=grades.get(entry.id, ()),
                source_url=meta.source_url,
                indexed=entry.indexed or index.manifest.created,
                path=entry.path,
            )
        )
    rows.sort(key=lambda r: (r.title.lower(), r.path))
    return tuple(rows), tuple(sorted(index.manifest.skipped, key=lambda s: s.path))


def report_entry(index: LoadedIndex, name: str) -> ReportEntry:
    """The indexed report named ``name`` (id, title, file name or corpus path)."""
    return find_report(list(index.manifest.reports), name)


def _report_passages(index: LoadedIndex, report_id: str) -> list[Passage]:
    cols = index.table.columns
    if report_id not in cols.report_ids:
        raise NotFoundError(f"the report {report_id!r} has no passages in the index")
    code = cols.report_ids.index(report_id)
    return [index.table.get(int(i)) for i in np.flatnonzero(np.asarray(cols.report) == code)]


def report_outline(index: LoadedIndex, name: str) -> tuple[ReportMeta, tuple[OutlineEntry, ...]]:
    """The report named ``name`` and its headings in order (a heading with only sub-headings under it
    is listed too, with no paragraphs of its own)."""
    entry = report_entry(index, name)
    meta = index.reports.get(entry.id) or ReportMeta(entry.id, entry.id)
    stated = index_grades(index).get(entry.id, ())
    out: list[OutlineEntry] = []
    seen: set[tuple[str, ...]] = set()
    run: list[Passage] = []

    def close() -> None:
        if run:
            first = run[0]
            paragraphs = len({p.paragraph for p in run})
            entry = OutlineEntry(first.section_path, first.grade, paragraphs, len(run), first.id)
            out.append(replace(entry, page_label=first.page_label))
            run.clear()

    for p in _report_passages(index, entry.id):
        if run and p.section_path != run[0].section_path:
            close()
        if not run:
            for n in range(1, len(p.section_path)):
                parent = p.section_path[:n]
                if parent not in seen:
                    seen.add(parent)
                    out.append(OutlineEntry(parent, None, 0, 0, None))
            seen.add(p.section_path)
        run.append(p)
    close()
    return meta, tuple(_with_grade(e, grade_of(stated, e.path)) for e in out)


def _with_grade(entry: OutlineEntry, stated: SectionGrade | None) -> OutlineEntry:
    if stated is None or stated.grade is None:
        return replace(entry, grade=entry.grade, grade_stated="line" if entry.grade else "none")
    return replace(entry, grade=stated.grade, grade_stated=stated.stated)


def section_passages(index: LoadedIndex, name: str, path: tuple[str, ...]) -> tuple[Passage, ...]:
    """Every passage under the heading ``path`` of the report named ``name`` (sub-headings included)."""
    entry = report_entry(index, name)
    found = tuple(p for p in _report_passages(index, entry.id) if p.section_path[: len(path)] == path)
    if not found:
        raise NotFoundError(f"the report {entry.id} has no section {' › '.join(path)!r}")
    return found

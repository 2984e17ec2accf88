"""Grades as the reports state them, section by section, with where each is stated (pure).

A PEEL report grades each of its questions on a grade line ("Requires improvement") just
under the heading. Where a copy of a report has lost that line -- a web-page scrape drops the
graphic that held it -- the report may still state the rating in words ("Despite the rating of
‘good’ …", "Kent Police is good at …"). So a section's grade is, in order:

1. its **grade line** (``stated="line"``), cited as the line itself;
2. else a sentence of the section that **states a rating in words** (``stated="words"``), cited
   by its paragraph, shown as stated: a rating named as such ("the rating of ‘good’") before a
   judgement in graded wording ("the force is good at …");
3. else **not stated** (``stated="none"``): the report gives no grade there, and nothing is made up.

The index keeps these per report (in the manifest), so the grades overview, the chat's cards and
exports, and the MCP ``grades`` tool all read the same record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from assistant.passages import sentence_spans
from assistant.records import GRADES, Block, Report, ReportMeta, Section

if TYPE_CHECKING:
    from assistant.store.load import LoadedIndex

LINE, WORDS, NONE = "line", "words", "none"
_GRADE_WORDS = "|".join(re.escape(g) for g in GRADES)
_RATED = re.compile(
    r"\b(?:rating of|rated(?: as)?|graded(?: as)?|judged(?: to be| as)?|assessed as)\s+"
    rf"[‘'\"“]?({_GRADE_WORDS})\b",
    re.IGNORECASE,
)
"""A rating named as such: "the rating of ‘good’", "graded as good", "judged to be inadequate"."""
_JUDGED = re.compile(
    rf"\b(?:is|was|are|were)\s+({_GRADE_WORDS})\s+(?:at|in)\b|\b(requires improvement)\s+(?:in|at)\b",
    re.IGNORECASE,
)
"""A judgement in HMICFRS's graded wording: "is good at …", "requires improvement in …"."""
_CANONICAL = {g.lower(): g for g in GRADES}


@dataclass(frozen=True)
class SectionGrade:
    """One section's grade as the report states it, and where (see the module docstring)."""

    section: tuple[str, ...]
    grade: str | None
    stated: str
    text: str = ""
    start: int = 0
    end: int = 0
    paragraph: int | None = None
    bullet: int | None = None
    page: int | None = None
    page_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["section"] = list(self.section)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SectionGrade:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["section"] = tuple(fields.get("section", ()))
        return cls(**fields)

    def label(self) -> str:
        """How a reader should see it: "Good", "‘good’ (stated in the text)", "grade not stated"."""
        if self.stated == LINE and self.grade:
            return self.grade
        if self.stated == WORDS and self.grade:
            return f"{self.grade} (stated in the text)"
        return "grade not stated in the report"

    def citation(self, report_title: str) -> str:
        """``Report › Section › grade line, p. 3`` or ``Report › Section › ¶5`` (the sentence's place)."""
        if self.stated == LINE:
            where = "grade line"
        elif self.paragraph is not None:
            where = f"¶{self.paragraph}" + (f", bullet {self.bullet}" if self.bullet is not None else "")
        else:
            where = "no grade stated"
        page = self.page_label if self.page_label is not None else self.page
        if page is not None and self.stated != NONE:
            where += f", p. {page}"
        return " › ".join((report_title, *self.section, where))


def stated_in_words(text: str, pattern: re.Pattern[str] = _RATED) -> tuple[str, tuple[int, int]] | None:
    """The grade a sentence of ``text`` states in words (``pattern``), and that sentence's span."""
    for a, b in sentence_spans(text):
        m = pattern.search(text, a, b)
        if m:
            word = next(g for g in m.groups() if g)
            return _CANONICAL[word.lower()], (a, b)
    return None


def _graded_paths(sections: Iterable[Section]) -> list[tuple[str, ...]]:
    """Heading paths that carry a grade: each with its own grade line, and every top-level one."""
    paths: list[tuple[str, ...]] = []
    for s in sections:
        for path in (s.path[:1], s.path if s.grade_line else ()):
            if path and path not in paths:
                paths.append(path)
    return paths


def section_grades(report: Report) -> tuple[SectionGrade, ...]:
    """Every graded section of ``report`` with its grade as stated (module docstring, rules 1-3)."""
    out = []
    for path in _graded_paths(report.sections):
        own = [s for s in report.sections if s.path[: len(path)] == path]
        line = next((s.grade_line for s in own if s.path == path and s.grade_line), None)
        if line is not None:
            out.append(
                SectionGrade(
                    path,
                    line.grade,
                    LINE,
                    line.text,
                    line.start,
                    line.end,
                    None,
                    None,
                    line.page,
                    line.page_label,
                )
            )
            continue
        blocks = [block for s in own for block in s.blocks]
        out.append(
            _in_words(path, blocks, _RATED)
            or _in_words(path, blocks, _JUDGED)
            or SectionGrade(path, None, NONE)
        )
    return tuple(out)


def _in_words(
    path: tuple[str, ...], blocks: Iterable[Block], pattern: re.Pattern[str]
) -> SectionGrade | None:
    """The first block stating a grade in words (``pattern``), as a :class:`SectionGrade`."""
    for block in blocks:
        hit = stated_in_words(block.text, pattern)
        if hit:
            grade, (a, b) = hit
            return SectionGrade(
                path,
                grade,
                WORDS,
                block.text[a:b],
                block.start + a,
                block.start + b,
                block.paragraph,
                block.bullet,
                block.page,
                block.page_label,
            )
    return None


@dataclass(frozen=True)
class GradeRow:
    """One cell of the grades overview: a report's grade for one section."""

    report_id: str
    report_title: str
    force: str | None
    year: int | None
    grade: SectionGrade

    def to_dict(self) -> dict[str, Any]:
        g = self.grade
        return {
            "report_id": self.report_id,
            "report": self.report_title,
            "force": self.force,
            "year": self.year,
            "section": " › ".join(g.section),
            "section_path": list(g.section),
            "grade": g.grade,
            "stated": g.stated,
            "label": g.label(),
            "text": g.text,
            "citation": g.citation(self.report_title),
            "span": [g.start, g.end] if g.stated != NONE else None,
        }


def grades_table(
    reports: Mapping[str, ReportMeta],
    grades: Mapping[str, Iterable[SectionGrade]],
    force: str | None = None,
    year: int | None = None,
) -> list[GradeRow]:
    """Force × year × section → grade, for the reports matching ``force`` (any of its names) and
    ``year``; ordered by force, latest year first, then the report's own section order."""
    from assistant.retrieval.filters import Filters

    wanted = Filters(force=(force,) if force else (), year=(year,) if year else ())
    allowed = wanted.allowed_reports(reports.values())
    ordered = sorted(allowed, key=lambda r: (reports[r].force or "~", -(reports[r].year or 0), r))
    return [
        GradeRow(rid, reports[rid].title, reports[rid].force, reports[rid].year, g)
        for rid in ordered
        for g in grades.get(rid, ())
    ]


def index_grades(index: LoadedIndex) -> dict[str, tuple[SectionGrade, ...]]:
    """Each indexed report's section grades, by report id (read from the manifest once per version)."""
    return index.derived(
        "section grades",
        lambda: {r.id: tuple(SectionGrade.from_dict(g) for g in r.grades) for r in index.manifest.reports},
    )


def grade_of(grades: Iterable[SectionGrade], section_path: tuple[str, ...]) -> SectionGrade | None:
    """The grade in force at ``section_path``: its own graded heading's, else the nearest above."""
    best: SectionGrade | None = None
    for g in grades:
        if section_path[: len(g.section)] == g.section and (
            best is None or len(g.section) > len(best.section)
        ):
            best = g
    return best


def citation_grade(stated: SectionGrade | None, fallback: str | None = None) -> str:
    """A section's grade as a citation carries it: "Grade: Requires improvement" (its grade line),
    "Grade: Good (stated in the text, ¶5)" (a rating stated in words, and where), or "" where the
    report states none. ``fallback`` is the passage's own grade, used when the index has no stated
    grades (an older index). The exports' citation lines and the cards' copied citations both
    write this, so a citation pasted from the chat reads as the exported one."""
    if stated is None:
        return f"Grade: {fallback}" if fallback else ""
    if stated.stated == LINE and stated.grade:
        return f"Grade: {stated.grade}"
    if stated.stated == WORDS and stated.grade:
        where = f", ¶{stated.paragraph}" if stated.paragraph is not None else ""
        return f"Grade: {stated.grade} (stated in the text{where})"
    return ""


def render_grades(rows: Iterable[GradeRow]) -> str:
    """The overview for a terminal: one block per report (force, year), a line per section."""
    lines: list[str] = []
    current = None
    for row in rows:
        if row.report_id != current:
            current = row.report_id
            when = f", {row.year}" if row.year is not None else ""
            lines.append(f"{row.force or row.report_title}{when} — {row.report_title}")
        g = row.grade
        lines.append(f"  {g.label():<32} {' › '.join(g.section)}")
        lines.append(f"  {'':<32} [{g.citation(row.report_title)}]")
    return "\n".join(lines) + ("\n" if lines else "")

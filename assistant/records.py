"""Immutable records that flow between the stages of the pipeline.

    file --ingest--> Report(meta, sections[blocks]) --passages--> Passage
    Passage --store/retrieval--> Hit --answer--> Answer(hits, citations)

Records are frozen dataclasses: copy with :func:`dataclasses.replace`, never mutate.
Those that are persisted have ``to_dict``/``from_dict`` with plain JSON types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

GRADES: tuple[str, ...] = ("Outstanding", "Good", "Requires improvement", "Inadequate")
"""HMICFRS PEEL grades, best first."""

BlockKind = Literal["paragraph", "bullet"]


@dataclass(frozen=True)
class ReportMeta:
    """What is known about one report file: read from the document, overridden by its sidecar."""

    id: str
    title: str
    path: str = ""
    sha256: str = ""
    format: str = "text"
    force: str | None = None
    year: int | None = None
    inspection: str | None = None
    publisher: str | None = None
    published: str | None = None
    updated: str | None = None
    source_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportMeta:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Block:
    """A paragraph or a bullet item of a report, with where it sits in the source.

    ``start``/``end`` are character offsets into the report's extracted text (for a text
    file, its decoded contents). A bullet's ``text`` is the item alone; ``lead_in`` is the
    sentence that introduced its list ("Weaknesses include:"), kept as context.
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    paragraph: int
    bullet: int | None = None
    lead_in: str | None = None
    page: int | None = None
    page_label: str | None = None


@dataclass(frozen=True)
class GradeLine:
    """Where a report states a section's grade: its grade line, or a sentence rating it in words."""

    grade: str
    text: str
    start: int
    end: int
    page: int | None = None
    page_label: str | None = None


@dataclass(frozen=True)
class Section:
    """Blocks under one heading path, with the grade in force there (if any)."""

    path: tuple[str, ...]
    grade: str | None
    blocks: tuple[Block, ...] = ()
    grade_line: GradeLine | None = None
    """The grade line under this section's own heading (None when the grade is inherited)."""


@dataclass(frozen=True)
class Report:
    """One parsed report: metadata plus sections in document order."""

    meta: ReportMeta
    sections: tuple[Section, ...]
    text: str = field(default="", repr=False)


@dataclass(frozen=True)
class Citation:
    """Where a passage is: report › section path › ¶ (bullet) (page)."""

    report: str
    section_path: tuple[str, ...]
    paragraph: int
    bullet: int | None = None
    page: str | None = None

    def __str__(self) -> str:
        return format_citation(self)


def format_citation(c: Citation) -> str:
    """``Report › Heading › Sub-heading › ¶3, bullet 2, p. 14``.

    The paragraph number counts within the innermost heading, so the string is enough to
    find the quote by eye in the source.
    """
    where = f"¶{c.paragraph}"
    if c.bullet is not None:
        where += f", bullet {c.bullet}"
    if c.page is not None:
        where += f", p. {c.page}"
    return " › ".join((c.report, *c.section_path, where))


@dataclass(frozen=True)
class Passage:
    """The unit that is embedded, retrieved and quoted."""

    id: str
    report_id: str
    report_title: str
    section_path: tuple[str, ...]
    grade: str | None
    paragraph: int
    bullet: int | None
    start: int
    end: int
    text: str
    lead_in: str | None = None
    page: int | None = None
    page_label: str | None = None

    @property
    def citation(self) -> Citation:
        return Citation(
            report=self.report_title,
            section_path=self.section_path,
            paragraph=self.paragraph,
            bullet=self.bullet,
            page=self.page_label if self.page_label is not None else _opt_str(self.page),
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["section_path"] = list(self.section_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["section_path"] = tuple(fields.get("section_path", ()))
        return cls(**fields)


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Hit:
    """A passage with its final rank and score, plus each retriever's score for inspection."""

    passage: Passage
    score: float
    rank: int = 0
    scores: dict[str, float] = field(default_factory=dict)
    support: tuple[int, int] | None = None
    """Character range in ``passage.text`` of the sentence that best answers the question."""
    also_in: tuple[Passage, ...] = ()
    """The same wording in other reports (another force's or year's report, another copy)."""
    items: tuple[Passage, ...] = ()
    """For a list's lead-in ("Weaknesses include:"), the items it introduces: a lead-in is
    context for its items, so it is shown with them, never as a card by itself."""


@dataclass(frozen=True)
class Scope:
    """Which reports a question was searched in, and why (see :mod:`assistant.retrieval.scope`)."""

    reports: tuple[str, ...]
    """Ids of the reports searched."""
    source: str = "all"
    """What decided it: ``question`` (forces/years it names), ``filters``, or ``all``."""
    forces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    narrowed: bool = False
    """Whether fewer than all reports were searched because of what the question names."""
    widened: bool = False
    reason: str | None = None
    """Why the search was widened to every report."""
    notes: tuple[str, ...] = ()
    """Plain statements for the reader ("No report on Kent Police for 2016 is indexed; ...")."""
    decline: str | None = None
    """Set when the reports in scope cannot answer (the year's judgement is not held)."""


@dataclass(frozen=True)
class ComparisonRow:
    """One section of a comparison: each report's grade there and the ranks of its hits."""

    section: str
    reports: tuple[str, ...]
    grades: tuple[str | None, ...]
    ranks: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Answer:
    """The reply to one question: ranked hits, or an abstention with the nearest hits."""

    question: str
    hits: tuple[Hit, ...]
    abstained: bool = False
    notice: str | None = None
    query: str = ""
    expansions: tuple[str, ...] = ()
    corrections: dict[str, str] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    """The stemmed terms the reports were searched with (the question's and its expansions')."""
    scope: Scope | None = None
    mode: str = "passages"
    """How the hits are laid out: ``passages`` (best first), ``which`` (the best passage of each
    report that addresses the question) or ``compare`` (reports side by side, by section)."""
    comparison: tuple[ComparisonRow, ...] = ()
    reports: dict[str, ReportMeta] = field(default_factory=dict)
    """Metadata of the reports searched and cited, by id (names, forces and years for display)."""
    grades: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Each cited report's section grades as stated (:class:`assistant.grades.SectionGrade`), by id."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds spent in each stage, for benchmarks and the evaluation report."""

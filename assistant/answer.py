"""Hits -> what people and programs read (pure): support sentences, JSON, terminal text.

Nothing here writes new words about the reports: every quote is a passage's own text, or a
sentence cut out of it at its own boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from assistant.grades import grade_of
from assistant.passages import sentence_spans
from assistant.records import Answer, Hit, Passage, ReportMeta, Scope
from assistant.retrieval.lexical import tokenize

ABSTAIN_MESSAGE = "The indexed reports do not appear to address this question."


def best_support(text: str, terms: Iterable[str]) -> tuple[int, int] | None:
    """The sentence sharing most distinct query terms with the question (first wins ties).

    Returns None when no sentence shares a term: then nothing is highlighted, rather than
    highlighting a sentence with no evidence for it.
    """
    wanted = set(terms)
    best, best_score = None, 0
    for a, b in sentence_spans(text):
        score = len(wanted & set(tokenize(text[a:b])))
        if score > best_score:
            best, best_score = (a, b), score
    return best


def with_support(answer: Answer, terms: Iterable[str]) -> Answer:
    """Copy of ``answer`` whose hits carry their best-supporting sentence."""
    terms = list(terms)
    hits = tuple(replace(h, support=best_support(h.passage.text, terms)) for h in answer.hits)
    return replace(answer, hits=hits)


def scope_label(scope: Scope | None, reports: Mapping[str, ReportMeta]) -> str:
    """One line saying where an answer was searched: "Searched: Kent Police, 2017".

    Names the forces and years when the question (or filters) narrowed the search, the number
    of reports otherwise; a widened search says so.
    """
    if scope is None:
        return ""
    if scope.widened:
        return f"Searched: every report ({len(scope.reports)}), as asked"
    if scope.source == "all" and len(scope.reports) != 1:
        return f"Searched: all {len(scope.reports)} reports"
    metas = [reports[r] for r in scope.reports if r in reports]
    if scope.source == "all" or not metas:
        return _one(metas)
    forces = list(dict.fromkeys([*scope.forces, *(m.force or m.title for m in metas)]))
    years = sorted({m.year for m in metas if m.year is not None})
    where = ", ".join(forces[:4]) + (f" and {len(forces) - 4} more" if len(forces) > 4 else "")
    when = ", ".join(map(str, years))
    prefix = "Filters" if scope.source == "filters" else "Searched"
    return f"{prefix}: {where}" + (f", {when}" if when else "")


def scope_lines(answer: Answer) -> list[str]:
    """The scope line and its notes, when they tell the reader something: the library holds
    several reports, or the search was narrowed or widened, or there is a note; else ``[]``."""
    scope = answer.scope
    if scope is None or not (len(answer.reports) > 1 or scope.narrowed or scope.notes or scope.widened):
        return []
    return [scope_label(scope, answer.reports), *scope.notes]


def _one(metas: list[ReportMeta]) -> str:
    if not metas:
        return "Searched: no report"
    m = metas[0]
    return f"Searched: {m.force or m.title}" + (f", {m.year}" if m.year is not None else "")


def _report_fields(report_id: str, reports: Mapping[str, ReportMeta]) -> dict[str, Any]:
    meta = reports.get(report_id)
    return {"force": meta.force if meta else None, "year": meta.year if meta else None}


def grade_dict(p: Passage, grades: Mapping[str, Any]) -> dict[str, Any] | None:
    """The grade in force where ``p`` sits, as the report states it (grade line, words, or none)."""
    found = grade_of(grades.get(p.report_id, ()), p.section_path)
    if found is None:
        return None
    return {
        "grade": found.grade,
        "stated": found.stated,
        "label": found.label(),
        "text": found.text,
        "citation": found.citation(p.report_title),
    }


def copy_dict(p: Passage, reports: Mapping[str, ReportMeta], grades: Mapping[str, Any]) -> dict[str, Any]:
    """Another report's copy of a passage's wording, as listed under ``also_in``."""
    return {
        "id": p.id,
        "report": p.report_title,
        "report_id": p.report_id,
        **_report_fields(p.report_id, reports),
        "citation": str(p.citation),
        "page": p.page,
        "page_label": p.page_label,
        "grade": p.grade,
        "grade_stated": grade_dict(p, grades),
        "span": [p.start, p.end],
    }


def passage_dict(
    hit: Hit, reports: Mapping[str, ReportMeta] | None = None, grades: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One passage as ``ask --json`` prints it."""
    p: Passage = hit.passage
    reports = reports or {}
    grades = grades or {}
    return {
        "rank": hit.rank,
        "id": p.id,
        "score": round(hit.score, 6),
        "text": p.text,
        "citation": str(p.citation),
        "report": p.report_title,
        "report_id": p.report_id,
        "section": p.section_path[0] if p.section_path else "",
        "section_path": list(p.section_path),
        "paragraph": p.paragraph,
        "bullet": p.bullet,
        "page": p.page,
        "page_label": p.page_label,
        "grade": p.grade,
        "lead_in": p.lead_in,
        "span": [p.start, p.end],
        "support": list(hit.support) if hit.support else None,
        "scores": {k: round(v, 6) for k, v in hit.scores.items()},
        **_report_fields(p.report_id, reports),
        "grade_stated": grade_dict(p, grades),
        "also_in": [copy_dict(c, reports, grades) for c in hit.also_in],
        "items": [item_dict(i) for i in hit.items],
    }


def item_dict(p: Passage) -> dict[str, Any]:
    """One item of the list a lead-in passage introduces, as listed under ``items``."""
    return {
        "id": p.id,
        "text": p.text,
        "citation": str(p.citation),
        "bullet": p.bullet,
        "page": p.page,
        "page_label": p.page_label,
        "span": [p.start, p.end],
    }


def scope_dict(answer: Answer) -> dict[str, Any] | None:
    """Where the answer was searched, for ``ask --json``."""
    scope = answer.scope
    if scope is None:
        return None
    metas = answer.reports
    return {
        "label": scope_label(scope, metas),
        "source": scope.source,
        "forces": list(scope.forces),
        "years": list(scope.years),
        "reports": [
            {"id": r, "title": metas[r].title if r in metas else r, **_report_fields(r, metas)}
            for r in (scope.reports if scope.source != "all" else ())
        ],
        "report_count": len(scope.reports),
        "narrowed": scope.narrowed,
        "widened": scope.widened,
        "reason": scope.reason,
        "notes": list(scope.notes),
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The ``ask --json`` object; keys are only ever added, never removed."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "passages": [passage_dict(h, answer.reports, answer.grades) for h in answer.hits],
        "notice": answer.notice,
        "expansions": list(answer.expansions),
        "corrections": dict(answer.corrections),
        "scope": scope_dict(answer),
        "mode": answer.mode,
        "comparison": [
            {
                "section": r.section,
                "reports": list(r.reports),
                "grades": list(r.grades),
                "ranks": [list(x) for x in r.ranks],
            }
            for r in answer.comparison
        ],
    }


def render_text(answer: Answer) -> str:
    """A terminal view: numbered quotes with score and citation."""
    lines = []
    if shown := scope_lines(answer):
        lines.append("\n".join(shown) + "\n")
    if answer.abstained:
        why = f" {answer.notice}" if answer.notice else ""
        lines.append(f"{ABSTAIN_MESSAGE}{why} Nearest passages:\n")
    elif answer.notice:
        lines.append(answer.notice + "\n")
    if not answer.hits:
        lines.append("No passages found.")
    for hit in answer.hits:
        p = hit.passage
        lead = f"[{p.lead_in}] " if p.lead_in else ""
        items = "".join(f"\n     • “{item.text}”" for item in hit.items)
        copies = "".join(f"\n   — also in {copy.citation}" for copy in hit.also_in)
        lines.append(f"{hit.rank}. ({hit.score:.3f}) {lead}“{p.text}”{items}\n   — {p.citation}{copies}\n")
    return "\n".join(lines).rstrip() + "\n"

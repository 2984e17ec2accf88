"""Which reports a question is searched in (pure): the forces and years it names, filters, widening.

The rule, in order:

1. **Widened** ("search every report", ``--all-reports``): every report.
2. **Filters** the user set (report, force, year) decide alone: they override the question.
3. **Forces named** that the library holds narrow the search to their reports. Forces the
   library lacks are left to abstention (rule 1 of :mod:`assistant.retrieval.abstain`).
4. **Years named** narrow further, to reports of those years. "Since 2016" keeps the reports
   of 2016 and later, so a change can be seen. When the named force has no report for the
   year, the answer says so with the years it has. It *declines* only when the question asks
   for the inspection's own judgement of that year ("graded in 2016", "the 2016 inspection"):
   a report of another year cannot give it. Otherwise the year may be a time the reports talk
   about ("what problems did it have in 2016?"), so the force's other reports are searched.
5. **A comparison of forces** ("compare Kent and GMP") with no year named sets each force's
   latest report side by side; comparing one force with itself ("how has the Met changed")
   keeps all its years.
6. Nothing named: every report.

Reports without a force (thematic reports) are searched only when no force is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.forces import forces_in, known_forces
from assistant.records import ReportMeta, Scope

if TYPE_CHECKING:
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.query import Query

_JUDGEMENT_OF_YEAR = re.compile(
    r"\b(?:(?:19|20)\d\d(?:\s*/\s*\d\d)?\s+(?:peel|inspection|report|assessment|grades?|rating)s?"
    r"|(?:peel|inspection|report|assessment)s?\s+(?:of|in|for|from)?\s*(?:19|20)\d\d)\b",
    re.I,
)
"""A year attached to the inspection itself ("the 2016 inspection", "PEEL 2016")."""


@dataclass(frozen=True)
class Held:
    """A report as the scope rule sees it."""

    id: str
    forces: frozenset[str]
    year: int | None


def held_reports(reports: Mapping[str, ReportMeta]) -> tuple[Held, ...]:
    """Every report's id, forces and year, by id: what :func:`resolve_scope` reads. A library's
    reports change only with its index version, so callers keep this per version."""
    return tuple(
        Held(rid, frozenset(forces_in(m.force) or [m.force]) if m.force else frozenset(), m.year)
        for rid, m in sorted(reports.items())
    )


def _years_text(years: Iterable[int | None]) -> str:
    held = sorted({y for y in years if y is not None})
    return ", ".join(map(str, held)) or "no year recorded"


def _latest_per_force(held: list[Held], forces: tuple[str, ...]) -> list[Held]:
    """Each named force's most recent report."""
    out = []
    for force in forces:
        own = [h for h in held if force in h.forces]
        if own:
            out.append(max(own, key=lambda h: (h.year or 0, h.id)))
    return out


def _force_names() -> frozenset[str]:
    return frozenset(f.name for f in known_forces())


def asks_judgement_of_year(query: Query) -> bool:
    """Whether the years named are the inspection's own (a grade, "the 2016 inspection")."""
    return bool(query.years) and (query.asks_performance or bool(_JUDGEMENT_OF_YEAR.search(query.question)))


def resolve_scope(
    query: Query,
    reports: Mapping[str, ReportMeta],
    filters: Filters | None = None,
    widen: bool = False,
    held: Sequence[Held] | None = None,
) -> Scope:
    """The reports to search for ``query`` (see the module docstring for the rule); ``held`` is
    :func:`held_reports` of ``reports``, computed here when not given."""
    held = held_reports(reports) if held is None else held
    every = tuple(h.id for h in held)
    if widen:
        return Scope(reports=every, source="all", widened=True, reason="asked to search every report")
    if filters is not None and (filters.report or filters.force or filters.year):
        allowed = tuple(sorted(filters.allowed_reports(reports.values())))
        return Scope(reports=allowed, source="filters", forces=filters.force, years=filters.year)
    forces = tuple(f for f in query.bodies if any(f in h.forces for h in held))
    chosen = [h for h in held if h.forces & set(forces)] if forces else list(held)
    notes: list[str] = []
    decline = None
    years: tuple[int, ...] = ()
    if query.since is not None:
        later = [h for h in chosen if h.year is not None and h.year >= query.since]
        if later:
            chosen, years = later, tuple(sorted({h.year for h in later if h.year is not None}))
    elif query.years:
        in_year = [h for h in chosen if h.year in query.years]
        if in_year:
            chosen, years = in_year, tuple(y for y in query.years if any(h.year == y for h in in_year))
        elif reports:
            who = " or ".join(forces) if forces else "any force"
            asked = " or ".join(map(str, query.years))
            note = (
                f"No report on {who} for {asked} is indexed; "
                f"the reports searched are of {_years_text(h.year for h in chosen)}."
            )
            notes.append(note)
            if asks_judgement_of_year(query):
                decline = note
    elif query.compare and len(forces) > 1:
        chosen = _latest_per_force(chosen, forces)
    missing = [b for b in query.bodies if b not in forces and b in _force_names()]
    if forces and missing:
        notes.append(f"No indexed report is about {', '.join(missing)}.")
    if not forces and not query.years and query.since is None:
        return Scope(reports=every, source="all", notes=tuple(notes))
    ids = tuple(h.id for h in chosen)
    return Scope(
        reports=ids,
        source="question",
        forces=forces,
        years=years,
        notes=tuple(notes),
        decline=decline,
        narrowed=len(ids) < len(every),
    )

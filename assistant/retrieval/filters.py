"""Filters on report, force, year, section and grade, as boolean masks over passages.

Each field holds allowed values; a passage passes when every non-empty field matches
(values within a field are alternatives). Text values match case-insensitively; a report
may be named by id or by title; a section value matches any heading that contains it
("vulnerable" selects "How effective is the force at protecting those who are vulnerable...").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assistant.forces import forces_in
from assistant.records import GRADES, ReportMeta
from assistant.store.table import Columns


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


@dataclass(frozen=True)
class Filters:
    """Which passages may be returned (empty fields do not filter)."""

    report: tuple[str, ...] = ()
    force: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    section: tuple[str, ...] = ()
    grade: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.report, self.force, self.year, self.section, self.grade))

    def describe(self) -> str:
        parts = [f"{name}={', '.join(map(str, values))}" for name, values in vars(self).items() if values]
        return "; ".join(parts)

    def allowed_reports(self, reports: Iterable[ReportMeta]) -> set[str]:
        """Ids of the reports that pass the report, force and year fields."""
        wanted_reports = {_norm(r) for r in self.report}
        wanted_forces = self.force
        out = set()
        for meta in reports:
            if wanted_reports and not ({_norm(meta.id), _norm(meta.title)} & wanted_reports):
                continue
            if wanted_forces and not (meta.force and _force_matches(meta.force, wanted_forces)):
                continue
            if self.year and meta.year not in self.year:
                continue
            out.add(meta.id)
        return out

    def passage_mask(self, columns: Columns) -> np.ndarray | None:
        """A boolean array over passages for the section and grade fields, or None when neither
        is set (report, force and year choose whole reports: :meth:`allowed_reports`)."""
        if not (self.section or self.grade):
            return None
        mask = np.ones(len(columns.report), dtype=bool)
        if self.section:
            sections = [_norm(s) for s in self.section]
            codes = [i for i, path in enumerate(columns.sections) if any(s in _norm(path) for s in sections)]
            mask &= np.isin(np.asarray(columns.section), codes)
        if self.grade:
            grades = {_norm(g) for g in self.grade}
            codes = [i for i, g in enumerate(GRADES) if _norm(g) in grades]
            mask &= np.isin(np.asarray(columns.grade), codes)
        return mask


def _force_matches(force: str, wanted: Iterable[str]) -> bool:
    """Whether a wanted value names the report's ``force``: by any of its names in
    ``forces.toml`` ("GMP", "the Met", "Greater Manchester"), by its full name, or by the
    start of it ("Metro", for a force the table does not know)."""
    canonical = set(forces_in(force)) or {force}
    for value in wanted:
        if set(forces_in(value)) & canonical:
            return True
        if len(value.strip()) >= 3 and _norm(force).startswith(_norm(value)):
            return True
    return False

"""Which force or service a question is about, and whether the library has a report on it (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.forces import forces_in, known_forces
from assistant.retrieval.lexical import tokenize, words

if TYPE_CHECKING:
    from assistant.retrieval.query import Query
    from assistant.store.load import LoadedIndex

FIRE = "fire and rescue service"
SERVICES: dict[str, tuple[str, ...]] = {
    FIRE: (
        "fire and rescue",
        "fire & rescue",
        "fire brigade",
        "fire service",
        "fire authority",
        "firefighter",
    ),
    "ambulance service": ("ambulance", "paramedic"),
    "NHS": ("NHS", "national health service", "hospital", "A&E"),
    "prison service": ("prison", "prison service", "prison officer", "jail"),
    "probation service": ("probation",),
}
"""Public services other than police forces that a question may be about. Source: the services
the UK's other inspectorates cover -- fire and rescue (HMICFRS), ambulance and hospitals (CQC),
prisons (HM Inspectorate of Prisons), probation (HM Inspectorate of Probation)."""


_SERVICE_PATTERNS = {
    name: re.compile(r"\b(?:" + "|".join(re.escape(n) + "s?" for n in names) + r")\b", re.I)
    for name, names in SERVICES.items()
}


def bodies_in(text: str) -> list[str]:
    """Forces and other services named in ``text`` (any fire service counts as one kind)."""
    found = forces_in(text)
    found += [name for name, pattern in _SERVICE_PATTERNS.items() if pattern.search(text)]
    return found


def force_words(text: str) -> frozenset[str]:
    """The words of ``text`` that are part of a force's name as written there ("met", "manchester")."""
    return frozenset(
        w for force in known_forces() for m in force.pattern.finditer(text) for w in words(m.group(0))
    )


def mentioned_in_corpus(phrase: str, index: LoadedIndex) -> bool:
    """Whether every term of ``phrase`` occurs somewhere in the indexed passages."""
    terms = tokenize(phrase)
    return bool(terms) and all(index.lexical.document_frequency(t) > 0 for t in terms)


@dataclass(frozen=True)
class _Covered:
    """What the indexed reports are about, gathered once per index version."""

    forces: frozenset[str]
    """Each report's force, lower-cased."""
    bodies: frozenset[str]
    """Every body named in a report's force."""
    fire: bool
    """Whether some report's force, title or inspection mentions fire."""
    names: str
    """The reports' forces as written, sorted, for messages ("none" when there are none)."""


def _covered(index: LoadedIndex) -> _Covered:
    """The reports' bodies, gathered once per version: scanning every report's metadata at
    each question cost ~1 ms per thousand reports (docs/BENCHMARKS.md)."""

    def gather() -> _Covered:
        metas = list(index.reports.values())
        return _Covered(
            forces=frozenset(m.force.lower() for m in metas if m.force),
            bodies=frozenset(b for m in metas if m.force for b in bodies_in(m.force)),
            fire=any(
                "fire" in " ".join(filter(None, (m.force, m.title, m.inspection))).lower() for m in metas
            ),
            names=", ".join(sorted({m.force for m in metas if m.force})) or "none",
        )

    return index.derived("covered bodies", gather)


def is_indexed(body: str, index: LoadedIndex) -> bool:
    """Whether some indexed report is about ``body``."""
    covered = _covered(index)
    return (body == FIRE and covered.fire) or body.lower() in covered.forces or body in covered.bodies


def unknown_bodies(query: Query, index: LoadedIndex) -> tuple[str, ...]:
    """Bodies ``question`` is about that no indexed report covers.

    A body counts when the question asks how it performed or was graded, or when the reports
    never mention it at all: "Does the Met work with the NCA?" and "What do the reports say
    about the NCA?" stay answerable, "How long do Met officers wait for an ambulance?" does
    not when no report mentions ambulances. When an indexed body is named too, only bodies the
    reports never mention count, and a comparison ("compare Kent and Durham") keeps to the
    bodies the library has instead (its scope says which are missing).
    """
    named = query.bodies
    if not named:
        return ()
    indexed = [b for b in named if is_indexed(b, index)]
    if indexed and query.compare:
        return ()
    unknown = [b for b in named if b not in indexed]
    if indexed:
        return tuple(b for b in unknown if not _mentioned(b, index))
    return tuple(b for b in unknown if query.asks_performance or not _mentioned(b, index))


def _mentioned(body: str, index: LoadedIndex) -> bool:
    """Whether the reports mention ``body`` by name, or by any word its pattern knows it by."""
    return any(mentioned_in_corpus(name, index) for name in SERVICES.get(body, (body,)))


def covered_forces(index: LoadedIndex) -> str:
    """The forces the indexed reports are about, for messages."""
    return _covered(index).names

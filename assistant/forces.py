"""Police forces and other bodies HMICFRS inspects, and the names people use for them.

One table (``forces.toml``) serves ingest -- which force a report title names -- and
retrieval -- which force a question is about. Short aliases ("Met", "GMP") must match in
the case written; longer names match in any case. The longest name wins, so "North
Yorkshire" is found before "York" could be.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CASE_SENSITIVE_MAX = 3
"""Aliases this short ("Met", "NCA") match only as written: "met" is also an ordinary verb."""


@dataclass(frozen=True)
class Force:
    name: str
    aliases: tuple[str, ...]
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def known_forces() -> tuple[Force, ...]:
    """Every force in ``forces.toml``, with a pattern matching any of its names."""
    data = tomllib.loads(resources.files("assistant").joinpath("forces.toml").read_text("utf-8"))
    forces = []
    for name, aliases in data["forces"].items():
        names = sorted({name, *aliases}, key=len, reverse=True)
        parts = [re.escape(n) if len(n) > CASE_SENSITIVE_MAX else rf"(?-i:{re.escape(n)})" for n in names]
        forces.append(Force(name, tuple(aliases), re.compile(rf"\b(?:{'|'.join(parts)})\b", re.IGNORECASE)))
    return tuple(forces)


def forces_in(text: str) -> list[str]:
    """Forces named in ``text``, in order of first mention; a name inside a longer one counts once."""
    return list(_forces_in(text))


@lru_cache(maxsize=8192)
def _forces_in(text: str) -> tuple[str, ...]:
    """:func:`forces_in`, remembered: a library repeats a few dozen force names across its reports."""
    spans: list[tuple[int, int, str]] = []
    for force in known_forces():
        for m in force.pattern.finditer(text):
            spans.append((m.start(), m.end(), force.name))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    found: list[str] = []
    end = -1
    for start, stop, name in spans:
        if start >= end and name not in found:
            found.append(name)
        end = max(end, stop)
    return tuple(found)


def force_in(title: str) -> str | None:
    """The force a report title names, if any ("PEEL 2017: Kent" -> "Kent Police")."""
    named = forces_in(title)
    return named[0] if named else None

"""Which police force and which inspection a report is about, from its title.

A title that names a force ("PEEL 2017: Kent", "An inspection of the Metropolitan Police
Service") gives the report's force (names and aliases: :mod:`assistant.forces`), so
``--force`` filters work without a sidecar file. A sidecar still overrides whatever is found.
"""

from __future__ import annotations

import re

from assistant.forces import force_in

__all__ = ["force_in", "inspection_in"]

_INSPECTION = re.compile(
    r"\b(PEEL)\b(?:.*?\b(effectiveness|efficiency|legitimacy|leadership|spotlight)\b)?", re.IGNORECASE
)


def inspection_in(title: str) -> str | None:
    """``"... PEEL 2017 — Effectiveness"`` -> ``"PEEL effectiveness"``; ``"... PEEL 2017"`` -> ``"PEEL"``."""
    m = _INSPECTION.search(title)
    if not m:
        return None
    return f"PEEL {m.group(2).lower()}" if m.group(2) else "PEEL"

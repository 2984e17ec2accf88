"""Which police force and which inspection a report is about, from its title.

The 43 territorial police forces of England and Wales (plus British Transport Police), each
by its distinctive name: a title that names one ("PEEL 2017: Kent", "An inspection of the
Metropolitan Police Service") gives the report's force, so ``--force`` filters work without a
sidecar file. A sidecar still overrides whatever is found here.
"""

from __future__ import annotations

import re

FORCES: tuple[str, ...] = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
    "Derbyshire Constabulary", "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary",
    "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police",
    "Gwent Police", "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police",
    "Kent Police", "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
    "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary", "North Wales Police",
    "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police", "Nottinghamshire Police",
    "South Wales Police", "South Yorkshire Police", "Staffordshire Police", "Suffolk Constabulary",
    "Surrey Police", "Sussex Police", "Thames Valley Police", "Warwickshire Police", "West Mercia Police",
    "West Midlands Police", "West Yorkshire Police", "Wiltshire Police", "British Transport Police",
)  # fmt: skip
_GENERIC = re.compile(r"\s+(Police Service|Police|Constabulary)$")
_BY_NAME = sorted(((_GENERIC.sub("", f), f) for f in FORCES), key=lambda pair: -len(pair[0]))
_INSPECTION = re.compile(
    r"\b(PEEL)\b(?:.*?\b(effectiveness|efficiency|legitimacy|leadership|spotlight)\b)?", re.IGNORECASE
)


def force_in(title: str) -> str | None:
    """The force a title names (longest distinctive name first: "North Yorkshire" before "York")."""
    for short, full in _BY_NAME:
        if re.search(rf"\b{re.escape(short)}\b", title, re.IGNORECASE):
            return full
    return None


def inspection_in(title: str) -> str | None:
    """``"... PEEL 2017 — Effectiveness"`` -> ``"PEEL effectiveness"``; ``"... PEEL 2017"`` -> ``"PEEL"``."""
    m = _INSPECTION.search(title)
    if not m:
        return None
    return f"PEEL {m.group(2).lower()}" if m.group(2) else "PEEL"

"""Recognising single lines the same way in every format: dates, grades, web boilerplate.

"Last updated 22 March 2018" is metadata whether it comes from a text scrape, a web page, a
Word file or a PDF; so is a grade line or "Skip to content". Every parser classifies a
paragraph-like block with :func:`classify_paragraph`.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.ingest.structure import ElementKind, as_grade, normalise_space

BOILERPLATE = re.compile(
    r"^(skip to (main )?content|back to top|print this page|share this page|cookies? (on|settings).*"
    r"|accept (all )?cookies|reject (all )?cookies|menu|search|home|share|print|close)$",
    re.IGNORECASE,
)
DATE_LINE = re.compile(
    r"^(?P<what>last updated|updated|published|date of publication)\s*:?\s*(?P<date>.+)$", re.IGNORECASE
)
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def iso_date(text: str) -> str | None:
    """``22/03/2018`` (UK day-first) or ``2018-03-22`` -> ``2018-03-22``; else None."""
    text = text.strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_boilerplate(text: str) -> bool:
    return bool(BOILERPLATE.match(normalise_space(text)))


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december")
    )
    for m in names.split()
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")


def parse_date(text: str) -> str | None:
    """A date as documents print it -> ISO ``YYYY-MM-DD``; None when it is not one.

    Accepts ``22/03/2018`` (UK day first), ``2018-03-22`` (also with a time after it, as in
    meta tags), ``22 March 2018``, ``22nd Mar 2018`` and ``March 22, 2018``.
    """
    text = normalise_space(text).rstrip(".")
    if m := _ISO_PREFIX.match(text):
        return iso_date(m.group(1))
    if found := iso_date(text):
        return found
    if m := _DAY_MONTH_YEAR.match(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    elif m := _MONTH_DAY_YEAR.match(text):
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        return None
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def classify_paragraph(text: str) -> tuple[ElementKind, str] | None:
    """What a paragraph-like block is: ``(kind, value)``, or None for boilerplate to drop.

    A grade line gives ``("grade", canonical grade)``; a dated line gives ``("updated" or
    "published", ISO date)``; anything else is a paragraph.
    """
    text = normalise_space(text)
    if not text or is_boilerplate(text):
        return None
    if grade := as_grade(text):
        return "grade", grade
    if (m := DATE_LINE.match(text)) and (when := parse_date(m["date"])):
        published = m["what"].lower().startswith(("published", "date"))
        return ("published" if published else "updated"), when
    return "paragraph", text

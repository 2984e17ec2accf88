"""Small record factories for unit tests: a passage with sensible defaults, any field overridden."""

from __future__ import annotations

from assistant.records import Passage

SECTION = "How effective is the force at investigating crime?"


def make_passage(
    pid: str, text: str, report_id: str = "met", report_title: str = "Met PEEL", **kw: object
) -> Passage:
    """A passage of ``report_id`` whose span is its whole ``text``; ``kw`` sets any other field."""
    fields: dict[str, object] = {
        "id": pid,
        "report_id": report_id,
        "report_title": report_title,
        "section_path": (SECTION,),
        "grade": None,
        "paragraph": 2,
        "bullet": None,
        "start": 0,
        "end": len(text),
        "text": text,
    }
    fields.update(kw)
    return Passage(**fields)  # type: ignore[arg-type]

"""Report -> Passages (pure), and the text each retriever sees for a passage.

A passage is one paragraph or one bullet item: the unit an analyst quotes. Its id hashes the
report id, heading path, paragraph/bullet position and text, so the same text at the same
place keeps its id across rebuilds, and any edit gives a new one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from assistant.records import Passage, Report

ID_LENGTH = 16
MAX_SENTENCE_UNITS = 12
"""Sentences embedded per passage at most; longer passages still have their whole-passage vector."""
_SENTENCE_END = re.compile(r"(?<=[.!?;])[’”\"')\]]*\s+(?=[A-Z‘“\"'(\[0-9•])")


def passage_id(
    report_id: str, path: tuple[str, ...], paragraph: int, bullet: int | None, text: str, repeat: int = 0
) -> str:
    """sha256 over (report, heading path, ¶, bullet, text), first 16 hex digits (64 bits).

    ``repeat`` counts earlier passages of the report with the same key (the same heading twice
    with the same text under it); it enters the hash only when non-zero, so ids stay unique
    and every other id is unchanged.
    """
    key = "\x1f".join(
        (report_id, *path, str(paragraph), str(bullet), text, *([str(repeat)] if repeat else []))
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_LENGTH]


def report_passages(report: Report) -> Iterator[Passage]:
    """Every paragraph and bullet of ``report``, in document order, with ids unique in the report."""
    seen: dict[str, int] = {}
    for section in report.sections:
        for block in section.blocks:
            key = passage_id(report.meta.id, section.path, block.paragraph, block.bullet, block.text)
            repeat = seen.get(key, 0)
            seen[key] = repeat + 1
            yield Passage(
                id=passage_id(
                    report.meta.id, section.path, block.paragraph, block.bullet, block.text, repeat
                ),
                report_id=report.meta.id,
                report_title=report.meta.title,
                section_path=section.path,
                grade=section.grade,
                paragraph=block.paragraph,
                bullet=block.bullet,
                start=block.start,
                end=block.end,
                text=block.text,
                lead_in=block.lead_in,
                page=block.page,
                page_label=block.page_label,
            )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence: cut after ., !, ? or ; followed by space and a capital."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def dense_units(p: Passage) -> list[str]:
    """The texts embedded for one passage; its dense score is the best of their cosines.

    The first is the passage in context (:func:`dense_text`); then each of its sentences on
    its own. A summary paragraph covering several points then matches a question about any
    one of them as closely as a passage devoted to it would -- a single averaged vector
    blurs them. Measured on the dev questions in docs/EVALUATION.md.
    """
    sentences = [p.text[a:b] for a, b in sentence_spans(p.text)][:MAX_SENTENCE_UNITS]
    return [dense_text(p), *(sentences or [p.text])]


def grade_line(p: Passage) -> str:
    """ "Grade: Requires improvement" for a graded section's opening paragraph, else "".

    The grade line sits just before ¶1 in the report and ¶1 states the judgement, so the
    two are searched together; the grade is not part of the quoted text.
    """
    return f"Grade: {p.grade}" if p.grade and p.paragraph == 1 and p.bullet is None else ""


def dense_text(p: Passage) -> str:
    """The passage in context, as a reader meets it: headings, grade line, lead-in, text.

    A bullet such as "detective shortages affect the quality of investigations" means more
    under "How effective is the force at investigating crime?" and "Weaknesses include:".
    """
    parts = [*p.section_path, grade_line(p), p.lead_in or "", p.text]
    return "\n".join(part for part in parts if part)


def lexical_text(p: Passage) -> str:
    """What BM25 indexes: the passage's own words (and, for ¶1, its section's grade line).

    Headings and lead-ins are left out: their words repeat across every passage under them,
    so they would add the same score to all and drown the terms that tell passages apart.
    The lead-in is searchable as a passage of its own, and the dense vectors carry context.
    """
    grade = grade_line(p)
    return f"{grade}\n{p.text}" if grade else p.text

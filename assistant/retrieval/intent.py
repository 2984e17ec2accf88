"""What kind of answer a question asks for, and which passages are of that kind (pure).

Inspection reports are written to a pattern: a section opens with its judgement (¶1, after
the grade line), lists strengths and weaknesses under lead-ins ("Positive developments
include:", "Weaknesses include:"), and closes with "Areas for improvement" written as "The
force should ...". A question asking *how a force was graded*, *what is going well*, *what
is wrong* or *what should be done* is best answered by passages in the matching place,
whatever their words. So:

* :func:`question_intents` spots those four intents from general evaluative wording;
* :func:`passage_kinds` labels a passage from its structure (lead-in, heading, position)
  and its own wording;
* :func:`structure_bonus` counts how many of the question's intents a passage serves.

The retriever adds that count, weighted, to the fused score: structure breaks ties between
passages on the right topic, it never brings in an off-topic one by itself.
"""

from __future__ import annotations

import re

from assistant.records import Passage
from assistant.retrieval.cues import question_intents
from assistant.retrieval.vocabulary import GRADE, NEGATIVE, POSITIVE, RECOMMENDATION

__all__ = [
    "GRADE",
    "NEGATIVE",
    "POSITIVE",
    "RECOMMENDATION",
    "passage_kinds",
    "question_intents",
    "structure_bonus",
]

_POLARITY = {
    POSITIVE: re.compile(r"\b(positive\w*|promising|strengths?|good|well|innovative|notabl\w*|successful)\b"),
    NEGATIVE: re.compile(r"\b(weak\w*|concerns?|failures?|problems?|poor\w*|shortcomings?|gaps?)\b"),
}
"""Evaluative words that give a list's lead-in its polarity ("Positive developments include:",
"Weaknesses include:"): the appraisal inventory and plain evaluative adjectives."""
_NEGATOR = re.compile(r"\b(less|not|no|never|lack of|without)\s+(?:\w+\s+)?$")
"""A negator just before an evaluative word turns its polarity ("less positive aspects")."""
_RECOMMEND_HEADING = re.compile(r"\b(areas? for improvement|recommendations?|causes? of concern)\b")
"""HMICFRS's own headings for what a force must do (appraisal inventory)."""
_RECOMMEND_TEXT = re.compile(r"^(the force|it|they|forces?) (should|must|needs? to)\b|\bneeds? to:$")
"""A sentence of obligation with the force as its subject (English modal grammar)."""
_GRADE_TEXT = re.compile(
    r"\b(outstanding|inadequate|rating|rated|graded|requires? improvement"
    r"|(is|are|was|were) (good|outstanding|inadequate) at)\b"
)
"""Text that states a grade: the grading inventory, and its judgement form ("is good at")."""


def _lower(text: str | None) -> str:
    return (text or "").lower().replace("’", "'")


def polarity(text: str) -> str | None:
    """POSITIVE or NEGATIVE from ``text``'s first evaluative word (a negator before it turns it)."""
    found = []
    for name, pattern in _POLARITY.items():
        for m in pattern.finditer(text):
            flipped = bool(_NEGATOR.search(text[: m.start()]))
            found.append((m.start(), (NEGATIVE if name == POSITIVE else POSITIVE) if flipped else name))
    return min(found)[1] if found else None


def passage_kinds(p: Passage) -> frozenset[str]:
    """The intents ``p`` can answer, judged from where it sits and how it is worded."""
    lead, text, headings = _lower(p.lead_in), _lower(p.text), _lower(" / ".join(p.section_path))
    kinds = set()
    opening = p.paragraph == 1 and p.bullet is None
    if (opening and p.grade) or _GRADE_TEXT.search(text):
        kinds.add(GRADE)
    tone = (
        polarity(lead) if lead else (polarity(text[:60]) if p.bullet is None and text.endswith(":") else None)
    )
    if tone is not None:
        kinds.add(tone)
    if _RECOMMEND_HEADING.search(headings) or _RECOMMEND_TEXT.search(text) or _RECOMMEND_TEXT.search(lead):
        kinds.add(RECOMMENDATION)
    return frozenset(kinds)


def structure_bonus(intents: frozenset[str], p: Passage) -> int:
    """How many of the question's intents passage ``p`` serves (0 when the question has none)."""
    return len(intents & passage_kinds(p)) if intents else 0

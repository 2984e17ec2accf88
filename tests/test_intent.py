"""Question intents and passage kinds (pure)."""

from __future__ import annotations

import pytest

from assistant.records import Passage
from assistant.retrieval.intent import (
    GRADE,
    NEGATIVE,
    POSITIVE,
    RECOMMENDATION,
    passage_kinds,
    question_intents,
    structure_bonus,
)


def passage(
    text: str,
    *,
    lead_in: str | None = None,
    path: tuple[str, ...] = ("Q?",),
    paragraph: int = 2,
    bullet: int | None = None,
    grade: str | None = None,
) -> Passage:
    return Passage("id", "r", "R", path, grade, paragraph, bullet, 0, len(text), text, lead_in)


@pytest.mark.parametrize(
    ("question", "intents"),
    [
        ("How was the force graded on victims?", {GRADE}),
        ("What rating did it get for fraud?", {GRADE}),
        ("What are the strengths of its neighbourhood work?", {POSITIVE}),
        ("What innovative practice was found in custody?", {POSITIVE}),
        ("What weaknesses were found in call handling?", {NEGATIVE}),
        ("What should the force do about missing children?", {RECOMMENDATION}),
        ("What are the areas for improvement on fraud?", {RECOMMENDATION}),
        ("detective shortages", set()),
        ("Has the force got better at domestic abuse?", set()),
    ],
)
def test_question_intents(question: str, intents: set[str]) -> None:
    assert question_intents(question) == intents


def test_passage_kinds_come_from_structure_and_wording() -> None:
    assert GRADE in passage_kinds(passage("The force must do better.", paragraph=1, grade="Good"))
    assert GRADE not in passage_kinds(passage("The force must do better.", paragraph=1))
    assert GRADE in passage_kinds(passage("Despite the rating of ‘good’, more is needed."))
    assert POSITIVE in passage_kinds(
        passage("a new scheme;", lead_in="Positive developments include:", bullet=1)
    )
    assert NEGATIVE in passage_kinds(passage("delays;", lead_in="Weaknesses include:", bullet=2))
    # A negator turns an evaluative word round: "less positive aspects" lists weaknesses.
    assert passage_kinds(passage("delays;", lead_in="Less positive aspects include:", bullet=1)) == {NEGATIVE}
    assert RECOMMENDATION in passage_kinds(
        passage("Review X.", path=("Q?", "Areas for improvement"), bullet=1)
    )
    assert RECOMMENDATION in passage_kinds(passage("The force should review its use of orders."))
    assert passage_kinds(passage("Officers patrol the streets.")) == frozenset()


def test_structure_bonus_counts_served_intents() -> None:
    p = passage("The force should improve.", path=("Q?", "Areas for improvement"), bullet=1)
    assert structure_bonus(frozenset({RECOMMENDATION, GRADE}), p) == 1
    assert structure_bonus(frozenset(), p) == 0

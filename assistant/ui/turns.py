"""One question and its answer as the chat keeps it, and the one-click ways to ask it again (pure).

After an answer the chat offers, when they apply (:func:`offers`):

* **Search every report** -- the question named forces or years, so only their reports were
  searched: ask the same question of every report (``widen``).
* **Ask as a new question** -- it was read as a follow-up: ask it exactly as typed.
* **Clear filters and ask again** -- filters were set and found nothing (or nothing that
  answers): clear them and ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.conversation import Turn, interpret
from assistant.records import Answer
from assistant.retrieval.filters import Filters

LANDED_CARDS = 3
"""The top cards that must share a section for a follow-up to carry that section's topic."""
WIDEN, FRESH, CLEAR = "widen", "fresh", "clear"
AGAIN = (WIDEN, FRESH, CLEAR)


@dataclass(frozen=True)
class Latest:
    """The last question as asked, its answer, and the filters it was asked with."""

    turn: Turn
    answer: Answer
    number: int = 1
    """How many questions this conversation has asked so far (marks the cards of each answer)."""
    filters: Filters = field(default_factory=Filters)


@dataclass(frozen=True)
class Offers:
    """Which of the one-click re-asks (module docstring) apply to an answer."""

    widen: bool = False
    fresh: bool = False
    clear: bool = False


def offers(latest: Latest | None) -> Offers:
    """The re-asks that make sense after ``latest`` (none before the first question)."""
    if latest is None:
        return Offers()
    answer, scope = latest.answer, latest.answer.scope
    return Offers(
        widen=scope is not None and scope.source == "question" and scope.narrowed and not scope.widened,
        fresh=latest.turn.carried,
        clear=bool(latest.filters) and (not answer.hits or answer.abstained),
    )


def offered(latest: Latest | None) -> tuple[str, ...]:
    """The names (of :data:`AGAIN`, in order) of the re-asks :func:`offers` makes after ``latest``."""
    shown = offers(latest)
    return tuple(how for how in AGAIN if getattr(shown, how))


@dataclass(frozen=True)
class Again:
    """How to ask the latest question again: the turn, the filters, whether to widen, and what
    the conversation shows as the user's message."""

    turn: Turn
    filters: Filters
    widen: bool
    shown: str


def again(latest: Latest, how: str) -> Again:
    """The re-ask ``how`` (one of :data:`AGAIN`) of ``latest``; ``ValueError`` for another value."""
    turn = latest.turn
    if how == WIDEN:
        return Again(turn, latest.filters, True, f"Search every report: {turn.question}")
    if how == FRESH:
        fresh = interpret(turn.question, None)
        return Again(fresh, latest.filters, False, f"As a new question: {turn.question}")
    if how == CLEAR:
        return Again(turn, Filters(), False, f"Without filters: {turn.question}")
    raise ValueError(f"unknown way to ask again {how!r}; expected one of {', '.join(AGAIN)}")

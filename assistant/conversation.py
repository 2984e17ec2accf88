"""Follow-up questions in a conversation (pure): when does a question borrow the previous topic?

The rule, in full:

1. Split the question into words. Its **topic words** are the words that are not stop words
   ("and", "they", "what", ...), not question-framing words ("say", "mention", "report", ...),
   not :data:`~assistant.retrieval.vocabulary.ASPECT_WORDS` -- words that ask *something
   about* a topic without naming one ("recommend", "graded", "improve", "weaknesses",
   "well", ...) -- not words naming the inspected body in general ("force", "police": every
   report is about the force), and not the forces or years it names: those are its
   **scope** ("the Met", "Kent Police", "2016").
2. Its **topic phrase** is the user's own words for the topic: the longest run of the
   question, as typed, made of topic words and the function words that join them ("serious
   and organised crime", "protecting vulnerable people"); never a bag of words taken from
   different places in the question.
3. A question is a **follow-up** when all three hold:

   * the previous question had a topic phrase, a scope, or landed in one section (below);
   * the question is short: at most :data:`MAX_FOLLOWUP_WORDS` words;
   * it has **no topic words of its own**.

4. A follow-up is asked as ``"<question without its end punctuation> about <topic> (<scope>)?"``:
   "and what did they recommend?" after "How was the Met graded on protecting vulnerable
   people?" is asked as "and what did they recommend about protecting vulnerable people (the
   Met)?". A follow-up naming its own scope ("and Kent?") keeps it instead of the previous one.
5. When the previous question had no topic phrase of its own but every one of its top cards
   came from one section, the topic is that section's heading read the same way ("tackling
   serious and organised crime" from "How effective is the force at tackling serious and
   organised crime?"). A previous question with neither ("what is the force doing well?")
   has nothing to carry: the next question is asked as typed.
6. Any other question is asked exactly as typed and becomes the new topic. So "what about
   mental health?" starts a new topic, however short.
7. A follow-up inherits the topic it borrowed, so a chain of follow-ups keeps to the same
   topic until a question names a new one. The reply shows how a follow-up was read, with a
   one-click "ask as a new question" (:func:`interpret` with ``previous=None``).

Why this rule: it is predictable (the user sees the question as it was asked, and can always
override it by naming a topic), it never drops anything the user typed, and it cannot drift
-- the carried topic is the user's own phrase from an earlier question (or a heading of the
report), never a list of words stitched together. Word lists come from
:mod:`assistant.retrieval.vocabulary`, so "a word with no topic" means the same thing here as
it does to the retriever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.forces import known_forces
from assistant.retrieval.lexical import WORD_AS_TYPED
from assistant.retrieval.vocabulary import (
    ASPECT_WORDS,
    INSPECTED,
    PHRASE_JOINERS,
    QUESTION_WORDS,
    STOPWORDS,
    YEAR,
)

MAX_FOLLOWUP_WORDS = 8
"""Longer questions without a topic are rare and usually complete on their own."""

_WORD = WORD_AS_TYPED
_END = re.compile(r"[\s?.!,;:]+$")
_NOT_TOPIC = STOPWORDS | QUESTION_WORDS | ASPECT_WORDS | INSPECTED
_LEADING_THE = re.compile(r"(?i)\bthe\s+$")


@dataclass(frozen=True)
class Turn:
    """One question as the conversation understood it.

    ``query`` is what was asked of the reports; ``topic`` the topic phrase it was about (its
    own, or carried); ``scope`` the forces and years it names, as typed (its own, or carried);
    ``carried`` is True when ``query`` borrowed from the previous turn. ``section`` is the
    topic of the section its answer landed in, when all its top cards came from one
    (:func:`landed`).
    """

    question: str
    query: str
    topic: str
    carried: bool = False
    scope: str = ""
    section: str = ""


def _scope_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the forces (with a leading "the") and years ``text`` names."""
    spans = []
    for force in known_forces():
        for m in force.pattern.finditer(text):
            lead = _LEADING_THE.search(text, 0, m.start())
            spans.append((lead.start() if lead and lead.end() == m.start() else m.start(), m.end()))
    spans += [(m.start(), m.end()) for m in YEAR.finditer(text)]
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _base(word: str) -> str:
    low = word.lower().replace("’", "'")
    return low.split("'")[0] if low.endswith("'s") else low


def _kinds(text: str) -> list[tuple[str, int, int, str]]:
    """Each word of ``text`` as ``(kind, start, end, word)``: kind T (topic), J (joiner),
    S (part of a force's name or a year) or O (anything else)."""
    scope = _scope_spans(text)
    out = []
    for m in _WORD.finditer(text):
        base = _base(m.group())
        if any(a <= m.start() < b for a, b in scope):
            kind = "S"
        elif base in PHRASE_JOINERS:
            kind = "J"
        elif base in _NOT_TOPIC or len(base) < 2:
            kind = "O"
        else:
            kind = "T"
        out.append((kind, m.start(), m.end(), m.group()))
    return out


def topic_words(question: str) -> tuple[str, ...]:
    """The question's own topic words, as typed, in order (module docstring, step 1)."""
    return tuple(w for kind, _, _, w in _kinds(question) if kind == "T")


def topic_phrase(text: str) -> str:
    """The user's own phrase for the topic (module docstring, step 2); "" when there is none.

    Among the runs of topic words and joiners, the one with most topic words wins; on a tie
    the later one (questions tend to end on their topic: "how was the Met graded on
    protecting vulnerable people?").
    """
    best: tuple[int, int, int] | None = None  # (topic words, start, end)
    run: list[tuple[str, int, int, str]] = []
    for token in [*_kinds(text), ("O", len(text), len(text), "")]:
        if token[0] in "TJ":
            run.append(token)
            continue
        while run and run[-1][0] == "J":
            run.pop()
        while run and run[0][0] == "J":
            run.pop(0)
        if run:
            count = sum(1 for t in run if t[0] == "T")
            if best is None or count >= best[0]:
                best = (count, run[0][1], run[-1][2])
        run = []
    return text[best[1] : best[2]] if best else ""


def scope_phrase(text: str) -> str:
    """The forces and years ``text`` names, as typed: "the Met", "Kent Police, 2016"."""
    return ", ".join(text[a:b] for a, b in _scope_spans(text))


def interpret(question: str, previous: Turn | None) -> Turn:
    """How to ask ``question`` given the previous turn (the rule in the module docstring)."""
    text = " ".join(question.split())
    own_scope = scope_phrase(text)
    if topic_words(text):
        return Turn(question=text, query=text, topic=topic_phrase(text), scope=own_scope)
    topic = (previous.topic or previous.section) if previous is not None else ""
    scope = own_scope or (previous.scope if previous is not None else "")
    short = len(_WORD.findall(text)) <= MAX_FOLLOWUP_WORDS
    if previous is None or not short or not (topic or (scope and not own_scope)):
        return Turn(question=text, query=text, topic="", scope=own_scope)
    stem = _END.sub("", text)
    query = stem + (f" about {topic}" if topic else "") + (f" ({scope})" if scope and not own_scope else "")
    return Turn(question=text, query=f"{query.strip()}?", topic=topic, carried=True, scope=scope)


def landed(turn: Turn, sections: list[tuple[str, ...]]) -> Turn:
    """``turn`` with the topic of the section its answer landed in, when the top cards'
    ``sections`` (heading paths, best first) all share one top-level heading."""
    tops = {path[0] if path else "" for path in sections}
    if len(tops) != 1 or "" in tops:
        return turn
    return replace(turn, section=topic_phrase(tops.pop()))

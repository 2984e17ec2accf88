"""Follow-up questions in a conversation (pure): when does a question borrow the previous topic?

The rule, in full:

1. Split the question into words. Its **topic words** are the words that are not stop words
   ("and", "they", "what", ...), not question-framing words ("say", "mention", "report", ...)
   and not :data:`ASPECT_WORDS` -- words that ask *something about* a topic without naming one
   ("recommend", "graded", "improve", "weaknesses", "examples", "else", ...).
2. A question is a **follow-up** when all three hold:

   * there was a previous question in this conversation that had a topic;
   * the question is short: at most :data:`MAX_FOLLOWUP_WORDS` words;
   * it has **no topic words of its own**.

3. A follow-up is asked as ``"<question without its end punctuation> about <previous topic>?"``:
   "and what did they recommend?" after "what is said about detective shortages?" is asked as
   "and what did they recommend about detective shortages?".
4. Any other question is asked exactly as typed and becomes the new topic. So "what about
   mental health?" (topic word: "mental", "health") starts a new topic, however short.
5. A follow-up inherits the topic it borrowed, so a chain of follow-ups ("and what did they
   recommend?", "how was it graded?") keeps to the same topic until a question names a new one.

Why this rule: it is predictable (the user sees the question as it was asked, and can always
override it by naming a topic), it never drops anything the user typed, and it cannot drift --
the carried topic is the user's own words from an earlier question, never generated text.
Stop, framing and aspect words come from :mod:`assistant.retrieval.vocabulary`, so "a word with no topic"
means the same thing here as it does to the retriever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval.lexical import WORD_AS_TYPED
from assistant.retrieval.vocabulary import ASPECT_WORDS, QUESTION_WORDS, STOPWORDS

MAX_FOLLOWUP_WORDS = 8
"""Longer questions without a topic are rare and usually complete on their own."""

_WORD = WORD_AS_TYPED
_END = re.compile(r"[\s?.!,;:]+$")


@dataclass(frozen=True)
class Turn:
    """One question as the conversation understood it.

    ``query`` is what was asked of the reports; ``topic`` the topic words it was about (its
    own, or carried); ``carried`` is True when ``query`` borrowed the previous topic.
    """

    question: str
    query: str
    topic: str
    carried: bool = False


def topic_words(question: str) -> tuple[str, ...]:
    """The question's own topic words, as typed, in order (see the module docstring, step 1)."""
    out = []
    for w in _WORD.findall(question):
        low = w.lower().replace("’", "'")
        base = low.split("'")[0] if low.endswith("'s") else low
        if base in STOPWORDS or base in QUESTION_WORDS or base in ASPECT_WORDS or len(base) < 2:
            continue
        out.append(w)
    return tuple(out)


def interpret(question: str, previous: Turn | None) -> Turn:
    """How to ask ``question`` given the previous turn (the rule in the module docstring)."""
    text = " ".join(question.split())
    own = topic_words(text)
    if own:
        return Turn(question=text, query=text, topic=" ".join(own))
    is_followup = (
        previous is not None and bool(previous.topic) and len(_WORD.findall(text)) <= MAX_FOLLOWUP_WORDS
    )
    if not is_followup or previous is None:
        return Turn(question=text, query=text, topic="")
    stem = _END.sub("", text)
    query = f"{stem} about {previous.topic}?" if stem else f"{previous.topic}?"
    return Turn(question=text, query=query, topic=previous.topic, carried=True)

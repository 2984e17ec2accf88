"""How much of what a question names the reports never mention (pure, given the index).

The *gap* of a question adds up, for each thing it names that the corpus lacks:

* a named policing topic ("hate crime", "stop and search"; ``[topics]`` and the terms of
  ``glossary.toml``) counts at least :data:`TOPIC_WEIGHT`, however common its words;
* any other word counts its *rarity* in general English -- ``-log10`` of its frequency in
  pyspellchecker's list, less :data:`RARITY_FLOOR` -- so a missing "cybercrime" weighs far
  more than a missing "help".

Nothing counts that the corpus has in some form: the word itself, its stem, its word family
(:data:`FAMILY_PREFIX` leading letters: "terrorist" ~ "terrorism"), a glossary alternative
("psychiatric" ~ "mental health"), a force name, or a word about the kind of answer wanted
("graded", "recommendation").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.retrieval.bodies import mentioned_in_corpus
from assistant.retrieval.cues import question_intents
from assistant.retrieval.lexical import stem, words
from assistant.retrieval.vocabulary import closed_class

if TYPE_CHECKING:
    from assistant.retrieval.query import Query
    from assistant.store.load import LoadedIndex

FAMILY_PREFIX = 6
RARITY_FLOOR = 3.5
"""-log10 frequency at or below which a word says nothing about the topic ("help", "going")."""
TOPIC_WEIGHT = 3.0
"""A named policing topic weighs at least as much as a rare word ("legitimacy" scores 2.7)."""


@dataclass(frozen=True)
class Gap:
    score: float
    missing_words: tuple[str, ...] = ()
    missing_topics: tuple[str, ...] = ()
    present_topics: tuple[str, ...] = ()
    present: int = 0
    """How many informative words and topics of the question the reports do use (or link to)."""

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_topics + self.missing_words


@lru_cache(maxsize=1)
def _frequencies() -> tuple[dict[str, int], int]:
    from assistant.retrieval.spelling import dictionary

    freq = dictionary().word_frequency
    return freq.dictionary, int(freq.total_words)


def rarity(word: str) -> float:
    """How informative ``word`` is: ``max(0, -log10(frequency) - RARITY_FLOOR)``."""
    counts, total = _frequencies()
    return max(0.0, -math.log10((counts.get(word.lower(), 0) + 1) / total) - RARITY_FLOOR)


def _families(vocabulary: Iterable[str]) -> frozenset[str]:
    return frozenset(w[:FAMILY_PREFIX] for w in vocabulary if len(w) >= FAMILY_PREFIX)


def _families_of(index: LoadedIndex) -> frozenset[str]:
    return index.derived("word families", lambda: _families(index.vocabulary))


def _known_words(query: Query, index: LoadedIndex) -> set[str]:
    """Words covered by a glossary alternative the corpus has, or by a force's name."""
    covered = {
        w
        for term, alternatives in query.expansion.alternatives
        if any(mentioned_in_corpus(phrase, index) for phrase in (term, *alternatives))
        for w in words(term)
    }
    return covered | query.force_words


def topic_gap(query: Query, index: LoadedIndex) -> Gap:
    """What the question names that the corpus never mentions, and how much it weighs."""
    families = _families_of(index)
    covered = _known_words(query, index)
    score = 0.0
    missing_topics, present_topics, missing_words = [], [], []
    for topic in query.topics:
        topic_words = set(words(topic))
        if topic_words <= covered or mentioned_in_corpus(topic, index):
            present_topics.append(topic)
        else:
            score += max(TOPIC_WEIGHT, sum(rarity(w) for w in topic_words))
            missing_topics.append(topic)
        covered |= topic_words
    linked = {w for w, _, _ in query.related}
    present = len(present_topics)
    for raw in dict.fromkeys(query.words):
        w = query.corrections.get(raw, raw).removesuffix("'s").split("'")[0]
        if closed_class(w) or w.isdigit() or len(w) < 3 or question_intents(w):
            continue
        weight = rarity(w)
        known = (
            w in covered
            or w.removesuffix("s") in covered
            or w in linked
            or index.lexical.document_frequency(stem(w)) > 0
            or w in index.vocabulary
            or (len(w) >= FAMILY_PREFIX and w[:FAMILY_PREFIX] in families)
        )
        if known:
            present += weight > 0
        elif weight > 0:
            score += weight
            missing_words.append(w)
    return Gap(score, tuple(missing_words), tuple(missing_topics), tuple(present_topics), present)

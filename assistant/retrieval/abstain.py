"""Abstention: say "the reports do not cover this" instead of citing whatever scored highest.

Three checks, each with a reason the user is shown; any one is enough:

1. **Another body.** The question names a police force or fire service (``forces.toml``, or
   "... Fire and Rescue Service"), no indexed report is about it, and either the question
   asks how that body performed or was graded, or the reports never mention it.
2. **A figure nobody gives.** The question asks for a number ("how many", "what
   percentage") and none of the top passages gives one -- for "how many X", a number
   followed within three words by X ("six threats"), not just any number.
3. **A topic nobody discusses.** ``risk = w_gap * gap - w_match * (best_cosine - anchor)``
   exceeds 0, where ``gap`` is the informativeness of the question's words that the
   corpus never uses (after glossary, spelling and word-family matching) and
   ``best_cosine`` is the best dense score among the hits. Informativeness is how rare the
   word is in general English (``-log10`` of its frequency in pyspellchecker's list, less
   a floor), so a missing "cybercrime" weighs much more than a missing "help". The
   weights are calibrated on the dev questions with cross-validation
   (``python -m assistant.evaluation.calibrate``; docs/EVALUATION.md).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from assistant.retrieval.intent import GRADE, question_intents
from assistant.retrieval.lexical import QUESTION_WORDS, STOPWORDS, stem, tokenize, words

if TYPE_CHECKING:
    from assistant.records import Hit
    from assistant.retrieval.query import Query
    from assistant.store.load import LoadedIndex

FIRE = "fire and rescue service"
_FIRE = re.compile(r"\b(fire and rescue|fire & rescue|fire brigade|fire service|fire authority)\b", re.I)
_PERFORMANCE = re.compile(r"\b(perform\w*|inspect\w*|rated|rating|grade[ds]?|judged?|assessed)\b", re.I)
_WANTS_NUMBER = re.compile(
    r"\b(how (many|much)|what (number|proportion|percentage|share)|number of|statistics?|stats|figures?|"
    r"per ?cent|percentage|rate of|how often)\b",
    re.I,
)
_NUMBER = (
    r"(?:(?<![\d/])(?!(?:19|20)\d\d\b)\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|half|third|quarter|dozen)\b)"
)
_ANY_NUMBER = re.compile(_NUMBER, re.I)
_HOW_MANY = re.compile(
    r"\bhow many ((?:[\w’'-]+ ){0,4}?)(?:do|does|did|are|were|is|was|has|have|had|will|can|could|would|"
    r"should|in|of|on|at|for|per|across)\b",
    re.I,
)
FAMILY_PREFIX = 6
"""Words sharing this many leading letters count as one family ("terrorist", "terrorism")."""
RARITY_FLOOR = 3.5
"""-log10 frequency at or below which a word carries no topic (e.g. "help", "going")."""


@dataclass(frozen=True)
class Verdict:
    abstain: bool
    reason: str | None = None


@dataclass(frozen=True)
class Features:
    """What the decision looks at, kept for the evaluation report and calibration."""

    best_cosine: float
    gap: float
    missing: tuple[str, ...] = ()
    unknown_bodies: tuple[str, ...] = ()
    wants_number: bool = False
    has_number: bool = False


@dataclass(frozen=True)
class AbstainPolicy:
    """The decision rule; defaults calibrated on the dev questions (docs/EVALUATION.md)."""

    w_gap: float = 1.0
    w_match: float = 20.0
    anchor: float = 0.28
    enabled: bool = True

    def risk(self, f: Features) -> float:
        return self.w_gap * f.gap - self.w_match * (f.best_cosine - self.anchor)

    def decide(self, query: Query, hits: tuple[Hit, ...], index: LoadedIndex) -> Verdict:
        if not self.enabled:
            return Verdict(False)
        if not hits:
            return Verdict(True, "No passage in the indexed reports matches this question.")
        f = features(query, hits, index)
        if f.unknown_bodies:
            covered = ", ".join(sorted({m.force for m in index.reports.values() if m.force})) or "none"
            return Verdict(
                True,
                f"No indexed report is about {', '.join(f.unknown_bodies)} (the library covers: {covered}).",
            )
        if f.wants_number and not f.has_number:
            return Verdict(
                True, "The question asks for a figure, and none of the matching passages gives one."
            )
        if self.risk(f) > 0:
            missing = f" ({', '.join(f.missing)})" if f.missing else ""
            return Verdict(True, f"The indexed reports do not appear to discuss this{missing}.")
        return Verdict(False)


@lru_cache(maxsize=1)
def _frequencies() -> tuple[dict[str, int], int]:
    from assistant.retrieval.spelling import dictionary

    freq = dictionary().word_frequency
    return freq.dictionary, int(freq.total_words)


def rarity(word: str) -> float:
    """How informative ``word`` is: ``max(0, -log10(frequency) - RARITY_FLOOR)``."""
    counts, total = _frequencies()
    return max(0.0, -math.log10((counts.get(word.lower(), 0) + 1) / total) - RARITY_FLOOR)


@dataclass(frozen=True)
class Body:
    name: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def known_bodies() -> tuple[Body, ...]:
    """Forces and agencies from ``forces.toml``, each with a pattern for its names."""
    data = tomllib.loads(resources.files("assistant.retrieval").joinpath("forces.toml").read_text("utf-8"))
    bodies = []
    for name, aliases in data["forces"].items():
        names = sorted({name, *aliases}, key=len, reverse=True)
        parts = [re.escape(n) if len(n) > 3 else rf"(?-i:{re.escape(n)})" for n in names]
        bodies.append(Body(name, re.compile(rf"\b({'|'.join(parts)})\b", re.I)))
    return tuple(bodies)


def bodies_in(text: str) -> list[str]:
    """Forces and services named in ``text`` (fire services as one kind)."""
    found = [b.name for b in known_bodies() if b.pattern.search(text)]
    if _FIRE.search(text):
        found.append(FIRE)
    return found


def _indexed(body: str, index: LoadedIndex) -> bool:
    for meta in index.reports.values():
        described = " ".join(filter(None, (meta.force, meta.title, meta.inspection))).lower()
        if body == FIRE and "fire" in described:
            return True
        if meta.force and (meta.force.lower() == body.lower() or body in bodies_in(meta.force)):
            return True
    return False


def _mentioned_in_corpus(phrase: str, index: LoadedIndex) -> bool:
    """Whether every term of ``phrase`` occurs somewhere in the indexed passages."""
    terms = tokenize(phrase)
    return bool(terms) and all(index.lexical.document_frequency(t) > 0 for t in terms)


def unknown_bodies(question: str, index: LoadedIndex) -> tuple[str, ...]:
    """Bodies the question is about that no indexed report covers (see rule 1)."""
    named = bodies_in(question)
    if not named or any(_indexed(b, index) for b in named):
        return ()
    asks_performance = GRADE in question_intents(question) or bool(_PERFORMANCE.search(question))
    return tuple(b for b in named if asks_performance or not _mentioned_in_corpus(b, index))


def _families(vocabulary: Iterable[str]) -> frozenset[str]:
    return frozenset(w[:FAMILY_PREFIX] for w in vocabulary if len(w) >= FAMILY_PREFIX)


_FAMILY_CACHE: dict[str, frozenset[str]] = {}


def topic_gap(query: Query, index: LoadedIndex) -> tuple[float, tuple[str, ...]]:
    """Informativeness of the question's topic words the corpus never uses, and those words."""
    key = str(index.version)
    if key not in _FAMILY_CACHE:
        _FAMILY_CACHE.clear()
        _FAMILY_CACHE[key] = _families(index.vocabulary)
    families = _FAMILY_CACHE[key]
    covered = {
        w
        for term, alternatives in query.expansion.alternatives
        if any(_mentioned_in_corpus(phrase, index) for phrase in (term, *alternatives))
        for w in words(term)
    }
    for body in known_bodies():
        for m in body.pattern.finditer(query.question):
            covered.update(words(m.group(0)))
    gap, missing = 0.0, []
    for raw in dict.fromkeys(words(query.question)):
        w = query.corrections.get(raw, raw).removesuffix("'s").split("'")[0]
        if w in STOPWORDS or w in QUESTION_WORDS or w.isdigit() or len(w) < 3:
            continue
        if w in covered or w.removesuffix("s") in covered or question_intents(w):
            continue  # a glossary term, a named body, or a word about the kind of answer wanted
        if index.lexical.document_frequency(stem(w)) > 0 or w in index.vocabulary:
            continue
        if len(w) >= FAMILY_PREFIX and w[:FAMILY_PREFIX] in families:
            continue
        weight = rarity(w)
        if weight > 0:
            gap += weight
            missing.append(w)
    return gap, tuple(missing)


def gives_figure(question: str, texts: Iterable[str]) -> bool:
    """Whether some text gives the figure ``question`` asks for (see rule 2)."""
    m = _HOW_MANY.search(question)
    counted = words(m.group(1))[-1:] if m else []
    if not counted:
        return any(_ANY_NUMBER.search(t) for t in texts)
    head = re.escape(counted[0].removesuffix("s")[:FAMILY_PREFIX])
    near = re.compile(rf"{_NUMBER}(?:\W+\w+){{0,2}}?\W+{head}", re.I)
    return any(near.search(t) for t in texts)


def features(query: Query, hits: tuple[Hit, ...], index: LoadedIndex) -> Features:
    gap, missing = topic_gap(query, index)
    wants_number = bool(_WANTS_NUMBER.search(query.question))
    has_number = gives_figure(query.question, (h.passage.text for h in hits[:5]))
    return Features(
        best_cosine=max((h.scores.get("dense", 0.0) for h in hits), default=0.0),
        gap=gap,
        missing=missing,
        unknown_bodies=unknown_bodies(query.question, index),
        wants_number=wants_number,
        has_number=has_number,
    )

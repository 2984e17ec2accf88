"""A question analysed once, into the one :class:`Query` record every later stage reads (pure).

Steps: clean the text (control characters out, length capped with a notice); recognise
glossary terms and add their alternatives; repair typos against the corpus vocabulary;
read what the question asks for (:mod:`assistant.retrieval.cues`: intents, forces, years,
comparison, "which forces", figures) and the topics it names. No stage after this one
re-tokenises or re-reads the question.
The dense query is the question with typos repaired and alternatives appended; the lexical
query is a bag of stemmed terms where the question's own terms weigh 1 and each glossary
alternative weighs :data:`EXPANSION_WEIGHT` in all, shared among its terms: an alternative is
evidence for one concept, so "Her Majesty's Inspectorate of Constabulary" must not outweigh
the rest of the question just because it has many words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.errors import QuestionError
from assistant.retrieval import cues
from assistant.retrieval.bodies import bodies_in, force_words
from assistant.retrieval.glossary import Expansion, Glossary, normalise_phrase, packaged_topics, topics_in
from assistant.retrieval.lexical import tokenize, words
from assistant.retrieval.spelling import correct
from assistant.retrieval.vocabulary import QUESTION_WORDS, STOPWORDS, closed_class

MAX_QUESTION_CHARS = 1000
"""Far beyond any real question; the model reads at most 256 word pieces anyway."""
EXPANSION_WEIGHT = 0.6
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_question(raw: object) -> tuple[str, str | None]:
    """Return ``(question, notice)``: text made safe to process, and a notice if it was cut."""
    if not isinstance(raw, str):
        raise QuestionError(f"a question must be text, got {type(raw).__name__}")
    text = unicodedata.normalize("NFC", raw.encode("utf-8", "replace").decode("utf-8"))
    text = " ".join(_CONTROL.sub(" ", text).split())
    if not text:
        raise QuestionError(
            "the question is empty; type a question such as “what is said about detective shortages?”"
        )
    notice = None
    if len(text) > MAX_QUESTION_CHARS:
        cut = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUESTION_CHARS]
        notice = f"The question was {len(text):,} characters long; only its first {len(cut):,} were used."
        text = cut
    return text, notice


@dataclass(frozen=True)
class Query:
    """A question analysed for retrieval: everything any stage needs to know about it."""

    question: str
    """The question as cleaned (what the user typed, safe to process)."""
    dense_text: str
    """What the dense retriever embeds: the repaired question without the words that only choose
    the reports (force names, "which forces"), plus glossary alternatives."""
    terms: Mapping[str, float]
    """Stemmed lexical terms and their weights (question terms 1, alternatives shared)."""
    expansion: Expansion
    corrections: Mapping[str, str]
    notice: str | None = None
    repaired: str = ""
    """The question with misspelt words replaced by corpus words."""
    words: tuple[str, ...] = ()
    """Lower-cased word tokens of the question as typed, in order (the one tokenisation);
    ``corrections`` maps the misspelt ones to their repairs."""
    intents: frozenset[str] = frozenset()
    """Kinds of answer asked for: grade, positive, negative, recommendation."""
    bodies: tuple[str, ...] = ()
    """Forces (canonical names from forces.toml) and services the question names."""
    force_words: frozenset[str] = frozenset()
    """The question's words that are part of a force's name ("met", "greater", "manchester")."""
    years: tuple[int, ...] = ()
    since: int | None = None
    """The year a change is measured from ("since 2016"), if any."""
    compare: bool = False
    which: bool = False
    """Whether it asks which forces or reports hold something."""
    asks_performance: bool = False
    wants_figure: bool = False
    wants_person: bool = False
    """Whether it asks who holds an office (answered only by a passage naming a person)."""
    counted: str | None = None
    """For "how many X", what is counted (its last word)."""
    topics: tuple[str, ...] = ()
    """Topics HMICFRS inspects that the question names (``topics.toml``), longest first."""
    names: tuple[str, ...] = ()
    """Proper names the question uses: people, organisations, places (not forces or acronyms)."""
    related: tuple[tuple[str, str, float], ...] = ()
    """For question words the reports never use: ``(word, report word, cosine)`` of their nearest
    report words (:mod:`assistant.retrieval.neighbours`)."""


def _expand(glossary: Glossary, question: str) -> Expansion:
    """Glossary expansion, ignoring terms that only frame the question ("what did HMICFRS say")."""
    found = glossary.expand(question)
    if not any(normalise_phrase(m).strip() in QUESTION_WORDS for m in found.matched):
        return found
    kept = " ".join(w for w in words(question) if w not in QUESTION_WORDS)
    return glossary.expand(kept)


def _no_related(_word: str) -> Sequence[tuple[str, float]]:
    return ()


def analyse(
    raw: object,
    glossary: Glossary,
    vocabulary: Mapping[str, int],
    choices: list[str] | None = None,
    related: Callable[[str], Sequence[tuple[str, float]]] = _no_related,
) -> Query:
    """Clean, expand and repair a question (see module docstring)."""
    question, notice = clean_question(raw)
    expansion = _expand(glossary, question)
    known = {w for term in expansion.matched for w in words(term)}
    corrections: dict[str, str] = {}
    for w in words(question):
        if w in STOPWORDS or w in QUESTION_WORDS or w in corrections or w in known:
            continue
        fixed = correct(w, vocabulary, choices)
        if fixed is not None and fixed != w:
            corrections[w] = fixed
    repaired = question
    for wrong, right in corrections.items():
        repaired = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, repaired)
    if corrections:
        extra = _expand(glossary, repaired)
        expansion = Expansion(
            tuple(dict.fromkeys(expansion.matched + extra.matched)),
            tuple(dict.fromkeys(expansion.added + extra.added)),
            tuple(dict.fromkeys(expansion.alternatives + extra.alternatives)),
        )
    topic = cues.scope_words_removed(repaired)
    nearby = tuple(
        (w, near, cosine)
        for w in dict.fromkeys(words(topic))
        if not closed_class(w) and w not in known
        for near, cosine in related(w)
    )
    added = (*expansion.added, *dict.fromkeys(near for _, near, _ in nearby))
    dense = topic + (f" ({'; '.join(added)})" if added else "")
    terms: dict[str, float] = {}
    for alt in expansion.added:
        alt_terms = tokenize(alt, query=True)
        for t in alt_terms:
            terms[t] = max(terms.get(t, 0.0), EXPANSION_WEIGHT / len(alt_terms))
    per_word: dict[str, int] = {}
    for w, _, _ in nearby:
        per_word[w] = per_word.get(w, 0) + 1
    for w, near, cosine in nearby:
        for t in tokenize(near, query=True):
            terms[t] = max(terms.get(t, 0.0), EXPANSION_WEIGHT * cosine / per_word[w])
    for t in tokenize(topic, query=True):
        terms[t] = 1.0
    return Query(
        question,
        dense,
        terms,
        expansion,
        corrections,
        notice,
        repaired=repaired,
        words=tuple(words(question)),
        intents=cues.question_intents(question),
        bodies=tuple(bodies_in(question)),
        force_words=force_words(question),
        years=cues.years_named(question),
        since=cues.since_year(question),
        compare=cues.asks_comparison(question),
        which=cues.asks_which_reports(question),
        asks_performance=cues.asks_performance(question),
        wants_figure=cues.wants_figure(question),
        wants_person=cues.asks_person(question),
        counted=cues.counted(question),
        topics=tuple(topics_in(question, packaged_topics())),
        names=cues.names_in(question),
        related=nearby,
    )

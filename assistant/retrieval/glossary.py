"""Domain vocabulary: acronyms and synonyms of policing, applied to questions in both directions.

Two sources, merged: the packaged ``glossary.toml`` of general UK policing terms, and
definitions the corpus itself gives ("Police National Computer (PNC)"), found at index
time by :func:`find_definitions`. A question that uses either side of a pair is expanded
with the other side: "PNC" gains "Police National Computer" and vice versa.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_NON_WORD = re.compile(r"[^a-z0-9&]+")
_DEFINITION = re.compile(r"\(([A-Z][A-Za-z]{1,9}?)(s)?\)")
_MINOR = frozenset({"and", "of", "the", "for", "in", "on", "to", "&", "a", "an", "at", "by", "with"})


def normalise_phrase(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation and hyphens as spaces, padded by spaces."""
    text = text.lower().replace("’", "'").replace("'s ", "s ").replace("'", "")
    return " " + " ".join(_NON_WORD.sub(" ", text).split()) + " "


@dataclass(frozen=True)
class Expansion:
    """What the glossary recognised in a question and the alternatives it adds."""

    matched: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each matched term with all its alternatives (including ones already in the question)."""

    def __bool__(self) -> bool:
        return bool(self.added)


class Glossary:
    """A symmetric map from a term to its alternative phrasings."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._alternatives: dict[str, dict[str, str]] = {}
        self._surface: dict[str, str] = {}
        self._sorted: tuple[str, ...] | None = None
        for a, b in pairs:
            self._link(a, b)

    def _link(self, a: str, b: str) -> None:
        self._sorted = None
        ka, kb = normalise_phrase(a), normalise_phrase(b)
        if ka.strip() and kb.strip() and ka != kb:
            self._surface.setdefault(ka, a)
            self._surface.setdefault(kb, b)
            self._alternatives.setdefault(ka, {})[kb] = b
            self._alternatives.setdefault(kb, {})[ka] = a

    def with_pairs(self, pairs: Iterable[tuple[str, str]]) -> Glossary:
        """A copy with more pairs (e.g. the corpus's own definitions)."""
        merged = Glossary()
        merged._alternatives = {k: dict(v) for k, v in self._alternatives.items()}
        merged._surface = dict(self._surface)
        for a, b in pairs:
            merged._link(a, b)
        return merged

    def __len__(self) -> int:
        return len(self._alternatives)

    def expand(self, question: str) -> Expansion:
        """Terms of ``question`` the glossary knows (longest first), and their alternatives."""
        text = normalise_phrase(question)
        matched: list[str] = []
        added: dict[str, str] = {}
        alternatives: list[tuple[str, tuple[str, ...]]] = []
        for key in match_phrases(text, self._keys()):
            matched.append(self._surface[key])
            alternatives.append((self._surface[key], tuple(self._alternatives[key].values())))
            for alt_key, alt in self._alternatives[key].items():
                if alt_key not in text:
                    added.setdefault(alt_key, alt)
        return Expansion(tuple(matched), tuple(added.values()), tuple(alternatives))

    def _keys(self) -> tuple[str, ...]:
        if self._sorted is None:
            self._sorted = tuple(sorted(self._alternatives, key=len, reverse=True))
        return self._sorted


def match_phrases(text: str, keys: Iterable[str]) -> list[str]:
    """The keys found in ``text`` (both as :func:`normalise_phrase` gives them), taken in the
    order given -- longest first, so "ASBO" wins over "ASB" -- as whole words, plural allowed,
    each stretch of text used once."""
    found = []
    for key in keys:
        for form in (key, key[:-1] + "s "):
            if form.strip() and form in text:
                text = text.replace(form, " # ")
                found.append(key)
                break
    return found


def _initials_match(words: list[str], acronym: str) -> bool:
    letters = [w[0].lower() for w in words if w.lower() not in _MINOR]
    return "".join(letters) == acronym.lower()


def find_definitions(text: str) -> list[tuple[str, str]]:
    """``(acronym, long form)`` pairs defined in ``text`` as "Long Form Words (LFW)".

    The long form is the shortest run of words just before the bracket whose initials, minor
    words such as "and"/"of" skipped, spell the acronym -- a simplified Schwartz-Hearst rule.
    """
    found: list[tuple[str, str]] = []
    for m in _DEFINITION.finditer(text):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        before = re.findall(r"[\w’'&-]+", text[max(0, m.start() - 200) : m.start()])
        for n in range(len(acronym), min(len(before), 2 * len(acronym) + 3) + 1):
            words = before[-n:]
            if words[0].lower() in _MINOR:
                continue
            if _initials_match(words, acronym):
                found.append((acronym, " ".join(words)))
                break
    return found


@lru_cache(maxsize=1)
def _glossary_data() -> dict[str, Any]:
    return tomllib.loads(resources.files("assistant.retrieval").joinpath("glossary.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def packaged_topics() -> tuple[str, ...]:
    """Subjects HMICFRS inspects (``topics.toml``): the only topics that can justify declining.

    Glossary terms are not topics: a synonym added for expansion must not become a reason to decline.
    """
    text = resources.files("assistant.retrieval").joinpath("topics.toml").read_text("utf-8")
    return tuple(dict.fromkeys(tomllib.loads(text)["topics"]["names"]))


@lru_cache(maxsize=4)
def _topic_terms(topics: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    from assistant.retrieval.lexical import tokenize

    terms = [(t, frozenset(tokenize(t))) for t in topics]
    return tuple(sorted((x for x in terms if x[1]), key=lambda x: -len(x[1])))


def topics_in(question: str, topics: tuple[str, ...]) -> list[str]:
    """The topics ``question`` names: every stemmed word of the topic occurs in the question, in
    any order and form ("children who go missing" names "missing children", "vet recruits"
    names "vetting"). A topic inside a longer one found already is not counted again."""
    from assistant.retrieval.lexical import tokenize

    words = set(tokenize(question))
    found: list[tuple[str, frozenset[str]]] = []
    for topic, terms in _topic_terms(topics):
        if terms <= words and not any(terms <= longer for _, longer in found):
            found.append((topic, terms))
    return [topic for topic, _ in found]


@lru_cache(maxsize=1)
def packaged_glossary() -> Glossary:
    """The glossary shipped in the package (``glossary.toml``)."""
    data = _glossary_data()
    pairs = [(short, long) for short, longs in data.get("acronyms", {}).items() for long in longs]
    for group in data.get("synonyms", {}).get("groups", []):
        pairs += [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]
    return Glossary(pairs)

"""Guard: no hand-kept list may fire on a dev question through wording the reports do not use.

A list fitted to the dev questions shows itself this way: a synonym that maps a dev question's
own word ("psychiatric") onto the report's, a topic that declines a dev question about
something the report never names ("cybercrime"), a cue phrase taken from a dev question ("want
done", "going well"). So, for every dev question (the Met dev set over the Met report, the
library dev set over the library fixture), a word is *distinctive* when the question uses it, the
reports it is asked over never do (as a whole word, plural or not), and it is no function word, no word of a
closed inventory (assistant/retrieval/vocabulary.py INVENTORIES, each with its source), no force
name and no acronym. Then:

1. no glossary expansion that fires on a dev question may contain a distinctive word of it;
2. no topic that fires on a dev question may contain one;
3. no question-side cue (word list or pattern) may match a distinctive word, and no multi-word
   cue may match a phrase of a dev question that the reports never use unless all its words are
   closed-class (so "how did the Met do" is grammar, "want done" is not);
4. no report-side pattern (lead-ins, grade wording, recommendations) may match a multi-word
   phrase of a dev gold passage unless all its words are closed-class: those patterns read
   reports, and copying a gold passage's phrase into them fits them to one report.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from assistant import grades
from assistant.forces import known_forces
from assistant.retrieval import intent, vocabulary
from assistant.retrieval.glossary import _glossary_data, packaged_glossary, packaged_topics, topics_in
from assistant.retrieval.lexical import words
from tests.support.corpus import REPORT, ROOT
from tests.support.library import write_library

DEV = ROOT / "tests" / "data" / "questions-dev.jsonl"
LIBRARY_DEV = ROOT / "tests" / "data" / "questions-library-dev.jsonl"

QUESTION_SIDE: dict[str, re.Pattern[str]] = {
    **{f"intent {name}": cue for name, cue in vocabulary.INTENT_CUES.items()},
    "performance": vocabulary.PERFORMANCE,
    "figure": vocabulary.WANTS_NUMBER,
    "comparison": vocabulary.COMPARISON,
    "which reports": vocabulary.WHICH_REPORTS,
    "since": vocabulary.SINCE_YEAR,
}
WORD_LISTS = {
    "question words": vocabulary.QUESTION_WORDS,
    "aspect words": vocabulary.ASPECT_WORDS,
}
REPORT_SIDE: dict[str, re.Pattern[str]] = {
    **{f"lead-in {name}": p for name, p in intent._POLARITY.items()},
    "recommendation heading": intent._RECOMMEND_HEADING,
    "recommendation text": intent._RECOMMEND_TEXT,
    "grade text": intent._GRADE_TEXT,
    "grade stated": grades._RATED,
    "grade judged": grades._JUDGED,
}


@lru_cache(maxsize=1)
def allowed_words() -> frozenset[str]:
    forces = {w for f in known_forces() for n in (f.name, *f.aliases) for w in words(n)}
    acronyms = {w for key in _glossary_data().get("acronyms", {}) for w in words(key)}
    return frozenset(forces | acronyms)


def closed(word: str) -> bool:
    base = word.removesuffix("'s")
    return (
        vocabulary.closed_class(base)
        or base in allowed_words()
        or base.removesuffix("s") in allowed_words()
        or base.isdigit()
    )


def singular(word: str) -> str:
    return word.removesuffix("'s").removesuffix("s")


@lru_cache(maxsize=2)
def corpus_text(which: str) -> str:
    """The text of the reports a dev set is asked over: the Met report, or the library fixture."""
    if which == "met":
        return REPORT.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_library(Path(tmp))
        return "\n".join(p.read_text(encoding="utf-8") for p in paths.values() if p.suffix == ".txt")


@lru_cache(maxsize=2)
def corpus_words(which: str) -> frozenset[str]:
    """The reports' words, singular. Whole words, not stems: a stem joins "investigators" to
    "investigations", and a synonym from "investigator" to "detective" is exactly what to catch."""
    return frozenset(singular(w) for w in words(corpus_text(which)))


def normal(text: str) -> str:
    return " ".join(words(text))


def questions() -> Iterator[tuple[str, dict[str, object]]]:
    for path, which in ((DEV, "met"), (LIBRARY_DEV, "library")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield which, json.loads(line)


def distinctive(question: str, which: str) -> set[str]:
    known = corpus_words(which)
    return {w for w in words(question) if not closed(w) and singular(w) not in known}


def phrase_fitted(match: str, which: str) -> bool:
    """A multi-word match the reports never use, with a word that is not closed-class."""
    found = words(match)
    if len(found) < 2 or all(closed(w) for w in found):
        return False
    return normal(match) not in normal(corpus_text(which))


def fired(patterns: Iterable[tuple[str, re.Pattern[str]]], text: str) -> Iterator[tuple[str, str]]:
    for name, pattern in patterns:
        for m in pattern.finditer(text.lower().replace("’", "'")):
            if m.group(0).strip():
                yield name, m.group(0)


ALL = list(questions())


@pytest.mark.parametrize(("which", "q"), ALL, ids=[str(q["id"]) for _, q in ALL])
def test_no_list_fires_on_a_dev_question_through_its_own_wording(which: str, q: dict[str, object]) -> None:
    text = str(q["question"])
    own = distinctive(text, which)
    problems = []
    own_singular = {singular(w) for w in own}
    for term in packaged_glossary().expand(text).matched:
        if {singular(w) for w in words(term)} & own_singular:
            problems.append(f"glossary term {term!r}")
    for topic in topics_in(text, packaged_topics()):
        if set(words(topic)) & own:
            problems.append(f"topic {topic!r}")
    for name, listed in WORD_LISTS.items():
        problems += [f"{name}: {w!r}" for w in own if w in listed]
    for name, match in fired(QUESTION_SIDE.items(), text):
        if set(words(match)) & own or phrase_fitted(match, which):
            problems.append(f"{name} cue matches {match!r}")
    assert not problems, f"{q['id']} {text!r}: " + "; ".join(problems)


@pytest.mark.parametrize(("which", "q"), [(w, q) for w, q in ALL if q["gold"]], ids=lambda x: str(x))
def test_report_side_patterns_are_not_copied_from_gold_passages(which: str, q: dict[str, object]) -> None:
    problems = []
    for gold in q["gold"]:  # type: ignore[attr-defined]
        for name, match in fired(REPORT_SIDE.items(), str(gold)):
            if len(words(match)) > 1 and not all(closed(w) for w in words(match)):
                problems.append(f"{name} matches {match!r}")
    assert not problems, f"{q['id']}: " + "; ".join(problems)


def test_the_guard_catches_a_fitted_entry() -> None:
    """The checks above are not vacuous: the kinds of entry the issue found would fail them."""
    assert "psychiatric" in distinctive("psychiatric crisis support", "met")
    assert phrase_fitted("want done", "met") and phrase_fitted("going well", "met")
    assert not phrase_fitted("how did the met do", "met")
    assert not phrase_fitted("areas for improvement", "met")

"""What a question asks for, read from its wording (pure): intents, years, comparison, "which", figures.

Each function reads the cleaned question once, for :func:`assistant.retrieval.query.analyse`;
no later stage reads the question text again. The words and patterns are in
:mod:`assistant.retrieval.vocabulary`.
"""

from __future__ import annotations

import re

from assistant.forces import known_forces
from assistant.retrieval import vocabulary as v
from assistant.retrieval.lexical import words


def _lower(text: str) -> str:
    return text.lower().replace("’", "'")


def question_intents(text: str) -> frozenset[str]:
    """The intents (grade, positive, negative, recommendation) whose cue words occur in ``text``."""
    low = _lower(text)
    return frozenset(name for name, cue in v.INTENT_CUES.items() if cue.search(low))


def years_named(text: str) -> tuple[int, ...]:
    """Years the question names, in order, each once. "2016/17" and "2016-2017" name the round of
    2016 (an inspection round written as a financial year), so they count as 2016."""
    found: list[int] = []
    for m in v.YEAR.finditer(text):
        year = int(m.group(1))
        if year not in found:
            found.append(year)
    return tuple(found)


def since_year(text: str) -> int | None:
    """The year a question measures change from ("since 2016", "compared with 2016"), if any."""
    m = v.SINCE_YEAR.search(text)
    return int(m.group(2)) if m else None


def asks_comparison(text: str) -> bool:
    """Whether the question sets reports against each other ("compare", "versus", "changed since")."""
    return bool(v.COMPARISON.search(text))


def asks_which_reports(text: str) -> bool:
    """Whether the question asks which forces or reports hold something ("which forces ...")."""
    return bool(v.WHICH_REPORTS.search(text))


def asks_performance(text: str) -> bool:
    """Whether the question asks how a body performed or was graded."""
    return bool(v.PERFORMANCE.search(text)) or v.GRADE in question_intents(text)


def wants_figure(text: str) -> bool:
    """Whether the question asks for a number."""
    return bool(v.WANTS_NUMBER.search(text))


def asks_person(text: str) -> bool:
    """Whether the question asks who holds an office ("who was the Commissioner?")."""
    return bool(v.ASKS_PERSON.search(text))


def names_person(text: str) -> bool:
    """Whether ``text`` names a person (a title or honorific and a name: "Sir Tom Winsor")."""
    return bool(v.NAMES_PERSON.search(text))


def counted(text: str) -> str | None:
    """For "how many X ...", the last word of X (what is counted); None otherwise."""
    m = v.COUNTED_BEFORE_VERB.search(text) or v.COUNTED_NEXT.search(text)
    last = words(m.group(1))[-1:] if m else []
    return last[0] if last else None


def scope_words_removed(text: str) -> str:
    """``text`` without the words that choose *where* to look rather than *what* to find: force
    names ("the Met", "GMP") and "which forces" cues.

    Those words pick the reports to search (:mod:`assistant.retrieval.scope`); inside that scope
    they say nothing about which passage answers, and as search terms they favour whatever
    passage repeats the force's name or the word "force".
    """
    spans = [m.span() for f in known_forces() for m in f.pattern.finditer(text)]
    spans += [m.span() for m in v.WHICH_REPORTS.finditer(text)]
    if not spans:
        return text
    out, pos = [], 0
    for a, b in sorted(spans):
        if a >= pos:
            out.append(text[pos:a])
            pos = b
        else:
            pos = max(pos, b)
    out.append(text[pos:])
    kept = re.sub(r"\s+", " ", " ".join(out)).strip()
    return kept if words(kept) else text


_ACRONYM = re.compile(r"[A-Z][A-Z&]+s?|[A-Z][a-z]?[A-Z]+s?")
"""An acronym, plural or not ("PCSOs", "MARACs", "HMICFRS", "ViSOR"): the glossary's business."""


def names_in(text: str) -> tuple[str, ...]:
    """Proper names the question uses ("Cressida Dick", "Transport for London", "Croydon").

    English capitalises a word inside a sentence only when it is a name, so a run of capitalised
    words counts when it is not the question's first word; a first word counts only when no
    English dictionary has it. Force names, acronyms and closed-class words
    ("What", "The") are left out. A question in title case names nothing this way.
    """
    from assistant.forces import forces_in
    from assistant.retrieval.spelling import is_english

    tokens = text.split()
    capitalised = sum(t[:1].isupper() for t in tokens)
    if capitalised >= 4 and capitalised > 0.6 * len(tokens):
        return ()
    start = len(text) - len(text.lstrip())
    found = []
    for m in v.NAME.finditer(text):
        parts = m.group(0).split()
        while parts and v.closed_class(parts[0].lower()):
            parts.pop(0)
        while parts and v.closed_class(parts[-1].lower()):
            parts.pop()
        name = " ".join(parts)
        if not name or _ACRONYM.fullmatch(name) or forces_in(name):
            continue
        content = [w.removesuffix("'s") for w in words(name) if not v.closed_class(w)]
        first = m.start() == start and m.group(0).startswith(parts[0])
        if content and (not first or any(not is_english(w) for w in content)):
            found.append(name)
    return tuple(found)

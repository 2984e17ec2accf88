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

"""Typo repair against the corpus's own vocabulary ("effectivness" -> "effectiveness").

Only misspelt words are touched: a word is left alone when the corpus contains it or when it
is a correctly spelt English word (pyspellchecker's dictionary) -- "home" must not become
"some" just because the reports never say "home". A misspelt word is replaced by the
corpus word within a small edit distance -- 1 edit for words of up to 6 letters, 2 for
longer ones, the usual bounds beyond which corrections turn into different words. Ties go
to the commoner word.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

MIN_LENGTH = 4


@lru_cache(maxsize=1)
def dictionary() -> Any:
    """pyspellchecker's English dictionary (with word frequencies), loaded once."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def is_english(word: str) -> bool:
    """Whether ``word`` is a correctly spelt English word (case-insensitive)."""
    return word.lower() in dictionary()


def max_edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


def correct(word: str, vocabulary: Mapping[str, int], choices: list[str] | None = None) -> str | None:
    """The closest corpus word to an unknown ``word``, or None if it is known, short or too far."""
    if len(word) < MIN_LENGTH or word in vocabulary or not word.isalpha() or is_english(word):
        return None
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extract

    limit = max_edits(word)
    candidates = extract(
        word,
        choices if choices is not None else list(vocabulary),
        scorer=Levenshtein.distance,
        score_cutoff=limit,
        limit=10,
    )
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c[1], -vocabulary.get(c[0], 0), c[0]))
    return str(best[0])

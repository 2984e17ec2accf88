"""Corpus vocabulary and definitions, computed once at index time for query repair and expansion."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from assistant.records import Passage
from assistant.retrieval.glossary import find_definitions
from assistant.retrieval.lexical import words

VOCABULARY = "vocabulary.json"
DEFINITIONS = "definitions.json"
MIN_WORD = 3


def write_vocabulary(folder: Path, passages: Iterable[Passage]) -> None:
    """Word counts (words of 3+ letters, as written, lower-cased) and "Long Form (LF)" pairs."""
    counts: Counter[str] = Counter()
    definitions: dict[tuple[str, str], None] = {}
    for p in passages:
        counts.update(w for w in words(p.text) if len(w) >= MIN_WORD)
        for pair in find_definitions(p.text):
            definitions[pair] = None
    (folder / VOCABULARY).write_text(
        json.dumps(dict(counts.most_common()), ensure_ascii=False), encoding="utf-8"
    )
    (folder / DEFINITIONS).write_text(
        json.dumps([list(d) for d in definitions], ensure_ascii=False), encoding="utf-8"
    )

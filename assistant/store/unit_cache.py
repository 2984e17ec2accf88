"""The vector cache: every unit text's vector kept with the index, found again by a hash of the text.

A version folder stores, beside its unit vectors (``embeddings.npy``, float16), the key of each
unit's text in the same row order (``unit_keys.npy``: the first 16 bytes of the text's sha256,
as a plain ``S16`` array -- no pickle), and its manifest names the encoder that made the
vectors (``vector_encoder``; see :func:`assistant.embedding.encoder_id`). The next build looks
every unit it needs up there first, so an unchanged sentence is never embedded twice: not when
a report is edited, not on a rebuild, not when another report repeats the wording.

Why it is safe: the keys are one more file of a version, written in the temporary work folder,
listed with its size and sha256 in the manifest, and published atomically with the rest; a
build reads them only from a live version that passed :func:`assistant.store.load.verify_files`,
so a half-written or damaged cache is never trusted -- the damaged version is rebuilt in full,
and its replacement carries a fresh cache. Keys out of step with the vectors (rows, width) or
a different encoder also mean no cache, never a wrong vector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.store.vectors import load_embeddings

UNIT_KEYS = "unit_keys.npy"
KEY_BYTES = 16
"""128 bits of sha256: a chance collision among a billion texts is ~1e-21."""
KEY_DTYPE = np.dtype(f"S{KEY_BYTES}")


def unit_keys(texts: Sequence[str]) -> np.ndarray:
    """The cache key of each text: the first :data:`KEY_BYTES` bytes of the sha256 of its UTF-8."""
    return np.array(
        [hashlib.sha256(t.encode("utf-8")).digest()[:KEY_BYTES] for t in texts], dtype=KEY_DTYPE
    ).reshape(len(texts))


def save_keys(folder: Path, keys: np.ndarray) -> None:
    np.save(folder / UNIT_KEYS, np.asarray(keys, dtype=KEY_DTYPE), allow_pickle=False)


def load_keys(folder: Path) -> np.ndarray | None:
    """A version's unit keys, or None when it has none (built before the cache) or they cannot be read."""
    try:
        keys = np.load(folder / UNIT_KEYS, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return keys if keys.dtype == KEY_DTYPE and keys.ndim == 1 else None


class VectorCache:
    """Look-ups of unit keys in one verified version's vectors (sorted keys, binary search).

    Built only by :func:`open_cache`; the version's vectors stay memory-mapped and only hit
    rows are read.
    """

    def __init__(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]
        self._vectors = vectors

    def __len__(self) -> int:
        return len(self._sorted)

    @property
    def dimension(self) -> int:
        return int(self._vectors.shape[1])

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """For each key, the row of its vector in the cached version, or -1 when it is not there."""
        if not len(self._sorted) or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        found = self._sorted[at] == keys
        return np.where(found, self._order[at], -1).astype(np.int64)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored (float16) vectors of ``rows`` (as returned by :meth:`lookup`, all >= 0).

        Read in row order (the vectors are a memory map: forward reads), returned in the given order.
        """
        order = np.argsort(rows, kind="stable")
        out = np.empty((len(rows), self._vectors.shape[1]), dtype=self._vectors.dtype)
        out[order] = self._vectors[rows[order]]
        return out


def version_encoder(reused_from: str | None, encoder: str, encoded: int) -> str:
    """The ``vector_encoder`` a new version records: who made *all* of its vectors, or "" if not one.

    ``reused_from`` is the old version's encoder when the new one keeps some of its vectors
    (unchanged reports), else None; ``encoder`` made the ``encoded`` new vectors (cache hits
    need no record: they were made by ``encoder`` too). Vectors of two encoders in one version
    get "" -- no cache -- so that a later build never takes one encoder's vector for another's.
    """
    if reused_from is None:
        return encoder
    if not encoded or reused_from == encoder:
        return reused_from
    return ""


def open_cache(
    version: Path | None, encoder: str, recorded_encoder: str, dimension: int
) -> VectorCache | None:
    """The cache of a verified live ``version`` when its vectors were made by ``encoder``, else None.

    ``recorded_encoder`` and ``dimension`` come from the version's manifest; an index written
    before the cache existed records no encoder and has no keys, so it has no cache.
    """
    if version is None or not recorded_encoder or recorded_encoder != encoder:
        return None
    keys = load_keys(version)
    if keys is None:
        return None
    try:
        vectors = load_embeddings(version)
    except (OSError, ValueError):
        return None
    if vectors.ndim != 2 or len(vectors) != len(keys) or vectors.shape[1] != dimension:
        return None
    return VectorCache(keys, vectors)

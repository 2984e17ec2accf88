"""The dense side of the store: passage vectors and the FAISS index over them.

A passage has several vectors ("units": the passage in context, then each sentence; see
:func:`assistant.passages.dense_units`). ``embeddings.npy`` (float16, memory-mapped) holds
every unit, grouped by passage; ``unit_offsets.npy`` says passage *i* owns rows
``offsets[i]:offsets[i+1]``. They let an update reuse unchanged reports' vectors and let
filters score a subset exactly; ``vectors.faiss`` is the search structure over the units.
All vectors are unit length, so inner product is cosine similarity.

Index type by passage count (overridable): exact ``flat`` search while it is fast enough,
then approximate search, as measured in docs/BENCHMARKS.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import SettingsError, StoreError

EMBEDDINGS = "embeddings.npy"
OFFSETS = "unit_offsets.npy"
FAISS_FILE = "vectors.faiss"
INDEX_TYPES = ("auto", "flat", "hnsw", "ivf")
FLAT_MAX = 200_000
"""Above this many passages exact search passes ~20 ms per query on 2 cores."""


def choose_index_type(count: int, requested: str = "auto") -> str:
    """``requested`` unless it is ``auto``; then flat up to :data:`FLAT_MAX` passages, else hnsw."""
    if requested not in INDEX_TYPES:
        raise SettingsError(f"index type must be one of {', '.join(INDEX_TYPES)}; got {requested!r}")
    if requested != "auto":
        return requested
    return "flat" if count <= FLAT_MAX else "hnsw"


def build_faiss(vectors: np.ndarray, index_type: str) -> Any:
    """A FAISS inner-product index over ``vectors`` (float32, unit rows)."""
    import faiss

    dim = vectors.shape[1]
    index: Any
    if index_type == "flat":
        index = faiss.IndexFlatIP(dim)
    elif index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif index_type == "ivf":
        nlist = max(1, min(4 * int(np.sqrt(len(vectors))), len(vectors) // 39 or 1))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = min(nlist, 32)
    else:
        raise SettingsError(f"index type must be one of {', '.join(INDEX_TYPES[1:])}; got {index_type!r}")
    if len(vectors):
        index.add(vectors)
    return index


def save_vectors(folder: Path, vectors: np.ndarray, offsets: np.ndarray, index_type: str) -> None:
    """Write unit vectors, their per-passage offsets, and the FAISS index over them."""
    import faiss

    np.save(folder / EMBEDDINGS, vectors.astype(np.float16))
    np.save(folder / OFFSETS, np.asarray(offsets, dtype=np.int64))
    faiss.write_index(
        build_faiss(np.ascontiguousarray(vectors, dtype=np.float32), index_type), str(folder / FAISS_FILE)
    )


def load_embeddings(folder: Path) -> np.ndarray:
    """The stored vectors, memory-mapped (float16)."""
    vectors: np.ndarray = np.load(folder / EMBEDDINGS, mmap_mode="r")
    return vectors


def load_offsets(folder: Path) -> np.ndarray:
    """Per-passage start rows into the unit vectors (``passages + 1`` entries)."""
    offsets: np.ndarray = np.load(folder / OFFSETS)
    return offsets


def unit_owners(offsets: np.ndarray) -> np.ndarray:
    """The passage row that owns each unit row."""
    return np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))


def load_faiss(folder: Path, expected_count: int, expected_dim: int) -> Any:
    """Read ``vectors.faiss`` and check it matches the manifest; never trust a mismatched file."""
    import faiss

    path = folder / FAISS_FILE
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if _is_ivf_file(path) else 0
    try:
        index = faiss.read_index(str(path), flags)
    except RuntimeError as exc:
        raise StoreError(
            f"{path} cannot be read by FAISS ({str(exc).splitlines()[0][:120]}); "
            "run `assistant index --rebuild`"
        ) from None
    if index.ntotal != expected_count or index.d != expected_dim:
        raise StoreError(
            f"{path} holds {index.ntotal} vectors of dimension {index.d}, the manifest says "
            f"{expected_count} of {expected_dim}; run `assistant index --rebuild`"
        )
    return index


def _is_ivf_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) in (b"IwFl", b"IwSq", b"IwPQ")

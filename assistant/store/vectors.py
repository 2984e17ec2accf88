"""The dense side of the store: passage vectors and the FAISS index over them.

A passage has several vectors ("units": the passage in context, then each sentence; see
:func:`assistant.passages.dense_units`). ``embeddings.npy`` (float16, memory-mapped) holds
every unit, grouped by passage; ``unit_offsets.npy`` says passage *i* owns rows
``offsets[i]:offsets[i+1]``. They let an update reuse unchanged reports' vectors, let
filters score a subset exactly, and let approximate hits be re-scored exactly;
``vectors.faiss`` is the search structure over the units. All vectors are unit length, so
inner product is cosine similarity.

Index type by unit count (overridable with ``assistant index --index-type``), measured in
docs/BENCHMARKS.md:

* ``flat`` -- exact search, while it is fast enough (up to :data:`FLAT_MAX_UNITS`);
* ``ivf`` -- inverted lists of 8-bit scalar-quantised vectors (``IVF<nlist>,SQ8``): a
  quarter of the memory of float32, memory-mapped when loaded, and searched in a few
  milliseconds at millions of units with recall@10 >= 0.98 against exact search;
* ``hnsw`` -- graph search over float32 vectors: fast, but held wholly in memory and slow
  to build, so never chosen automatically.

Everything is written and built a chunk at a time, so a build never holds a float32 copy
of all the vectors.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from assistant.errors import SettingsError, StoreError

EMBEDDINGS = "embeddings.npy"
OFFSETS = "unit_offsets.npy"
FAISS_FILE = "vectors.faiss"
INDEX_TYPES = ("auto", "flat", "ivf", "hnsw")
FLAT_MAX_UNITS = 50_000
"""Up to this many unit vectors (about 21k passages) exact search takes at most ~10 ms a
question on one core (4.5-6.7 ms measured at 23k units); above it IVF is faster at recall
>= 0.98 (2.7-4 ms at 231k units; docs/BENCHMARKS.md)."""
CHUNK = 65_536
"""Vectors converted to float32 and added to FAISS at a time."""
TRAIN_PER_LIST = 40
"""Training vectors per inverted list (k-means wants at least 39 per centroid)."""
PROBE_FRACTION = 1 / 96
"""Share of the inverted lists scanned per question: recall@10 0.99 against exact search at 1M
passages (2.3M units, nprobe 63) in the sweep of docs/BENCHMARKS.md."""
MIN_PROBES = 32
"""At 100k passages (nlist ~1900) 16 probes recalled 0.97 and 32 probes 0.99."""
KMEANS_ITERATIONS = 10
"""k-means rounds when training IVF (FAISS's default 25 costs 2.5x the time for no measured recall)."""


def choose_index_type(units: int, requested: str = "auto") -> str:
    """``requested`` unless it is ``auto``; then flat up to :data:`FLAT_MAX_UNITS` unit vectors, else ivf."""
    if requested not in INDEX_TYPES:
        raise SettingsError(f"index type must be one of {', '.join(INDEX_TYPES)}; got {requested!r}")
    if requested != "auto":
        return requested
    return "flat" if units <= FLAT_MAX_UNITS else "ivf"


def ivf_shape(units: int) -> tuple[int, int]:
    """``(nlist, nprobe)`` for an IVF index over ``units`` vectors.

    nlist = 4 * sqrt(units) (FAISS's rule of thumb: lists of ~sqrt(units)/4 vectors), at
    least 1 and at most units / 39 so k-means has enough points per centroid; nprobe from
    :func:`probes`.
    """
    nlist = max(1, min(4 * round(math.sqrt(units)), units // 39))
    return nlist, probes(nlist)


def probes(nlist: int) -> int:
    """Lists scanned per question: :data:`PROBE_FRACTION` of them, at least :data:`MIN_PROBES`.

    Set when an index is loaded (not only when built), so a retuned value applies to
    existing indexes without a rebuild.
    """
    return min(nlist, max(MIN_PROBES, round(nlist * PROBE_FRACTION)))


def _chunks(blocks: Sequence[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The rows of ``blocks`` in order, as float32 arrays of ``size`` rows (the last may be shorter)."""
    pending: list[np.ndarray] = []
    count = 0
    for block in blocks:
        pending.append(block)
        count += len(block)
        if count >= size:
            rows = np.concatenate(pending).astype(np.float32)
            for lo in range(0, len(rows) - len(rows) % size, size):
                yield rows[lo : lo + size]
            rest = rows[len(rows) - len(rows) % size :]
            pending, count = [rest], len(rest)
    if count:
        yield np.concatenate(pending).astype(np.float32)


def _training_sample(blocks: Sequence[np.ndarray], total: int, count: int) -> np.ndarray:
    """``count`` rows spread evenly over all the rows of ``blocks`` (deterministic), as float32."""
    if count >= total:
        return np.concatenate(list(blocks)).astype(np.float32)
    starts = np.cumsum([0, *(len(b) for b in blocks)])
    picks = np.linspace(0, total - 1, count).astype(np.int64)
    owners = np.searchsorted(starts, picks, side="right") - 1
    return np.stack([blocks[b][r - starts[b]] for b, r in zip(owners, picks, strict=True)]).astype(np.float32)


def build_faiss(vectors: np.ndarray | Sequence[np.ndarray], index_type: str) -> Any:
    """A FAISS inner-product index over unit rows: one array, or blocks of rows read in order."""
    import faiss

    blocks = [vectors] if isinstance(vectors, np.ndarray) else vectors
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building is batch work: use every core
    try:
        return _build(faiss, blocks, index_type)
    finally:
        faiss.omp_set_num_threads(threads)


def _build(faiss: Any, blocks: Sequence[np.ndarray], index_type: str) -> Any:
    dim = int(blocks[0].shape[1])
    total = sum(len(b) for b in blocks)
    index: Any
    if index_type == "flat":
        index = faiss.IndexFlatIP(dim)
    elif index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif index_type == "ivf":
        nlist, nprobe = ivf_shape(total)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        index.cp.seed = 1234
        index.cp.niter = KMEANS_ITERATIONS
        index.train(_training_sample(blocks, total, nlist * TRAIN_PER_LIST))
        index.nprobe = nprobe
    else:
        raise SettingsError(f"index type must be one of {', '.join(INDEX_TYPES[1:])}; got {index_type!r}")
    for chunk in _chunks(blocks, CHUNK):
        index.add(chunk)
    return index


def _write_rows(path: Path, blocks: Sequence[np.ndarray], total: int, dim: int) -> None:
    """Write ``blocks`` one after another as one float16 ``.npy`` array at ``path``, streaming."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float16)), "fortran_order": False}
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, {**header, "shape": (total, dim)})
        for block in blocks:
            fh.write(np.ascontiguousarray(block, dtype=np.float16).tobytes())


def save_vectors(folder: Path, blocks: Sequence[np.ndarray], index_type: str) -> None:
    """Write every passage's block of unit vectors, the per-passage offsets, and the FAISS index.

    Nothing is copied whole: rows are streamed to disk and into FAISS a chunk at a time. FAISS
    writes through a Python file, so a failed write (a full disk) raises ``OSError`` like every
    other file of a version; its own writer only prints a failure to close.
    """
    import faiss
    from faiss.swigfaiss import PyCallbackIOWriter  # not in faiss's type stubs

    sizes = [len(b) for b in blocks]
    dim = int(blocks[0].shape[1]) if blocks else 0
    np.save(folder / OFFSETS, np.cumsum([0, *sizes], dtype=np.int64))
    _write_rows(folder / EMBEDDINGS, blocks, sum(sizes), dim)
    with open(folder / FAISS_FILE, "wb") as fh:
        writer = cast("faiss.IOWriter", PyCallbackIOWriter(fh.write))  # type: ignore[no-untyped-call]
        faiss.write_index(build_faiss(blocks, index_type), writer)
        del writer


def load_embeddings(folder: Path) -> np.ndarray:
    """The stored vectors, memory-mapped (float16), as a plain array view of the map.

    (A view rather than the ``np.memmap`` itself: slicing a memmap builds a memmap object
    each time, which costs more than reading a passage's few rows.)
    """
    vectors: np.ndarray = np.asarray(np.load(folder / EMBEDDINGS, mmap_mode="r"))
    return vectors


def load_offsets(folder: Path) -> np.ndarray:
    """Per-passage start rows into the unit vectors (``passages + 1`` entries)."""
    offsets: np.ndarray = np.load(folder / OFFSETS)
    return offsets


def passage_blocks(vectors: np.ndarray, offsets: np.ndarray, rows: Iterable[int]) -> Iterator[np.ndarray]:
    """The unit vectors of each passage row in ``rows``, as they are stored (float16)."""
    for i in rows:
        yield np.asarray(vectors[offsets[i] : offsets[i + 1]])


def unit_owners(offsets: np.ndarray) -> np.ndarray:
    """The passage row that owns each unit row."""
    return np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))


def load_faiss(folder: Path, expected_count: int, expected_dim: int) -> Any:
    """Read ``vectors.faiss`` and check it matches the manifest; never trust a mismatched file.

    IVF indexes are memory-mapped (their inverted lists stay on disk until a search touches
    them); FAISS cannot map flat or HNSW indexes, which are small when chosen automatically.
    Searches run on one thread: a single question is too small to share, and on a shared
    2-core machine a second thread waits for a busy core.
    """
    import faiss

    path = folder / FAISS_FILE
    mapped = is_ivf_file(path)
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mapped else 0
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
    if mapped:
        ivf: Any = index
        ivf.nprobe = probes(ivf.nlist)
    faiss.omp_set_num_threads(1)
    return index


def is_ivf_file(path: Path) -> bool:
    """Whether ``path`` holds an IVF index (the only kind FAISS can memory-map)."""
    with open(path, "rb") as fh:
        return fh.read(4) in (b"IwFl", b"IwSq", b"IwPQ")

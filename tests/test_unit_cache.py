"""The vector cache kept with the index: hits and misses, what invalidates it, damage, crashes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.passages import dense_units
from assistant.settings import Settings
from assistant.store import UpdateResult, layout, open_index, update_index
from assistant.store.load import LoadedIndex
from assistant.store.manifest import MANIFEST, file_record, read_manifest
from assistant.store.unit_cache import (
    KEY_DTYPE,
    UNIT_KEYS,
    VectorCache,
    load_keys,
    unit_keys,
    version_encoder,
)
from tests.support.corpus import REPORT
from tests.support.fakes import FakeEmbedder


class OtherFake(FakeEmbedder):
    """The same model id, made by another encoder: its vectors must never be mixed with the first's."""

    encoder_id = "fake-hash-64|other-encoder"

    def embed(self, texts: object, *, progress: bool = False) -> np.ndarray:
        return -super().embed(texts, progress=progress)  # type: ignore[arg-type]


class Exploding(FakeEmbedder):
    """Fails on its ``fail_on``-th call, as a crash in the middle of embedding would."""

    def __init__(self, fail_on: int) -> None:
        super().__init__()
        self.fail_on = fail_on

    def embed(self, texts: object, *, progress: bool = False) -> np.ndarray:
        if self.calls + 1 == self.fail_on:
            self.calls += 1
            raise RuntimeError("the encoder died")
        return super().embed(texts, progress=progress)  # type: ignore[arg-type]


def build(
    settings: Settings, embedder: FakeEmbedder, *, rebuild: bool = False, reuse_vectors: bool = True
) -> UpdateResult:
    return update_index(
        settings,
        embedder=embedder,
        rebuild=rebuild,
        reuse_vectors=reuse_vectors,
        progress=False,
        log=lambda _m: None,
    )


def vectors_by_unit(loaded: LoadedIndex) -> dict[str, np.ndarray]:
    """Every unit text of the index and its stored vector."""
    out: dict[str, np.ndarray] = {}
    for row, passage in enumerate(loaded.table):
        block = loaded.embeddings[loaded.offsets[row] : loaded.offsets[row + 1]]
        out.update(zip(dense_units(passage), np.asarray(block, dtype=np.float32), strict=True))
    return out


def distinct_units(settings: Settings) -> int:
    loaded = open_index(settings.index)
    try:
        return len(vectors_by_unit(loaded))
    finally:
        loaded.close()


def test_keys_are_the_text_hash_and_lookups_find_exact_rows() -> None:
    keys = unit_keys(["alpha", "beta", "gamma"])
    assert keys.dtype == KEY_DTYPE and len(set(keys.tolist())) == 3
    assert unit_keys(["beta"])[0] == keys[1]
    vectors = np.arange(12, dtype=np.float16).reshape(3, 4)
    cache = VectorCache(keys, vectors)
    rows = cache.lookup(unit_keys(["gamma", "delta", "alpha", "gamma"]))
    assert rows.tolist() == [2, -1, 0, 2]
    assert np.array_equal(cache.vectors(np.array([2, 0, 2])), vectors[[2, 0, 2]])
    assert VectorCache(unit_keys([]), vectors[:0]).lookup(keys).tolist() == [-1, -1, -1]


def test_a_fresh_build_embeds_each_distinct_text_once(settings: Settings, corpus: Path) -> None:
    (corpus / "copy.txt").write_text(REPORT.read_text("utf-8"), "utf-8")  # every sentence repeated
    fake = FakeEmbedder()
    result = build(settings, fake)
    assert result.units_cached == 0 and result.units_repeated > 0
    assert fake.texts_embedded == result.units_encoded == distinct_units(settings)
    assert result.units == result.units_encoded + result.units_repeated


def test_a_rebuild_takes_every_vector_from_the_cache_unchanged(settings: Settings) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    before = open_index(settings.index)
    first = vectors_by_unit(before)
    before.close()
    embedded = fake.texts_embedded
    result = build(settings, fake, rebuild=True)
    assert fake.texts_embedded == embedded and result.units_encoded == 0
    assert result.units_cached == result.units > 0
    after = open_index(settings.index)
    second = vectors_by_unit(after)
    assert second.keys() == first.keys() and all(np.array_equal(first[t], second[t]) for t in first)
    assert after.manifest.vector_encoder == "fake-hash-64"


def test_an_edit_embeds_only_the_new_wording(settings: Settings, corpus: Path) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    report = corpus / REPORT.name
    text = report.read_text("utf-8")
    old = "It is struggling to fill a large number of detective vacancies"
    assert old in text
    report.write_text(text.replace(old, "It is struggling to fill many detective posts"), "utf-8")
    embedded = fake.texts_embedded
    result = build(settings, fake)
    assert result.plan.updated == (REPORT.name,) and result.embedded == 83
    # The edited sentence, and its passage in context; every other unit is found in the cache.
    assert result.units_encoded == fake.texts_embedded - embedded == 2
    assert result.units_cached == result.units - 2
    loaded = open_index(settings.index)
    units = vectors_by_unit(loaded)
    sentence = next(t for t in units if t.startswith("It is struggling to fill many detective posts"))
    assert np.allclose(units[sentence], fake.embed([sentence])[0], atol=2e-3)


def test_another_encoder_never_uses_the_cache(settings: Settings) -> None:
    build(settings, FakeEmbedder())
    other = OtherFake()
    result = build(settings, other, rebuild=True)
    assert result.units_cached == 0 and other.texts_embedded == result.units_encoded > 0
    loaded = open_index(settings.index)
    assert loaded.manifest.vector_encoder == "fake-hash-64|other-encoder"
    text, vector = next(iter(vectors_by_unit(loaded).items()))
    assert np.allclose(vector, other.embed([text])[0], atol=2e-3)


def test_without_reuse_every_unit_is_embedded(settings: Settings) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    result = build(settings, fake, rebuild=True, reuse_vectors=False)
    assert result.units_cached == result.units_repeated == 0 and result.units_encoded == result.units


def test_an_index_without_keys_has_no_cache_and_gets_one(settings: Settings) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    version = layout.current_version(settings.index)
    assert version is not None
    _rewrite_keys(version, None)  # as an index written before the cache was
    assert load_keys(version) is None
    result = build(settings, fake, rebuild=True)
    assert result.units_cached == 0 and result.units_encoded > 0
    result = build(settings, fake, rebuild=True)
    assert result.units_encoded == 0 and result.units_cached == result.units


def test_keys_out_of_step_with_the_vectors_are_ignored(settings: Settings) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    version = layout.current_version(settings.index)
    assert version is not None
    keys = load_keys(version)
    assert keys is not None
    _rewrite_keys(version, keys[:-1])  # consistent with the manifest, not with the vectors
    result = build(settings, fake, rebuild=True)
    assert result.units_cached == 0 and result.units_encoded == distinct_units(settings)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_cache_is_never_trusted_and_is_rebuilt(settings: Settings, damage: str) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    version = layout.current_version(settings.index)
    assert version is not None
    path = version / UNIT_KEYS
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-5] ^= 0xFF  # a key that now names another text
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(b"\x93NUMPY garbage" * 10)
    path.write_bytes(bytes(data))
    messages: list[str] = []
    result = update_index(settings, embedder=fake, rebuild=True, progress=False, log=messages.append)
    assert any("cannot be reused, so it is rebuilt in full" in m for m in messages)
    assert result.units_cached == 0 and result.units_encoded == distinct_units(settings)
    again = build(settings, fake, rebuild=True)  # the new version carries a sound cache
    assert again.units_encoded == 0 and again.units_cached == again.units


def test_a_crash_while_embedding_leaves_the_live_cache_as_it_was(settings: Settings, corpus: Path) -> None:
    fake = FakeEmbedder()
    build(settings, fake)
    live = layout.current_version(settings.index)
    (corpus / "more.txt").write_text("More 2018\n\nA question?\n\nA new paragraph on custody.\n", "utf-8")
    with pytest.raises(RuntimeError, match="the encoder died"):
        build(settings, Exploding(fail_on=1))
    assert layout.current_version(settings.index) == live
    leftovers = [p for p in settings.index.iterdir() if p.name.startswith(layout.TMP_PREFIX)]
    for work in leftovers:  # a half-written version, keys and all: never read, pruned by the next writer
        (work / UNIT_KEYS).write_bytes(b"half written")
    result = build(settings, fake)
    assert result.plan.added == ("more.txt",) and result.units_encoded == 2
    assert not any(p.exists() for p in leftovers)
    loaded = open_index(settings.index)
    assert len(loaded) == 84 and loaded.manifest.files[UNIT_KEYS]["bytes"] > 0


def _rewrite_keys(version: Path, keys: np.ndarray | None) -> None:
    """Replace (or remove) a version's keys and record that in its manifest, so the version verifies."""
    path = version / UNIT_KEYS
    data = json.loads((version / MANIFEST).read_text("utf-8"))
    if keys is None:
        path.unlink()
        del data["files"][UNIT_KEYS]
        data.pop("vector_encoder")
    else:
        np.save(path, keys)
        data["files"][UNIT_KEYS] = file_record(path)
    (version / MANIFEST).write_text(json.dumps(data), "utf-8")
    (version / ".verified.json").unlink(missing_ok=True)
    read_manifest(version)


def test_a_version_records_one_encoder_or_none() -> None:
    assert version_encoder(None, "b", 10) == "b"  # all new
    assert version_encoder("a", "b", 0) == "a"  # all kept (a report removed)
    assert version_encoder("a", "a", 10) == "a"
    assert version_encoder("a", "b", 10) == ""  # mixed: no cache from this version
    assert version_encoder("", "b", 0) == ""


def test_vectors_of_two_encoders_in_one_version_are_never_cached(settings: Settings, corpus: Path) -> None:
    build(settings, FakeEmbedder())
    (corpus / "more.txt").write_text("More 2018\n\nA question?\n\nA new paragraph on custody.\n", "utf-8")
    other = OtherFake()
    result = build(settings, other)  # keeps the first encoder's vectors, adds the other's
    assert result.units_encoded == 2
    assert open_index(settings.index).manifest.vector_encoder == ""
    again = build(settings, other, rebuild=True)
    assert again.units_cached == 0 and other.texts_embedded == 2 + again.units_encoded
    assert open_index(settings.index).manifest.vector_encoder == other.encoder_id


def test_removing_a_report_keeps_the_cache(settings: Settings, corpus: Path) -> None:
    fake = FakeEmbedder()
    (corpus / "more.txt").write_text("More 2018\n\nA question?\n\nA new paragraph on custody.\n", "utf-8")
    build(settings, fake)
    (corpus / "more.txt").unlink()
    assert build(settings, fake).plan.removed == ("more.txt",)
    assert open_index(settings.index).manifest.vector_encoder == fake.model_id
    assert build(settings, fake, rebuild=True).units_encoded == 0

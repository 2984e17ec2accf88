"""A damaged index is refused at load with a rebuild hint; FAISS never reads an unverified file;
an update never launders damage into a new version; a running chat keeps its working version.

tests/test_store.py has the first damage cases; this file goes through every file of a
version and the other ways an index goes wrong (see docs/RELIABILITY.md).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.errors import StoreError
from assistant.settings import Settings
from assistant.store import LiveIndex, layout, open_index, update_index
from assistant.store.manifest import MANIFEST, file_record, read_manifest
from tests.support.fakes import FakeEmbedder

PASSAGES = 83


def build(settings: Settings, fake: FakeEmbedder, **kwargs: Any) -> Path:
    version = update_index(settings, embedder=fake, progress=False, log=lambda _m: None, **kwargs).version
    assert version is not None
    return version


@pytest.fixture
def version(settings: Settings, fake: FakeEmbedder) -> Path:
    return build(settings, fake)


@pytest.fixture
def faiss_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every file FAISS is asked to read."""
    import faiss

    calls: list[str] = []
    real = faiss.read_index

    def spy(path: str, *args: Any) -> Any:
        calls.append(path)
        return real(path, *args)

    monkeypatch.setattr(faiss, "read_index", spy)
    yield calls


def _files(version: Path) -> list[str]:
    return sorted(read_manifest(version).files)


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _reseal(version: Path) -> None:
    """Rewrite the manifest's checksums to match the files: damage done by a writer, not the disk."""
    data = json.loads((version / MANIFEST).read_text("utf-8"))
    data["files"] = {name: file_record(version / name) for name in data["files"]}
    (version / MANIFEST).write_text(json.dumps(data), "utf-8")


@pytest.mark.parametrize("how", ["missing", "truncated", "altered", "emptied"])
def test_every_file_of_a_version_is_checked(
    settings: Settings, version: Path, how: str, faiss_reads: list[str]
) -> None:
    for name in _files(version):
        backup = (version / name).read_bytes()
        path = version / name
        if how == "missing":
            path.unlink()
        elif how == "truncated":
            path.write_bytes(backup[: len(backup) // 2])
        elif how == "altered":
            _flip_middle_byte(path)
        else:
            path.write_bytes(b"")
        with pytest.raises(StoreError, match=r"index --rebuild") as caught:
            open_index(settings.index)
        assert name.split("/")[-1] in str(caught.value), (name, str(caught.value))
        path.write_bytes(backup)
    assert faiss_reads == []  # FAISS never saw a damaged file
    assert len(open_index(settings.index)) == PASSAGES and len(faiss_reads) == 1


def test_faiss_reads_only_after_every_checksum_matched(
    settings: Settings, version: Path, faiss_reads: list[str]
) -> None:
    """A damaged FAISS header can make its reader allocate without bound or hang (docs/RELIABILITY.md),
    so the sha256 is checked first: a damaged file never reaches FAISS."""
    path = version / "vectors.faiss"
    data = bytearray(path.read_bytes())
    data[8:16] = b"\xff" * 8  # the dimension and count fields of the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"vectors\.faiss does not match its checksum"):
        open_index(settings.index)
    assert faiss_reads == []


def test_a_manifest_from_another_version_is_refused(settings: Settings, version: Path) -> None:
    data = json.loads((version / MANIFEST).read_text("utf-8"))
    for field, value, message in [
        ("format_version", 2, "written in format 2"),
        ("format_version", "1", "format"),
        ("passage_count", PASSAGES + 1, "out of step"),
        ("dimension", 384, "out of step"),
    ]:
        (version / MANIFEST).write_text(json.dumps({**data, field: value}), "utf-8")
        with pytest.raises(StoreError, match=message):
            open_index(settings.index)
    for garbage in ["", "{", "[]", '{"model": 1}', "\x00" * 50]:
        (version / MANIFEST).write_text(garbage, "utf-8")
        with pytest.raises(StoreError, match=r"manifest\.json is (damaged|missing)"):
            open_index(settings.index)


def test_a_version_built_for_another_model_forces_a_rebuild(
    settings: Settings, fake: FakeEmbedder, version: Path
) -> None:
    other = replace(settings, model="sentence-transformers/all-mpnet-base-v2")
    messages: list[str] = []
    update_index(other, embedder=fake, progress=False, log=messages.append)
    assert any("Rebuilding the whole index: settings changed (model" in m for m in messages)
    now = layout.current_version(settings.index)
    assert now is not None and read_manifest(now).model.endswith("all-mpnet-base-v2")


def test_passages_out_of_step_with_vectors_even_with_matching_checksums(
    settings: Settings, version: Path
) -> None:
    """A writer bug that drops a passage but seals the files anyway is caught by the counts."""
    from assistant.store.table import OFFSETS
    from assistant.store.table import PASSAGES as PASSAGES_FILE

    lines = (version / PASSAGES_FILE).read_bytes().splitlines(keepends=True)
    (version / PASSAGES_FILE).write_bytes(b"".join(lines[:-1]))
    offsets = np.load(version / OFFSETS)
    np.save(version / OFFSETS, offsets[:-1])
    _reseal(version)
    with pytest.raises(StoreError, match="out of step"):
        open_index(settings.index)


def test_passages_from_another_version_are_refused(
    settings: Settings, fake: FakeEmbedder, version: Path, corpus: Path
) -> None:
    """The passages of one version copied over another's: never served with the other's vectors."""
    first = version
    keep = first.with_name("kept-" + first.name)
    shutil.copytree(first, keep)
    (corpus / "extra.txt").write_text("Extra\n\nWhat?\n\nAn extra paragraph.\n", "utf-8")
    second = build(settings, fake)
    shutil.copyfile(keep / "passages.jsonl", second / "passages.jsonl")
    with pytest.raises(StoreError, match="rebuild"):
        open_index(settings.index)


@pytest.mark.parametrize("pointer", ["v-99999999-none", "../../etc", "/etc/passwd", "", "\x00\xff"])
def test_current_naming_no_version_is_refused(settings: Settings, version: Path, pointer: str) -> None:
    (settings.index / layout.CURRENT).write_bytes(pointer.encode("utf-8", "surrogateescape"))
    with pytest.raises(StoreError, match=r"rebuild|no index"):
        open_index(settings.index)


@pytest.mark.parametrize("damage", ["faiss", "passages", "manifest", "current"])
def test_an_update_never_carries_damage_into_a_new_version(
    settings: Settings, fake: FakeEmbedder, version: Path, corpus: Path, damage: str
) -> None:
    """`assistant index` after damage rebuilds in full (saying why) instead of reusing damaged rows."""
    if damage == "faiss":
        _flip_middle_byte(version / "vectors.faiss")
    elif damage == "passages":
        path = version / "passages.jsonl"
        path.write_bytes(path.read_bytes().replace(b"detective", b"DETECTIVE"))
    elif damage == "manifest":
        (version / MANIFEST).write_text("{", "utf-8")
    else:
        (settings.index / layout.CURRENT).write_text("v-garbage\n", "utf-8")
    (corpus / "extra.txt").write_text("Extra\n\nWhat?\n\nAn extra paragraph.\n", "utf-8")
    messages: list[str] = []
    result = update_index(settings, embedder=fake, progress=False, log=messages.append)
    assert any("cannot be reused, so it is rebuilt in full" in m for m in messages)
    assert result.embedded == PASSAGES + 1  # everything embedded afresh, nothing reused
    loaded = open_index(settings.index)
    assert len(loaded) == PASSAGES + 1 and not any("DETECTIVE" in p.text for p in loaded.table)


def test_rebuild_recovers_from_any_damage(settings: Settings, fake: FakeEmbedder, version: Path) -> None:
    for name in _files(version):
        (version / name).unlink()
    (version / MANIFEST).unlink()
    with pytest.raises(StoreError, match="rebuild"):
        open_index(settings.index)
    build(settings, fake, rebuild=True)
    assert len(open_index(settings.index)) == PASSAGES


def test_a_running_chat_keeps_serving_when_a_damaged_version_is_published(
    settings: Settings, fake: FakeEmbedder, version: Path, corpus: Path
) -> None:
    messages: list[str] = []
    live = LiveIndex(settings, open_index(settings.index), check_every=0, log=messages.append)
    (corpus / "extra.txt").write_text("Extra\n\nWhat?\n\nAn extra paragraph.\n", "utf-8")
    newer = build(settings, fake)
    _flip_middle_byte(newer / "vectors.faiss")
    assert live.get().version == version  # still the old, whole version
    assert live.get().version == version and len(messages) == 1  # said once, not every second
    assert live.problem and "is not served" in live.problem and "checksum" in live.problem
    (corpus / "extra2.txt").write_text("Extra two\n\nWhat?\n\nAnother paragraph.\n", "utf-8")
    fixed = build(settings, fake)  # the next good version is picked up
    assert live.get().version == fixed and live.problem is None and len(live.get()) == PASSAGES + 2


def test_a_running_chat_refuses_a_version_built_with_another_model(
    settings: Settings, fake: FakeEmbedder, version: Path
) -> None:
    class OtherModel(FakeEmbedder):
        dimension = 32

        def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
            shorter: np.ndarray = super().embed(texts)[:, :32] * np.sqrt(2)
            return shorter

    messages: list[str] = []
    live = LiveIndex(settings, open_index(settings.index), check_every=0, log=messages.append)
    build(replace(settings, model="other-model"), OtherModel())
    assert live.get().version == version
    assert live.problem and "built with model other-model" in live.problem and "restart" in live.problem

"""Index build, round trip, staleness, incremental update, atomic publish and damage detection."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import CorpusError, StoreError, StoreLockedError
from assistant.passages import dense_units
from assistant.settings import Settings
from assistant.store import UpdateResult, check_index, ensure_index, layout, open_index, update_index
from assistant.store.manifest import MANIFEST, Manifest, read_manifest
from assistant.store.plan import Skipped, plan_update
from assistant.store.reading import scan_corpus
from tests.support.corpus import REPORT
from tests.support.fakes import FakeEmbedder


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=lambda _m: None)


def test_round_trip_keeps_passages_vectors_and_metadata(settings: Settings, fake: FakeEmbedder) -> None:
    result = build(settings, fake)
    assert result.passage_count == 83 and result.embedded == 83
    loaded = open_index(settings.index)
    assert len(loaded) == 83 and len(loaded.offsets) == 84
    assert loaded.faiss.ntotal == loaded.embeddings.shape[0] == loaded.offsets[-1] > 83
    first = loaded.table.get(0)
    assert first.text.startswith("The Metropolitan Police Service requires improvement")
    fifth = loaded.table.get(5)
    stored = np.asarray(loaded.embeddings[loaded.offsets[5] : loaded.offsets[6]], dtype=np.float32)
    expected = fake.embed(dense_units(fifth))
    assert stored.shape == expected.shape and np.allclose(stored, expected, atol=2e-3)
    assert set(loaded.owners[loaded.offsets[5] : loaded.offsets[6]]) == {5}
    meta = loaded.reports["metropolitan-peel-2017-effectiveness"]
    assert meta.title == "Metropolitan PEEL 2017 — Effectiveness" and meta.year == 2017
    manifest = loaded.manifest
    assert manifest.model == "all-MiniLM-L6-v2" and manifest.dimension == 64 and manifest.passage_count == 83
    assert manifest.package_version and manifest.created
    assert "passages.jsonl" in manifest.files and "vectors.faiss" in manifest.files
    assert not any(p.suffix == ".pkl" for p in loaded.version.rglob("*"))


def test_second_run_changes_nothing(settings: Settings, fake: FakeEmbedder) -> None:
    first = build(settings, fake)
    second = build(settings, fake)
    assert not second.plan.changed and second.version == first.version
    assert fake.calls == 1 and second.embedded == 0


def test_edit_re_embeds_only_the_changed_report(settings: Settings, fake: FakeEmbedder, corpus: Path) -> None:
    build(settings, fake)
    other = corpus / "other.txt"
    other.write_text(
        "Other force 2018\n\nSection one?\n\nA paragraph about custody.\n\nAnother one.\n", "utf-8"
    )
    result = build(settings, fake)
    assert result.plan.added == ("other.txt",) and result.plan.unchanged == (REPORT.name,)
    assert result.embedded == 2 and result.passage_count == 85
    other.write_text("Other force 2018\n\nSection one?\n\nA changed paragraph.\n", "utf-8")
    result = build(settings, fake)
    assert result.plan.updated == ("other.txt",) and result.embedded == 1 and result.passage_count == 84
    other.unlink()
    result = build(settings, fake)
    assert result.plan.removed == ("other.txt",) and result.embedded == 0 and result.passage_count == 83
    loaded = open_index(settings.index)
    assert {p.report_id for p in loaded.table} == {"metropolitan-peel-2017-effectiveness"}


def test_sidecar_change_counts_as_an_update(settings: Settings, fake: FakeEmbedder, corpus: Path) -> None:
    build(settings, fake)
    sidecar = corpus / REPORT.with_suffix(".toml").name
    sidecar.write_text(sidecar.read_text("utf-8").replace('Effectiveness"', 'Effectiveness (2)"'), "utf-8")
    assert check_index(settings).updated == (REPORT.name,)
    build(settings, fake)
    assert open_index(settings.index).table.get(0).report_title.endswith("(2)")


def test_model_change_forces_a_full_rebuild(settings: Settings, fake: FakeEmbedder) -> None:
    build(settings, fake)
    other = replace(settings, model="some/other-model")
    plan = check_index(other)
    assert (
        plan.rebuild_reason and "model" in plan.rebuild_reason and "some/other-model" in plan.rebuild_reason
    )


def test_ensure_index_builds_when_missing_and_rebuilds_when_stale(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    messages: list[str] = []
    ensure_index(settings, embedder=fake, log=messages.append, progress=False)
    assert any("needs building" in m for m in messages)
    messages.clear()
    ensure_index(settings, embedder=fake, log=messages.append, progress=False)
    assert messages == []
    report = corpus / REPORT.name
    report.write_text(report.read_text("utf-8") + "\nA new closing paragraph.\n", "utf-8")
    loaded = ensure_index(settings, embedder=fake, log=messages.append, progress=False)
    assert any("corpus changed" in m for m in messages)
    assert any(p.text == "A new closing paragraph." for p in loaded.table)


def test_failed_file_is_skipped_by_name_and_keeps_old_passages(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    build(settings, fake)
    (corpus / "broken.txt").write_bytes(b"\x00\x00binary\x00")
    report = corpus / REPORT.name
    original = report.read_bytes()
    report.write_bytes(b"\x00garbage\x00")
    result = build(settings, fake)
    assert sorted(Path(f.path).name for f in result.failures) == ["broken.txt", REPORT.name]
    assert result.passage_count == 83  # the old version of the report is kept
    assert not check_index(settings).changed  # failures are remembered, not retried each time
    report.write_bytes(original)
    assert not check_index(settings).changed  # the index already holds exactly this content
    report.write_bytes(original + b"\nA repaired, longer version.\n")
    assert check_index(settings).updated == (REPORT.name,)


def test_skipped_files_are_typed_records_in_the_manifest_json_of_before(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\x00binary\x00")
    build(settings, fake)
    version = layout.current_version(settings.index)
    assert version is not None
    raw = (version / MANIFEST).read_bytes()
    (entry,) = json.loads(raw)["skipped"]
    assert sorted(entry) == ["fingerprint", "path", "reason"]  # the keys older versions wrote
    (skipped,) = read_manifest(version).skipped
    assert skipped == Skipped("broken.txt", entry["fingerprint"], entry["reason"])
    assert "binary file" in skipped.reason
    assert Manifest.from_dict(json.loads(raw)).dumps() == raw  # read and written back unchanged
    old_style = {**json.loads(raw), "skipped": [{"path": "broken.txt", "fingerprint": "f" * 32}]}
    assert Manifest.from_dict(old_style).skipped == (Skipped("broken.txt", "f" * 32, ""),)


def test_empty_corpus_is_a_clear_error(tmp_path: Path, fake: FakeEmbedder) -> None:
    from tests.support.corpus import settings_for

    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="nothing to index"):
        build(settings_for(tmp_path / "empty", tmp_path / "index"), fake)
    with pytest.raises(CorpusError, match="does not exist"):
        build(settings_for(tmp_path / "missing", tmp_path / "index"), fake)


def test_publish_is_atomic_and_old_versions_are_pruned(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    first = build(settings, fake).version
    for i in range(3):
        (corpus / f"extra{i}.txt").write_text(f"Extra {i}\n\nHeading?\n\nParagraph {i}.\n", "utf-8")
        build(settings, fake)
    versions = sorted(p.name for p in settings.index.glob("v-*"))
    assert len(versions) == layout.KEEP_VERSIONS
    assert first is not None and first.name not in versions
    assert (settings.index / "CURRENT").read_text().strip() in versions
    assert not list(settings.index.glob(".tmp-*"))


def test_leftover_work_folder_from_a_crash_is_ignored_and_cleaned(
    settings: Settings, fake: FakeEmbedder
) -> None:
    build(settings, fake)
    crashed = layout.new_workdir(settings.index)
    (crashed / "passages.jsonl").write_text("half written")
    assert len(open_index(settings.index)) == 83
    (settings.corpus / "x.txt").write_text("X\n\nH?\n\nP.\n", "utf-8")
    build(settings, fake)
    assert not crashed.exists()


@pytest.mark.parametrize("damage", ["truncate_faiss", "alter_passages", "drop_offsets", "foreign_manifest"])
def test_damaged_index_is_refused_with_a_rebuild_hint(
    settings: Settings, fake: FakeEmbedder, damage: str
) -> None:
    version = build(settings, fake).version
    assert version is not None
    if damage == "truncate_faiss":
        path = version / "vectors.faiss"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "alter_passages":
        path = version / "passages.jsonl"
        path.write_bytes(path.read_bytes().replace(b"detective", b"detectivX"))
    elif damage == "drop_offsets":
        (version / "offsets.npy").unlink()
    else:
        data = json.loads((version / "manifest.json").read_text())
        data["format_version"] = 999
        (version / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(StoreError, match="rebuild"):
        open_index(settings.index)


def test_passages_out_of_step_with_vectors_is_detected(settings: Settings, fake: FakeEmbedder) -> None:
    version = build(settings, fake).version
    assert version is not None
    manifest = read_manifest(version)
    data = json.loads((version / "manifest.json").read_text())
    data["passage_count"] = manifest.passage_count - 1
    (version / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(StoreError, match=r"out of step|holds"):
        open_index(settings.index)


def test_second_writer_is_refused(settings: Settings, fake: FakeEmbedder) -> None:
    with layout.writer_lock(settings.index), pytest.raises(StoreLockedError, match="only one"):
        build(settings, fake)


def test_plan_update_is_pure_and_complete(settings: Settings, fake: FakeEmbedder, corpus: Path) -> None:
    build(settings, fake)
    version = layout.current_version(settings.index)
    assert version is not None
    manifest = read_manifest(version)
    files = scan_corpus(corpus, manifest)
    assert plan_update(manifest, files, manifest.settings).changed is False
    assert plan_update(None, files, manifest.settings).rebuild_reason == "no index yet"
    shutil.rmtree(corpus)
    corpus.mkdir()
    assert plan_update(manifest, [], manifest.settings).removed == (REPORT.name,)


def test_reports_sharing_a_name_get_distinct_ids(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    text = "Kent PEEL 2019\n\nHow effective is the force?\n\nGood\n\nThe force is effective.\n"
    (corpus / "kent.txt").write_text(text, "utf-8")
    build(settings, fake)
    (corpus / "kent.md").write_text(text.replace("Kent PEEL 2019", "# Kent PEEL 2019"), "utf-8")
    result = build(settings, fake)
    ids = sorted(e.id for e in result.reports if e.path.startswith("kent"))
    assert ids == ["kent", "kent-md"]
    loaded = open_index(settings.index)
    assert {p.report_id for p in loaded.table} == {"metropolitan-peel-2017-effectiveness", "kent", "kent-md"}
    assert len({p.id for p in loaded.table}) == len(loaded)

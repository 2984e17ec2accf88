"""Both search backends -- FAISS + bm25s (default) and a Milvus collection -- through the same
build and the same ranking: add, update and remove reports, a build that fails part-way, and
the same answers (with a deterministic fake embedder; the real model is in test_scale_real.py).

The Milvus cases run when the ``milvus`` extra (pymilvus 2.5 + milvus-lite 2.5.1) is installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import StoreError
from assistant.retrieval.candidates import candidates_for
from assistant.retrieval.filters import Filters
from assistant.retrieval.pipeline import Retriever
from assistant.settings import Settings
from assistant.store import UpdateResult, describe_store, layout, live_store, open_index, update_index
from tests.support.corpus import settings_for
from tests.support.fakes import FakeEmbedder

HAS_MILVUS = (
    importlib.util.find_spec("pymilvus") is not None and importlib.util.find_spec("milvus_lite") is not None
)
needs_milvus = pytest.mark.skipif(
    not HAS_MILVUS, reason="the milvus extra is not installed: pip install -e '.[milvus]'"
)
BACKENDS = ["faiss", pytest.param("milvus", marks=needs_milvus)]
OTHER = """Kent Police PEEL 2017 effectiveness

How effective is the force at preventing crime?

Kent Police runs Operation Lighthouse, which patrols the harbour at night against smuggling.
"""
QUESTIONS = [
    "How does the force tackle county lines?",
    "Is the force short of detectives?",
    "What happens to domestic abuse victims?",
    "anti-social behaviour",
    "Operation Lighthouse harbour smuggling",
]


@pytest.fixture
def milvus_cleanup() -> Iterator[None]:
    yield
    if HAS_MILVUS:
        from assistant.store.milvus import disconnect

        disconnect()


def settings_of(store: str, corpus: Path, tmp_path: Path) -> Settings:
    """Milvus Lite in the index folder, or the server ``ASSISTANT_TEST_MILVUS_URI`` names (an
    integration run; each test then uses its own collection)."""
    server = os.environ.get("ASSISTANT_TEST_MILVUS_URI", "")
    extra = {"milvus_uri": server, "milvus_collection": f"test_{uuid.uuid4().hex[:12]}"} if server else {}
    return settings_for(corpus, tmp_path / f"index-{store}", store=store, **extra)


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=lambda _m: None)


def answers(
    settings: Settings, fake: FakeEmbedder, question: str, filters: Filters | None = None
) -> list[str]:
    index = open_index(settings.index)
    hits = Retriever(lambda: index, fake).ask(question, k=5, filters=filters).hits
    return [f"{h.passage.report_id}/{h.passage.id}" for h in hits]


def texts(settings: Settings) -> str:
    index = open_index(settings.index)
    return "\n".join(index.table.get(i).text for i in range(len(index)))


@pytest.mark.parametrize("store", BACKENDS)
def test_add_update_remove_reports(
    store: str, corpus: Path, tmp_path: Path, fake: FakeEmbedder, milvus_cleanup: None
) -> None:
    settings = settings_of(store, corpus, tmp_path)
    first = build(settings, fake)
    assert first.passage_count == 83
    other = corpus / "kent-2017.txt"
    other.write_text(OTHER, encoding="utf-8")
    added = build(settings, fake)
    assert added.plan.added == ("kent-2017.txt",) and added.embedded < 10  # only the new report
    hits = answers(settings, fake, "Operation Lighthouse harbour smuggling")
    assert hits and hits[0].startswith("kent-2017")
    other.write_text(OTHER.replace("Lighthouse", "Beacon"), encoding="utf-8")
    updated = build(settings, fake)
    assert updated.plan.updated == ("kent-2017.txt",) and updated.embedded < 10
    assert "Operation Beacon" in texts(settings) and "Lighthouse" not in texts(settings)
    assert answers(settings, fake, "Operation Beacon harbour smuggling")[0].startswith("kent-2017")
    other.unlink()
    removed = build(settings, fake)
    assert removed.plan.removed == ("kent-2017.txt",) and removed.passage_count == 83
    assert "Beacon" not in texts(settings)
    assert not any(h.startswith("kent-2017") for h in answers(settings, fake, "Operation Beacon harbour"))
    before = answers(settings, fake, QUESTIONS[0])
    rebuilt = update_index(settings, embedder=fake, rebuild=True, progress=False, log=lambda _m: None)
    assert rebuilt.embedded == 83 and answers(settings, fake, QUESTIONS[0]) == before
    index = open_index(settings.index)
    assert candidates_for(index).name == store and live_store(settings.index)["backend"] == store
    if store == "milvus":
        from assistant.store.milvus import connect, count

        live = index.manifest.store
        client = connect(live["uri"])
        assert (count(client, live["units"]), count(client, live["text"])) == (len(index.owners), 83)
        assert "Milvus collection report_assistant" in describe_store(live)


@pytest.mark.parametrize("store", BACKENDS)
def test_a_failed_build_leaves_the_previous_version_answering(
    store: str,
    corpus: Path,
    tmp_path: Path,
    fake: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    milvus_cleanup: None,
) -> None:
    settings = settings_of(store, corpus, tmp_path)
    (corpus / "kent-2017.txt").write_text(OTHER, encoding="utf-8")
    build(settings, fake)
    (corpus / "kent-2019.txt").write_text(OTHER.replace("Lighthouse", "Compass"), encoding="utf-8")
    build(settings, fake)  # both Milvus slots now hold a version; the next build updates the first
    before = layout.current_token(settings.index)
    expected = answers(settings, fake, QUESTIONS[0])
    (corpus / "kent-2017.txt").unlink()
    (corpus / "kent-2018.txt").write_text(OTHER.replace("2017", "2018"), encoding="utf-8")
    if store == "milvus":
        import assistant.store.milvus as milvus

        def broken(*_args: object) -> None:
            raise StoreError("the Milvus server went away")

        monkeypatch.setattr(
            milvus, "slot_rows", broken
        )  # after deleting kent-2017, before inserting kent-2018
    else:
        import assistant.store.writer as writer

        monkeypatch.setattr(writer, "save_vectors", lambda *_a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises((StoreError, OSError)):
        build(settings, fake)
    assert layout.current_token(settings.index) == before
    assert answers(settings, fake, QUESTIONS[0]) == expected
    assert any(h.startswith("kent-2017/") for h in answers(settings, fake, "Operation Lighthouse harbour"))
    monkeypatch.undo()
    again = build(settings, fake)
    assert layout.current_token(settings.index) != before and again.passage_count > 83
    hits = answers(settings, fake, "Operation Lighthouse harbour smuggling")
    assert any(h.startswith("kent-2018/") for h in hits) and not any(h.startswith("kent-2017/") for h in hits)


@needs_milvus
def test_milvus_ranks_like_faiss_with_scope_and_filters(
    corpus: Path, tmp_path: Path, fake: FakeEmbedder, milvus_cleanup: None
) -> None:
    (corpus / "kent-2017.txt").write_text(OTHER, encoding="utf-8")
    faiss_settings, milvus_settings = (settings_of(s, corpus, tmp_path) for s in ("faiss", "milvus"))
    build(faiss_settings, fake)
    build(milvus_settings, fake)
    met = "metropolitan-peel-2017-effectiveness"
    for filters in (
        None,
        Filters(report=(met,)),
        Filters(section=("vulnerable",)),
        Filters(grade=("Requires improvement",)),
    ):
        for q in QUESTIONS:
            assert answers(faiss_settings, fake, q, filters) == answers(milvus_settings, fake, q, filters), (
                q,
                filters,
            )


@needs_milvus
def test_scope_filters_select_exactly_the_rows(
    corpus: Path, tmp_path: Path, fake: FakeEmbedder, milvus_cleanup: None
) -> None:
    from assistant.retrieval.milvus_search import MilvusCandidates, scope_filter

    (corpus / "kent-2017.txt").write_text(OTHER, encoding="utf-8")
    settings = settings_of("milvus", corpus, tmp_path)
    build(settings, fake)
    index = open_index(settings.index)
    source = candidates_for(index)
    assert isinstance(source, MilvusCandidates)
    rng = np.random.default_rng(0)
    columns = index.table.columns
    subsets = [
        np.arange(len(index)),
        np.flatnonzero(np.asarray(columns.report) == 0),
        np.flatnonzero(np.asarray(columns.grade) >= 0),
        *(np.sort(rng.choice(len(index), size=n, replace=False)) for n in (1, 7, 40)),
    ]
    for rows in subsets:
        expression = scope_filter(index, rows)
        found = source._client.query(source.text, filter=expression, output_fields=["report", "ordinal"])
        got = sorted(source.rows_of([{"entity": h} for h in found]).tolist())
        assert got == rows.tolist(), expression


def test_milvus_settings_are_checked(tmp_path: Path) -> None:
    from assistant.store.milvus import other_slot, resolve_uri, slot_changes

    settings = settings_for(tmp_path, tmp_path / "index", store="milvus")
    assert resolve_uri(settings) == str(tmp_path / "index" / "milvus.db")
    with pytest.raises(StoreError, match="neither a local file"):
        resolve_uri(settings_for(tmp_path, tmp_path / "index", store="milvus", milvus_uri="milvus"))
    assert resolve_uri(settings_for(tmp_path, tmp_path, milvus_uri="http://127.0.0.1:19530")).startswith(
        "http"
    )
    assert other_slot({}, "c", "u") == "a"
    assert other_slot({"collection": "c", "uri": "u", "slot": "a"}, "c", "u") == "b"
    assert other_slot({"collection": "c", "uri": "u", "slot": "b"}, "c", "u") == "a"
    assert other_slot({"collection": "other", "uri": "u", "slot": "a"}, "c", "u") == "a"
    assert slot_changes({"x", "y"}, {"y", "z"}) == (["x"], ["z"])


def test_the_default_store_writes_no_store_record(settings: Settings, fake: FakeEmbedder) -> None:
    build(settings, fake)
    index = open_index(settings.index)
    assert index.manifest.store == {} and index.faiss is not None
    assert live_store(settings.index) == {"backend": "faiss"}
    manifest = json.loads((index.version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["store"] == {} and "store" not in manifest["settings"]


def test_store_settings_come_from_flags_env_and_config(tmp_path: Path) -> None:
    from assistant.errors import SettingsError
    from assistant.settings import load_settings

    env = {"ASSISTANT_STORE": "milvus", "ASSISTANT_MILVUS_URI": "/data/index.db"}
    resolved = load_settings({}, env=env, cwd=tmp_path)
    assert (resolved.store, resolved.milvus_uri, resolved.milvus_collection) == (
        "milvus",
        "/data/index.db",
        "report_assistant",
    )
    (tmp_path / "assistant.toml").write_text('store = "milvus"\nmilvus_collection = "peel"\n', "utf-8")
    assert load_settings({}, env={}, cwd=tmp_path).milvus_collection == "peel"
    assert load_settings({"store": "faiss"}, env=env, cwd=tmp_path).store == "faiss"
    with pytest.raises(SettingsError, match="allowed values: faiss, milvus"):
        load_settings({"store": "elastic"}, env={}, cwd=tmp_path)


def test_milvus_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from assistant.store.milvus import connect

    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(StoreError, match=r"pip install -e '\.\[milvus\]'"):
        connect("/nowhere/never-opened.db")


def test_reports_say_which_store_serves(
    settings: Settings, fake: FakeEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    build(settings, fake)
    assert main(["reports", "--corpus", str(settings.corpus), "--index", str(settings.index)]) == 0
    assert "FAISS + bm25s" in capsys.readouterr().err
    assert main(["reports", "--corpus", str(settings.corpus), "--index", str(settings.index), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["store"] == {"backend": "faiss"} and listed[0]["id"]

"""With the real model: a Milvus-backed index answers like the default one (dev questions over the
Met report, library questions with their scopes), and a build on Ray equals a local build.

Run when the ``milvus`` / ``ray`` extras are installed (scripts/test.sh installs both).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import answer_dict
from assistant.cli import main
from assistant.evaluation.compare import backend_agreement
from assistant.evaluation.questions import read_questions
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.store import open_index
from tests.support.corpus import DEV_QUESTIONS, ROOT, make_corpus, settings_for

pytestmark = pytest.mark.slow

HAS_MILVUS = (
    importlib.util.find_spec("pymilvus") is not None and importlib.util.find_spec("milvus_lite") is not None
)
HAS_RAY = importlib.util.find_spec("ray") is not None
LIBRARY_QUESTIONS = ROOT / "tests" / "data" / "questions-library-dev.jsonl"


@pytest.fixture(scope="module")
def milvus_cleanup() -> Iterator[None]:
    yield
    if HAS_MILVUS:
        from assistant.store.milvus import disconnect

        disconnect()


def answers_of(assistant: Assistant, path: Path) -> dict[str, dict[str, object]]:
    return {q.id: answer_dict(assistant.ask(q.question, k=5)) for q in read_questions(path)}


@pytest.mark.skipif(not HAS_MILVUS, reason="the milvus extra is not installed: pip install -e '.[milvus]'")
def test_milvus_gives_the_same_top_5_on_the_dev_questions(
    real_assistant: Assistant,
    real_index: Settings,
    tmp_path_factory: pytest.TempPathFactory,
    milvus_cleanup: None,
) -> None:
    base = tmp_path_factory.mktemp("milvus-real")
    settings = settings_for(
        real_index.corpus, base / "index", store="milvus", milvus_uri=str(base / "index.db")
    )
    milvus = Assistant.open(settings, log=lambda _m: None, progress=False)
    assert milvus.live.get().manifest.store["backend"] == "milvus"
    result = backend_agreement(
        read_questions(DEV_QUESTIONS),
        answers_of(real_assistant, DEV_QUESTIONS),
        answers_of(milvus, DEV_QUESTIONS),
    )
    assert result["same_top_k"] >= 0.95, result
    assert result["recall_first"] == result["recall_second"], result
    assert result["same_abstained"] == 1.0, result


@pytest.mark.skipif(not HAS_MILVUS, reason="the milvus extra is not installed: pip install -e '.[milvus]'")
def test_milvus_scopes_library_questions_like_faiss(
    real_library: Assistant, tmp_path_factory: pytest.TempPathFactory, milvus_cleanup: None
) -> None:
    base = tmp_path_factory.mktemp("milvus-library")
    corpus = real_library.settings.corpus
    settings = settings_for(corpus, base / "index", store="milvus", milvus_uri=str(base / "index.db"))
    milvus = Assistant.open(settings, log=lambda _m: None, progress=False)
    result = backend_agreement(
        read_questions(LIBRARY_QUESTIONS),
        answers_of(real_library, LIBRARY_QUESTIONS),
        answers_of(milvus, LIBRARY_QUESTIONS),
    )
    assert result["same_scope"] == 1.0 and result["same_abstained"] == 1.0, result
    assert result["same_top_k"] >= 0.95, result
    assert result["recall_first"] == result["recall_second"], result


@pytest.mark.skipif(not HAS_RAY, reason="the ray extra is not installed: pip install -e '.[ray]'")
def test_an_index_built_on_ray_equals_a_local_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    monkeypatch.setenv("HOME", str(tmp_path))  # Ray writes ~/.ray/auth_token
    for name, extra in (("local", []), ("ray", ["--ray", "auto"])):
        assert main(["index", "--corpus", str(corpus), "--index", str(tmp_path / name), *extra]) == 0
        err = capsys.readouterr().err
        assert "broken.pdf: is not a readable PDF" in err, err
    local, distributed = open_index(tmp_path / "local"), open_index(tmp_path / "ray")
    assert len(local) == len(distributed) > 80
    assert all(local.table.get(i) == distributed.table.get(i) for i in range(len(local)))
    assert np.array_equal(local.offsets, distributed.offsets)
    a = np.asarray(local.embeddings, dtype=np.float32)
    b = np.asarray(distributed.embeddings, dtype=np.float32)
    assert a.shape == b.shape and float(np.abs(a - b).max()) <= 1e-5
    assert [r.id for r in local.manifest.reports] == [r.id for r in distributed.manifest.reports]
    assert (
        [s.path for s in local.manifest.skipped]
        == [s.path for s in distributed.manifest.skipped]
        == ["broken.pdf"]
    )

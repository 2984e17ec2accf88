"""A one-report scope inside a large library still returns that report's own k best passages.

Post-filtering a fixed top-N of the whole library would lose them (forty reports all say much the
same); the scope restricts the search itself, so the dense-only pipeline must return exactly the
k passages of the named report with the highest cosine, computed here by brute force.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.pipeline import Retriever
from assistant.store import open_index, update_index
from tests.support.corpus import settings_for
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, source_text

FORCES = ["Kent", "Essex", "Surrey", "Sussex", "Dorset", "Cumbria", "Durham", "Gwent", "Norfolk", "Suffolk"]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("large")
    corpus = base / "corpus"
    corpus.mkdir()
    for force in FORCES:
        for year in (2014, 2015, 2016, 2017):
            variant = Variant(force, year)
            (corpus / f"{variant.slug}.txt").write_text(source_text(variant), encoding="utf-8")
            (corpus / f"{variant.slug}.toml").write_text(
                f'title = "{variant.title}"\nforce = "{force} Police"\nyear = {year}\n', encoding="utf-8"
            )
    settings = settings_for(corpus, base / "index")
    update_index(settings, embedder=FakeEmbedder(), progress=False, log=lambda _m: None)
    return settings.index


def test_a_one_report_scope_returns_that_reports_k_best(library: Path) -> None:
    index = open_index(library)
    assert len(index) > 3000 and len(index.reports) == 40
    embedder = FakeEmbedder()
    retriever = Retriever(lambda: index, embedder, RetrievalConfig(method="dense"))
    question = "detective vacancies and the quality of investigations at Norfolk Police in 2015"
    answer = retriever.ask(question, k=5)
    wanted = next(r for r, m in index.reports.items() if m.force == "Norfolk Police" and m.year == 2015)
    assert answer.scope is not None and answer.scope.reports == (wanted,)
    query = retriever.analyse(question, index)
    qvec = embedder.embed([query.dense_text])[0]
    rows = [i for i in range(len(index)) if index.table.get(i).report_id == wanted]
    best = {
        i: max(float(index.embeddings[u] @ qvec) for u in range(index.offsets[i], index.offsets[i + 1]))
        for i in rows
    }
    expected = sorted(best, key=lambda i: -best[i])[:5]
    got = [h.passage.id for h in answer.hits]
    assert got == [index.table.get(i).id for i in expected]
    assert np.isclose(answer.hits[0].scores["dense"], best[expected[0]], atol=1e-5)

"""The retrieval pipeline end to end with the fake embedder: filters, reranker hook, diversity, shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from assistant.errors import QuestionError, SettingsError
from assistant.records import Passage
from assistant.retrieval.filters import Filters
from assistant.retrieval.pipeline import VARIANTS, RetrievalConfig, Retriever, variant
from assistant.settings import Settings
from assistant.store import ensure_index
from assistant.store.load import LoadedIndex
from tests.support.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    from tests.support.corpus import make_corpus, settings_for

    base = tmp_path_factory.mktemp("pipeline")
    corpus = make_corpus(base / "corpus")
    (corpus / "kent-2019.txt").write_text(
        "Kent PEEL 2019\n\nHow effective is the force at investigating crime?\n\nGood\n\n"
        "The force has enough detectives and its investigations are thorough.\n",
        "utf-8",
    )
    settings: Settings = settings_for(corpus, base / "index")
    return ensure_index(settings, embedder=FakeEmbedder(), log=lambda _m: None, progress=False)


def retriever(index: LoadedIndex, config: RetrievalConfig | None = None) -> Retriever:
    return Retriever(lambda: index, FakeEmbedder(), config or RetrievalConfig())


def test_every_variant_answers_with_k_ranked_hits(index: LoadedIndex) -> None:
    for name in VARIANTS:
        answer = retriever(index, variant(name)).ask("detective shortages", k=4)
        assert [h.rank for h in answer.hits] == [1, 2, 3, 4]
        assert len({h.passage.id for h in answer.hits}) == 4


def test_unknown_variant_lists_the_known_ones() -> None:
    with pytest.raises(SettingsError, match="hybrid, dense, lexical"):
        variant("magic")


def test_filters_restrict_every_hit(index: LoadedIndex) -> None:
    r = retriever(index)
    kent = r.ask("detectives", k=5, filters=Filters(force=("Kent",)))
    assert kent.hits and {h.passage.report_id for h in kent.hits} == {"kent-2019"}
    met = r.ask("detectives", k=5, filters=Filters(year=(2017,), grade=("Requires improvement",)))
    assert met.hits and all(h.passage.grade == "Requires improvement" for h in met.hits)
    section = r.ask("detectives", k=5, filters=Filters(section=("vulnerable",)))
    assert section.hits and all("vulnerable" in h.passage.section_path[0] for h in section.hits)
    assert r.ask("detectives", k=5, filters=Filters(force=("Nowhere",))).hits == ()


def test_support_sentence_is_inside_the_passage(index: LoadedIndex) -> None:
    for hit in retriever(index).ask("detective vacancies recruitment", k=5).hits:
        if hit.support:
            a, b = hit.support
            assert 0 <= a < b <= len(hit.passage.text)


class ReverseReranker:
    """Reverses the head of the list, so its effect is visible."""

    def __init__(self) -> None:
        self.calls = 0

    def rerank(self, question: str, passages: Sequence[Passage], order: np.ndarray) -> np.ndarray:
        self.calls += 1
        return np.concatenate([order[:5][::-1], order[5:]])


def test_a_reranker_plugs_in(index: LoadedIndex) -> None:
    plain = retriever(index, replace(RetrievalConfig(), duplicate_cosine=1.0)).ask("PNC wanted suspects", k=5)
    reranker = ReverseReranker()
    reranked = Retriever(
        lambda: index, FakeEmbedder(), replace(RetrievalConfig(), duplicate_cosine=1.0), reranker
    )
    answer = reranked.ask("PNC wanted suspects", k=5)
    assert reranker.calls == 1 and "rerank" in answer.timings
    assert [h.passage.id for h in answer.hits] == [h.passage.id for h in plain.hits][::-1]


def test_bad_questions_raise_question_error(index: LoadedIndex) -> None:
    with pytest.raises(QuestionError):
        retriever(index).ask("   ")


def test_abstention_reason_is_in_the_notice(index: LoadedIndex) -> None:
    answer = retriever(index).ask("How was Greater Manchester Police graded?", k=3)
    assert answer.abstained and answer.hits
    assert answer.notice and "Greater Manchester Police" in answer.notice


def test_a_copy_citing_a_page_is_preferred(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same report as text and as PDF: the answer cites the PDF's printed page."""
    from tests.support.corpus import make_corpus, settings_for
    from tests.support.fixtures import write_all

    base = tmp_path_factory.mktemp("copies")
    corpus = make_corpus(base / "corpus")
    write_all(corpus, formats=("pdf", "html"))
    loaded = ensure_index(settings_for(corpus, base / "index"), embedder=FakeEmbedder(), log=lambda _m: None)
    top = retriever(loaded).ask("detective shortages", k=3).hits[0].passage
    assert top.text.startswith("detective shortages") and top.report_id.endswith("pdf")
    assert top.page_label == "3" and str(top.citation).endswith("¶2, bullet 3, p. 3")


@pytest.mark.parametrize(
    "name", ["Met", "the Met", "MPS", "Metropolitan", "metropolitan police service", "Metro"]
)
def test_force_filter_accepts_every_name_of_a_force(index: LoadedIndex, name: str) -> None:
    hits = retriever(index).ask("detectives", k=3, filters=Filters(force=(name,))).hits
    assert hits and {h.passage.report_id for h in hits} == {"metropolitan-peel-2017-effectiveness"}


def test_force_filter_by_alias_of_another_force(index: LoadedIndex) -> None:
    assert retriever(index).ask("detectives", k=3, filters=Filters(force=("Kent Police",))).hits
    assert retriever(index).ask("detectives", k=3, filters=Filters(force=("GMP",))).hits == ()

"""The retrieval pipeline: question -> ranked, diverse, cited hits, or an abstention.

    analyse (glossary, typos) -> dense pool + lexical pool -> fuse -> [rerank] -> diversify -> abstain

Everything a stage needs comes from the loaded index (vectors, BM25, vocabulary,
definitions); the scoring steps themselves are the pure functions of the sibling modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import with_support
from assistant.embedding import Embedder
from assistant.errors import SettingsError
from assistant.records import Answer, Hit, Passage
from assistant.retrieval import dense, fusion
from assistant.retrieval.abstain import AbstainPolicy
from assistant.retrieval.diversity import diversify, prefer_cited_copies
from assistant.retrieval.filters import Filters
from assistant.retrieval.glossary import Glossary, packaged_glossary
from assistant.retrieval.intent import structure_bonus
from assistant.retrieval.query import Query, analyse
from assistant.retrieval.rerank import RERANK_DEPTH, Reranker
from assistant.store.load import LoadedIndex

HEAD_PER_HIT = 10
"""Candidates examined per wanted hit after fusion (copies, restatements)."""
STRUCTURE_DEPTH = 60
"""Fused candidates that may join the structure list: enough for any top 10, and passages
lower than this are off topic whatever their place in the report."""


@dataclass(frozen=True)
class RetrievalConfig:
    """Tunables of the pipeline; the defaults are the ones chosen on the dev set (docs/EVALUATION.md)."""

    method: str = "hybrid"
    """hybrid (dense + lexical), dense or lexical."""
    fusion: str = "rrf"
    """rrf (reciprocal rank fusion) or linear (min-max normalised scores)."""
    glossary: bool = True
    pool: int = 100
    rrf_k: float = 60.0
    weights: dict[str, float] = field(default_factory=lambda: {"dense": 1.0, "lexical": 1.0})
    duplicate_cosine: float = 0.92
    structure_weight: float = 0.5
    """Weight of the structure list (passages that fit the question's intent) in the fusion."""
    abstain: AbstainPolicy = field(default_factory=AbstainPolicy)


@dataclass
class _Candidates:
    ids: np.ndarray
    cosine: np.ndarray
    bm25: np.ndarray
    dense_rank: dict[int, int]
    lexical_rank: dict[int, int]


class Retriever:
    """Answers questions against whatever index ``source`` returns (re-read on every question)."""

    def __init__(
        self,
        source: Callable[[], LoadedIndex],
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self._source = source
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.reranker = reranker

    def analyse(self, question: object, index: LoadedIndex | None = None) -> Query:
        """The question cleaned, expanded with the glossary (and the corpus's own definitions)
        and with typos repaired against the corpus vocabulary."""
        index = index or self._source()
        glossary = (
            index.derived("glossary", lambda: packaged_glossary().with_pairs(index.definitions))
            if self.config.glossary
            else Glossary()
        )
        choices = index.derived("vocabulary list", lambda: list(index.vocabulary))
        return analyse(question, glossary, index.vocabulary, choices)

    def ask(self, question: object, k: int = 5, filters: Filters | None = None) -> Answer:
        """The top ``k`` hits for ``question`` (see module docstring)."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + (now - clock) * 1000
            clock = now

        index = self._source()
        query = self.analyse(question, index)
        mask = filters.mask(index.table.columns, index.reports) if filters else None
        lap("analyse")
        qvec = self.embedder.embed([query.dense_text])[0]
        lap("encode")
        cands = self._candidates(index, query, qvec, mask, lap)
        scores = self._fuse(cands)
        scores = scores + self._structure(index, query, cands, scores)
        order = np.argsort(-scores, kind="stable")
        lap("fusion")

        def passage(i: int) -> Passage:
            return index.table.get(int(cands.ids[i]))

        if self.reranker is not None and len(order):
            order = self.reranker.rerank(query.question, [passage(i) for i in order[:RERANK_DEPTH]], order)
            lap("rerank")
        # Only the head can reach the top k, even with restatements demoted: decode no more.
        head = max(HEAD_PER_HIT * k, RERANK_DEPTH)
        copies = prefer_cited_copies(
            order[:head], lambda i: passage(i).text, lambda i: passage(i).page is not None
        )
        order = np.concatenate([copies, order[head:]])
        order = diversify(
            order, lambda i: dense.text_vector(index, int(cands.ids[i])), self.config.duplicate_cosine, k
        )
        lap("diversify")
        chosen = order[:k]
        hits = tuple(
            Hit(
                passage=passage(i),
                score=float(scores[i]),
                rank=rank,
                scores={"dense": float(cands.cosine[i]), "lexical": float(cands.bm25[i])},
            )
            for rank, i in enumerate(chosen, start=1)
        )
        verdict = self.config.abstain.decide(query, hits, index)
        lap("abstain")
        answer = Answer(
            question=query.question,
            hits=hits,
            abstained=verdict.abstain,
            notice=" ".join(n for n in (query.notice, verdict.reason if verdict.abstain else None) if n)
            or None,
            query=query.dense_text,
            expansions=query.expansion.added,
            corrections=dict(query.corrections),
            terms=tuple(query.terms),
            timings=timings,
        )
        answer = with_support(answer, query.terms)
        lap("format")  # the dict is shared with the answer, so this lands in answer.timings
        return answer

    def _candidates(
        self,
        index: LoadedIndex,
        query: Query,
        qvec: np.ndarray,
        mask: np.ndarray | None,
        lap: Callable[[str], None],
    ) -> _Candidates:
        method, pool = self.config.method, self.config.pool
        dense_ids = np.zeros(0, np.int64)
        if method != "lexical":
            dense_ids, _ = dense.search(index, qvec, pool, mask)
        lap("dense")
        bm25_all = index.lexical.scores(dict(query.terms))
        if mask is not None:
            bm25_all = np.where(mask, bm25_all, 0.0)
        lexical_ids = np.zeros(0, np.int64)
        if method != "dense":
            lexical_ids = dense.top_k(bm25_all, pool)
            lexical_ids = lexical_ids[bm25_all[lexical_ids] > 0]
        lap("lexical")
        ids = np.unique(np.concatenate([dense_ids, lexical_ids])).astype(np.int64)
        cos = dense.cosines(index, qvec, ids)
        bm = bm25_all[ids].astype(np.float32)
        in_dense = np.isin(ids, dense_ids)
        in_lex = np.isin(ids, lexical_ids)
        return _Candidates(
            ids,
            cos,
            bm,
            fusion.ranks_from_scores(ids[in_dense], cos[in_dense]),
            fusion.ranks_from_scores(ids[in_lex], bm[in_lex]),
        )

    def _structure(self, index: LoadedIndex, query: Query, c: _Candidates, fused: np.ndarray) -> np.ndarray:
        """A third fused list: passages whose place in the report fits what the question asks.

        Fitting passages are ranked among themselves by their fused score, so the most
        on-topic fitting passage gains most and an off-topic one little (see intent.py).
        """
        cfg = self.config
        intents = query.intents
        if not intents or cfg.structure_weight == 0 or cfg.method in ("dense", "lexical"):
            return np.zeros(len(c.ids))
        served = np.zeros(len(c.ids))
        for position in np.argsort(-fused, kind="stable")[:STRUCTURE_DEPTH]:
            served[position] = structure_bonus(intents, index.table.get(int(c.ids[position])))
        fitting = np.flatnonzero(served > 0)
        ranking = fusion.ranks_from_scores(fitting, fused[fitting] * (1 + served[fitting]))
        if cfg.fusion == "rrf":
            extra = fusion.rrf({"structure": ranking}, {"structure": cfg.structure_weight}, cfg.rrf_k)
        else:
            extra = {i: cfg.structure_weight / r for i, r in ranking.items()}
        bonus = np.zeros(len(c.ids))
        for i, value in extra.items():
            bonus[i] = value
        return bonus

    def _fuse(self, c: _Candidates) -> np.ndarray:
        cfg = self.config
        if cfg.method == "dense":
            return c.cosine.astype(np.float64)
        if cfg.method == "lexical":
            return c.bm25.astype(np.float64)
        if cfg.fusion == "linear":
            return fusion.linear({"dense": c.cosine, "lexical": c.bm25}, cfg.weights)
        fused = fusion.rrf({"dense": c.dense_rank, "lexical": c.lexical_rank}, cfg.weights, cfg.rrf_k)
        return np.array([fused.get(int(i), 0.0) for i in c.ids])


VARIANTS: dict[str, RetrievalConfig] = {
    "hybrid": RetrievalConfig(),
    "dense": RetrievalConfig(method="dense"),
    "lexical": RetrievalConfig(method="lexical"),
    "hybrid-noglossary": RetrievalConfig(glossary=False),
    "hybrid-linear": RetrievalConfig(fusion="linear"),
    "hybrid-nostructure": RetrievalConfig(structure_weight=0.0),
}
"""Named pipelines for ``--retriever``: the default and the ablations in docs/EVALUATION.md."""


def variant(name: str) -> RetrievalConfig:
    """The named pipeline; an unknown name is a :class:`SettingsError` listing the known ones."""
    if name not in VARIANTS:
        raise SettingsError(f"retriever {name!r} is unknown; choose one of {', '.join(VARIANTS)}")
    return VARIANTS[name]

"""Candidates and their fused ranking, inside the passages a question may be answered from.

    dense pool + lexical pool (within the allowed passages) -> RRF -> + structure list

The pools and the scores of the candidates come from the version's search backend
(:mod:`assistant.retrieval.candidates`: FAISS + bm25s, or Milvus); what follows is the same
for every backend.

The allowed passages (the question's scope and any filters) restrict both searches *inside*
the index -- the dense search scores only the allowed unit vectors (or passes FAISS an id
selector), BM25 keeps only allowed rows -- so a small report in a large library still yields
its best passages, which filtering a fixed top-N afterwards would lose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from assistant.retrieval import fusion
from assistant.retrieval.candidates import candidates_for
from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.intent import structure_bonus
from assistant.retrieval.query import Query
from assistant.store.load import LoadedIndex

STRUCTURE_DEPTH = 60
"""Fused candidates that may join the structure list: enough for any top 10, and passages
lower than this are off topic whatever their place in the report."""


@dataclass(frozen=True)
class Ranking:
    """Candidate passages (index rows) with their scores, and their order best first."""

    ids: np.ndarray
    cosine: np.ndarray
    bm25: np.ndarray
    fused: np.ndarray
    order: np.ndarray
    """Positions into ``ids``, best first."""


def report_ranges(index: LoadedIndex) -> dict[str, tuple[int, int]]:
    """Each report's passage rows as one ``[start, stop)`` range (reports are written whole, in
    order), computed once per index version."""

    def compute() -> dict[str, tuple[int, int]]:
        codes = np.asarray(index.table.columns.report)
        if len(codes) == 0:
            return {}
        cuts = np.flatnonzero(np.diff(codes)) + 1
        starts = np.concatenate([[0], cuts])
        stops = np.concatenate([cuts, [len(codes)]])
        out: dict[str, tuple[int, int]] = {}
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            rid = index.table.columns.report_ids[int(codes[a])]
            if rid in out:  # not contiguous: fall back to a mask for this index
                raise ValueError(f"report {rid} is not stored contiguously")
            out[rid] = (a, b)
        return out

    return index.derived("report ranges", compute)


def allowed_rows(index: LoadedIndex, reports: Iterable[str], mask: np.ndarray | None) -> np.ndarray | None:
    """Passage rows of ``reports`` that also pass ``mask``; None when every passage is allowed."""
    wanted = set(reports)
    everything = wanted >= set(index.reports)
    if everything and mask is None:
        return None
    if everything:
        assert mask is not None
        return np.flatnonzero(mask)
    try:
        ranges = report_ranges(index)
        rows = np.concatenate(
            [np.arange(*ranges[r], dtype=np.int64) for r in sorted(wanted) if r in ranges]
            or [np.zeros(0, np.int64)]
        )
    except ValueError:
        codes = [i for i, rid in enumerate(index.table.columns.report_ids) if rid in wanted]
        rows = np.flatnonzero(np.isin(np.asarray(index.table.columns.report), codes))
    return rows[mask[rows]] if mask is not None else rows


def rank(
    index: LoadedIndex,
    query: Query,
    qvec: np.ndarray,
    rows: np.ndarray | None,
    config: RetrievalConfig,
    lap: Callable[[str], None] = lambda _stage: None,
) -> Ranking:
    """Dense and lexical pools within ``rows``, fused, with the structure list added."""
    method, pool = config.method, config.pool
    source = candidates_for(index)
    dense_ids = np.zeros(0, np.int64)
    if method != "lexical":
        dense_ids, _ = source.dense(qvec, pool, rows)
    lap("dense")
    lexical_ids = np.zeros(0, np.int64)
    terms = dict(query.terms)
    if config.prf_terms and method == "hybrid":
        terms = _feedback(index, terms, dense_ids[: config.prf_docs], config)
    scorer = source.lexical(terms)
    if method != "dense":
        lexical_ids = scorer.top(pool, rows)
    lap("lexical")
    ids = np.unique(np.concatenate([dense_ids, lexical_ids])).astype(np.int64)
    cos = source.cosines(qvec, ids)
    bm = scorer.of(ids)
    in_dense, in_lex = np.isin(ids, dense_ids), np.isin(ids, lexical_ids)
    dense_rank = fusion.ranks_from_scores(ids[in_dense], cos[in_dense])
    lexical_rank = fusion.ranks_from_scores(ids[in_lex], bm[in_lex])
    weights = dict(config.weights)
    if config.lexical_by_share:
        own = {t: index.lexical.document_frequency(t) for t, w in query.terms.items() if w >= 1.0}
        weights["lexical"] = weights.get("lexical", 1.0) * fusion.lexical_share(own, len(index))
    fused = _fuse(replace(config, weights=weights), cos, bm, ids, dense_rank, lexical_rank)
    fused = fused + _structure(index, query, ids, fused, config)
    return Ranking(ids, cos, bm, fused, np.argsort(-fused, kind="stable"))


def _feedback(
    index: LoadedIndex, terms: dict[str, float], top: np.ndarray, config: RetrievalConfig
) -> dict[str, float]:
    """RM3-style expansion: the terms most characteristic of the top dense passages (tf x idf),
    added to the lexical query with :attr:`RetrievalConfig.prf_weight` shared among them."""
    import math

    from assistant.passages import lexical_text
    from assistant.retrieval.lexical import tokenize

    counts: dict[str, float] = {}
    for i in top:
        for t in tokenize(lexical_text(index.table.get(int(i)))):
            counts[t] = counts.get(t, 0.0) + 1.0
    n = len(index)
    scored = {
        t: c * math.log(1 + n / max(index.lexical.document_frequency(t), 1))
        for t, c in counts.items()
        if t not in terms
    }
    best = sorted(scored, key=lambda t: -scored[t])[: config.prf_terms]
    out = dict(terms)
    for t in best:
        out[t] = config.prf_weight / max(len(best), 1)
    return out


def _fuse(
    config: RetrievalConfig,
    cos: np.ndarray,
    bm: np.ndarray,
    ids: np.ndarray,
    dense_rank: dict[int, int],
    lexical_rank: dict[int, int],
) -> np.ndarray:
    if config.method == "dense":
        return cos.astype(np.float64)
    if config.method == "lexical":
        return bm.astype(np.float64)
    weights = config.weights
    if config.fusion == "linear":
        return fusion.linear({"dense": cos, "lexical": bm}, weights)
    fused = fusion.rrf({"dense": dense_rank, "lexical": lexical_rank}, weights, config.rrf_k)
    return np.array([fused.get(int(i), 0.0) for i in ids])


def _structure(
    index: LoadedIndex, query: Query, ids: np.ndarray, fused: np.ndarray, config: RetrievalConfig
) -> np.ndarray:
    """A third fused list: passages whose place in the report fits what the question asks.

    Fitting passages are ranked among themselves by their fused score, so the most on-topic
    fitting passage gains most and an off-topic one little (see intent.py).
    """
    if not query.intents or config.structure_weight == 0 or config.method in ("dense", "lexical"):
        return np.zeros(len(ids))
    served = np.zeros(len(ids))
    for position in np.argsort(-fused, kind="stable")[:STRUCTURE_DEPTH]:
        served[position] = structure_bonus(query.intents, index.table.get(int(ids[position])))
    fitting = np.flatnonzero(served > 0)
    ranking = fusion.ranks_from_scores(fitting, fused[fitting] * (1 + served[fitting]))
    if config.fusion == "rrf":
        extra = fusion.rrf({"structure": ranking}, {"structure": config.structure_weight}, config.rrf_k)
    else:
        extra = {i: config.structure_weight / r for i, r in ranking.items()}
    bonus = np.zeros(len(ids))
    for i, value in extra.items():
        bonus[i] = value
    return bonus

"""The retrieval pipeline: question -> ranked, diverse, cited hits, or an abstention.

    analyse -> scope -> dense + lexical within scope -> fuse -> [rerank] -> lay out -> abstain

Everything a stage needs comes from the loaded index (vectors, BM25, vocabulary,
definitions) and the one analysed :class:`~assistant.retrieval.query.Query`; the scoring and
layout steps are the pure functions of the sibling modules (rank, layout, diversity, scope).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer import with_support
from assistant.embedding import Embedder
from assistant.grades import SectionGrade, index_grades
from assistant.records import Answer, ComparisonRow, Hit, Passage, ReportMeta, Scope
from assistant.retrieval import dense, layout, sections
from assistant.retrieval.config import VARIANTS, RetrievalConfig, variant
from assistant.retrieval.diversity import diversify, prefer_cited_copies
from assistant.retrieval.filters import Filters
from assistant.retrieval.glossary import Glossary, packaged_glossary
from assistant.retrieval.lexical import stem
from assistant.retrieval.neighbours import corpus_neighbours
from assistant.retrieval.query import Query, analyse
from assistant.retrieval.rank import Ranking, allowed_rows, rank
from assistant.retrieval.rerank import RERANK_DEPTH, Reranker
from assistant.retrieval.scope import held_reports, resolve_scope
from assistant.retrieval.vocabulary import GRADE, closed_class
from assistant.store.load import LoadedIndex

__all__ = ["VARIANTS", "RetrievalConfig", "Retriever", "variant"]

HEAD_PER_HIT = 10
"""Candidates examined per wanted hit after fusion (copies, restatements)."""
MAX_CARDS = 50
"""A "which forces" answer shows every report that addresses the question, up to this many."""


@dataclass(frozen=True)
class _Laid:
    chosen: list[int]
    also: dict[int, tuple[int, ...]]
    mode: str = "passages"
    rows: tuple[tuple[str, dict[str, int]], ...] = ()


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
        """The question analysed once (see :mod:`assistant.retrieval.query`)."""
        index = index or self._source()
        glossary = (
            index.derived("glossary", lambda: packaged_glossary().with_pairs(index.definitions))
            if self.config.glossary
            else Glossary()
        )
        choices = index.derived("vocabulary list", lambda: list(index.vocabulary))
        related = _related_words(index) if self.config.neighbours else None
        return analyse(question, glossary, index.vocabulary, choices, related or (lambda _w: ()))

    def ask(
        self, question: object, k: int = 5, filters: Filters | None = None, *, widen: bool = False
    ) -> Answer:
        """The top ``k`` hits for ``question`` within the reports it names (every report with
        ``widen``; the filters' reports when they name any); see the module docstring."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + (now - clock) * 1000
            clock = now

        index = self._source()
        query = self.analyse(question, index)
        held = index.derived("held reports", lambda: held_reports(index.reports))
        scope = resolve_scope(query, index.reports, filters, widen, held)
        mask = filters.passage_mask(index.table.columns) if filters else None
        rows = allowed_rows(index, scope.reports, mask)
        lap("analyse")
        qvec = self.embedder.embed([query.dense_text])[0]
        lap("encode")
        comparing = query.compare and len(scope.reports) > 1
        # Setting reports side by side asks how each was judged: their judgements fit.
        wanted = replace(query, intents=query.intents | {GRADE}) if comparing else query
        ranking = rank(index, wanted, qvec, rows, self.config, lap)
        order = ranking.order
        lap("fusion")
        if self.reranker is not None and len(order):
            passages = [index.table.get(int(ranking.ids[i])) for i in order[:RERANK_DEPTH]]
            order = self.reranker.rerank(query.question, passages, order)
            lap("rerank")
        laid = self._lay_out(index, query, scope, ranking, order, k)
        lap("diversify")
        hits = tuple(
            Hit(
                passage=self._passage(index, ranking, i),
                score=float(ranking.fused[i]),
                rank=rank_,
                scores={"dense": float(ranking.cosine[i]), "lexical": float(ranking.bm25[i])},
                also_in=tuple(self._passage(index, ranking, j) for j in laid.also.get(i, ())),
                items=layout.list_items(int(ranking.ids[i]), index.table.get, len(index.table)),
            )
            for rank_, i in enumerate(laid.chosen, start=1)
        )
        verdict = self.config.abstain.decide(query, hits, index)
        abstained, reason = verdict.abstain, verdict.reason
        if scope.decline and hits:
            abstained, reason = True, scope.decline
        lap("abstain")
        answer = Answer(
            question=query.question,
            hits=hits,
            abstained=abstained,
            notice=" ".join(n for n in (query.notice, reason if abstained else None) if n) or None,
            query=query.dense_text,
            expansions=(*query.expansion.added, *dict.fromkeys(near for _, near, _ in query.related)),
            corrections=dict(query.corrections),
            terms=tuple(query.terms),
            scope=scope,
            mode=laid.mode,
            comparison=_comparison(laid, hits),
            reports=_cited_reports(index, scope, hits),
            grades=_cited_grades(index, hits),
            timings=timings,
        )
        answer = with_support(answer, query.terms)
        lap("format")  # the dict is shared with the answer, so this lands in answer.timings
        return answer

    @staticmethod
    def _passage(index: LoadedIndex, ranking: Ranking, i: int) -> Passage:
        return index.table.get(int(ranking.ids[i]))

    def _lay_out(
        self, index: LoadedIndex, query: Query, scope: Scope, ranking: Ranking, order: np.ndarray, k: int
    ) -> _Laid:
        """Which candidates become cards, in what order (see :mod:`assistant.retrieval.layout`)."""

        def passage(i: int) -> Passage:
            return self._passage(index, ranking, i)

        def report(i: int) -> str:
            return passage(i).report_id

        def year(i: int) -> int | None:
            meta = index.reports.get(report(i))
            return meta.year if meta else None

        # Only the head can reach the top k, even with restatements demoted: decode no more.
        head = max(HEAD_PER_HIT * k, RERANK_DEPTH)
        top = prefer_cited_copies(
            order[:head], lambda i: passage(i).text, lambda i: passage(i).page is not None
        )
        searched = {report(int(i)) for i in top}
        weights = sections.heading_weights(index)

        def heading(section: str) -> float:
            return sections.heading_score(query.terms, section, weights)

        def section(i: int) -> str:
            return passage(i).section_path[0]

        if query.compare and len(scope.reports) > 1 and len(searched) > 1:
            reports = sorted(searched, key=lambda r: (_force_order(scope, index, r), -(_year(index, r) or 0)))
            distinct = layout.differing_first(
                [int(i) for i in top], report, lambda i: layout.wording_key(passage(i).text), set(reports)
            )
            cells = layout.align_by_section(
                distinct,
                reports,
                report,
                section,
                lambda i: float(ranking.cosine[i]),
                max(k, len(reports)),
                heading,
            )
            chosen = [cell[r] for _, cell in cells for r in reports if r in cell]
            return _Laid(chosen, {}, "compare", tuple(cells))
        if query.which and len(searched) > 1:
            bests = layout.best_per_report([int(i) for i in top], report)
            keep = layout.addressing(
                bests, lambda i: float(ranking.cosine[i]), lambda i: float(ranking.bm25[i])
            )
            return _Laid(keep[: max(k, min(len(keep), MAX_CARDS))], {}, "which")
        # One report searched: its repeated sentences are restatements for diversify, not copies.
        key = (lambda i: layout.wording_key(passage(i).text)) if len(searched) > 1 else str
        groups = layout.group_copies([int(i) for i in top], key, lambda i: (year(i) or 0, report(i)))
        also = {first: others for first, others in groups if others}
        candidates = np.array([first for first, _ in groups] + [int(i) for i in order[head:]], dtype=np.int64)
        ordered = diversify(
            candidates,
            lambda i: dense.text_vector(index, int(ranking.ids[i])),
            self.config.duplicate_cosine,
            k,
        )
        ranked = [int(i) for i in ordered]
        if GRADE in query.intents:
            head_k = HEAD_PER_HIT * k
            promoted = layout.judgement_first(
                ranked[:head_k], lambda i: _opening(passage(i)), section, heading
            )
            ranked = promoted + ranked[head_k:]
        years = {year(i) for i in ranked[: HEAD_PER_HIT * k]}
        if scope.forces and not scope.years and len(years) > 1:
            return _Laid(layout.latest_first(layout.with_each_year(ranked, year, k), year), also)
        return _Laid(ranked[:k], also)


def _related_words(index: LoadedIndex) -> Callable[[str], Sequence[tuple[str, float]]] | None:
    """Nearest report words for a word the reports never use (None when GloVe is not installed)."""
    found = index.derived(
        "word neighbours",
        lambda: corpus_neighbours(index.vocabulary, lambda w: len(w) > 2 and not closed_class(w)),
    )
    if found is None:
        return None
    near = found

    def related(word: str) -> Sequence[tuple[str, float]]:
        if word in index.vocabulary or index.lexical.document_frequency(stem(word)) > 0:
            return ()
        return near.nearest(word)

    return related


def _opening(p: Passage) -> bool:
    """A section's graded opening paragraph: its judgement, right after the grade line."""
    return p.paragraph == 1 and p.bullet is None and p.grade is not None


def _year(index: LoadedIndex, report_id: str) -> int | None:
    meta = index.reports.get(report_id)
    return meta.year if meta else None


def _force_order(scope: Scope, index: LoadedIndex, report_id: str) -> int:
    """Position of the report's force among the forces the question named (others last)."""
    meta = index.reports.get(report_id)
    for n, force in enumerate(scope.forces):
        if meta and meta.force and force.lower() in meta.force.lower():
            return n
    return len(scope.forces)


def _cited_reports(index: LoadedIndex, scope: Scope, hits: tuple[Hit, ...]) -> dict[str, ReportMeta]:
    """Metadata of every report a hit cites, and of the reports searched when the search was
    narrowed (the whole library's are not copied into every answer)."""
    searched = scope.reports if scope.source != "all" else ()
    ids = [*searched, *(p.report_id for h in hits for p in (h.passage, *h.also_in))]
    return {rid: index.reports[rid] for rid in dict.fromkeys(ids) if rid in index.reports}


def _cited_grades(index: LoadedIndex, hits: tuple[Hit, ...]) -> dict[str, tuple[SectionGrade, ...]]:
    """Section grades of every report a hit cites (for grade badges and the JSON ``grade_stated``)."""
    every = index_grades(index)
    ids = {p.report_id for h in hits for p in (h.passage, *h.also_in)}
    return {rid: every[rid] for rid in ids if rid in every}


def _comparison(laid: _Laid, hits: tuple[Hit, ...]) -> tuple[ComparisonRow, ...]:
    """The comparison rows with hit ranks instead of candidate positions."""
    if laid.mode != "compare":
        return ()
    rank_of = {i: n for n, i in enumerate(laid.chosen, start=1)}
    by_rank = {h.rank: h for h in hits}
    reports = tuple(dict.fromkeys(h.passage.report_id for h in hits))
    rows = []
    for section, cells in laid.rows:
        ranks = tuple(tuple([rank_of[cells[r]]] if r in cells else []) for r in reports)
        grades = tuple(by_rank[rs[0]].passage.grade if rs else None for rs in ranks)
        rows.append(ComparisonRow(section, reports, grades, ranks))
    return tuple(rows)

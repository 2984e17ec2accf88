"""Candidate generation in Milvus (``store = "milvus"``), answering in the version's passage rows.

The collections (:mod:`assistant.store.milvus`) name a passage by report id and ordinal in
the report; the version's table keeps each report's rows together, so row = the report's
first row + ordinal. The rows a question may be answered from (its scope, and the filters)
become a filter expression (:func:`scope_filter`): ``report in [...]``, with ``section in
[...]`` and ``grade in [...]`` when a filter narrows the reports, else the passages' keys.

BM25 takes one bag of terms per search, with every term weighted alike; the pipeline weighs
its terms (glossary variants; feedback terms in one variant), so there is one search per
distinct weight and the weighted sum is taken here -- exactly for given rows
(:meth:`_MilvusScorer.of`), and for the top rows over the union of each search's top
:data:`LEXICAL_OVERFETCH` x k.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.records import GRADES
from assistant.retrieval.dense import OVERFETCH, best_per_passage, top_k
from assistant.retrieval.rank import report_ranges
from assistant.store.load import LoadedIndex
from assistant.store.milvus import connect
from assistant.store.milvus_schema import K1, passage_key, report_key
from assistant.store.table import NO_GRADE

MAX_LIMIT = 16_384
"""Milvus's largest ``limit`` for one search."""
LEXICAL_OVERFETCH = 2
"""Rows fetched per wanted row from each weight's BM25 search before the weighted sum."""


def _strings(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def scope_filter(index: LoadedIndex, rows: np.ndarray | None) -> str:
    """A Milvus filter expression selecting exactly the passage ``rows`` ("" for every passage).

    Whole reports -> ``report in [...]``; reports narrowed by section/grade values -> that plus
    ``section in [...] and grade in [...]`` when those values select exactly ``rows``; else the
    passages' keys, ``pkey in [...]`` (one flat list: a long chain of ``or`` is refused by the
    engine's planner, as a 100k-passage library showed).
    """
    if rows is None:
        return ""
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    columns = index.table.columns
    ranges = report_ranges(index)
    codes = np.unique(np.asarray(columns.report)[rows])
    reports = [columns.report_ids[int(c)] for c in codes]
    by_report = f"report in {_strings(reports)}"
    spans = [ranges[r] for r in reports]
    if sum(b - a for a, b in spans) == len(rows):
        return by_report
    every = np.concatenate([np.arange(a, b) for a, b in spans])
    sections, grades = np.asarray(columns.section), np.asarray(columns.grade)
    sec, gra = np.unique(sections[rows]), np.unique(grades[rows])
    if int(np.count_nonzero(np.isin(sections[every], sec) & np.isin(grades[every], gra))) == len(rows):
        names = [columns.sections[int(c)] for c in sec]
        marks = ["" if int(g) == NO_GRADE else GRADES[int(g)] for g in gra]
        return f"{by_report} and section in {_strings(names)} and grade in {_strings(marks)}"
    keys = index.derived("report keys", lambda: {e.id: report_key(e) for e in index.manifest.reports})
    codes_of = np.asarray(columns.report)[rows]
    names = [
        passage_key(keys[columns.report_ids[int(c)]], int(r) - ranges[columns.report_ids[int(c)]][0])
        for r, c in zip(rows.tolist(), codes_of.tolist(), strict=True)
    ]
    return f"pkey in {_strings(names)}"


class MilvusCandidates:
    """Dense and BM25 candidates, BM25 scores and exact cosines from the version's Milvus slot."""

    name = "milvus"

    def __init__(self, index: LoadedIndex) -> None:
        store = index.manifest.store
        self._index = index
        self._client = connect(str(store["uri"]))
        self.units, self.text = str(store["units"]), str(store["text"])
        for name in (self.units, self.text):
            if not self._client.has_collection(name):
                raise StoreError(
                    f"the Milvus collection {name} at {store['uri']} that this index names is gone; "
                    "run `assistant index --rebuild` with store=milvus"
                )
            self._client.load_collection(name)

    @property
    def _starts(self) -> dict[str, int]:
        """Each report's first row (computed on first use: not while the index builds this object)."""
        ranges = report_ranges(self._index)  # derived once per version (not nested in another derived)
        return self._index.derived("report starts", lambda: {r: a for r, (a, _b) in ranges.items()})

    def rows_of(self, hits: list[dict[str, Any]]) -> np.ndarray:
        """The passage row of each hit (by its report and ordinal)."""
        starts = self._starts
        return np.array(
            [starts[h["entity"]["report"]] + int(h["entity"]["ordinal"]) for h in hits], dtype=np.int64
        )

    def dense(self, qvec: np.ndarray, k: int, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0 or (rows is not None and len(rows) == 0):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        found = self._client.search(
            self.units,
            data=[np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()],
            anns_field="vector",
            limit=min(k * OVERFETCH, MAX_LIMIT),
            filter=scope_filter(self._index, rows),
            search_params={"metric_type": "IP"},
            output_fields=["report", "ordinal"],
        )[0]
        sims = np.array([h["distance"] for h in found], dtype=np.float32)
        return best_per_passage(self.rows_of(found), sims, k)

    def bm25(self, terms: list[str], limit: int, expression: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores (bm25s's scale: Milvus's divided by k1 + 1) of one unweighted search."""
        found = self._client.search(
            self.text,
            data=[" ".join(terms)],
            anns_field="sparse",
            limit=min(limit, MAX_LIMIT),
            filter=expression,
            search_params={"metric_type": "BM25"},
            output_fields=["report", "ordinal"],
        )[0]
        scores = np.array([h["distance"] for h in found], dtype=np.float32) / np.float32(K1 + 1)
        return self.rows_of(found), scores

    def lexical(self, terms: Mapping[str, float]) -> _MilvusScorer:
        groups: dict[float, list[str]] = {}
        known = self._index.lexical.vocabulary
        for term, weight in terms.items():
            if weight > 0 and term in known:
                groups.setdefault(weight, []).append(term)
        return _MilvusScorer(self, self._index, groups)

    def cosines(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros(0, np.float32)
        found = self._client.query(
            self.units,
            filter=scope_filter(self._index, ids),
            output_fields=["report", "ordinal", "vector"],
            limit=MAX_LIMIT,
        )
        starts = self._starts
        owners = np.array([starts[h["report"]] + int(h["ordinal"]) for h in found], dtype=np.int64)
        vectors = np.array([h["vector"] for h in found], dtype=np.float32).reshape(len(found), -1)
        sims = vectors @ np.asarray(qvec, dtype=np.float32).reshape(-1)
        best = np.full(len(ids), -np.inf, dtype=np.float32)
        where = {int(r): n for n, r in enumerate(ids)}
        np.maximum.at(best, [where[int(o)] for o in owners], sims)
        if np.isinf(best).any():
            raise StoreError(
                f"Milvus collection {self.units} lacks vectors of some passages; rebuild the index"
            )
        return best


class _MilvusScorer:
    def __init__(self, source: MilvusCandidates, index: LoadedIndex, groups: dict[float, list[str]]) -> None:
        self._source, self._index, self._groups = source, index, groups

    def top(self, k: int, rows: np.ndarray | None) -> np.ndarray:
        if not self._groups or k <= 0 or (rows is not None and len(rows) == 0):
            return np.zeros(0, np.int64)
        expression = scope_filter(self._index, rows)
        found = [
            self._source.bm25(terms, k * LEXICAL_OVERFETCH, expression)[0] for terms in self._groups.values()
        ]
        union = np.unique(np.concatenate(found))  # ascending rows: ties break by row, as with bm25s
        scores = self.of(union)
        keep = top_k(scores, k)
        best: np.ndarray = union[keep][scores[keep] > 0]
        return best

    def of(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        total = np.zeros(len(ids), dtype=np.float32)
        if len(ids) == 0 or not self._groups:
            return total
        expression = scope_filter(self._index, ids)
        where = {int(r): n for n, r in enumerate(ids)}
        for weight, terms in self._groups.items():
            rows, scores = self._source.bm25(terms, len(ids), expression)
            for r, s in zip(rows.tolist(), scores.tolist(), strict=True):
                total[where[r]] += np.float32(weight) * np.float32(s)
        return total

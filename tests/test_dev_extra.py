"""The extra dev questions are well formed and their gold text is really in the Met report (no model).

``tests/data/questions-dev-extra.jsonl`` is a tuning set beside ``questions-dev.jsonl``: everyday
paraphrases for every section, "how much / how often / how well" questions the report answers in
words, names it mentions, and questions it does not answer. This test reads only structure and gold
strings, never runs retrieval. A gold string must sit in exactly one passage (one paragraph or
bullet item, as the project parses the report), so a wrong quote, a lost curly quote or a quote so
short that it also marks unrelated passages as relevant fails here rather than skewing the scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import load_report
from assistant.passages import report_passages
from assistant.records import Passage
from tests.support.corpus import DEV_QUESTIONS, REPORT
from tests.test_blind_sets import SINGLE_KEYS, check_single_set, holding, read_rows

EXTRA = Path(__file__).resolve().parent / "data" / "questions-dev-extra.jsonl"
KINDS = frozenset({"paraphrase", "keyword", "acronym", "short", "out_of_scope"})
MIN_TOTAL, MIN_PARAPHRASE, MIN_OUT_OF_SCOPE, MIN_NAMED = 90, 40, 30, 10


@pytest.fixture(scope="module")
def met_passages() -> list[Passage]:
    return list(report_passages(load_report(REPORT, REPORT.parent)))


def test_extra_set_is_well_formed() -> None:
    rows = read_rows(EXTRA)
    check_single_set(rows, KINDS, r"D\d{3}", (MIN_TOTAL, MIN_PARAPHRASE, MIN_OUT_OF_SCOPE))
    kinds = [row["kind"] for row in rows]
    assert sum(kinds.count(k) for k in ("keyword", "acronym", "short")) >= MIN_NAMED
    for row in rows:
        assert row.keys() == SINGLE_KEYS, f"{row['id']}: unexpected keys {sorted(row.keys() - SINGLE_KEYS)}"


def test_extra_questions_are_new() -> None:
    """Not a copy of a dev question (case and spacing aside), and no question asked twice."""

    def key(text: str) -> str:
        return " ".join(text.lower().split())

    dev = {key(row["question"]) for row in read_rows(DEV_QUESTIONS)}
    asked = [key(row["question"]) for row in read_rows(EXTRA)]
    assert len(asked) == len(set(asked)), "a question is asked twice"
    assert not dev & set(asked), f"copied from questions-dev.jsonl: {sorted(dev & set(asked))}"


def test_extra_gold_is_in_one_passage_under_its_section(met_passages: list[Passage]) -> None:
    for row in read_rows(EXTRA):
        sections = set()
        for gold in row["gold"]:
            found = holding(met_passages, gold)
            assert len(found) == 1, f"{row['id']}: gold in {len(found)} passages, not one: {gold!r}"
            sections.add(found[0].section_path[0])
        if row["gold"]:
            assert row["section"] in sections, f"{row['id']}: no gold sits under {row['section']!r}"

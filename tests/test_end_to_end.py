"""The real model over the real report: the answers users are promised."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from assistant.records import Answer
    from assistant.service import Assistant

pytestmark = pytest.mark.slow


def texts(answer: Answer) -> list[str]:
    return [h.passage.text for h in answer.hits]


def test_detective_shortages_top5_has_the_vacancy_passages(real_assistant: Assistant) -> None:
    top = texts(real_assistant.ask("what is said about detective shortages", k=5))
    assert any("detective shortages affect the quality of investigations" in t for t in top)
    assert any("struggling to fill a large number of detective vacancies" in t for t in top)


def test_paraphrase_finds_a_detective_passage_in_top3(real_assistant: Assistant) -> None:
    top = texts(real_assistant.ask("Is the Met short of investigators?", k=3))
    assert any("detective" in t for t in top)


def test_acronym_query_finds_the_pnc_passages(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("PNC wanted suspects", k=5)
    assert any("wanted" in t and ("PNC" in t or "police national computer" in t) for t in texts(answer)[:3])


def test_hits_are_exact_quotes_of_the_source(real_assistant: Assistant) -> None:
    from tests.support.corpus import REPORT

    source = " ".join(REPORT.read_text(encoding="utf-8").split())
    for hit in real_assistant.ask("How was the Met graded on protecting vulnerable people?", k=10).hits:
        assert hit.passage.text in source
        if hit.support:
            a, b = hit.support
            assert hit.passage.text[a:b].strip()


@pytest.mark.parametrize(
    "question", ["What are the weaknesses in neighbourhood policing?", "What is the force doing well?"]
)
def test_no_card_holds_a_lead_in_alone(real_assistant: Assistant, question: str) -> None:
    from assistant.answer import answer_dict

    answer = real_assistant.ask(question, k=10)
    lead_ins = [h for h in answer.hits if h.passage.text.endswith(":") and h.passage.bullet is None]
    assert lead_ins, "these questions rank a list's lead-in"
    for hit in lead_ins:
        assert hit.items, f"the lead-in {hit.passage.text!r} is shown without its items"
        assert all(i.lead_in == hit.passage.text and i.bullet is not None for i in hit.items)
    shown = answer_dict(answer)["passages"]
    assert all(p["items"] for p, h in zip(shown, answer.hits, strict=True) if h in lead_ins)

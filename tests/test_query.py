"""Question cleaning, expansion weights and typo repair."""

from __future__ import annotations

import pytest

from assistant.errors import QuestionError
from assistant.retrieval.glossary import Glossary, packaged_glossary
from assistant.retrieval.query import EXPANSION_WEIGHT, MAX_QUESTION_CHARS, analyse, clean_question
from assistant.retrieval.spelling import correct, is_english

VOCAB = {"effectiveness": 3, "national": 5, "safeguarding": 4, "computer": 2, "detective": 6, "police": 9}


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01", "\u200b\u200b"])
def test_empty_questions_are_refused_with_a_hint(raw: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        clean_question(raw)


def test_non_text_is_refused() -> None:
    with pytest.raises(QuestionError, match="must be text"):
        clean_question(42)


def test_control_characters_and_long_questions() -> None:
    text, notice = clean_question("detective\x00 shortages\t\n  ")
    assert (text, notice) == ("detective shortages", None)
    text, notice = clean_question("word " * 100_000)
    assert len(text) <= MAX_QUESTION_CHARS and notice and "499,999 characters" in notice


def test_typos_are_repaired_but_real_words_are_not() -> None:
    assert correct("effectivness", VOCAB) == "effectiveness"
    assert correct("natonal", VOCAB) == "national"
    assert correct("home", VOCAB) is None  # English, just not in the corpus
    assert correct("detective", VOCAB) is None  # already known
    assert correct("abc", VOCAB) is None  # too short to judge
    assert is_english("psychiatric") and not is_english("safeguardng")


def test_analyse_expands_and_weighs_alternatives_per_concept() -> None:
    q = analyse("PNC records", packaged_glossary(), VOCAB)
    assert "Police National Computer" in q.expansion.added
    assert q.terms["record"] == 1.0
    assert q.terms["comput"] == pytest.approx(EXPANSION_WEIGHT / 3)
    assert "Police National Computer" in q.dense_text


def test_analyse_repairs_typos_in_both_queries() -> None:
    q = analyse("how well do they do safeguardng", Glossary(), VOCAB)
    assert q.corrections == {"safeguardng": "safeguarding"}
    assert "safeguarding" in q.dense_text and "safeguard" in q.terms


def test_framing_words_are_not_expanded() -> None:
    q = analyse("What does HMICFRS want done about PNC records?", packaged_glossary(), VOCAB)
    assert not any("Inspectorate" in alt for alt in q.expansion.added)
    assert "Police National Computer" in q.expansion.added

"""The follow-up rule: short questions without a topic borrow the previous one; others stand alone."""

from __future__ import annotations

import pytest

from assistant.conversation import MAX_FOLLOWUP_WORDS, Turn, interpret, landed, topic_phrase, topic_words

FIRST = interpret("What is said about detective shortages?", None)


def test_first_question_is_asked_as_typed_and_sets_the_topic() -> None:
    assert (
        Turn(
            question="What is said about detective shortages?",
            query="What is said about detective shortages?",
            topic="detective shortages",
            carried=False,
        )
        == FIRST
    )


@pytest.mark.parametrize(
    ("follow_up", "query"),
    [
        ("and what did they recommend?", "and what did they recommend about detective shortages?"),
        ("How was it graded?", "How was it graded about detective shortages?"),
        ("why?", "why about detective shortages?"),
        ("tell me more", "tell me more about detective shortages?"),
        ("And what are the weaknesses?", "And what are the weaknesses about detective shortages?"),
    ],
)
def test_short_question_without_a_topic_carries_the_previous_topic(follow_up: str, query: str) -> None:
    turn = interpret(follow_up, FIRST)
    assert turn.carried
    assert turn.query == query
    assert turn.topic == "detective shortages"
    assert turn.question == follow_up


@pytest.mark.parametrize("question", ["what about mental health?", "and the PNC?", "Met burglary"])
def test_a_question_with_its_own_topic_starts_a_new_topic(question: str) -> None:
    turn = interpret(question, FIRST)
    assert not turn.carried
    assert turn.query == question
    assert turn.topic and "detective" not in turn.topic


def test_follow_ups_chain_on_the_same_topic_until_a_new_one_is_named() -> None:
    second = interpret("and what did they recommend?", FIRST)
    third = interpret("how was it graded?", second)
    assert third.carried and third.topic == "detective shortages"
    fourth = interpret("what about mental health?", third)
    assert fourth.topic == "mental health" and not fourth.carried
    fifth = interpret("and what did they recommend?", fourth)
    assert fifth.query == "and what did they recommend about mental health?"


def test_long_question_without_a_topic_is_not_a_follow_up() -> None:
    long = " ".join(["and what did they say about it"] * 2)
    assert len(long.split()) > MAX_FOLLOWUP_WORDS
    turn = interpret(long, FIRST)
    assert not turn.carried and turn.query == long


def test_no_previous_topic_means_nothing_to_carry() -> None:
    assert not interpret("and what did they recommend?", None).carried
    no_topic = interpret("what else?", None)
    assert not interpret("why?", no_topic).carried


def test_topic_words_keep_the_users_spelling_and_order() -> None:
    assert topic_words("Is the Met’s PNC backlog improving?") == ("PNC", "backlog")  # the Met: scope
    assert topic_words("and what did they recommend?") == ()


def test_whitespace_is_normalised() -> None:
    assert interpret("  and   what did they\nrecommend? ", FIRST).query == (
        "and what did they recommend about detective shortages?"
    )


def test_a_question_without_a_topic_of_its_own_leaves_nothing_to_carry() -> None:
    doing_well = interpret("What is the force doing well?", None)
    assert doing_well.topic == "" and doing_well.scope == ""
    nxt = interpret("What should they do next?", doing_well)
    assert not nxt.carried and nxt.query == "What should they do next?"  # never "... about force well?"


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("What is said about detective shortages?", "detective shortages"),
        ("How was the Met graded on protecting vulnerable people?", "protecting vulnerable people"),
        ("What must the force improve about serious and organised crime?", "serious and organised crime"),
        ("Is the Met’s PNC backlog improving?", "PNC backlog"),
        ("What is the force doing well?", ""),
    ],
)
def test_the_topic_is_the_users_own_phrase(question: str, phrase: str) -> None:
    assert topic_phrase(question) == phrase
    assert phrase in question


def test_a_follow_up_carries_the_phrase_and_the_force_it_was_about() -> None:
    first = interpret("How was the Met graded on protecting vulnerable people?", None)
    assert first.scope == "the Met"
    second = interpret("and what did they recommend?", first)
    assert second.query == "and what did they recommend about protecting vulnerable people (the Met)?"
    kent = interpret("and Kent?", second)
    assert kent.carried and kent.scope == "Kent" and "the Met" not in kent.query
    assert kent.query == "and Kent about protecting vulnerable people?"


def test_without_a_phrase_the_section_the_answer_landed_in_is_carried() -> None:
    heading = "How effective is the force at tackling serious and organised crime?"
    graded = landed(
        interpret("How was the Met graded?", None), [(heading,), (heading, "Areas for improvement")]
    )
    assert graded.section == "tackling serious and organised crime"
    nxt = interpret("and what did they recommend?", graded)
    assert nxt.query == "and what did they recommend about tackling serious and organised crime (the Met)?"
    spread = landed(interpret("How was the Met graded?", None), [(heading,), ("Another heading",)])
    assert spread.section == ""
    assert interpret("and what did they recommend?", spread).query == "and what did they recommend (the Met)?"

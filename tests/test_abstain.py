"""The abstention rules, on an index of the real report built with the fake embedder."""

from __future__ import annotations

import pytest

from assistant.records import Hit, Passage
from assistant.retrieval.abstain import AbstainPolicy, Features, Verdict, gives_figure
from assistant.retrieval.bodies import bodies_in, unknown_bodies
from assistant.retrieval.coverage import rarity
from assistant.retrieval.cues import counted
from assistant.retrieval.glossary import Glossary, packaged_glossary
from assistant.retrieval.query import analyse
from assistant.settings import Settings
from assistant.store import ensure_index
from assistant.store.load import LoadedIndex
from tests.support.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    from tests.support.corpus import make_corpus, settings_for

    base = tmp_path_factory.mktemp("abstain")
    settings: Settings = settings_for(make_corpus(base / "corpus"), base / "index")
    return ensure_index(settings, embedder=FakeEmbedder(), log=lambda _m: None, progress=False)


def hit(text: str, cosine: float) -> Hit:
    p = Passage("id", "r", "R", ("Q?",), None, 1, None, 0, len(text), text)
    return Hit(p, 0.1, 1, {"dense": cosine})


def decide(
    question: str, index: LoadedIndex, cosine: float = 0.6, texts: tuple[str, ...] = ("Some text.",)
) -> Verdict:
    query = analyse(question, packaged_glossary().with_pairs(index.definitions), index.vocabulary)
    return AbstainPolicy().decide(query, tuple(hit(t, cosine) for t in texts), index)


def test_bodies_are_recognised_by_name_and_alias() -> None:
    assert bodies_in("How was GMP graded?") == ["Greater Manchester Police"]
    assert "Metropolitan Police Service" in bodies_in("what did the Met do")
    assert bodies_in("How did the London Fire Brigade perform?") == ["fire and rescue service"]
    assert bodies_in("what about custody") == []


def test_questions_about_other_forces_abstain_unless_the_reports_discuss_them(index: LoadedIndex) -> None:
    def unknown(question: str) -> tuple[str, ...]:
        return unknown_bodies(analyse(question, Glossary(), index.vocabulary), index)

    assert unknown("How was Greater Manchester Police graded in 2017?") == ("Greater Manchester Police",)
    assert unknown("What grade did City of London Police get?") == ("City of London Police",)
    # Named in the reports and not asked about its own performance: answerable.
    assert unknown("What does the report say about the National Crime Agency?") == ()
    # An indexed force is named too: the question is about it.
    assert unknown("Does the Met work with the NCA?") == ()
    verdict = decide("How was Kent Police graded?", index, cosine=0.9)
    assert verdict.abstain and "Kent Police" in (verdict.reason or "")


def test_figures_must_be_given_for_the_thing_counted() -> None:
    def given(question: str, text: str) -> bool:
        return gives_figure(counted(question), [text])

    assert not given("How many officers does the force employ?", "officers in three pilot boroughs")
    assert given("How many boroughs took part?", "officers in three pilot boroughs")
    assert given("What percentage of calls were answered?", "85% of calls")
    assert not given("What percentage of calls were answered?", "In 2017 calls rose.")


def test_rarity_weighs_specific_words_over_common_ones() -> None:
    assert rarity("cybercrime") > rarity("complaints") > rarity("help") == 0.0


def test_topic_rule_abstains_on_unknown_topics_and_not_on_paraphrases(index: LoadedIndex) -> None:
    # Words the reports lack are no reason by themselves: the gap rule is off unless switched on.
    question = "How does the Met handle cybercrime and misconduct complaints?"
    assert not decide(question, index, cosine=0.45).abstain
    query = analyse(question, packaged_glossary().with_pairs(index.definitions), index.vocabulary)
    policy = AbstainPolicy(gap_rule=True)
    assert policy.decide(query, (hit("Some text.", 0.3),), index).abstain
    # A named policing topic the reports never mention, and no topic they do mention.
    verdict = decide("How does the Met deal with hate crime?", index, cosine=0.7)
    assert verdict.abstain and "hate crime" in (verdict.reason or "")
    assert not decide("How does the Met deal with hate crime and modern slavery?", index, cosine=0.7).abstain
    # Glossary and word families cover words the report does not use itself.
    assert not decide("Do officers get backup with psychiatric cases?", index, cosine=0.65).abstain
    assert not decide("detective shortages", index, cosine=0.6).abstain


def test_risk_is_the_documented_box() -> None:
    policy = AbstainPolicy(min_gap=4.0, max_cosine=0.5)
    assert policy.risk(Features(best_cosine=0.3, gap=5.0)) == pytest.approx(1.0)  # both crossed
    assert policy.risk(Features(best_cosine=0.45, gap=9.0)) == pytest.approx(0.5)  # nearer bound counts
    assert policy.risk(Features(best_cosine=0.6, gap=9.0)) < 0  # a close match is answered
    assert policy.risk(Features(best_cosine=0.1, gap=1.0)) < 0  # a vague question is answered


def test_names_services_and_office_holders_the_reports_never_mention(index: LoadedIndex) -> None:
    verdict = decide("What did Cressida Dick say about detectives?", index, cosine=0.4)
    assert verdict.abstain and "Cressida Dick" in (verdict.reason or "")
    # A place that only says where, in a question that still matches its passage well.
    assert not decide("Does the Met go after crime bosses beyond the M25?", index, cosine=0.55).abstain
    ambulance = decide("How long do Met officers wait for an ambulance?", index, cosine=0.6)
    assert ambulance.abstain and "ambulance" in (ambulance.reason or "")
    person = decide("Who was the Commissioner when the inspection was done?", index, cosine=0.6)
    assert person.abstain and "names anyone" in (person.reason or "")
    named = ("The Commissioner, Sir Example Person, welcomed the report.",)
    assert not decide("Who was the Commissioner when the inspection was done?", index, 0.6, named).abstain


def test_figures_given_in_words_are_answers(index: LoadedIndex) -> None:
    texts = ("It is struggling to fill a large number of detective vacancies.",)
    assert not decide("How many detective vacancies does the Met have?", index, 0.6, texts).abstain
    assert decide(
        "How many detective vacancies does the Met have?", index, 0.6, ("Detectives are short.",)
    ).abstain
    assert not decide("How much has the Met improved since 2016?", index, 0.6).abstain
    assert not decide("How often does the force evaluate its initiatives?", index, 0.6).abstain


def test_a_question_with_nothing_in_common_with_the_reports_is_declined(index: LoadedIndex) -> None:
    verdict = decide("what is the best recipe for banana bread", index, cosine=0.14)
    assert verdict.abstain and "banana" in (verdict.reason or "")
    # One informative word the reports use is enough to answer, however it is worded.
    assert not decide("Do Met bosses start new schemes and then let them fizzle out?", index, 0.19).abstain

"""The "In brief" line (pure): exact sentences from the top cards that answer the question."""

from __future__ import annotations

from dataclasses import replace

from assistant.brief import BRIEF_MAX_CHARS, brief, trim_connector
from assistant.grades import LINE, WORDS, SectionGrade
from assistant.records import Answer, Hit, Passage, ReportMeta
from tests.support.records import make_passage

SECTION = ("How effective is the force at tackling serious and organised crime?",)


def passage(n: int, text: str, report: str = "met", **kw: object) -> Passage:
    return make_passage(f"p{n}", text, report, f"{report} PEEL", **{"section_path": SECTION, **kw})


def hit(n: int, text: str, **kw: object) -> Hit:
    items = kw.pop("items", ())
    also = kw.pop("also_in", ())
    return Hit(passage(n, text, **kw), 1.0 / n, n, items=items, also_in=also)  # type: ignore[arg-type]


def ask(question: str, *hits: Hit, **kw: object) -> Answer:
    return replace(Answer(question=question, hits=hits, query=question), **kw)  # type: ignore[arg-type]


def test_an_off_topic_sentence_is_left_out_of_the_brief() -> None:
    a = ask(
        "How does the force support people with mental health problems?",
        hit(1, "inconsistent use of problem-solving tools."),
        hit(2, "Officers are kind. Support for people with mental health illness differs across the area."),
        hit(3, "volunteer mental health liaison officers have been appointed; and"),
    )
    quotes = brief(a)
    assert [q.rank for q in quotes] == [2, 3]
    assert quotes[0].text == "Support for people with mental health illness differs across the area."
    assert quotes[1].text == "volunteer mental health liaison officers have been appointed"  # no "; and"
    for q in quotes:
        assert q.text in a.hits[q.rank - 1].passage.text


def test_when_no_sentence_answers_the_brief_is_empty_not_filler() -> None:
    off = ask("zanzibar parade marshals", hit(1, "The force tests its skills in exercises."), hit(2, "More."))
    assert brief(off) == []
    assert brief(replace(off, abstained=True)) == []
    assert brief(ask("anything")) == []


def test_a_grade_question_always_gets_its_best_judgement() -> None:
    stated = SectionGrade(SECTION, "Requires improvement", LINE, "Requires improvement")
    judgement = hit(1, "The force requires improvement in keeping people safe. More words.", paragraph=1)
    a = ask("What overall grade did they get?", judgement, hit(2, "Other."), grades={"met": (stated,)})
    quotes = brief(a)
    assert [(q.rank, q.text) for q in quotes] == [
        (1, "The force requires improvement in keeping people safe.")
    ]
    assert quotes[0].grade == stated


def test_without_topic_words_the_retrievers_support_sentences_are_quoted() -> None:
    text = "It tests skills. The force works well with partners."
    a = ask(
        "What is the force doing well?", replace(hit(1, text), support=(17, len(text))), hit(2, "No support.")
    )
    assert [(q.rank, q.text) for q in brief(a)] == [(1, "The force works well with partners.")]


def test_a_grade_question_quotes_the_judgement_with_the_grade_as_stated() -> None:
    judgement = hit(1, "The force is good at tackling organised crime. It works well.", paragraph=1)
    stated = SectionGrade(SECTION, "Good", WORDS, "Despite the rating of ‘good’ …", paragraph=5)
    quotes = brief(ask("How was the force graded on organised crime?", judgement, grades={"met": (stated,)}))
    assert quotes[0].text == "The force is good at tackling organised crime."
    assert quotes[0].grade == stated and quotes[0].grade.label() == "Good (stated in the text)"
    line = SectionGrade(SECTION, "Inadequate", LINE, "Inadequate")
    other = brief(ask("How was it graded on organised crime?", judgement, grades={"met": (line,)}))
    assert other[0].grade is not None and other[0].grade.label() == "Inadequate"


def test_a_lead_in_card_is_quoted_by_its_item_that_answers() -> None:
    lead = "Weaknesses include:"
    items = (
        passage(7, "slow records;", bullet=1, lead_in=lead),
        passage(8, "a shortage of trainers for neighbourhood policing staff; and", bullet=2, lead_in=lead),
    )
    quotes = brief(ask("weaknesses in neighbourhood policing", hit(1, lead, items=items)))
    assert [q.text for q in quotes] == ["a shortage of trainers for neighbourhood policing staff"]


def test_quotes_name_their_reports_when_the_answer_spans_several() -> None:
    reports = {
        "kent": ReportMeta("kent", "Kent PEEL 2017", force="Kent Police", year=2017),
        "tvp": ReportMeta("tvp", "TVP PEEL 2017", force="Thames Valley Police", year=2017),
        "met": ReportMeta("met", "Met PEEL 2016", force="Metropolitan Police Service", year=2016),
    }
    same = "Some victims of crime are not kept informed."
    a = ask(
        "Are victims of crime kept informed?",
        hit(1, same, report="kent", also_in=(passage(9, same, report="tvp"),)),
        hit(2, "Victims of crime wait too long.", report="met"),
        hit(3, same, report="met"),
        reports=reports,
    )
    quotes = brief(a)
    assert quotes[0].reports == (
        "Kent Police, 2017",
        "Thames Valley Police, 2017",
        "Metropolitan Police Service, 2016",
    )
    assert quotes[0].ranks == (1, 3)  # the same words from another card: cited, not repeated
    assert quotes[1].reports == ("Metropolitan Police Service, 2016",)
    single = brief(ask("Are victims of crime kept informed?", hit(1, same, report="kent"), reports=reports))
    assert single[0].reports == ()


def test_which_forces_names_every_report_in_the_line() -> None:
    text = "detective shortages affect the quality of investigations; and"
    cards = [hit(n, text, report=f"r{n}") for n in range(1, 9)]
    quotes = brief(ask("Which forces are short of detectives?", *cards, mode="which"))
    assert len(quotes) == 1 and quotes[0].ranks == tuple(range(1, 9))
    assert quotes[0].reports == (
        "r1 PEEL",
        "r2 PEEL",
        "r3 PEEL",
        "r4 PEEL",
        "r5 PEEL",
        "r6 PEEL",
        "and 2 more",
    )


def test_the_line_stays_short() -> None:
    long = "crime " * (BRIEF_MAX_CHARS // 6) + "crime."
    quotes = brief(ask("crime", hit(1, long), hit(2, "Organised crime falls.")))
    assert [q.rank for q in quotes] == [1]


def test_trailing_connectors_go_and_the_rest_stays_a_prefix() -> None:
    for text, cut in [
        ("meet regularly; and", "meet regularly"),
        ("delays in training;", "delays in training"),
        ("the force:", "the force"),
        ("first, second, and", "first, second"),
        ("A full sentence.", "A full sentence."),
    ]:
        assert trim_connector(text) == cut and text.startswith(cut)

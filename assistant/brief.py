"""The "In brief" line of an answer (pure): a few exact sentences from the top cards that answer it.

The rule, in full:

1. Nothing when the assistant abstained or found no passage: nothing is offered as an answer.
2. Look at the top :data:`BRIEF_CARDS` cards (for "which forces ...", every card), in rank
   order. From each take the sentence that shares most **topic terms** with the question --
   its own words for the topic and their glossary alternatives, not words that frame the
   question ("what", "say"), ask for an aspect ("weaknesses", "graded") or name the force in
   general. A list's lead-in ("Weaknesses
   include:") answers nothing by itself, so for a lead-in card the sentence comes from the
   items it introduces. For a question about a grade, a section's graded opening paragraph
   (its judgement) gives its first sentence, with the grade as the report states it, when
   that sentence or the section's heading shares a topic term.
3. A sentence that shares no topic term is left out: it does not answer the question, and
   filler is worse than a shorter line. For a grade question whose best card is a section's
   judgement, that judgement is quoted even when no word matches ("what overall grade ...?").
   A question with no topic words at all ("what is the force doing well?") gives nothing to
   judge by, so the retriever's own best-supporting sentence of each top card is used. When
   nothing is left, the chat says that no top passage uses the question's words (render).
4. Each quote is a verbatim substring of its passage, cut at its own sentence boundaries, with
   trailing list connectors ("; and", ",", ":") dropped. A sentence already quoted from
   another card (another report's same words) is not repeated: the quote cites both cards.
   The line stops before :data:`BRIEF_MAX_CHARS` (the first quote is always kept).
5. When the cards come from more than one report, each quote names its report (force, year),
   and every report holding the same wording (:attr:`~assistant.records.Hit.also_in`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant.conversation import topic_words
from assistant.grades import SectionGrade, grade_of
from assistant.passages import sentence_spans
from assistant.records import Answer, Hit, Passage, ReportMeta
from assistant.retrieval.cues import question_intents
from assistant.retrieval.lexical import tokenize, words
from assistant.retrieval.vocabulary import GRADE, INSPECTED

BRIEF_CARDS = 3
BRIEF_MAX_CHARS = 400
"""The line stays one line: past this length, further quotes are left to the cards."""
MAX_NAMED = 6
"""Reports named after one quote at most; the rest are counted ("and 2 more")."""
_TRAILING = re.compile(r"(?:\s*[;,:]\s*(?:and|or|but|and/or)?|\s+(?:and|or|but))\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    """One quote of the brief: the card it comes from, the exact sentence, whose it is."""

    ranks: tuple[int, ...]
    """The cards it is quoted from (several when their reports share the wording)."""
    text: str
    reports: tuple[str, ...] = ()
    """Labels of the reports holding it ("Kent Police, 2017"), when the answer spans several."""
    grade: SectionGrade | None = None
    """The grade of the card's section as stated, for a question about a grade."""

    @property
    def rank(self) -> int:
        return self.ranks[0]


def trim_connector(sentence: str) -> str:
    """``sentence`` without trailing list punctuation and connectors: "meet regularly; and" ->
    "meet regularly". Still a prefix of the sentence, so still an exact quote."""
    text = sentence.strip()
    while True:
        cut = _TRAILING.sub("", text)
        if cut == text or not cut:
            return text
        text = cut


def topic_terms(answer: Answer) -> frozenset[str]:
    """Stemmed topic terms of the question as asked (with spelling repairs) and of its
    glossary alternatives (rule 2)."""
    asked = answer.query or answer.question
    for wrong, right in answer.corrections.items():
        asked = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, asked)
    text = " ".join([*topic_words(asked), *answer.expansions])
    return frozenset(tokenize(text))


def report_label(meta: ReportMeta | None, fallback: str = "") -> str:
    """How a report is named next to a quote: "Kent Police, 2017" (its title without a force)."""
    if meta is None:
        return fallback
    who = meta.force or meta.title
    return f"{who}, {meta.year}" if meta.year is not None else who


def _best_sentence(texts: Iterable[str], terms: frozenset[str]) -> tuple[int, str]:
    """The sentence of ``texts`` sharing most of ``terms`` (first wins ties), with that count."""
    best, best_score = "", -1
    for text in texts:
        for a, b in sentence_spans(text):
            sentence = text[a:b]
            score = len(terms & _terms_of(sentence))
            if score > best_score:
                best, best_score = sentence, score
    return max(best_score, 0), best


def _is_judgement(p: Passage, grade: SectionGrade | None) -> bool:
    """A section's graded opening paragraph: its judgement, right under the grade line."""
    return p.paragraph == 1 and p.bullet is None and grade is not None and grade.grade is not None


def _first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[0][0] : spans[0][1]] if spans else text


def _labels(hit: Hit, reports: Mapping[str, ReportMeta]) -> tuple[str, ...]:
    ids = dict.fromkeys(p.report_id for p in (hit.passage, *hit.also_in))
    titles = {p.report_id: p.report_title for p in (hit.passage, *hit.also_in)}
    return tuple(report_label(reports.get(r), titles[r]) for r in ids)


def _capped(names: tuple[str, ...]) -> tuple[str, ...]:
    extra = (f"and {len(names) - MAX_NAMED} more",) if len(names) > MAX_NAMED else ()
    return names[:MAX_NAMED] + extra


def _terms_of(text: str) -> set[str]:
    """Stemmed terms of report text, without the words naming the force in general ("police"
    would otherwise meet "policing")."""
    return set(tokenize(" ".join(w for w in words(text) if w not in INSPECTED)))


def _candidate(
    hit: Hit, terms: frozenset[str], grade: SectionGrade | None, grade_question: bool
) -> tuple[int, str]:
    """A card's sentence for the brief and how many topic terms it shares (rules 2 and 3)."""
    p = hit.passage
    if grade_question and _is_judgement(p, grade):
        sentence = _first_sentence(p.text)
        return len(terms & _terms_of(" ".join([*p.section_path, sentence]))), sentence
    if not terms:  # no topic words to judge by: the sentence the retriever found best, if any
        if hit.items or hit.support is None:
            return 0, ""
        return 1, p.text[hit.support[0] : hit.support[1]]
    texts = [i.text for i in hit.items] if hit.items else [p.text]
    return _best_sentence(texts, terms)


def brief(answer: Answer) -> list[Quote]:
    """The quotes of the "In brief" line for ``answer`` (see the module docstring)."""
    if answer.abstained or not answer.hits:
        return []
    terms = topic_terms(answer)
    grade_question = GRADE in question_intents(answer.question)
    grades: Mapping[str, Any] = answer.grades
    spans_reports = len({p.report_id for h in answer.hits for p in (h.passage, *h.also_in)}) > 1
    picked: list[tuple[Hit, str, SectionGrade | None]] = []
    # "Which forces ...": every report's card, so the line names each report that holds it.
    for hit in answer.hits if answer.mode == "which" else answer.hits[:BRIEF_CARDS]:
        grade = grade_of(grades.get(hit.passage.report_id, ()), hit.passage.section_path)
        score, sentence = _candidate(hit, terms, grade, grade_question)
        sentence = trim_connector(sentence)
        if score > 0 and sentence:
            picked.append((hit, sentence, grade))
    first = answer.hits[0]
    grade = grade_of(grades.get(first.passage.report_id, ()), first.passage.section_path)
    if not picked and grade_question and _is_judgement(first.passage, grade):
        picked = [(first, trim_connector(_first_sentence(first.passage.text)), grade)]
    out: list[Quote] = []
    used = 0
    for hit, sentence, grade in picked:
        labels = _labels(hit, answer.reports) if spans_reports else ()
        same = next((n for n, q in enumerate(out) if q.text == sentence), None)
        if same is not None:  # the same words in another report's card: one quote naming both
            q = out[same]
            out[same] = replace(
                q, ranks=(*q.ranks, hit.rank), reports=tuple(dict.fromkeys((*q.reports, *labels)))
            )
            continue
        if out and used + len(sentence) > BRIEF_MAX_CHARS:
            break
        shown = grade if grade_question and _is_judgement(hit.passage, grade) else None
        out.append(Quote((hit.rank,), sentence, labels, shown))
        used += len(sentence)
    return [replace(q, reports=_capped(q.reports)) for q in out]

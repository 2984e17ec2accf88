"""Hits -> what people and programs read (pure): support sentences, JSON, terminal text.

Nothing here writes new words about the reports: every quote is a passage's own text, or a
sentence cut out of it at its own boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from assistant.passages import sentence_spans
from assistant.records import Answer, Hit, Passage
from assistant.retrieval.lexical import tokenize

ABSTAIN_MESSAGE = "The indexed reports do not appear to address this question."


def best_support(text: str, terms: Iterable[str]) -> tuple[int, int] | None:
    """The sentence sharing most distinct query terms with the question (first wins ties).

    Returns None when no sentence shares a term: then nothing is highlighted, rather than
    highlighting a sentence with no evidence for it.
    """
    wanted = set(terms)
    best, best_score = None, 0
    for a, b in sentence_spans(text):
        score = len(wanted & set(tokenize(text[a:b])))
        if score > best_score:
            best, best_score = (a, b), score
    return best


def with_support(answer: Answer, terms: Iterable[str]) -> Answer:
    """Copy of ``answer`` whose hits carry their best-supporting sentence."""
    terms = list(terms)
    hits = tuple(replace(h, support=best_support(h.passage.text, terms)) for h in answer.hits)
    return replace(answer, hits=hits)


def passage_dict(hit: Hit) -> dict[str, Any]:
    """One passage as ``ask --json`` prints it."""
    p: Passage = hit.passage
    return {
        "rank": hit.rank,
        "id": p.id,
        "score": round(hit.score, 6),
        "text": p.text,
        "citation": str(p.citation),
        "report": p.report_title,
        "report_id": p.report_id,
        "section": p.section_path[0] if p.section_path else "",
        "section_path": list(p.section_path),
        "paragraph": p.paragraph,
        "bullet": p.bullet,
        "page": p.page,
        "page_label": p.page_label,
        "grade": p.grade,
        "lead_in": p.lead_in,
        "span": [p.start, p.end],
        "support": list(hit.support) if hit.support else None,
        "scores": {k: round(v, 6) for k, v in hit.scores.items()},
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The ``ask --json`` object; keys are only ever added, never removed."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "passages": [passage_dict(h) for h in answer.hits],
        "notice": answer.notice,
        "expansions": list(answer.expansions),
        "corrections": dict(answer.corrections),
    }


def render_text(answer: Answer) -> str:
    """A terminal view: numbered quotes with score and citation."""
    lines = []
    if answer.abstained:
        lines.append(f"{ABSTAIN_MESSAGE} Nearest passages:\n")
    elif answer.notice:
        lines.append(answer.notice + "\n")
    if not answer.hits:
        lines.append("No passages found.")
    for hit in answer.hits:
        p = hit.passage
        lead = f"[{p.lead_in}] " if p.lead_in else ""
        lines.append(f"{hit.rank}. ({hit.score:.3f}) {lead}“{p.text}”\n   — {p.citation}\n")
    return "\n".join(lines).rstrip() + "\n"

"""Questions for latency runs: the dev questions plus questions made from the report's sentences.

The dev set has 60 questions; latency percentiles want at least 200. The extra questions
take a run of 3-7 words from a random sentence of the real report and put it in one of a
few question shapes people use ("what does the report say about ...", a bare keyword
phrase, "is the force ...?"). They are for timing only: quality is measured on the
labelled dev questions.
"""

from __future__ import annotations

import random

from assistant.evaluation.questions import read_questions
from assistant.ingest import discover, load_report
from assistant.passages import report_passages, sentence_spans
from assistant.records import Passage
from tests.support.corpus import CORPUS, DEV_QUESTIONS

DEV = DEV_QUESTIONS
SHAPES = (
    "what does the report say about {}",
    "{}",
    "is the force {}?",
    "how well does the force handle {}",
    "any findings on {}",
)


def real_passages() -> list[Passage]:
    """The passages of every report in ``corpus/``."""
    return [p for f in discover(CORPUS) for p in report_passages(load_report(f, CORPUS))]


def dev_questions() -> list[str]:
    return [q.question for q in read_questions(DEV)]


def made_questions(count: int, seed: int = 7) -> list[str]:
    """``count`` questions built from word runs of the real report's sentences (deterministic)."""
    rng = random.Random(seed)
    sentences = [p.text[a:b] for p in real_passages() for a, b in sentence_spans(p.text)]
    out: list[str] = []
    while len(out) < count:
        words = rng.choice(sentences).rstrip(".").split()
        if len(words) < 4:
            continue
        size = rng.randint(3, min(7, len(words)))
        start = rng.randint(0, len(words) - size)
        out.append(rng.choice(SHAPES).format(" ".join(words[start : start + size]).lower()))
    return out


def latency_questions(count: int = 220) -> list[str]:
    """The dev questions, then made ones up to ``count``."""
    dev = dev_questions()
    return dev + made_questions(max(0, count - len(dev)))

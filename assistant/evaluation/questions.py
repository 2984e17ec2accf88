"""Reading labelled questions (``eval``) and unlabelled ones (``ask --batch``) from JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import EvaluationError


@dataclass(frozen=True)
class Question:
    """One labelled question. Empty ``gold`` means the reports do not answer it."""

    id: str
    question: str
    gold: tuple[str, ...]
    kind: str = ""
    section: str = ""
    gold_report: tuple[str, ...] = ()
    """Ids of the reports holding a correct answer (a library question); empty: any report."""
    expect: str = ""
    """For a question the library cannot answer, why ("unknown_force", "no_report_for_year")."""

    @property
    def in_scope(self) -> bool:
        return bool(self.gold)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise EvaluationError(f"{path} is not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise EvaluationError(f"{path}:{number}: each line must be a JSON object")
        yield number, data


def read_questions(path: Path) -> list[Question]:
    """Labelled questions: keys ``id``, ``question``, ``gold`` (list of strings), ``kind``, ``section``,
    and for a library ``gold_report`` (report ids) and ``expect``."""
    out = []
    for number, data in _lines(path):
        question, gold = data.get("question"), data.get("gold", [])
        if not isinstance(question, str) or not question.strip():
            raise EvaluationError(f"{path}:{number}: 'question' must be a non-empty string")
        if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
            raise EvaluationError(f"{path}:{number}: 'gold' must be a list of strings")
        reports = data.get("gold_report", [])
        if not isinstance(reports, list) or not all(isinstance(r, str) for r in reports):
            raise EvaluationError(f"{path}:{number}: 'gold_report' must be a list of report ids")
        out.append(
            Question(
                id=str(data.get("id", f"line{number}")),
                question=question,
                gold=tuple(gold),
                kind=str(data.get("kind", "")),
                section=str(data.get("section", "")),
                gold_report=tuple(reports),
                expect=str(data.get("expect", "")),
            )
        )
    if not out:
        raise EvaluationError(f"{path} has no questions")
    return out


def read_batch(path: Path) -> list[dict[str, str]]:
    """Unlabelled questions for ``ask --batch``: keys ``id`` and ``question``."""
    out = []
    for number, data in _lines(path):
        if not isinstance(data.get("question"), str):
            raise EvaluationError(f"{path}:{number}: 'question' must be a string")
        out.append({"id": str(data.get("id", f"line{number}")), "question": data["question"]})
    return out

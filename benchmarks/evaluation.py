"""Retrieval quality in one run: every variant on the dev and blind sets side by side, and the
abstention calibration with its cross-validation. The one place these figures are made.

    python -m benchmarks.evaluation                       # -> benchmarks/results/evaluation.json
    python -m benchmarks.evaluation --before COMMIT       # another commit's answers, scored here
    python -m benchmarks.evaluation_report                # -> docs/EVALUATION.md

Question sets (tests/data): ``dev`` (the labelled dev questions) and ``dev-extra`` (more dev
questions, paraphrases and out-of-scope ones) over the Met report; ``library-dev`` over the
six-report library fixture (tests/support/library.py). The pipeline was tuned on these only.
``blind`` and ``library-blind`` were written before the method changed, by someone who never
saw it, and nothing was tuned on them; they are only ever scored.

``--before COMMIT`` checks that commit out in a temporary worktree, has its own code answer
every set (``python -m assistant ask --batch FILE --json``, run in that worktree with this
environment), and scores those answers with this commit's scorer: figures before and after a
change come from one scoring rule.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.evaluation.calibrate import calibration
from assistant.evaluation.questions import read_questions
from assistant.evaluation.report import summarise
from assistant.evaluation.runner import Returned, evaluate, score_answer
from assistant.records import Answer
from assistant.retrieval.config import VARIANTS
from assistant.service import Assistant
from assistant.settings import Settings
from benchmarks.probe import write_results
from tests.support.corpus import ROOT, make_corpus, settings_for
from tests.support.library import write_library

DATA = ROOT / "tests" / "data"
SETS: dict[str, tuple[str, str, bool]] = {
    # name: (file, corpus, tuned on it)
    "dev": ("questions-dev.jsonl", "met", True),
    "dev-extra": ("questions-dev-extra.jsonl", "met", True),
    "blind": ("questions-blind.jsonl", "met", False),
    "library-dev": ("questions-library-dev.jsonl", "library", True),
    "library-blind": ("questions-blind-library.jsonl", "library", False),
}
RESULTS = ROOT / "benchmarks" / "results" / "evaluation.json"
BEFORE = ROOT / "benchmarks" / "results" / "evaluation-before.json"
CALIBRATION_SETS = ("dev", "dev-extra")
"""Rule 5's bounds are tuned on the Met dev questions (the library's out-of-scope questions are
about forces and years, which rules without parameters decide)."""


def corpora(base: Path) -> dict[str, Settings]:
    """The Met report alone, and the library fixture, each indexed once with the real model."""
    met = settings_for(make_corpus(base / "met" / "corpus"), base / "met" / "index")
    write_library(base / "library" / "corpus")
    library = settings_for(base / "library" / "corpus", base / "library" / "index")
    return {"met": met, "library": library}


def available() -> dict[str, tuple[Path, str, bool]]:
    return {name: (DATA / f, c, tuned) for name, (f, c, tuned) in SETS.items() if (DATA / f).exists()}


def summary(rows: list[Any]) -> dict[str, Any]:
    out = summarise(rows)
    return {
        "overall": out["overall"],
        "by_kind": out["by_kind"],
        "latency_ms": out["latency_ms"],
        "misses": [q["id"] for q in out["questions"] if q["in_scope"] and not any(q["rels"][:5])],
        "wrong_abstentions": [q["id"] for q in out["questions"] if q["in_scope"] == q["abstained"]],
    }


def run_variants(settings: dict[str, Settings], names: list[str]) -> dict[str, dict[str, Any]]:
    """Every named variant on every set: ``{variant: {set: summary}}``."""
    out: dict[str, dict[str, Any]] = {}
    sets = available()
    for name in names:
        out[name] = {}
        for corpus, corpus_settings in settings.items():
            assistant = Assistant.open(corpus_settings, log=_quiet, config=VARIANTS[name], progress=False)
            index = assistant.live.get()
            passages = list(index.table)
            for set_name, (path, set_corpus, _) in sets.items():
                if set_corpus != corpus:
                    continue
                rows = evaluate(_asker(assistant), read_questions(path), passages, 10, index.reports)
                out[name][set_name] = summary(rows)
                print(f"{name:22} {set_name:14} " + _line(out[name][set_name]["overall"]), flush=True)
    return out


def _quiet(_message: str) -> None:
    pass


def _asker(assistant: Assistant) -> Callable[[str, int], Answer]:
    return lambda question, k: assistant.ask(question, k=k)


LINE_KEYS = (
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "false_abstention",
    "abstention",
    "report_recall@5",
    "on_scope@5",
)


def _line(o: dict[str, float]) -> str:
    return " ".join(f"{k}={o[k]:.3f}" for k in LINE_KEYS if k in o)


def answers_of(commit: str, settings: dict[str, Settings], folder: Path) -> Path:
    """``folder/<set>.jsonl``: every set answered by ``commit``'s own code (see module docstring)."""
    tree = folder / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True)
    try:
        for set_name, (path, corpus, _) in available().items():
            s = settings[corpus]
            command = [sys.executable, "-m", "assistant", "ask", "--batch", str(path), "--json", "-k", "10"]
            command += ["--corpus", str(s.corpus), "--index", str(folder / f"index-{corpus}")]
            with open(folder / f"{set_name}.jsonl", "w", encoding="utf-8") as out:
                subprocess.run(
                    command, cwd=tree, stdout=out, check=True, env={**os.environ, "PYTHONPATH": str(tree)}
                )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    return folder


def score_before(settings: dict[str, Settings], folder: Path) -> dict[str, Any]:
    """Score another commit's ``ask --batch --json`` answers (``folder/<set>.jsonl``) with this scorer."""
    out: dict[str, Any] = {}
    for set_name, (path, corpus, _) in available().items():
        answers_file = folder / f"{set_name}.jsonl"
        if not answers_file.exists():
            continue
        assistant = Assistant.open(settings[corpus], log=_quiet, progress=False)
        index = assistant.live.get()
        passages = list(index.table)
        answers = {
            str(d["id"]): d
            for d in map(json.loads, answers_file.read_text(encoding="utf-8").splitlines())
            if d
        }
        rows = [
            score_answer(q, Returned.from_json(answers[q.id]), 0.0, passages, index.reports)
            for q in read_questions(path)
        ]
        out[set_name] = summary(rows)
        print(f"{'before':22} {set_name:14} " + _line(out[set_name]["overall"]), flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), help="variants to run (default all)")
    parser.add_argument("--before", metavar="COMMIT", help="score the answers of another commit's code")
    parser.add_argument("--folds", type=int, nargs="*", default=[2, 5])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = corpora(Path(tmp))
        if args.before:
            folder = answers_of(args.before, settings, Path(tmp) / "before")
            write_results(BEFORE, {"answers_commit": args.before, "sets": score_before(settings, folder)})
            return 0
        result: dict[str, Any] = {
            "machine": platform.platform(),
            "sets": {
                n: {"file": str(p.relative_to(ROOT)), "corpus": c, "tuned_on": t}
                for n, (p, c, t) in available().items()
            },
            "variants": run_variants(settings, args.variants),
        }
        calibration_files = [available()[n][0] for n in CALIBRATION_SETS if n in available()]
        met = replace(settings["met"])
        result["calibration"] = calibration(met, calibration_files, args.folds)
        write_results(RESULTS, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The command line, run as users run it: in a subprocess, against a real index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings

PASSAGE_KEYS = {
    "rank": int,
    "id": str,
    "score": float,
    "text": str,
    "citation": str,
    "report": str,
    "section": str,
    "paragraph": int,
}
NULLABLE = {"bullet": int, "page": int, "grade": str}


def run(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def where(settings: Settings) -> list[str]:
    return ["--corpus", str(settings.corpus), "--index", str(settings.index)]


def test_help_is_instant_and_imports_nothing_heavy() -> None:
    code = (
        "import sys; from assistant.cli import build_parser; build_parser().format_help(); "
        "heavy = [m for m in ('torch', 'gradio', 'sentence_transformers', 'faiss') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "ask" in run("--help").stdout


def check_shape(obj: dict[str, object]) -> None:
    assert isinstance(obj["question"], str) and isinstance(obj["abstained"], bool)
    passages = obj["passages"]
    assert isinstance(passages, list) and passages
    for rank, p in enumerate(passages, start=1):
        for key, kind in PASSAGE_KEYS.items():
            assert isinstance(p[key], kind), (key, p[key])
        for key, kind in NULLABLE.items():
            assert key in p and (p[key] is None or isinstance(p[key], kind))
        assert p["rank"] == rank
        assert p["citation"].startswith(p["report"])


@pytest.mark.slow
def test_ask_json_shape_and_content(real_index: Settings) -> None:
    out = run("ask", "Is the Met short of investigators?", "--json", "--k", "5", *where(real_index)).stdout
    obj = json.loads(out)
    check_shape(obj)
    assert len(obj["passages"]) == 5
    assert any("detective" in p["text"] for p in obj["passages"][:3])


@pytest.mark.slow
def test_ask_batch_writes_one_object_per_line(real_index: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "PNC wanted suspects"}\n{"id": "b", "question": "   "}\n', "utf-8"
    )
    lines = run("ask", "--batch", str(batch), "--json", *where(real_index)).stdout.splitlines()
    objs = [json.loads(line) for line in lines]
    assert [o["id"] for o in objs] == ["a", "b"]
    check_shape(objs[0])
    assert objs[1]["passages"] == [] and "empty" in objs[1]["error"]


@pytest.mark.slow
def test_text_output_has_rank_score_and_citation(real_index: Settings) -> None:
    out = run("ask", "what is said about detective shortages", "--k", "3", *where(real_index)).stdout
    assert out.startswith("1. (")
    assert "— Metropolitan PEEL 2017 — Effectiveness › " in out
    assert "\n3. (" in out


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    proc = run(
        "ask", "anything", "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i"), check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: corpus folder") and "Traceback" not in proc.stderr
    proc = run("ask", "x", "--retriever", "magic", "--corpus", str(tmp_path), check=False)
    assert proc.returncode == 1 and "allowed values" in proc.stderr


@pytest.mark.slow
def test_empty_question_is_a_clear_error(real_index: Settings) -> None:
    proc = run("ask", "  ", *where(real_index), check=False)
    assert proc.returncode == 1 and "the question is empty" in proc.stderr

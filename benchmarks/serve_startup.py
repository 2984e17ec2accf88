"""Start-up figures: `assistant serve` to first answer (index missing, then present), and warm asks.

    python -m benchmarks.serve_startup           # 3 runs each, index missing then present
    python -m benchmarks.serve_startup --warm    # warm Assistant.ask latency over the dev questions

The serve runs use a scratch index folder and a fresh model cache each time, so "index
missing" includes making the int8 encoder; answers are read over raw HTTP (no client polling).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "what is said about detective shortages"


def _answered(port: int) -> bool:
    body = json.dumps({"data": [QUESTION, 5]}).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/gradio_api/call/ask",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    event = json.loads(urllib.request.urlopen(req, timeout=60).read())["event_id"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/gradio_api/call/ask/{event}", timeout=120) as r:
        return "complete" in r.read().decode()


def time_serve(index: Path, env: dict[str, str], log: Path) -> float:
    """Seconds from starting ``assistant serve`` to its first answer."""
    from tests.support.server import running_chat

    began: list[float] = []
    with running_chat(
        ROOT / "corpus", index, log, env=env, started=lambda _p: began.append(time.perf_counter())
    ) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        while True:
            try:
                if _answered(port):
                    return time.perf_counter() - began[0]
            except OSError:
                time.sleep(0.1)


def warm() -> dict[str, float]:
    from assistant.embedding import CachedEmbedder
    from assistant.evaluation.questions import read_questions
    from assistant.service import Assistant
    from assistant.settings import load_settings

    assistant = Assistant.open(load_settings({}, cwd=ROOT), log=lambda _m: None)
    questions = [q.question for q in read_questions(ROOT / "tests" / "data" / "questions-dev.jsonl")]
    for q in questions[:5]:
        assistant.ask(q)
    times = []
    for _ in range(3):
        for q in questions:
            if isinstance(assistant.retriever.embedder, CachedEmbedder):
                assistant.retriever.embedder.clear()  # time the encoder, not the cache
            start = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95)], "n": len(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.warm:
        print(json.dumps(warm()))
        return 0
    results: dict[str, list[float]] = {"index_missing_s": [], "index_present_s": []}
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(args.runs):
            index = Path(scratch) / f"index{i}"
            env = {**os.environ, "ASSISTANT_CACHE": str(Path(scratch) / f"cache{i}")}
            log = Path(scratch) / f"serve{i}.log"
            results["index_missing_s"].append(time_serve(index, env, log))
            results["index_present_s"].append(time_serve(index, env, log))
            shutil.rmtree(index, ignore_errors=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time from pressing Enter to the evidence cards being on screen, in headless Chromium.

    python -m benchmarks.browser_latency                 # 3 warm-up questions, then 20 measured
    python -m benchmarks.browser_latency --measured 40

Starts ``assistant serve`` over a copy of the Met report (indexed with the real model on
first start), opens the chat in Debian's chromium through Playwright, and asks dev questions
by typing them and pressing Enter. The clock is the page's own: it starts at the Enter keydown
and stops at the first animation frame after the new cards are in the document, so it includes
the round trip, retrieval and rendering. Results go to ``benchmarks/results/browser_latency.json``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation.questions import read_questions
from benchmarks.probe import write_results
from tests.support.browser import Chat, chromium
from tests.support.corpus import DEV_QUESTIONS, ROOT, make_corpus
from tests.support.server import running_chat

RESULTS = ROOT / "benchmarks" / "results" / "browser_latency.json"
CLOCK_JS = """
() => {
  window.__latencies = [];
  const box = document.querySelector('#question textarea, #question input');
  box.addEventListener('keydown', e => { if (e.key === 'Enter') window.__enter = performance.now(); }, true);
  const cards = document.querySelector('#cards');
  let seen = cards.querySelector('.cards')?.dataset.turn;
  new MutationObserver(() => {
    const section = cards.querySelector('.cards');
    if (!section || section.dataset.turn === seen || window.__enter == null) return;
    seen = section.dataset.turn;
    const start = window.__enter;
    window.__enter = null;
    requestAnimationFrame(() => window.__latencies.push(performance.now() - start));
  }).observe(cards, {subtree: true, childList: true, attributes: true});
}
"""


def measure(chat: Chat, questions: Sequence[str], warm_up: int) -> list[float]:
    """Milliseconds from Enter to cards on screen for each question after the first ``warm_up``."""
    for q in questions[:warm_up]:
        chat.ask(q)
    chat.page.evaluate(CLOCK_JS)
    measured = questions[warm_up:]
    for q in measured:
        chat.ask(q)
    chat.page.wait_for_function(f"() => window.__latencies.length === {len(measured)}")
    return sorted(float(ms) for ms in chat.page.evaluate("() => window.__latencies"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--measured", type=int, default=20)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    questions = [q.question for q in read_questions(DEV_QUESTIONS)]
    wanted = args.warm_up + args.measured
    if len(questions) < wanted:
        parser.error(f"the dev set has {len(questions)} questions; --warm-up + --measured is {wanted}")
    with tempfile.TemporaryDirectory(prefix="assistant-browser-") as tmp:
        base = Path(tmp)
        corpus = make_corpus(base / "corpus")
        with running_chat(corpus, base / "index", base / "server.log") as url, chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            chat = Chat(context.new_page(), url).open()
            ms = measure(chat, questions[:wanted], args.warm_up)
            context.close()
    write_results(
        args.out,
        {
            "what": "Enter to evidence cards visible, headless Chromium, warm questions",
            "questions": len(ms),
            "median_ms": round(statistics.median(ms), 1),
            "min_ms": round(ms[0], 1),
            "max_ms": round(ms[-1], 1),
            "all_ms": [round(x, 1) for x in ms],
        },
    )


if __name__ == "__main__":
    main()

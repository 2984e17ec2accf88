"""Time from pressing "Show in report" on a card to the passage in context on screen, in headless Chromium.

    python -m benchmarks.context_latency                 # 20 PDF cards and 20 web-page cards
    python -m benchmarks.context_latency --cards 40

Starts ``assistant serve`` over the browsing library (tests/support/browse.py: six text reports,
the Met report as a PDF and as a web page, a damaged file), asks questions scoped to the PDF's
force and to the web page's force, and presses "Show in report" on distinct cards of each until
``--cards`` of each are measured (one PDF and one web-page card first, unmeasured: the first PDF
click imports pdfplumber). The clock is the page's own: from the click to the first animation
frame after the context is in the card and, for a PDF, its page image is decoded. Results go to
``benchmarks/results/context_latency.json``; the table in docs/BENCHMARKS.md between
``<!-- context:begin -->`` and ``<!-- context:end -->`` is written from them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.questions import read_questions
from benchmarks.probe import write_results
from tests.support.browse import HTML_VARIANT, PDF_VARIANT, write_browse_corpus
from tests.support.browser import Chat, chromium
from tests.support.corpus import DEV_QUESTIONS, ROOT
from tests.support.server import running_chat

RESULTS = ROOT / "benchmarks" / "results" / "context_latency.json"
DOC = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- context:begin -->", "<!-- context:end -->"
CLICK_JS = """
async (id) => {
  const button = document.querySelector(`#cards button.show[data-id="${id}"]`);
  const card = button.closest('article.card');
  const start = performance.now();
  button.click();
  const shown = () => card.querySelector('.context-slot .in-report, .context-slot [role="alert"]');
  await new Promise((resolve) => {
    const look = () => (shown() ? resolve() : requestAnimationFrame(look));
    look();
  });
  if (!card.querySelector('.context-slot .in-report')) throw new Error(shown().innerText);
  for (const img of card.querySelectorAll('.in-report .ctx-page img')) await img.decode();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const ms = performance.now() - start;
  button.click();  // close it again, so the page stays small
  return ms;
}
"""
CARD_IDS_JS = """
(title) => [...document.querySelectorAll('#cards article.card')]
  .filter((card) => card.querySelector('h3.report')?.innerText === title)
  .map((card) => card.querySelector('button.show').dataset.id)
"""


def measure(chat: Chat, questions: Sequence[str], force: str, title: str, wanted: int) -> list[float]:
    """Milliseconds to context for ``wanted`` distinct cards of the report ``title`` (+1 unmeasured)."""
    seen: set[str] = set()
    ms: list[float] = []
    for question in questions:
        chat.ask(f"{question} ({force})")
        for pid in chat.page.evaluate(CARD_IDS_JS, title):
            if pid in seen:
                continue
            took = float(chat.page.evaluate(CLICK_JS, pid))
            if seen:  # the first click of the run warms the server up
                ms.append(took)
                print(f"{title}: card {len(ms)} in {took:.0f} ms", file=sys.stderr, flush=True)
            seen.add(pid)
            if len(ms) == wanted:
                return sorted(ms)
    raise SystemExit(f"only {len(ms)} distinct {title} cards came up; add questions or lower --cards")


def summary(ms: Sequence[float]) -> dict[str, Any]:
    return {
        "cards": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
        "all_ms": [round(x, 1) for x in ms],
    }


def render(result: dict[str, Any]) -> str:
    """The docs table for one result file."""
    rows = [
        f"Measured {result['when']} (commit {result['commit']}), load average {result['load_average']} "
        "on 2 shared cores, so treat as noisy; headless Chromium, warm server.",
        "",
        "| cards | median | min | max |",
        "|---|---|---|---|",
    ]
    for key, what in (
        ("pdf", "PDF: context + page image (found, drawn, decoded)"),
        ("html", "web page: context"),
    ):
        r = result[key]
        rows.append(f"| {r['cards']} {what} | {r['median_ms']} ms | {r['min_ms']} ms | {r['max_ms']} ms |")
    return "\n".join(rows)


def write_doc(result: dict[str, Any], doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text:
        text = text.rstrip() + (
            '\n\n## Show in report\n\nClick on "Show in report" to the passage in context on screen '
            "(`python -m benchmarks.context_latency`).\n\n" + f"{BEGIN}\n{END}\n"
        )
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(f"{head}{BEGIN}\n{render(result)}\n{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=20, help="cards measured per source type")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--doc-only", action="store_true", help="rewrite the docs table from --out and stop")
    args = parser.parse_args(argv)
    if args.doc_only:
        write_doc(json.loads(args.out.read_text(encoding="utf-8")))
        return
    questions = [q.question.rstrip("?") for q in read_questions(DEV_QUESTIONS) if "Met" not in q.question]
    with tempfile.TemporaryDirectory(prefix="assistant-context-") as tmp:
        base = Path(tmp)
        write_browse_corpus(base / "corpus")
        with running_chat(base / "corpus", base / "index", base / "server.log") as url, chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            chat = Chat(context.new_page(), url).open()
            load_before = os.getloadavg()[0]
            pdf = measure(chat, questions, PDF_VARIANT.force, PDF_VARIANT.title, args.cards)
            html = measure(chat, questions, HTML_VARIANT.force, HTML_VARIANT.title, args.cards)
            context.close()
    result = {
        "what": 'click on "Show in report" to the context on screen (PDF: with its page image decoded)',
        "pdf": summary(pdf),
        "html": summary(html),
        "load_average": f"{load_before:.1f}–{os.getloadavg()[0]:.1f}",
    }
    write_results(args.out, result)
    write_doc(result)


if __name__ == "__main__":
    main()

"""Issue 12's committee-briefing session, walked again in headless Chromium, with its figures.

    python -m benchmarks.briefing_session

A policy analyst prepares a committee briefing on the Met's 2017 inspection: 17 questions
(grades, strengths, follow-ups, weaknesses, one the report does not cover), 8 pinned passages,
a reorder, then both exports. The script starts ``assistant serve`` over a copy of the Met
report, drives the chat as a person would (typing, pressing Enter, clicking), and records:

* time to the first answer: page opened to question box ready, and Enter to the first cards;
* the time of every answer (Enter to cards on screen) and whether each had an "In brief" line;
* cards holding only a list's lead-in (should be none), and "No grade" badges (should be none);
* clicks to reorder: moving the last passage to the top and the first to the bottom, against
  the clicks the old one-step-per-click editor needed for the same moves;
* pages of the exported DOCX for 8 passages, rendered to PDF by LibreOffice (``soffice``, if
  installed; otherwise pages are not counted and the result says so), and the Markdown's lines.

Results go to ``benchmarks/results/briefing_session.json`` and the table between
``<!-- briefing:begin -->`` and ``<!-- briefing:end -->`` in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.browser_latency import CLOCK_JS
from benchmarks.probe import write_results
from benchmarks.report_engine import put_section
from tests.support.browser import Chat, chromium
from tests.support.corpus import ROOT, make_corpus
from tests.support.server import running_chat

RESULTS = ROOT / "benchmarks" / "results" / "briefing_session.json"
DOC = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- briefing:begin -->", "<!-- briefing:end -->"
SESSION: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("What overall grade did the Met get?", (1,)),
    ("How was the Met graded on protecting vulnerable people?", (1,)),
    ("What is the force doing well?", ()),
    ("What should they do next?", ()),
    ("What is said about detective shortages?", (1, 2)),
    ("and what did they recommend?", ()),
    ("How does the force support people with mental health problems?", (1,)),
    ("What did inspectors praise about how the Met handles organised crime gangs?", (1,)),
    ("What must the force improve about serious and organised crime?", (1,)),
    ("What are the weaknesses in neighbourhood policing?", ()),
    ("PNC wanted suspects", ()),
    ("How does the Met deal with domestic abuse?", (1,)),
    ("What did HMICFRS say about missing children?", ()),
    ("Is the force ready for a firearms attack?", ()),
    ("What has changed since 2016?", ()),
    ("How does the force use problem-solving?", ()),
    ("What is the best recipe for banana bread?", ()),
)
"""The questions, and which cards (1-based) of each answer are pinned: 8 passages in all."""
TITLE = "The Met's 2017 inspection: briefing for the policing committee"


def pdf_pages(docx_path: Path, folder: Path) -> int | None:
    """Pages of ``docx_path`` as LibreOffice lays it out (None when ``soffice`` is missing)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    import pdfplumber

    with pdfplumber.open(folder / f"{docx_path.stem}.pdf") as pdf:
        return len(pdf.pages)


def walk(chat: Chat, folder: Path) -> dict[str, Any]:
    """The session (module docstring); returns its figures."""
    page = chat.page
    started = time.perf_counter()
    chat.open()
    ready_ms = (time.perf_counter() - started) * 1000
    page.evaluate(CLOCK_JS)
    briefs, lead_in_only, no_grade, pinned = 0, 0, 0, 0
    without: list[str] = []
    for question, pins in SESSION:
        cards = chat.ask(question)
        reply = chat.last_reply()
        briefs += reply.startswith("In brief:")
        if not reply.startswith("In brief:"):
            without.append(f"{question} -> {reply.splitlines()[0][:90]}")
        for i in range(cards.count()):
            card = cards.nth(i)
            quote = card.locator("blockquote").inner_text().strip()
            lead_in_only += quote.endswith(":") and card.locator("ul.items li").count() == 0
        no_grade += page.locator("#cards").inner_text().count("No grade")
        for n in pins:
            cards.nth(n - 1).locator("button.pin").click()
            pinned += 1
            page.locator("#cards .pinned-count").get_by_text(f"{pinned} passage").wait_for()
    page.wait_for_function(f"() => window.__latencies.length === {len(SESSION)}")
    answers = [float(ms) for ms in page.evaluate("() => window.__latencies")]
    page.get_by_role("tab", name="Briefing").click()
    page.locator(f"[data-pin='{pinned}']").wait_for()
    first = " ".join(page.locator("[data-pin='1'] blockquote").inner_text().split())
    last = " ".join(page.locator(f"[data-pin='{pinned}'] blockquote").inner_text().split())
    clicks = 0
    page.locator(".pin-item").filter(has_text=last[:40]).locator("button", has_text="To top").click()
    clicks += 1
    page.wait_for_function(
        "q => document.querySelector('[data-pin=\"1\"] blockquote')?.innerText.includes(q)", arg=last[:40]
    )
    page.locator(".pin-item").filter(has_text=first[:40]).locator("button", has_text="To bottom").click()
    clicks += 1
    page.wait_for_function(
        f"q => document.querySelector('[data-pin=\"{pinned}\"] blockquote')?.innerText.includes(q)",
        arg=first[:40],
    )
    one_step = (pinned - 1) + (pinned - 1)  # the old editor: one place per click, for the same two moves
    page.locator("#briefing-title textarea, #briefing-title input").first.fill(TITLE)
    page.locator("#briefing-author textarea, #briefing-author input").first.fill("Policy analyst")
    docx_path = download(chat, "#download-docx", folder, "docx")
    md_path = download(chat, "#download-md", folder, "md")
    markdown = md_path.read_text(encoding="utf-8")
    return {
        "questions": len(SESSION),
        "page_ready_ms": round(ready_ms),
        "first_answer_ms": round(answers[0], 1),
        "answer_median_ms": round(statistics.median(answers), 1),
        "answer_max_ms": round(max(answers), 1),
        "in_brief_answers": briefs,
        "answers_without_in_brief": without,
        "lead_in_only_cards": lead_in_only,
        "no_grade_badges": no_grade,
        "passages_pinned": pinned,
        "clicks_to_reorder": clicks,
        "clicks_one_step_editor": one_step,
        "docx_file": docx_path.name,
        "docx_pages": pdf_pages(docx_path, folder),
        "markdown_lines": len(markdown.splitlines()),
        "source_address_repeats": markdown.count("https://"),
    }


def download(chat: Chat, button: str, folder: Path, suffix: str) -> Path:
    """The export from ``button`` once it carries the briefing's title (edits refresh it)."""
    deadline = time.monotonic() + 30
    while True:
        with chat.page.expect_download() as got:
            chat.page.locator(button).click()
        name = got.value.suggested_filename
        if name.startswith("the-met-s-2017") or time.monotonic() > deadline:
            path = folder / name
            got.value.save_as(path)
            return path
        chat.page.wait_for_timeout(300)


def escape(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("*", "\\*")


def table(result: dict[str, Any]) -> str:
    """The docs/BENCHMARKS.md section for ``result``."""
    pages = result["docx_pages"]
    rows = [
        ("page opened to question box ready", f"{result['page_ready_ms']} ms"),
        ("Enter to the first answer's cards", f"{result['first_answer_ms']} ms"),
        (
            f"Enter to cards, all {result['questions']} questions",
            f"median {result['answer_median_ms']} ms, max {result['answer_max_ms']} ms",
        ),
        (
            "answers with an “In brief” line",
            f"{result['in_brief_answers']} of {result['questions']}"
            + "".join(f"; not: {escape(x)}" for x in result["answers_without_in_brief"]),
        ),
        (
            "cards holding only a list's lead-in; “No grade” badges",
            f"{result['lead_in_only_cards']}; {result['no_grade_badges']}",
        ),
        (
            "clicks to move the last passage to the top and the first to the bottom",
            f"{result['clicks_to_reorder']} (the one-step editor needed {result['clicks_one_step_editor']})",
        ),
        (
            f"pages of the exported DOCX, {result['passages_pinned']} passages (LibreOffice PDF)",
            str(pages) if pages is not None else "not counted (no soffice)",
        ),
        ("source address repeats in the Markdown", str(result["source_address_repeats"])),
    ]
    body = "\n".join(f"| {what} | {figure} |" for what, figure in rows)
    return (
        f"{BEGIN}\n## A first briefing, walked again (issue 12)\n\n"
        f"`python -m benchmarks.briefing_session`, {result['when']}, commit {result['commit']}: the "
        "committee-briefing session of issue 12 driven in headless Chromium over the Met report "
        "(17 questions, 8 pinned passages, a reorder, both exports). The machine is shared (load "
        f"average {result.get('load_average', '?')} on 2 cores at the end of the run), so the times are "
        "rough.\n\n| what | figure |\n|---|---|\n"
        f"{body}\n{END}"
    )


def write_doc(result: dict[str, Any], doc: Path = DOC) -> None:
    doc.write_text(put_section(doc.read_text(encoding="utf-8"), BEGIN, END, table(result)), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="assistant-briefing-") as tmp:
        base = Path(tmp)
        corpus = make_corpus(base / "corpus")
        with running_chat(corpus, base / "index", base / "server.log") as url, chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
            result = walk(Chat(context.new_page(), url), base)
            context.close()
    result["what"] = "issue 12's committee-briefing session in headless Chromium over the Met report"
    result["load_average"] = round(os.getloadavg()[0], 1)
    write_results(args.out, result)
    write_doc(result)


if __name__ == "__main__":
    main()

"""Time from pressing Enter to the evidence cards being on screen, in the browser (recorded, not asserted).

Run ``python -m pytest tests/browser/test_latency.py -s`` to see the figure. The clock is the
page's own: it starts at the Enter keydown and stops at the first animation frame after the new
cards are in the document, so it includes the round trip, retrieval and rendering.
"""

from __future__ import annotations

import json
import statistics

import pytest

from tests.browser.conftest import Chat
from tests.conftest import DEV_QUESTIONS

pytestmark = pytest.mark.slow

WARM_UP = 3
MEASURED = 20
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


def test_enter_to_cards_latency_is_recorded(
    chat: Chat, record_property: pytest.RecordProperty, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = [
        json.loads(line)["question"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()
    ]
    assert len(questions) >= WARM_UP + MEASURED
    for q in questions[:WARM_UP]:
        chat.ask(q)
    chat.page.evaluate(CLOCK_JS)
    for q in questions[WARM_UP : WARM_UP + MEASURED]:
        chat.ask(q)
    chat.page.wait_for_function(f"() => window.__latencies.length === {MEASURED}")
    ms = sorted(chat.page.evaluate("() => window.__latencies"))
    median = statistics.median(ms)
    record_property("enter_to_cards_ms_median", round(median, 1))
    with capsys.disabled():
        print(
            f"\nEnter -> evidence cards visible, {MEASURED} warm questions: median {median:.0f} ms, "
            f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
        )
    assert len(ms) == MEASURED

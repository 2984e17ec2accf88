"""Show in report (PDF and web-page sources) and the Reports tab, in real headless Chromium.

The server indexes the six-report library, the Met report as a PDF (renamed Cumbria) and as a
web page (renamed Dorset), and a damaged PDF. Screenshots of the context and the outline go to
``$ASSISTANT_SCREENSHOTS`` (``docs/``) when it is set.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from tests.support.browse import BAD_FILE, HTML_URL, PDF_ID, write_browse_corpus
from tests.support.browser import SCREENSHOTS_ENV, Chat, chat_page
from tests.support.server import serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator

pytestmark = pytest.mark.slow
PDF_TITLE = "Cumbria PEEL 2019"
HTML_TITLE = "Dorset PEEL 2019"


@pytest.fixture(scope="module")
def browse_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("browse-chat"), write_browse_corpus) as url:
        yield url


@pytest.fixture
def chat(browser: Browser, browse_url: str) -> Iterator[Chat]:
    """A fresh page on this module's server; fails if the page fetched anything from elsewhere."""
    with chat_page(browser, browse_url) as page:
        yield page


def open_context(card: Locator) -> Locator:
    """Press "Show in report" on ``card``; returns the context once it is in the card."""
    card.locator("button.show").click()
    context = card.locator(".context-slot .in-report")
    context.wait_for()
    return context


def snapshot(element: Locator, name: str, tmp: Path) -> Path:
    """A screenshot of ``element`` alone, into ``$ASSISTANT_SCREENSHOTS`` when set (see Chat.screenshot)."""
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"screenshot-{name}.png"
    element.screenshot(path=str(path))
    return path


def yellow_share(png: bytes, box: tuple[int, int, int, int]) -> float:
    """The share of pixels in ``box`` (left, top, right, bottom) in the highlight's yellow."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB").crop(box), dtype=np.int32)
    yellow = (rgb[..., 0] > 200) & (rgb[..., 1] > 170) & (rgb[..., 2] < 170)
    return float(yellow.mean())


def test_show_in_report_on_a_pdf_card_shows_the_section_and_the_page_with_the_lines_highlighted(
    chat: Chat, tmp_path: Path
) -> None:
    cards = chat.ask("detective shortages in Cumbria")
    card = next(
        cards.nth(i) for i in range(cards.count()) if cards.nth(i).locator("h3").inner_text() == PDF_TITLE
    )
    quote = " ".join(card.locator("blockquote.quote").inner_text().split())
    context = open_context(card)
    assert card.locator("button.show").get_attribute("aria-expanded") == "true"
    assert " ".join(context.locator("mark.passage").inner_text().split()) == quote
    assert context.locator(".ctx-section").inner_text().startswith(card.locator("p.section").inner_text())
    assert context.locator(".ctx-p, .ctx-list li").count() >= 3
    image = context.locator(".ctx-page img")
    image.wait_for()
    chat.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    caption = context.locator("figcaption").inner_text()
    page_label = card.locator(".loc").inner_text().split("p. ")[-1]
    assert caption.startswith(f"Printed page {page_label} (page ") and caption.endswith("of the PDF)")
    png = base64.b64decode(str(image.get_attribute("src")).split("base64,", 1)[1])
    width, height = Image.open(io.BytesIO(png)).size
    assert yellow_share(png, (0, 0, width, height)) > 0.002, "the passage's lines are highlighted"
    assert yellow_share(png, (0, 0, width, height // 12)) == 0, "the running header is not"
    snapshot(card, "show-in-report", tmp_path)

    shown = context.locator(".ctx-p, .ctx-list li").count()
    context.locator("button[data-action='context-all']").click()
    chat.page.wait_for_function(
        "card => card.querySelector('.in-report')?.dataset.whole === 'true'", arg=card.element_handle()
    )
    assert card.locator(".in-report .ctx-p, .in-report .ctx-list li").count() > shown
    card.locator("button.pin").click()  # pinning draws the cards again: the context stays open
    chat.page.locator("#cards .pinned-count").wait_for()
    assert card.locator(".in-report[data-whole='true']").count() == 1
    card.locator("button.show").click()
    assert card.locator(".context-slot").is_hidden()
    assert card.locator("button.show").inner_text() == "Show in report"


def test_show_in_report_on_a_web_page_card_links_to_the_passage(chat: Chat) -> None:
    cards = chat.ask("detective shortages in Dorset")
    card = next(
        cards.nth(i) for i in range(cards.count()) if cards.nth(i).locator("h3").inner_text() == HTML_TITLE
    )
    context = open_context(card)
    link = context.locator(".ctx-web a")
    href = str(link.get_attribute("href"))
    assert href.startswith(HTML_URL + "#:~:text=") and link.get_attribute("target") == "_blank"
    assert context.locator(".ctx-page").count() == 0
    assert context.locator("cite").inner_text().endswith(f"({HTML_URL})")


def test_the_reports_tab_lists_the_library_and_the_damaged_file_and_opens_an_outline(
    chat: Chat, tmp_path: Path
) -> None:
    chat.page.get_by_role("tab", name="Reports").click()
    table = chat.page.locator("#library .lib-table")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 8
    pdf_row = chat.page.locator(f"#library tr[data-report='{PDF_ID}']")
    assert "PDF, 7 pages" in pdf_row.inner_text() and "Requires improvement" in pdf_row.inner_text()
    kent = chat.page.locator("#library tr[data-report='kent-peel-2016-effectiveness']").inner_text()
    for fact in (
        "Kent Police",
        "2016",
        "PEEL effectiveness",
        "Text",
        "justiceinspectorates.gov.uk",
        "Good",
    ):
        assert fact in kent
    skipped = chat.page.locator("#library .lib-skipped").inner_text()
    assert BAD_FILE in skipped and "is not a readable PDF" in skipped
    snapshot(chat.page.locator("#library"), "reports", tmp_path)

    pdf_row.locator("button.lib-open").click()
    outline = chat.page.locator(f"#library .lib-outline[data-report='{PDF_ID}']")
    outline.wait_for()
    headings = outline.locator("summary .lib-heading").all_inner_texts()
    assert headings[0] == "How effective is the force at keeping people safe and reducing crime?"
    assert "Areas for improvement" in headings
    assert "7 paragraphs" in outline.locator("summary").first.inner_text()
    section = outline.locator("details").filter(has_text="How effective is the force at investigating").first
    section.locator("summary").click()
    body = section.locator(".lib-section")
    body.get_by_text("detective shortages affect the quality of investigations").wait_for()
    assert body.locator("h4.lib-sub").inner_text().endswith("Areas for improvement")
    assert section.get_attribute("data-loaded") == "true"
    snapshot(outline, "outline", tmp_path)


def test_the_briefing_exports_context_sentences_and_footnote_citations_when_chosen(chat: Chat) -> None:
    import docx

    cards = chat.ask("detective shortages in Dorset")
    card = cards.first
    quote = " ".join(card.locator("blockquote.quote").inner_text().split())
    card.locator("button.pin").click()
    chat.page.locator("#cards .pinned-count").wait_for()
    chat.page.get_by_role("tab", name="Briefing").click()
    chat.page.get_by_label("Include the sentence before and after each quote").check()
    chat.page.get_by_label("As footnotes").check()
    chat.page.wait_for_timeout(1500)  # let the last option's export finish before downloading
    with chat.page.expect_download() as got:
        chat.page.locator("#download-docx").click()
    document = docx.Document(str(got.value.path()))
    texts = [p.text for p in document.paragraphs]
    at = texts.index(quote)
    assert texts[at - 1].startswith(("Context before: “", "From a list introduced by: “"))
    assert any(t.startswith("Context ") for t in texts[at - 2 : at + 2])
    assert not any(t.startswith("— ") for t in texts), "citations are footnotes, not lines under quotes"
    footnotes = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes")
    )
    assert HTML_TITLE.encode() in footnotes.blob

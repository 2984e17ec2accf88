""" "Show in report" and the Reports tab as HTML: what they show, escaped, and their server functions."""

from __future__ import annotations

import base64
import io
from dataclasses import replace

from PIL import Image

from assistant.context import passage_context
from assistant.outline import library_rows, report_outline
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.store.load import LoadedIndex
from assistant.ui import library_tab
from assistant.ui.context_view import PageImages, context_html, js_args, paragraphs_html, show_in_report
from assistant.ui.library_tab import outline_html, reports_html, section_html
from tests.support.browse import BAD_FILE, HTML_ID, PDF_ID
from tests.support.fakes import FakeEmbedder

HOSTILE = '<img src=x onerror="alert(1)"> {{x}} ${y}'


def pid(index: LoadedIndex, report: str, text: str) -> str:
    return next(p.id for p in index.table if p.report_id == report and text in p.text)


def test_a_pdf_card_opens_on_its_section_and_its_page_image(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    target = pid(browse_index, PDF_ID, "detective shortages")
    html = show_in_report(browse_index, browse_settings.corpus, PageImages(), target)
    assert html.startswith(
        f'<section class="in-report" aria-label="Passage in its report" data-id="{target}"'
    )
    assert '<mark class="passage" title="The quoted passage">detective shortages affect' in html
    assert "Weaknesses include:" in html and "Requires improvement" in html
    assert 'data-action="context-all"' in html and "Show the whole section" in html
    label = next(p.page_label for p in browse_index.table if p.id == target)
    assert f"<figcaption>Printed page {label} (page " in html
    data = html.split('src="data:image/png;base64,')[1].split('"')[0]
    assert Image.open(io.BytesIO(base64.b64decode(data))).format == "PNG"
    whole = show_in_report(browse_index, browse_settings.corpus, PageImages(), target, True)
    assert (
        'data-whole="true"' in whole
        and "context-all" not in whole
        and whole.count("<li>") > html.count("<li>")
    )


def test_a_web_page_card_links_to_the_passage_and_mistakes_are_a_sentence(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    target = pid(browse_index, HTML_ID, "detective shortages")
    html = show_in_report(browse_index, browse_settings.corpus, PageImages(), target)
    assert 'target="_blank" rel="noopener noreferrer">Open the web page at this passage</a>' in html
    assert "#:~:text=detective%20shortages" in html and "<figure" not in html
    bad = show_in_report(browse_index, browse_settings.corpus, PageImages(), "<script>")
    assert bad.startswith('<p class="ctx-note" role="alert">no passage with id') and "<script>" not in bad


def test_report_text_is_escaped_in_the_context(browse_index: LoadedIndex) -> None:
    ctx = passage_context(browse_index, pid(browse_index, HTML_ID, "detective shortages"))
    hostile = replace(ctx, passage=replace(ctx.passage, text=HOSTILE, section_path=(HOSTILE,)))
    html = context_html(hostile, "the file <b>moved</b>")
    assert "<img" not in html and "{{" not in html and "${" not in html
    assert "No page image: the file &lt;b&gt;moved&lt;/b&gt;" in html
    assert "<img" not in paragraphs_html([hostile.passage], hostile.passage.id)


def test_server_functions_take_the_scripts_arguments_as_one_list() -> None:
    assert js_args(["a", True], 2) == ["a", True]
    assert js_args("a", 2) == ["a", None]
    assert js_args(["a", 1, 2], 2) == ["a", 1]


def test_the_reports_tab_lists_reports_unreadable_files_outlines_and_sections(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    rows, skipped = library_rows(browse_index, browse_settings.corpus)
    html = reports_html(rows, skipped)
    assert html.startswith(f'<h2 class="lib-title">{len(rows)} reports in the library</h2>')
    assert html.count('data-action="outline"') == len(rows)
    assert f"<code>{BAD_FILE}</code>: is not a readable PDF" in html
    assert "PDF, 7 pages" in html and "Web page" in html and ">justiceinspectorates.gov.uk</a>" in html
    meta, entries = report_outline(browse_index, PDF_ID)
    outline = outline_html(meta, entries)
    assert outline.count("<details") == len(entries) and "Requires improvement" in outline
    investigating = next(i for i, e in enumerate(entries) if "investigating" in e.heading and e.level == 1)
    section = section_html(browse_index, PDF_ID, investigating)
    assert "detective shortages affect the quality" in section and '<h4 class="lib-sub">' in section
    hostile = replace(rows[0], title=HOSTILE, path=HOSTILE)
    assert "<img" not in reports_html([hostile], [])


def test_the_tabs_server_functions_answer_mistakes_with_a_sentence(browse_settings: Settings) -> None:
    assistant = Assistant.open(
        browse_settings, query_embedder=FakeEmbedder(), log=lambda _m: None, progress=False
    )
    reports_list, outline, section = library_tab.server_functions(assistant)
    assert "reports in the library" in reports_list(None)
    assert outline([PDF_ID]).startswith('<section class="lib-outline"')
    assert outline(["narnia"]).startswith('<p class="ctx-note" role="alert">no report matched')
    assert "not a heading number 999" in section([PDF_ID, 999])
    assert "not a heading number -1" in section([PDF_ID, "1"])

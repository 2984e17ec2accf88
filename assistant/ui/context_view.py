""" "Show in report" on a card: the passage in its section, as escaped HTML.

The card's script asks the server for it (a Gradio server function, no queue) and puts it into
the card: heading path and grade, the paragraphs around the passage (or the whole section)
with the passage highlighted, its citation; for a web page the address at the passage (text
fragment link); for a PDF the page itself with the passage's lines highlighted and its printed
page number. Library functions do the work (:mod:`assistant.context`, :mod:`assistant.pdf_pages`);
this module only marks it up, and turns every failure into a sentence that says what to do.
"""

from __future__ import annotations

import base64
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.context import DEFAULT_CONTEXT, PassageContext, passage_context
from assistant.errors import AssistantError
from assistant.grades import WORDS
from assistant.pdf_pages import PageMark, PdfView, pdf_view, render_page
from assistant.records import Passage
from assistant.service import Assistant
from assistant.store.load import LoadedIndex
from assistant.ui.cards import esc, grade_badge

PAGE_CACHE = 32
"""Rendered PDF views kept (per passage): opening a context again, or expanding it, reuses them."""


class PageImages:
    """PDF page views with their images, by passage and file state, least recently used out first."""

    def __init__(self, size: int = PAGE_CACHE) -> None:
        self._items: OrderedDict[tuple[object, ...], tuple[PdfView, tuple[bytes, ...]]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, index: LoadedIndex, corpus: Path, ctx: PassageContext) -> tuple[PdfView, tuple[bytes, ...]]:
        key = (index.version.name, ctx.passage.id)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        view = pdf_view(index, corpus, ctx)
        value = (view, tuple(render_page(view.file, mark) for mark in view.located.marks))
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


def _where(p: Passage) -> str:
    return f"¶{p.paragraph}" + (f", bullet {p.bullet}" if p.bullet is not None else "")


def _block(p: Passage, target: str) -> str:
    text = esc(p.text)
    if p.id == target:
        text = f'<mark class="passage" title="The quoted passage">{text}</mark>'
    cls = "ctx-block ctx-target" if p.id == target else "ctx-block"
    return (
        f'<span class="ctx-loc" aria-hidden="true">{esc(_where(p))}</span> <span class="{cls}">{text}</span>'
    )


def paragraphs_html(passages: Sequence[Passage], target: str) -> str:
    """Passages as paragraphs, a list's bullets grouped under their paragraph, the target marked."""
    out = []
    for _, group in itertools.groupby(passages, key=lambda p: (p.section_path, p.paragraph)):
        items = list(group)
        lead = [p for p in items if p.bullet is None]
        bullets = [p for p in items if p.bullet is not None]
        out += [f'<p class="ctx-p">{_block(p, target)}</p>' for p in lead]
        if bullets:
            lis = "".join(f"<li>{_block(p, target)}</li>" for p in bullets)
            out.append(f'<ul class="ctx-list">{lis}</ul>')
    return "".join(out)


def _grade(ctx: PassageContext) -> str:
    """The section's grade as the report states it, with where it is stated on hover."""
    g = ctx.grade
    if g is None or g.grade is None:
        return (
            grade_badge(ctx.passage.grade)
            if ctx.passage.grade
            else '<span class="grade grade-none">No grade stated</span>'
        )
    where = g.citation(ctx.report.title)
    note = " (stated in the text)" if g.stated == WORDS else ""
    return f'<span title="{esc(where)}">{grade_badge(g.grade)}{esc(note)}</span>'


def _page_html(view: PdfView, mark: PageMark, image: bytes) -> str:
    label = view.labels.get(mark.page)
    printed = f"Printed page {esc(label)} (page {mark.page} of the PDF)" if label else f"Page {mark.page}"
    data = base64.b64encode(image).decode("ascii")
    return (
        f'<figure class="ctx-page" data-page="{mark.page}">'
        f'<img src="data:image/png;base64,{data}" alt="{printed} with the passage highlighted" '
        f"><figcaption>{printed}</figcaption></figure>"
    )


def context_html(ctx: PassageContext, pdf: tuple[PdfView, tuple[bytes, ...]] | str | None = None) -> str:
    """The context panel for one card (see the module docstring); ``pdf`` is the page view, or why
    there is none."""
    p = ctx.passage
    section = " › ".join(esc(s) for s in p.section_path) or "(before the first heading)"
    shown = len({q.paragraph for q in ctx.shown})
    parts = [
        f'<section class="in-report" aria-label="Passage in its report" data-id="{esc(p.id)}"'
        f' data-whole="{str(ctx.context is None).lower()}">',
        f'<p class="ctx-section">{section} {_grade(ctx)}</p>',
        f'<div class="ctx-text">{paragraphs_html(ctx.shown, p.id)}</div>',
    ]
    if shown < ctx.paragraphs:
        parts.append(
            f'<p class="ctx-more">{shown} of the section’s {ctx.paragraphs} paragraphs shown. '
            f'<button type="button" data-action="context-all" data-id="{esc(p.id)}">'
            "Show the whole section</button></p>"
        )
    elif ctx.context is None and ctx.paragraphs > 2 * DEFAULT_CONTEXT + 1:
        parts.append(
            f'<p class="ctx-more">The whole section. <button type="button" data-action="context-less" '
            f'data-id="{esc(p.id)}">Show less</button></p>'
        )
    parts.append(f'<p class="citation"><cite>{esc(ctx.citation)}</cite></p>')
    if ctx.web_link:
        parts.append(
            f'<p class="ctx-web"><a href="{esc(ctx.web_link)}" target="_blank" rel="noopener noreferrer">'
            "Open the web page at this passage</a></p>"
        )
    if isinstance(pdf, str):
        parts.append(f'<p class="ctx-note">No page image: {esc(pdf)}</p>')
    elif pdf is not None:
        view, images = pdf
        if not view.located.marks:
            parts.append('<p class="ctx-note">The passage was not found on its page of the PDF.</p>')
        parts += [_page_html(view, m, img) for m, img in zip(view.located.marks, images, strict=True)]
    parts.append("</section>")
    return "".join(parts)


def error_html(message: str) -> str:
    return f'<p class="ctx-note" role="alert">{esc(message)}</p>'


def show_in_report(
    index: LoadedIndex, corpus: Path, pages: PageImages, passage_id: object, whole: object = False
) -> str:
    """The HTML for one "Show in report" click: the passage in context, or a one-line reason."""
    try:
        ctx = passage_context(index, passage_id, None if whole is True else DEFAULT_CONTEXT)
    except AssistantError as exc:
        return error_html(str(exc))
    pdf: tuple[PdfView, tuple[bytes, ...]] | str | None = None
    if ctx.report.format == "pdf":
        try:
            pdf = pages.get(index, corpus, ctx)
        except AssistantError as exc:
            pdf = str(exc)
    return context_html(ctx, pdf)


def js_args(data: Any, count: int) -> list[Any]:
    """The arguments a page script passed to a server function, padded with None to ``count``.

    Gradio hands a server function everything the script passed as one list (``server.f(a, b)``
    arrives as ``[a, b]``); a bare value is one argument.
    """
    values = list(data) if isinstance(data, list | tuple) else [data]
    return (values + [None] * count)[:count]


def server_function(assistant: Assistant) -> Callable[[Any], str]:
    """``show_context(passage_id, whole)`` for the cards' page script (a Gradio server function)."""
    pages = PageImages()

    def show_context(data: Any) -> str:
        passage_id, whole = js_args(data, 2)
        return show_in_report(assistant.live.get(), assistant.settings.corpus, pages, passage_id, whole)

    return show_context

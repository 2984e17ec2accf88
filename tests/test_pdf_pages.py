"""Passages found on their PDF pages (letter-and-digit skeleton), their lines boxed and the page drawn."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.context import passage_context
from assistant.errors import NotFoundError, StoreError
from assistant.pdf_pages import FILL, line_boxes, locate, longest_prefix, pdf_view, render_page, skeleton
from assistant.settings import Settings
from assistant.store.load import LoadedIndex
from tests.support.browse import HTML_ID, PDF_ID


def test_the_skeleton_keeps_letters_and_digits_and_where_each_came_from() -> None:
    text, where = skeleton(["ﬁ", "r", "e", "-", " ", "A", "1", "’"])
    assert text == "firea1"
    assert where == [0, 0, 1, 2, 5, 6]


def test_the_longest_prefix_is_found_by_bisection() -> None:
    assert longest_prefix("xxabcdyy", "abcz") == (2, 3)
    assert longest_prefix("xxabcdyy", "abcd") == (2, 4)
    assert longest_prefix("xx", "ab") == (-1, 0)


def test_one_box_per_line_around_the_chosen_characters() -> None:
    boxes = [(0.0, 0.0, 5.0, 10.0), (5.0, 0.0, 10.0, 10.0), (0.0, 12.0, 5.0, 22.0), (5.0, 12.0, 10.0, 22.0)]
    assert line_boxes([0, 0, 1, 1], boxes, [1, 2]) == ((4.0, -1.0, 11.0, 11.0), (-1.0, 11.0, 6.0, 23.0))


def test_every_passage_of_the_pdf_is_found_whole_on_its_pages(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    pdf = browse_settings.corpus / f"{PDF_ID}.pdf"
    passages = [p for p in browse_index.table if p.report_id == PDF_ID]
    over_a_break = 0
    for p in passages:
        assert p.page is not None
        found = locate(pdf, p.page, p.text)
        assert found.complete, p.text
        assert [m.page for m in found.marks] == list(range(p.page, p.page + len(found.marks)))
        over_a_break += len(found.marks) > 1
        for mark in found.marks:
            assert mark.boxes
            for x0, top, x1, bottom in mark.boxes:
                assert 0 <= x0 < x1 <= mark.width and 0 <= top < bottom <= mark.height
    assert over_a_break >= 1, "the fixture has paragraphs running over a page break"


def test_the_page_image_shows_the_passage_lines_highlighted(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    target = next(p for p in browse_index.table if p.report_id == PDF_ID and "detective shortages" in p.text)
    view = pdf_view(browse_index, browse_settings.corpus, passage_context(browse_index, target.id))
    assert view.located.complete and len(view.located.marks) == 1
    mark = view.located.marks[0]
    assert view.labels[mark.page] == target.page_label
    image = Image.open(io.BytesIO(render_page(view.file, mark, width=600))).convert("RGB")
    assert image.width == 600
    scale = image.width / mark.width
    x0, top, x1, bottom = mark.boxes[0]
    inside = image.crop(
        (int(x0 * scale) + 2, int(top * scale) + 2, int(x1 * scale) - 2, int(bottom * scale) - 2)
    )
    outside = image.crop((0, 0, image.width, int(top * scale) - 4))

    def yellowish(img: Image.Image) -> int:
        rgb = np.asarray(img, dtype=np.int32)
        return int(((rgb[..., 0] > 200) & (rgb[..., 1] > 170) & (rgb[..., 2] < 170)).sum())

    assert yellowish(inside) > 0.3 * inside.width * inside.height, "the passage's line is highlighted"
    assert yellowish(outside) == 0, "nothing above the passage is"
    assert FILL[:3] == (255, 200, 0)


def test_a_changed_or_missing_file_is_not_drawn_and_other_formats_have_no_page(
    browse_settings: Settings, browse_index: LoadedIndex, tmp_path: Path
) -> None:
    target = next(p for p in browse_index.table if p.report_id == PDF_ID)
    ctx = passage_context(browse_index, target.id)
    pdf = browse_settings.corpus / f"{PDF_ID}.pdf"
    stat = pdf.stat()
    try:
        os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        with pytest.raises(StoreError, match="has changed since it was indexed; run `assistant index`"):
            pdf_view(browse_index, browse_settings.corpus, ctx)
    finally:
        os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    html = next(p for p in browse_index.table if p.report_id == HTML_ID)
    with pytest.raises(NotFoundError, match="not from a PDF page"):
        pdf_view(browse_index, browse_settings.corpus, passage_context(browse_index, html.id))
    with pytest.raises(NotFoundError, match=r"has \d+ pages, not a page 99"):
        locate(pdf, 99, target.text)

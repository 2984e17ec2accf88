"""Briefing export options: the sentences around each quote, and Word footnotes for citations."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as etree
import zipfile
from pathlib import Path

import docx
import pytest

from assistant.briefing import Briefing
from assistant.briefing_export import to_docx, to_markdown
from assistant.docx_notes import CONTENT_TYPE, PARTNAME
from assistant.records import Passage, ReportMeta
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.ui.session import ChatLogic
from tests.support.fakes import FakeEmbedder

MET = ReportMeta("met", "Metropolitan PEEL 2017", force="Metropolitan Police Service", year=2017)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def passage(
    pid: str, text: str, paragraph: int, bullet: int | None = None, lead_in: str | None = None
) -> Passage:
    return Passage(pid, "met", MET.title, ("Investigating",), "Good", paragraph, bullet, 0, 1, text, lead_in)


def briefing(**options: bool) -> Briefing:
    b = Briefing("Note")
    b = b.pin(
        passage("a", "Detective shortages persist.", 2), "Detectives", ("The force is busy.", "It must act.")
    )
    b = b.pin(
        passage("b", "victims wait", 3, 2, "Weaknesses include:"), "Victims", ("calls go unanswered", None)
    )
    return b.with_options(**options)


def test_context_sentences_are_shown_only_when_asked_and_marked_as_context() -> None:
    plain = to_markdown(briefing(), {"met": MET})
    assert "Context before" not in plain and "Context after" not in plain
    text = to_markdown(briefing(context=True), {"met": MET})
    lines = [line for line in text.splitlines() if line]
    quote = lines.index("> Detective shortages persist.")
    assert lines[quote - 1] == "_Context before: “The force is busy.”_"
    assert lines[quote + 1] == "_Context after: “It must act.”_"
    bullet = lines.index("> victims wait")
    assert lines[bullet - 2 : bullet] == [
        "_From a list introduced by: “Weaknesses include:”_",
        "_Context before: “calls go unanswered”_",
    ]
    assert lines[bullet + 1].startswith("— Metropolitan PEEL 2017 › Investigating › ¶3, bullet 2")


def test_options_and_sentences_survive_the_browsers_copy_and_old_copies_still_load() -> None:
    b = briefing(context=True, footnotes=True)
    again = Briefing.from_dict(b.to_dict())
    assert again == b and again.pins[0].before == "The force is busy." and again.footnotes
    old = {"title": "Old", "pins": [{"passage": b.pins[0].passage.to_dict(), "heading": "H"}]}
    loaded = Briefing.from_dict(old)
    assert (loaded.context, loaded.footnotes, loaded.pins[0].before, loaded.pins[0].after) == (
        False,
        False,
        "",
        "",
    )
    assert b.with_options(context=False) == briefing(footnotes=True)


def test_word_footnotes_cite_each_quote_and_the_default_stays_inline() -> None:
    inline = docx.Document(io.BytesIO(to_docx(briefing(), {"met": MET})))
    assert sum(p.text.startswith("— Metropolitan PEEL 2017") for p in inline.paragraphs) == 2
    data = to_docx(briefing(footnotes=True, context=True), {"met": MET})
    doc = docx.Document(io.BytesIO(data))
    assert not any(p.text.startswith("— ") for p in doc.paragraphs)
    quotes = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Quote"]
    refs = [int(r.get(f"{W}id")) for q in quotes for r in q._p.iter(f"{W}footnoteReference")]
    assert refs == [1, 2]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        notes = etree.fromstring(z.read(PARTNAME.lstrip("/")))
    assert f'PartName="{PARTNAME}" ContentType="{CONTENT_TYPE}"' in types
    assert "relationships/footnotes" in rels and 'Target="footnotes.xml"' in rels
    footnotes = {
        int(n.get(f"{W}id") or ""): "".join(n.itertext()).strip() for n in notes.iter(f"{W}footnote")
    }
    assert set(footnotes) == {-1, 0, 1, 2}
    assert footnotes[1] == "Metropolitan PEEL 2017 › Investigating › ¶2 · Grade: Good [1]"
    assert footnotes[2] == "Metropolitan PEEL 2017 › Investigating › ¶3, bullet 2 · Grade: Good [1]"
    styles = {s.name for s in doc.styles}
    assert {"Footnote Text", "Footnote Reference"} <= styles


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (Debian's libreoffice-writer) is not installed"
)
def test_libreoffice_opens_the_footnoted_file_and_prints_the_notes(tmp_path: Path) -> None:
    import pdfplumber

    source = tmp_path / "note.docx"
    source.write_bytes(to_docx(briefing(footnotes=True), {"met": MET}))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    with pdfplumber.open(tmp_path / "note.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "1 Metropolitan PEEL 2017 › Investigating › ¶2 · Grade: Good [1]" in text
    assert "2 Metropolitan PEEL 2017 › Investigating › ¶3, bullet 2 · Grade: Good [1]" in text


def test_a_pin_keeps_the_sentences_around_its_passage(browse_settings: Settings) -> None:
    assistant = Assistant.open(
        browse_settings, query_embedder=FakeEmbedder(), log=lambda _m: None, progress=False
    )
    logic = ChatLogic(assistant)
    index = assistant.live.get()
    rows = [p for p in index.table if p.report_id == "kent-peel-2016-effectiveness"]
    target = next(i for i, p in enumerate(rows) if p.text.startswith("detective shortages"))
    before, after = logic.around(rows[target].id)
    assert before is not None and rows[target - 1].text.endswith(before)
    assert after is not None and rows[target + 1].text.startswith(after)
    assert logic.around("0123456789abcdef") == (None, None)

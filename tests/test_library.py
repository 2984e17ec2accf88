"""Uploads and scripted adds: checks by content, size limit, safe names, indexing without restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import CorpusError, IngestError
from assistant.library import UPLOADS, add_reports, add_upload, remove_report, safe_name
from assistant.settings import Settings
from assistant.store import LiveIndex, open_index, update_index
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, html_page, write_pdf

KENT = Variant("Kent", 2019)


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def indexed(settings: Settings, fake: FakeEmbedder) -> Settings:
    update_index(settings, embedder=fake, progress=False, log=quiet)
    return settings


def upload(settings: Settings, fake: FakeEmbedder, name: str, data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "gradio-tmp-upload"
    source.write_bytes(data)
    return add_upload(settings, name, source, quiet, embedder=fake)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\Met Report (final).PDF", "Met-Report-(final).pdf"),
        (".hidden.html", "hidden.html"),
        ("rapport été 2019.docx", "rapport-été-2019.docx"),
        ("", "report"),
        ("..", "report"),
        ("a/b/\x00evil;rm -rf.md", "evil-rm-rf.md"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_safe_name(given: str, safe: str) -> None:
    assert safe_name(given) == safe
    assert "/" not in safe_name(given) and not safe_name(given).startswith(".")


def test_upload_is_indexed_and_a_live_index_switches_to_it(
    indexed: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    live = LiveIndex(indexed, open_index(indexed.index), check_every=0)
    before = len(live.get())
    message = upload(indexed, fake, "../../Kent report.html", html_page(KENT).encode(), tmp_path)
    assert message.startswith("Added Kent PEEL 2019 (83 passages).") and "1 added" in message
    assert (indexed.corpus / UPLOADS / "Kent-report.html").is_file()
    after = live.get()
    assert len(after) == before + 83
    kent = after.reports["uploads-kent-report"]
    assert (kent.force, kent.year) == ("Kent Police", 2019)


def test_type_is_judged_by_content(indexed: Settings, fake: FakeEmbedder, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    write_pdf(pdf, KENT)
    message = upload(indexed, fake, "kent.txt", pdf.read_bytes(), tmp_path)
    assert "Added Kent PEEL 2019" in message
    assert (indexed.corpus / UPLOADS / "kent.pdf").is_file()
    with pytest.raises(IngestError, match=r"fake\.pdf: is named \.pdf but its content is not a PDF"):
        upload(indexed, fake, "fake.pdf", b"Just some text pretending.\n", tmp_path)
    with pytest.raises(IngestError, match="binary file of a type that is not supported"):
        upload(indexed, fake, "tool.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, tmp_path)


def test_refusals_change_nothing(indexed: Settings, fake: FakeEmbedder, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    c.rect(72, 72, 400, 600, fill=1)
    c.save()
    version = open_index(indexed.index).version
    embedded = fake.texts_embedded
    with pytest.raises(IngestError, match=r"scan\.pdf: no extractable text — OCR is not supported"):
        upload(indexed, fake, "scan.pdf", scan.read_bytes(), tmp_path)
    small = replace(indexed, max_upload_mb=0)
    with pytest.raises(IngestError, match=r"limit is 0 MB \(setting max_upload_mb\)"):
        upload(small, fake, "kent.html", html_page(KENT).encode(), tmp_path)
    with pytest.raises(IngestError, match="empty"):
        upload(indexed, fake, "empty.md", b"  \n", tmp_path)
    assert not (indexed.corpus / UPLOADS).exists() or not any((indexed.corpus / UPLOADS).iterdir())
    assert open_index(indexed.index).version == version
    assert fake.texts_embedded == embedded


def test_same_content_is_not_added_twice_and_names_never_clash(
    indexed: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    page = html_page(KENT).encode()
    upload(indexed, fake, "kent.html", page, tmp_path)
    assert "already in the library as Kent PEEL 2019" in upload(indexed, fake, "copy.html", page, tmp_path)
    other = html_page(Variant("Surrey", 2018)).encode()
    upload(indexed, fake, "kent.html", other, tmp_path)
    assert sorted(p.name for p in (indexed.corpus / UPLOADS).iterdir()) == ["kent-2.html", "kent.html"]


def test_add_and_remove_for_scripts(indexed: Settings, fake: FakeEmbedder, tmp_path: Path) -> None:
    outside = tmp_path / "incoming"
    outside.mkdir()
    good = outside / "kent.md"
    good.write_text("# Kent PEEL 2019\n\n## Question?\n\nA paragraph.\n", "utf-8")
    bad = outside / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    with pytest.raises(IngestError, match=r"bad\.pdf"):
        add_reports(indexed, [good, bad], log=quiet)
    assert not (indexed.corpus / "kent.md").exists()  # nothing copied when one file is refused
    with pytest.raises(CorpusError, match="no report matched 'nope'"):
        remove_report(indexed, "nope", log=quiet)


def test_an_upload_that_cannot_be_indexed_leaves_the_corpus_as_it_was(
    indexed: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    from assistant.errors import StoreLockedError
    from assistant.store import layout

    with layout.writer_lock(indexed.index), pytest.raises(StoreLockedError):
        upload(indexed, fake, "kent.html", html_page(KENT).encode(), tmp_path)
    assert not list((indexed.corpus / UPLOADS).glob("*.html"))
    update_index(indexed, embedder=fake, progress=False, log=quiet)
    assert {e.id for e in open_index(indexed.index).reports.values()} == {
        "metropolitan-peel-2017-effectiveness"
    }

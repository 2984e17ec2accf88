"""A library of several generated reports (different forces, years and formats): metadata read
from the documents, filters, the same answer whatever the format, incremental updates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.retrieval.filters import Filters
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.store import LiveIndex, UpdateResult, open_index, update_index
from tests.support.corpus import settings_for
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import MET, Variant, html_page, write_all, write_pdf

LIBRARY = {
    "pdf": MET,
    "html": Variant("Kent", 2019),
    "docx": Variant("Surrey", 2018),
    "md": Variant("Durham", 2018),
}
SHORTAGES = "detective shortages affect the quality of investigations; and"


def quiet(_message: str) -> None:
    pass


def make_library(corpus: Path) -> None:
    """One report per format, each of another force and no sidecar files."""
    for fmt, variant in LIBRARY.items():
        write_all(corpus, variant, (fmt,))


@pytest.fixture
def library(tmp_path: Path) -> Settings:
    settings = settings_for(tmp_path / "corpus", tmp_path / "index")
    make_library(settings.corpus)
    return settings


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=quiet)


def test_metadata_is_read_from_each_document(library: Settings, fake: FakeEmbedder) -> None:
    result = build(library, fake)
    assert result.embedded == 4 * 83 and not result.failures
    reports = open_index(library.index).reports
    found = {(m.format, m.force, m.year) for m in reports.values()}
    assert found == {
        ("pdf", "Metropolitan Police Service", 2017),
        ("html", "Kent Police", 2019),
        ("docx", "Surrey Police", 2018),
        ("markdown", "Durham Constabulary", 2018),
    }


def test_filters_and_the_same_passage_from_every_format(library: Settings, fake: FakeEmbedder) -> None:
    assistant = Assistant.open(library, log=quiet, query_embedder=fake, build_embedder=fake, progress=False)
    reports = {m.format: m for m in assistant.reports()}
    for fmt, meta in reports.items():
        top = assistant.ask("detective shortages", k=3, filters=Filters(report=(meta.id,))).hits[0].passage
        assert (top.report_id, top.text, top.paragraph, top.bullet) == (meta.id, SHORTAGES, 2, 3), fmt
        assert (top.page is not None) == (fmt == "pdf")
    hits = assistant.ask("detective shortages", k=10, filters=Filters(force=("Kent",))).hits
    assert hits and {h.passage.report_id for h in hits} == {reports["html"].id}
    hits = assistant.ask("detective shortages", k=10, filters=Filters(year=(2018,))).hits
    assert {h.passage.report_id for h in hits} <= {reports["docx"].id, reports["markdown"].id}
    hits = assistant.ask("mental health", k=10, filters=Filters(section=("vulnerable",), year=(2017,))).hits
    assert hits and all("vulnerable" in h.passage.section_path[0] for h in hits)
    assert {h.passage.report_id for h in hits} == {reports["pdf"].id}


def test_incremental_updates_embed_only_what_changed(
    library: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    build(library, fake)
    # Adding a report costs at most what indexing that report alone costs: its units whose
    # wording the library already holds come from the vector cache.
    alone = settings_for(tmp_path / "alone", tmp_path / "alone-index")
    essex = Variant("Essex", 2020)
    alone.corpus.mkdir(parents=True)
    write_pdf(alone.corpus / "essex.pdf", essex)
    solo = FakeEmbedder()
    build(alone, solo)
    before = fake.texts_embedded
    write_pdf(library.corpus / "essex.pdf", essex)
    result = build(library, fake)
    assert result.plan.added == ("essex.pdf",) and len(result.plan.unchanged) == 4
    assert result.embedded == 83 and result.units == solo.texts_embedded
    assert fake.texts_embedded - before == result.units_encoded == result.units - result.units_cached
    assert 0 < result.units_encoded < solo.texts_embedded  # the force's name is new; stock wording is not
    # Editing one report re-embeds that report only.
    kent = library.corpus / f"{LIBRARY['html'].slug}.html"
    kent.write_text(html_page(LIBRARY["html"]).replace("innovative approaches", "new approaches"), "utf-8")
    result = build(library, fake)
    assert result.plan.updated == (kent.name,) and result.embedded == 83 and result.passage_count == 5 * 83
    # Removing one drops its passages and embeds nothing; a second run does nothing at all.
    (library.corpus / "essex.pdf").unlink()
    before = fake.texts_embedded
    result = build(library, fake)
    assert result.plan.removed == ("essex.pdf",) and result.embedded == 0 and result.passage_count == 4 * 83
    assert not build(library, fake).plan.changed and fake.texts_embedded == before


def test_a_corrupt_file_is_skipped_by_name_and_the_rest_indexes(
    library: Settings, fake: FakeEmbedder
) -> None:
    (library.corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n%garbage that is not a PDF body\n")
    (library.corpus / "scan.pdf").write_bytes(_scan())
    result = build(library, fake)
    assert sorted(Path(f.path).name for f in result.failures) == ["broken.pdf", "scan.pdf"]
    assert any("OCR is not supported" in f.reason for f in result.failures)
    assert result.passage_count == 4 * 83


def _scan() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.rect(72, 72, 400, 600, fill=1)
    c.save()
    return buffer.getvalue()


def test_live_index_switches_to_a_version_published_by_another_writer(
    library: Settings, fake: FakeEmbedder
) -> None:
    build(library, fake)
    live = LiveIndex(library, open_index(library.index), check_every=0)
    old = live.get()
    write_pdf(library.corpus / "essex.pdf", Variant("Essex", 2020))
    build(library, fake)  # as `assistant index` in another process would
    new = live.get()
    assert new.version != old.version and len(new) == len(old) + 83
    assert any(m.force == "Essex Police" for m in new.reports.values())


@pytest.mark.slow
def test_real_model_cites_the_pdf_page_for_detective_shortages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's acceptance check: PDF, HTML and Word fixtures in corpus/, `assistant index`,
    then `assistant ask "detective shortages" --json` cites the PDF with the right page."""
    from assistant.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    truth = write_pdf(corpus / "met-2017.pdf")
    write_all(corpus, Variant("Kent", 2019), ("html",))
    write_all(corpus, Variant("Surrey", 2018), ("docx",))
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["index", *args]) == 0
    assert "3 added" in capsys.readouterr().out
    assert main(["ask", "detective shortages", "--json", "--k", "5", *args]) == 0
    assert json.loads(capsys.readouterr().out)["passages"][0]["text"] == SHORTAGES
    # Identical passages of the three files are demoted as restatements of each other, so ask
    # each report in turn: the same question finds the same passage in every format.
    for title in ("Metropolitan PEEL 2017", "Kent PEEL 2019", "Surrey PEEL 2018"):
        assert main(["ask", "detective shortages", "--json", "--report", title, *args]) == 0
        top = json.loads(capsys.readouterr().out)["passages"][0]
        assert (top["report"], top["text"], top["paragraph"], top["bullet"]) == (title, SHORTAGES, 2, 3)
        if title.startswith("Metropolitan"):  # the printed page; the cover page is unnumbered
            assert top["page_label"] == truth.pages[SHORTAGES][0] == str(top["page"] - 1)
            assert top["citation"].endswith(f"› ¶2, bullet 3, p. {top['page_label']}")
        else:
            assert top["page"] is None and top["page_label"] is None

"""``assistant reports``, ``show`` and ``outline`` as users run them, over an index with a damaged file."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from assistant.settings import Settings
from assistant.store.load import LoadedIndex
from tests.support.browse import BAD_FILE, HTML_ID, PDF_ID
from tests.test_cli import run, where

MANIFEST_KEYS = {"id", "path", "fingerprint", "size", "mtime_ns", "passages", "meta", "grades"}
BROWSE_KEYS = {"title", "force", "year", "inspection", "format", "pages", "source_url", "indexed"}


def passage(index: LoadedIndex, report: str, text: str) -> str:
    return next(p.id for p in index.table if p.report_id == report and text in p.text)


def test_reports_json_keeps_the_manifest_keys_adds_the_facts_and_names_unreadable_files(
    browse_settings: Settings,
) -> None:
    proc = run("reports", "--json", *where(browse_settings))
    rows = json.loads(proc.stdout)
    assert all(row.keys() >= MANIFEST_KEYS | BROWSE_KEYS for row in rows)
    pdf = next(r for r in rows if r["id"] == PDF_ID)
    assert pdf["format"] == "pdf" and pdf["pages"] == 7 and pdf["meta"]["title"] == pdf["title"]
    assert f"Could not read {BAD_FILE}: is not a readable PDF" in proc.stderr
    text = run("reports", *where(browse_settings)).stdout
    assert "kent-peel-2016-effectiveness\tKent PEEL 2016 — Effectiveness\tKent Police\t2016\t" in text


def test_show_prints_the_passage_in_its_section_and_json_with_its_context(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    pid = passage(browse_index, HTML_ID, "detective shortages")
    out = run("show", pid, "--context", "1", *where(browse_settings)).stdout
    assert "Grade: Requires improvement" in out and "Weaknesses include:" in out
    assert "> ¶2.3   • detective shortages affect the quality of investigations; and" in out
    assert "Web page at this passage: https://" in out and "#:~:text=detective%20shortages" in out
    data = json.loads(run("show", pid, "--json", "--section", *where(browse_settings)).stdout)
    assert data["id"] == pid and data["context"] is None and "pdf" not in data
    section = [*data["before"], {"id": pid}, *data["after"]]
    assert len({b["id"] for b in section}) == len(section) and len(section) > 10


def test_show_writes_the_pdf_page_with_the_passage_highlighted(
    browse_settings: Settings, browse_index: LoadedIndex, tmp_path: Path
) -> None:
    pid = passage(browse_index, PDF_ID, "detective shortages")
    image = tmp_path / "page.png"
    proc = run("show", pid, "--json", "--page-image", str(image), *where(browse_settings))
    data = json.loads(proc.stdout)
    page = data["pdf"]["pages"][0]
    assert (
        data["pdf"]["complete"] and page["page"] == data["page"] and page["page_label"] == data["page_label"]
    )
    assert page["boxes"] and f"with the passage highlighted to {image}" in proc.stderr
    assert Image.open(io.BytesIO(image.read_bytes())).format == "PNG"
    text = run("show", pid, *where(browse_settings)).stdout
    assert f"p. {data['page_label']} (page {data['page']} of the file)" in text


def test_outline_lists_headings_and_prints_a_section(browse_settings: Settings) -> None:
    out = run("outline", "Kent PEEL 2016 — Effectiveness", *where(browse_settings)).stdout
    lines = out.splitlines()
    assert lines[0] == "Kent PEEL 2016 — Effectiveness, Kent Police, 2016"
    assert (
        "How effective is the force at investigating crime and reducing re-offending?  [Requires improvement]"
        in out
    )
    assert "  Areas for improvement  [Requires improvement]  (1 ¶)" in lines
    section = run(
        "outline",
        "kent-peel-2016-effectiveness",
        "--section",
        "how effective is the force at investigating",
        *where(browse_settings),
    ).stdout
    assert section.startswith("How effective is the force at investigating crime and reducing re-offending?")
    assert "¶2.3    • detective shortages affect the quality of investigations; and" in section
    data = json.loads(run("outline", PDF_ID, "--json", *where(browse_settings)).stdout)
    assert data["report"]["id"] == PDF_ID and data["outline"][0]["level"] == 1


def test_mistakes_get_one_line_errors_with_the_fix(browse_settings: Settings) -> None:
    for args, message in (
        (("show", "0123456789abcdef"), "no passage with id '0123456789abcdef' in the index; passage ids are"),
        (
            ("show", "0123456789abcdef", "--context", "-1"),
            "context must be a whole number of paragraphs from 0 to 50",
        ),
        (("outline", "narnia"), "no report matched 'narnia'; indexed report ids:"),
        (
            ("outline", PDF_ID, "--section", "nowhere"),
            "no heading 'nowhere' in this report; its headings are:",
        ),
    ):
        proc = run(*args, *where(browse_settings), check=False)
        assert proc.returncode == 1 and proc.stderr.startswith(f"error: {message}"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1

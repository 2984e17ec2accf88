"""The Markdown parser on a generated Markdown version of the Met report, and front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import parse_bytes
from assistant.ingest.limits import Limits
from assistant.ingest.markdown import parse_markdown
from tests.support.fixtures import markdown, reference_structure, structure


def test_markdown_reads_exactly_the_passages_of_the_text_report() -> None:
    folder = Path("/corpus")
    report = parse_bytes(markdown().encode("utf-8"), folder / "met.md", folder)
    assert structure(report) == reference_structure()
    assert (report.meta.title, report.meta.updated, report.meta.format) == (
        "Metropolitan PEEL 2017",
        "2018-03-22",
        "markdown",
    )


def test_inline_markup_nested_lists_tables_and_yaml_front_matter() -> None:
    text = """---
title: "Kent PEEL 2019"
force: Kent Police
year: 2019
layout: report
---
## How good is the force?

**Good**

Strengths include:

- one *important*
  thing, with [a link](https://example.org);
  - a nested `point`
- another.

| Area | Grade |
|------|-------|
| Investigation | Good |
"""
    parsed = parse_markdown(text.encode(), "kent.md", Limits())
    assert [(e.kind, e.text) for e in parsed.elements] == [
        ("heading", "How good is the force?"),
        ("grade", "Good"),
        ("paragraph", "Strengths include:"),
        ("bullet", "one important thing, with a link;"),
        ("bullet", "a nested point"),
        ("bullet", "another."),
        ("paragraph", "Area | Grade"),
        ("paragraph", "Investigation | Good"),
    ]
    assert parsed.meta == {"title": "Kent PEEL 2019", "force": "Kent Police", "year": 2019}
    for el in parsed.elements:
        assert parsed.text[el.start : el.end] == el.text


def test_toml_front_matter_and_bad_year() -> None:
    parsed = parse_markdown(
        b'+++\nyear = 2020\nsource_url = "https://example.org/r"\n+++\n\nText.\n', "r.md", Limits()
    )
    assert parsed.meta == {"year": 2020, "source_url": "https://example.org/r"}
    with pytest.raises(IngestError, match="year must be a number"):
        parse_markdown(b"---\nyear: soon\n---\n\nText.\n", "r.md", Limits())

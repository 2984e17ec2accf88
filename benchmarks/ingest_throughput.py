"""Indexing throughput for PDF and HTML reports: passages/s and pages/s, parse alone and parse + embed.

Generates ``--reports`` variants of the Met report (other force names and years) as PDFs
(A5, about 7 pages each) and as HMICFRS-like web pages, then for each format:

* parses every file (``load_report``), timed alone;
* builds a fresh index of them with ``update_index`` and the real embedding model (torch,
  loaded and warmed up before timing), which parses, embeds and writes the index.

Run (needs the ``test`` extra for reportlab)::

    python -m benchmarks.ingest_throughput --reports 6

For HTML a "page" is one web page (one file).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from assistant.embedding import make_embedder
from assistant.ingest import discover, load_report
from assistant.passages import report_passages
from assistant.settings import DEFAULT_MODEL, load_settings
from assistant.store import update_index
from tests.support.fixtures import Variant, write_all

FORCES = ("Kent", "Surrey", "Durham", "Essex", "Dorset", "Gwent", "Cleveland", "Suffolk", "Norfolk", "Sussex")


def _pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def measure(fmt: str, reports: int, model: str) -> dict[str, float | int | str]:
    embedder = make_embedder(model, backend="torch")
    embedder.embed(["warm up the model before timing"])
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        for i in range(reports):
            write_all(corpus, Variant(FORCES[i % len(FORCES)], 2014 + i), (fmt,))
        files = discover(corpus)
        pages = sum(_pdf_pages(f) for f in files) if fmt == "pdf" else len(files)
        started = time.perf_counter()
        passages = sum(len(list(report_passages(load_report(f, corpus)))) for f in files)
        parse_s = time.perf_counter() - started
        settings = load_settings({"corpus": corpus, "index": Path(tmp) / "index", "model": model}, env={})
        started = time.perf_counter()
        result = update_index(settings, embedder=embedder, progress=False, log=lambda _m: None)
        index_s = time.perf_counter() - started
    assert result.passage_count == passages and not result.failures
    return {
        "format": fmt,
        "files": len(files),
        "pages": pages,
        "passages": passages,
        "parse_s": round(parse_s, 2),
        "parse_pages_per_s": round(pages / parse_s, 1),
        "parse_passages_per_s": round(passages / parse_s, 1),
        "index_s": round(index_s, 2),
        "index_pages_per_s": round(pages / index_s, 2),
        "index_passages_per_s": round(passages / index_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=6, help="reports per format (default 6)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--formats", nargs="+", default=["pdf", "html"], choices=["pdf", "html", "docx", "md"]
    )
    args = parser.parse_args()
    for fmt in args.formats:
        print(json.dumps(measure(fmt, args.reports, args.model)), flush=True)


if __name__ == "__main__":
    main()

"""The library-browsing commands: ``reports``, ``show`` and ``outline``.

Thin like the rest of the command line (:mod:`assistant.cli`, which registers them): each reads
the loaded index through a library function (:mod:`assistant.outline`, :mod:`assistant.context`,
:mod:`assistant.pdf_pages`) and prints text or JSON. None of them loads
the embedding model.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, NotFoundError


def _err(message: str) -> None:
    from assistant.cli import _err as err

    err(message)


def _settings(args: argparse.Namespace) -> Any:
    from assistant.cli import _settings as settings

    return settings(args)


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``show`` and ``outline`` to the ``assistant`` sub-commands."""
    p = sub.add_parser("show", help="show a passage in its report: section, grade, paragraphs around it")
    common(p)
    p.add_argument("passage", metavar="PASSAGE_ID", help="a passage id, as `ask --json` gives it")
    p.add_argument(
        "--context", type=int, default=2, metavar="N", help="paragraphs shown before and after (default 2)"
    )
    p.add_argument("--section", action="store_true", help="show the whole section")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--page-image",
        type=Path,
        metavar="FILE.png",
        help="for a PDF report, write its page with the passage highlighted (FILE-2.png... for more pages)",
    )

    p = sub.add_parser("outline", help="a report's headings with grades and paragraph counts")
    common(p)
    p.add_argument("report", metavar="REPORT", help="report id, title or file name (see `assistant reports`)")
    p.add_argument("--section", metavar="HEADING", help="print this section in full (heading or its start)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def cmd_reports(args: argparse.Namespace) -> int:
    from assistant.outline import library_rows
    from assistant.store import describe_store, live_reports, live_store, open_index

    settings = _settings(args)
    entries = {e.id: e for e in live_reports(settings.index)}
    if not entries:
        print("[]" if args.json else "No reports are indexed; run `assistant index`.")
        return 0
    index = open_index(settings.index)
    try:
        rows, skipped = library_rows(index, settings.corpus)
    finally:
        index.close()
    store = live_store(settings.index)
    if args.json:  # the manifest entry's keys first, as before; the browsing facts and store added
        print(
            json.dumps(
                [{**entries[r.id].to_dict(), **r.to_dict(), "store": store} for r in rows],
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        _err(f"Index {settings.index}: {describe_store(store)}")
    for r in [] if args.json else rows:
        cells = (r.id, r.title, r.force or "-", r.year or "-", r.passages, r.path, r.format, r.pages or "-")
        print("\t".join(map(str, cells)))
    for item in skipped:
        _err(f"Could not read {item.path}: {item.reason}")
    return 0


def _loaded(args: argparse.Namespace) -> Any:
    from assistant.store import open_index

    return open_index(_settings(args).index)


def cmd_show(args: argparse.Namespace) -> int:
    from assistant.context import context_dict, passage_context, render_context

    settings = _settings(args)
    index = _loaded(args)
    try:
        ctx = passage_context(index, args.passage, None if args.section else args.context)
        out = context_dict(ctx)
        pdf, problem = _pdf_part(index, settings.corpus, ctx) if ctx.report.format == "pdf" else (None, None)
    finally:
        index.close()
    if pdf is not None:
        out["pdf"] = pdf.to_dict()
        if args.page_image:
            from assistant.pdf_pages import render_page

            for n, mark in enumerate(pdf.located.marks, start=1):
                target = (
                    args.page_image if n == 1 else args.page_image.with_stem(f"{args.page_image.stem}-{n}")
                )
                target.write_bytes(render_page(pdf.file, mark))
                label = pdf.labels.get(mark.page, mark.page)
                _err(f"Wrote page {label} with the passage highlighted to {target}")
    elif args.page_image:
        _err(f"No page image: the report is {ctx.report.format}, not PDF.")
    if problem:
        out["pdf"] = {"error": problem}
        _err(f"Page image not available: {problem}")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(render_context(ctx), end="")
    if pdf is not None:
        pages = ", ".join(
            f"p. {pdf.labels.get(m.page, m.page)} (page {m.page} of the file)" for m in pdf.located.marks
        )
        print(f"In {pdf.file}: {pages or 'its text was not found on its page'}")
    return 0


def _pdf_part(index: Any, corpus: Path, ctx: Any) -> tuple[Any, str | None]:
    """The passage on its PDF pages, or why it cannot be shown there."""
    from assistant.pdf_pages import pdf_view

    try:
        return pdf_view(index, corpus, ctx), None
    except AssistantError as exc:
        return None, str(exc)


def cmd_outline(args: argparse.Namespace) -> int:
    from assistant.outline import report_outline, section_passages

    index = _loaded(args)
    try:
        meta, entries = report_outline(index, args.report)
        chosen = _chosen_section(entries, args.section) if args.section else None
        passages = section_passages(index, meta.id, chosen.path) if chosen else ()
    finally:
        index.close()
    if args.json:
        out: dict[str, Any] = {"report": meta.to_dict(), "outline": [e.to_dict() for e in entries]}
        if chosen is not None:
            out["section"] = {"path": list(chosen.path), "passages": [p.to_dict() for p in passages]}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if chosen is not None:
        print(" › ".join(chosen.path) + (f"  [{chosen.grade}]" if chosen.grade else ""))
        heading = chosen.path
        for p in passages:
            if p.section_path != heading:
                heading = p.section_path
                print(f"\n{' › '.join(heading[len(chosen.path) - 1 :])}")
            where = f"¶{p.paragraph}" + (f".{p.bullet}" if p.bullet is not None else "")
            print(f"{where:7} {'• ' if p.bullet is not None else ''}{p.text}")
        return 0
    print(f"{meta.title}" + "".join(f", {x}" for x in (meta.force, meta.year) if x))
    for e in entries:
        counts = f"{e.paragraphs} ¶" if e.passages else "-"
        grade = f"  [{e.grade}]" if e.grade else ""
        print(f"{'  ' * (e.level - 1)}{e.heading}{grade}  ({counts})")
    return 0


def _chosen_section(entries: Sequence[Any], heading: str) -> Any:
    """The outline entry whose heading is ``heading``, or starts with it (case-insensitive)."""
    wanted = " ".join(heading.lower().split())
    for exact in (True, False):
        for e in entries:
            text = " ".join(e.heading.lower().split())
            if text == wanted or (not exact and text.startswith(wanted)):
                return e
    headings = "; ".join(e.heading for e in entries)
    raise NotFoundError(f"no heading {heading!r} in this report; its headings are: {headings}")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "reports": cmd_reports,
    "show": cmd_show,
    "outline": cmd_outline,
}

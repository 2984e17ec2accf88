"""Command line: parse arguments, call the library, print. Library errors become one-line messages.

Heavy modules (torch, sentence-transformers, Gradio) are imported inside the commands that
need them, so ``assistant --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant import __version__
from assistant import cli_browse as browse
from assistant.errors import AssistantError, QuestionError
from assistant.settings import Settings, load_settings


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _add_setting(parser: argparse._ActionsContainer, name: str, *flags: str, **kwargs: Any) -> None:
    parser.add_argument(
        *(flags or (f"--{name.replace('_', '-')}",)),
        dest=name,
        default=None,
        help=Settings.help_for(name),
        **kwargs,
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML file of settings (default ./assistant.toml)"
    )
    _add_setting(parser, "corpus", metavar="DIR")
    _add_setting(parser, "index", metavar="DIR")
    _add_setting(parser, "model", metavar="NAME")
    _add_setting(parser, "store")
    _add_setting(parser, "milvus_uri", metavar="URI")
    _add_setting(parser, "milvus_collection", metavar="NAME")


def _limits(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits on what one report file may expand to while it is read")
    from assistant.ingest.limits import SETTINGS

    for name in SETTINGS:
        _add_setting(group, name, type=int, metavar="N")


def _filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (repeat a flag to allow several values)")
    group.add_argument("--report", action="append", default=[], help="report id or title")
    group.add_argument("--force", action="append", default=[], help="force name, e.g. Metropolitan")
    group.add_argument("--year", action="append", default=[], type=int, help="inspection year")
    group.add_argument("--section", action="append", default=[], help="text of a section heading")
    group.add_argument("--grade", action="append", default=[], help="grade of the section")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Ask questions of police inspection reports; get exact quotes with citations.",
    )
    parser.add_argument("--version", action="version", version=f"report-assistant {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("index", help="build or update the index from the corpus folder")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="re-parse and re-embed every report")
    p.add_argument(
        "--index-type",
        default="auto",
        help="FAISS index: auto (exact up to 50k unit vectors, then memory-mapped IVF), flat, ivf or hnsw",
    )
    _add_setting(p, "batch_size", type=int, metavar="N")
    _add_setting(p, "backend")
    _limits(p)
    p.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS|auto",
        help="parse and embed on a Ray cluster (auto: start one on this machine); "
        "needs pip install -e '.[ray]'",
    )

    p = sub.add_parser("ask", help="ask a question; print the best passages with citations")
    _common(p)
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    _add_setting(p, "k", "--k", "-k", type=int, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--batch",
        type=Path,
        metavar="FILE.jsonl",
        help="ask every question in a JSON Lines file (keys id, question); one JSON line each",
    )
    _add_setting(p, "retriever")
    _add_setting(p, "backend")
    _add_setting(p, "reranker", metavar="NAME")
    _filters(p)
    p.add_argument(
        "--all-reports",
        action="store_true",
        help="search every report, not only the forces and years the question names",
    )

    p = sub.add_parser("eval", help="measure retrieval on labelled questions")
    _common(p)
    p.add_argument("--questions", type=Path, required=True, metavar="FILE.jsonl")
    _add_setting(p, "k", "--k", "-k", type=int, metavar="N")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    _add_setting(p, "retriever")
    _add_setting(p, "backend")
    _add_setting(p, "reranker", metavar="NAME")

    p = sub.add_parser("serve", help="start the chat in the browser")
    _common(p)
    _add_setting(p, "host")
    _add_setting(p, "port", type=int)
    _add_setting(p, "backend")
    _limits(p)
    _add_setting(p, "max_upload_mb", type=int, metavar="MB")
    _add_setting(p, "max_queue", type=int, metavar="N")
    _add_setting(p, "auth_file", metavar="FILE")
    _add_setting(p, "trusted_proxies", metavar="ADDRESSES")
    _add_setting(p, "temp_dir", metavar="DIR")
    _add_setting(p, "mcp", action="store_true")

    p = sub.add_parser("add", help="copy report files into the corpus and index them")
    _common(p)
    _limits(p)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    p = sub.add_parser("remove", help="remove a report from the corpus and the index")
    _common(p)
    p.add_argument("report", help="report id, title or file name (see `assistant reports`)")

    p = sub.add_parser("grades", help="each report's grade for each section, with where it is stated")
    _common(p)
    p.add_argument("--force", default=None, help="only this force (any of its names: the Met, GMP, Kent)")
    p.add_argument("--year", type=int, default=None, help="only reports of this inspection year")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("reports", help="list the indexed reports (and the files that could not be read)")
    _common(p)
    p.add_argument("--json", action="store_true")

    browse.add_parsers(sub, _common)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    values = {name: getattr(args, name) for name in Settings.names() if hasattr(args, name)}
    return load_settings(values, config=args.config)


def _filters_from(args: argparse.Namespace) -> Any:
    from assistant.retrieval.filters import Filters

    return Filters(
        **{name: tuple(getattr(args, name)) for name in ("report", "force", "year", "section", "grade")}
    )


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.store import describe, update_index
    from assistant.store.distributed import runner_for

    runner = runner_for(args.ray)
    try:
        result = update_index(
            _settings(args), rebuild=args.rebuild, index_type=args.index_type, log=_err, runner=runner
        )
    finally:
        close = getattr(runner, "close", None)
        if close:
            close()
    for failure in result.failures:
        _err(f"Skipped {failure}")
    print(describe(result))
    return 0


def _open(args: argparse.Namespace) -> Any:
    from assistant.service import Assistant

    return Assistant.open(_settings(args), log=_err)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import answer_dict, render_text

    if (args.question is None) == (args.batch is None):
        raise QuestionError("give either a question or --batch FILE.jsonl, not both or neither")
    assistant = _open(args)
    filters = _filters_from(args)
    if args.batch is None:
        answer = assistant.ask(args.question, k=args.k, filters=filters, widen=args.all_reports)
        print(
            json.dumps(answer_dict(answer), ensure_ascii=False) if args.json else render_text(answer),
            end="\n" if args.json else "",
        )
        return 0
    from assistant.evaluation.questions import read_batch

    for item in read_batch(args.batch):
        try:
            out = answer_dict(
                assistant.ask(item["question"], k=args.k, filters=filters, widen=args.all_reports)
            )
        except QuestionError as exc:
            out = {"question": item["question"], "abstained": True, "passages": [], "error": str(exc)}
        out = {"id": item["id"], **out}
        if args.json:
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(
                f"[{item['id']}] {item['question']}\n"
                + "\n".join(f"  {p['rank']}. {p['citation']}" for p in out["passages"])
            )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.report import render_table
    from assistant.evaluation.runner import run_evaluation

    settings = _settings(args)
    result = run_evaluation(settings, args.questions, k=args.k or 10, log=_err)
    print(json.dumps(result, indent=1, ensure_ascii=False) if args.json else render_table(result))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.ui.app import serve

    serve(_settings(args), log=_err)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from assistant.library import add_reports

    print(add_reports(_settings(args), args.paths, log=_err))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from assistant.library import remove_report

    print(remove_report(_settings(args), args.report, log=_err))
    return 0


def cmd_grades(args: argparse.Namespace) -> int:
    from assistant.grades import render_grades

    rows = _open(args).grades(args.force, args.year)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=1))
    elif not rows:
        wanted = f"force={args.force or 'any'} year={args.year or 'any'}"
        _err(f"no indexed report matches {wanted}; see `assistant reports` for what is indexed")
        return 1
    else:
        print(render_grades(rows), end="")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "index": cmd_index,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "serve": cmd_serve,
    "add": cmd_add,
    "remove": cmd_remove,
    "grades": cmd_grades,
    **browse.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AssistantError as exc:
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0

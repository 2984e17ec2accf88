"""The MCP tools (``assistant serve --mcp``): exact report passages and citations for AI assistants.

Gradio 6.31 serves the Model Context Protocol itself (``launch(mcp_server=True)``: streamable
HTTP at ``/gradio_api/mcp/``, and SSE at ``/gradio_api/mcp/sse``), listing every public
``gr.api`` function as a tool, described by its docstring. It needs the ``mcp`` package 1.x
(with 2.x it does not start), so that is an optional extra: ``pip install -e '.[mcp]'``.

The four tools are registered only with ``--mcp``, without the queue (each is a lookup, or one
search), and return JSON text -- exact passages and citations, nothing written anew:

* ``search_reports(question, k, force, year)`` -- the ``assistant ask --json`` object;
* ``get_passage(id, context)`` -- the ``assistant show --json`` object;
* ``list_reports()`` -- the ``assistant reports --json`` facts, and the files that could not be read;
* ``grades(force, year)`` -- the ``assistant grades --json`` rows.

Bad arguments raise an error whose message says what was wrong and what is allowed; the MCP
server returns it as the tool's error result (wrong JSON types are refused before the call,
against the tool's input schema). The chat's own ``/ask`` API is not a tool (:func:`not_a_tool`).
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable
from typing import Any

from assistant.answer import answer_dict
from assistant.context import DEFAULT_CONTEXT, context_dict, passage_context
from assistant.errors import NotFoundError, QuestionError, SettingsError
from assistant.outline import library_rows
from assistant.records import ReportMeta
from assistant.retrieval.filters import Filters
from assistant.service import Assistant

INSTALL = "pip install -e '.[mcp]'"


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _whole(value: object, name: str, low: int, high: int | None = None) -> int:
    """``value`` as a whole number in ``[low, high]`` (JSON may send 5.0), else a clear error."""
    number = int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(number, bool) or not isinstance(number, int) or number < low or (high and number > high):
        allowed = f"from {low} to {high}" if high else f"{low} or more"
        raise QuestionError(f"{name} must be a whole number {allowed}, got {value!r}")
    return number


def scope_filters(reports: dict[str, ReportMeta], force: str | None, year: int | None) -> Filters:
    """Filters for ``force`` and ``year`` (None or empty: any), checked against what is indexed.

    A force or year no indexed report has is an error naming the forces and years there are,
    rather than an empty answer that looks like "the reports say nothing".
    """
    force = (force or "").strip() or None
    year = None if year in (None, 0) else _whole(year, "year", 1900, 2100)
    filters = Filters(force=(force,) if force else (), year=(year,) if year else ())
    if filters and not filters.allowed_reports(reports.values()):
        forces = ", ".join(sorted({m.force for m in reports.values() if m.force})) or "none"
        years = ", ".join(str(y) for y in sorted({m.year for m in reports.values() if m.year})) or "none"
        named = (f"force {force!r}" if force else "", f"year {year}" if year else "")
        wanted = " and ".join(x for x in named if x)
        raise NotFoundError(f"no indexed report matches {wanted}; forces indexed: {forces}; years: {years}")
    return filters


def tool_functions(assistant: Assistant) -> list[Callable[..., str]]:
    """The four tools over ``assistant`` (their docstrings are what MCP clients are shown)."""

    def search_reports(question: str, k: int = 5, force: str | None = None, year: int | None = None) -> str:
        """Search the indexed police inspection reports (HMICFRS PEEL) and return the passages that
        answer a question as exact quotes, each with its citation (report › section › paragraph ›
        page), as JSON. Quote them as given; when "abstained" is true the reports do not address it.

        Args:
            question: the question or topic in plain words, e.g. "What is said about detective shortages?"
            k: how many passages to return, 1 to 50
            force: only reports on this police force, any of its names (e.g. "Kent", "the Met"); empty: all
            year: only reports of this inspection year, e.g. 2017; empty: all
        """
        filters = scope_filters(assistant.report_map(), force, year)
        answer = assistant.ask(question, k=_whole(k, "k", 1, 50), filters=filters or None)
        return _json(answer_dict(answer))

    def get_passage(id: str, context: int = DEFAULT_CONTEXT) -> str:
        """One passage in its report, as JSON: its exact text and citation, the section it is in
        (heading path and grade as stated), the paragraphs before and after it, and for a web-page
        source a link that opens the page at the passage.

        Args:
            id: the passage id (16 hex digits) from search_reports
            context: how many paragraphs to include before and after, 0 to 50
        """
        index = assistant.live.get()
        return _json(context_dict(passage_context(index, id, _whole(context, "context", 0, 50))))

    def list_reports() -> str:
        """Every indexed report, as JSON: title, force, year, inspection, format, pages, passages,
        grades, source address and date indexed; and the files that could not be read, with why.
        """
        rows, skipped = library_rows(assistant.live.get(), assistant.settings.corpus)
        return _json({"reports": [r.to_dict() for r in rows], "unreadable": [s.to_dict() for s in skipped]})

    def grades(force: str | None = None, year: int | None = None) -> str:
        """The grade each report gives each inspected area (force × year × section), as JSON, each
        with where the report states it: its grade line, or a sentence rating it in words
        ("stated": "line" or "words"), or "none" when the report states no grade there.

        Args:
            force: only reports on this police force, any of its names (e.g. "Kent", "the Met"); empty: all
            year: only reports of this inspection year, e.g. 2016; empty: all
        """
        filters = scope_filters(assistant.report_map(), force, year)
        rows = assistant.grades(
            filters.force[0] if filters.force else None, filters.year[0] if filters.year else None
        )
        return _json([r.to_dict() for r in rows])

    return [search_reports, get_passage, list_reports, grades]


def register(gr: Any, assistant: Assistant) -> None:
    """Add the tools to the Blocks being built, as public API functions outside the queue."""
    for fn in tool_functions(assistant):
        gr.api(fn, api_name=fn.__name__, queue=False)


def not_a_tool(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Keep a public API function off the MCP tool list.

    Gradio lists as tools the API functions whose ``_mcp_type`` is "tool" or unset (``list_tools``
    in gradio/mcp.py); any other value leaves it out. The tests check the list is exactly the four.
    """
    fn._mcp_type = "api"  # type: ignore[attr-defined]
    return fn


def check_package() -> None:
    """Refuse to start with MCP unless the ``mcp`` package is there in a version Gradio 6.31 runs with."""
    try:
        version = importlib.metadata.version("mcp")
    except importlib.metadata.PackageNotFoundError:
        raise SettingsError(f"--mcp needs the mcp package; install it with {INSTALL}") from None
    if not version.startswith("1."):
        raise SettingsError(
            f"--mcp needs the mcp package 1.x (Gradio 6.31's MCP server does not start with {version}); "
            f"install it with {INSTALL}"
        )


def check_started(demo: Any) -> None:
    """Raise if Gradio could not start its MCP server (it only prints why, and not when quiet)."""
    if getattr(demo, "mcp_error", None) or not getattr(demo, "mcp_server", False):
        raise SettingsError(f"the MCP server did not start: {getattr(demo, 'mcp_error', None) or 'unknown'}")

"""Turning answers into chat Markdown (pure). Report text is always escaped: it shows, never acts."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.answer import ABSTAIN_MESSAGE, scope_lines
from assistant.brief import Quote, brief
from assistant.conversation import Turn, topic_words
from assistant.records import Answer, ReportMeta
from assistant.retrieval.filters import Filters

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~>$@])")
"""Characters that can start formatting, a link, a table, maths or an e-mail autolink.
"." "-" "(" and ")" are left alone: they only act after what is escaped here, or as list markers."""
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)([:.])")
"""Bare URLs, which the chat's Markdown (GFM) would turn into links: the ``:`` or ``.`` is escaped."""

FILTER_NAMES = {"report": "Report", "force": "Force", "year": "Year", "section": "Section", "grade": "Grade"}


def escape_md(text: str) -> str:
    """Text safe to put in Markdown: HTML entities for <, >, &; backslashes before active punctuation."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _AUTOLINK.sub(r"\1\\\2", escaped)


LOADED_NAMED = 3
"""Reports the header names before "and N more"."""


def loaded_markdown(reports: Sequence[ReportMeta]) -> str:
    """The header's line on the library: how many reports are loaded and which (the first few,
    then "and N more"), each as force and year (its title when it names no force)."""
    if not reports:
        return "**No report is loaded yet**: add one under *Add a report*."
    names = sorted(" ".join(str(x) for x in (m.force or m.title, m.year) if x) for m in reports)
    shown = ", ".join(escape_md(n) for n in names[:LOADED_NAMED])
    more = f" and {len(names) - LOADED_NAMED} more" if len(names) > LOADED_NAMED else ""
    n = len(reports)
    return f"**{n} report{'s' if n != 1 else ''} loaded:** {shown}{more}."


def describe_filters(filters: Filters) -> str:
    """The filters in words: "Force: Kent Police; Year: 2016"."""
    return "; ".join(
        f"{FILTER_NAMES.get(name, name)}: {', '.join(map(str, values))}"
        for name, values in vars(filters).items()
        if values
    )


def quote_markdown(quote: Quote) -> str:
    """One quote of the "In brief" line: the exact sentence, its card numbers, whose it is."""
    cards = " ".join(f"\\[{n}\\]" for n in quote.ranks)
    whose = f" ({escape_md('; '.join(quote.reports))})" if quote.reports else ""
    grade = f" — grade: {escape_md(quote.grade.label())}" if quote.grade is not None else ""
    return f"“{escape_md(quote.text)}” {cards}{whose}{grade}"


def scope_markdown(answer: Answer) -> str:
    """Where the answer was searched ("Searched: Kent Police, 2017") and the scope's notes, when
    the library holds several reports or the question narrowed the search; "" otherwise."""
    shown = scope_lines(answer)
    return " ".join(escape_md(x) for x in (shown[0] + ".", *shown[1:])) if shown else ""


def reply_markdown(turn: Turn, answer: Answer, filters: Filters | None = None) -> str:
    """The chat reply: "In brief" (or the abstention, or what excluded everything), where it was
    searched, then how the question was read."""
    parts = []
    if not answer.hits and filters:
        parts.append(
            f"**No passage matches your filters** ({escape_md(describe_filters(filters))}): "
            "they excluded every passage, so the question was not searched elsewhere. "
            "Clear the filters to search every report."
        )
    elif answer.abstained:
        parts.append(
            f"**{ABSTAIN_MESSAGE}** The nearest passages are shown under Evidence; treat them with caution."
        )
    elif not answer.hits:
        parts.append("No passages matched. Try other words.")
    else:
        quotes = brief(answer)
        if quotes:
            parts.append("**In brief:** " + " · ".join(quote_markdown(q) for q in quotes))
        else:
            words = " ".join(topic_words(answer.question))
            parts.append(
                f"**In brief:** no sentence of the top passages uses the question's words "
                f"(“{escape_md(words)}”); read the nearest passages under Evidence with care."
            )
        n = len(answer.hits)
        parts.append(f"{n} cited passage{'s are' if n != 1 else ' is'} shown under Evidence.")
    if scope := scope_markdown(answer):
        parts.append(scope)
    notes = []
    if turn.carried:
        notes.append(f"Read as a follow-up: “{escape_md(turn.query)}”")
    if answer.corrections:
        fixed = ", ".join(f"{escape_md(a)} → {escape_md(b)}" for a, b in answer.corrections.items())
        notes.append(f"Spelling: {fixed}")
    if answer.expansions:
        notes.append(f"Also searched: {escape_md('; '.join(answer.expansions))}")
    if filters:
        notes.append(f"Filters: {escape_md(describe_filters(filters))}")
    if answer.notice:
        notes.append(escape_md(answer.notice))
    if notes:
        parts.append("_" + " · ".join(notes) + "_")
    return "\n\n".join(parts)

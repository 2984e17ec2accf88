"""Turning answers into chat Markdown (pure). Report text is always escaped: it shows, never acts."""

from __future__ import annotations

import html
import re

from assistant.answer import ABSTAIN_MESSAGE
from assistant.conversation import Turn
from assistant.records import Answer
from assistant.retrieval.filters import Filters

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~>$@])")
"""Characters that can start formatting, a link, a table, maths or an e-mail autolink.
"." "-" "(" and ")" are left alone: they only act after what is escaped here, or as list markers."""
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)([:.])")
"""Bare URLs, which the chat's Markdown (GFM) would turn into links: the ``:`` or ``.`` is escaped."""

SUMMARY_SENTENCES = 3
SUMMARY_MAX_CHARS = 400
"""A summary is one line: past this length, further sentences are left to the cards."""


def escape_md(text: str) -> str:
    """Text safe to put in Markdown: HTML entities for <, >, &; backslashes before active punctuation."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _AUTOLINK.sub(r"\1\\\2", escaped)


def summary_sentences(answer: Answer) -> list[tuple[int, str]]:
    """``(card number, sentence)`` for the one-line summary: extractive, never written anew.

    Takes the best-supporting sentence of each of the top :data:`SUMMARY_SENTENCES` hits, in
    rank order -- each an exact substring of its passage -- skipping hits with no supporting
    sentence and repeated sentences, and stopping before the line passes
    :data:`SUMMARY_MAX_CHARS` (the first sentence is always kept). Empty when the assistant
    abstained: nothing is then offered as an answer.
    """
    if answer.abstained:
        return []
    out: list[tuple[int, str]] = []
    used = 0
    for hit in answer.hits[:SUMMARY_SENTENCES]:
        if hit.support is None:
            continue
        a, b = hit.support
        sentence = hit.passage.text[a:b].strip()
        if not sentence or any(sentence == s for _, s in out):
            continue
        if out and used + len(sentence) > SUMMARY_MAX_CHARS:
            break
        out.append((hit.rank, sentence))
        used += len(sentence)
    return out


def reply_markdown(turn: Turn, answer: Answer, filters: Filters | None = None) -> str:
    """The chat reply: the extractive summary (or the abstention), then how the question was read."""
    parts = []
    if answer.abstained:
        parts.append(
            f"**{ABSTAIN_MESSAGE}** The nearest passages are shown under Evidence; treat them with caution."
        )
    elif not answer.hits:
        parts.append("No passages matched. Try other words, or clear the filters.")
    else:
        summary = summary_sentences(answer)
        if summary:
            quotes = " · ".join(f"“{escape_md(s)}” \\[{n}\\]" for n, s in summary)
            parts.append(f"**In brief:** {quotes}")
        n = len(answer.hits)
        parts.append(f"{n} cited passage{'s are' if n != 1 else ' is'} shown under Evidence.")
    notes = []
    if turn.carried:
        notes.append(f"Read as a follow-up: “{escape_md(turn.query)}”")
    if answer.corrections:
        fixed = ", ".join(f"{escape_md(a)} → {escape_md(b)}" for a, b in answer.corrections.items())
        notes.append(f"Spelling: {fixed}")
    if answer.expansions:
        notes.append(f"Also searched: {escape_md('; '.join(answer.expansions))}")
    if filters:
        notes.append(f"Filters: {escape_md(filters.describe())}")
    if answer.notice:
        notes.append(escape_md(answer.notice))
    if notes:
        parts.append("_" + " · ".join(notes) + "_")
    return "\n\n".join(parts)

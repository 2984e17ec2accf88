"""Turning answers into chat Markdown (pure). Report text is always escaped: it shows, never acts."""

from __future__ import annotations

import html
import re

from assistant.answer import ABSTAIN_MESSAGE
from assistant.records import Answer

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_md(text: str) -> str:
    """Text safe to put in Markdown: HTML entities for <, >, &; backslashes before Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def answer_markdown(answer: Answer) -> str:
    """The chat reply: numbered quotes, each with score and citation."""
    parts = []
    if answer.abstained:
        parts.append(f"**{ABSTAIN_MESSAGE}** The nearest passages are shown below; treat them with caution.")
    if answer.notice and not answer.abstained:
        parts.append(f"_{escape_md(answer.notice)}_")
    if not answer.hits:
        parts.append("No passages found.")
    for hit in answer.hits:
        p = hit.passage
        lead = f"_{escape_md(p.lead_in)}_ " if p.lead_in else ""
        parts.append(
            f"**{hit.rank}.** {lead}“{escape_md(p.text)}”  \n"
            f"<sub>{escape_md(str(p.citation))} · score {hit.score:.3f}</sub>"
        )
    return "\n\n".join(parts)

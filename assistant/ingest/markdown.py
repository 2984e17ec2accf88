"""Markdown reports -> elements, with markdown-it-py (CommonMark, plus tables).

* The first ``#`` heading is the title; other headings nest by rank.
* List items (nested lists too) are bullets; a loose item's paragraphs join into one bullet.
* Paragraphs, block quotes and table rows (cells joined by `` | ``) are paragraphs; inline
  markup (emphasis, links, code) keeps only its text, so ``**Requires improvement**`` is a grade.
* Front matter at the very top -- ``---`` with ``key: value`` lines, or ``+++`` with TOML --
  gives metadata with the same keys as a sidecar file.

Limits: the decoded text is measured before it is parsed, and a first block rule (which
never matches) counts the tokens made so far and the blocks they start each time the parser
begins a block, so a file of endless list items stops at the limit, not at the end.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from assistant.errors import IngestError
from assistant.ingest.blocks import ElementBuilder, rank_levels
from assistant.ingest.limits import Limits
from assistant.ingest.structure import Parsed, normalise_space

_FRONT = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n\1[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_BLOCK_TOKENS = frozenset({"heading_open", "tr_open", "fence", "code_block", "list_item_open"})


def front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """Metadata from front matter, and the text after it."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    body = m.group(2)
    data: dict[str, Any] = {}
    if m.group(1) == "+++":
        try:
            data = tomllib.loads(body)
        except tomllib.TOMLDecodeError as exc:
            raise IngestError(name, f"front matter is not valid TOML ({exc})") from None
    else:
        for line in body.splitlines():
            if kv := _KEY_VALUE.match(line):
                data[kv.group(1).lower()] = kv.group(2).strip("\"'")
    return data, text[m.end() :]


def _inline_text(token: Any) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalise_space("".join(parts))


class _Guard:
    """Rules that never match, put first: each time the parser begins a block, or a span within a
    block's text, they count the tokens made so far and the blocks they start (headings, table
    rows, code, list items, top-level paragraphs: each one block of :func:`parse_markdown`),
    and raise at the first limit passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.block_tokens = self.blocks = 0
        self.inline_done = self.inline_now = 0  # tokens of finished spans, of the current one
        self.inline_list: list[Any] | None = None

    def block(self, state: Any, start_line: int, end_line: int, silent: bool) -> bool:
        for token in state.tokens[self.block_tokens :]:
            top_paragraph = token.type == "paragraph_open" and token.level == 0
            self.blocks += token.type in _BLOCK_TOKENS or top_paragraph
        self.block_tokens = len(state.tokens)
        self.limits.check_objects(self.block_tokens, "Markdown tokens")
        self.limits.check_blocks(self.blocks)
        return False

    def inline(self, state: Any, silent: bool) -> bool:
        if state.tokens is not self.inline_list:  # the text of the next block
            self.inline_done += self.inline_now
            self.inline_list = state.tokens
        self.inline_now = len(state.tokens)
        self.limits.check_objects(self.block_tokens + self.inline_done + self.inline_now, "Markdown tokens")
        return False


def parse_markdown(data: bytes, name: str, limits: Limits) -> Parsed:
    """Parse a Markdown report (see module docstring)."""
    from markdown_it import MarkdownIt

    from assistant.ingest.formats import decode_text
    from assistant.ingest.metadata import EDITABLE, check_metadata

    decoded = decode_text(data, name)
    limits.check_text(len(decoded))
    meta, text = front_matter(decoded, name)
    parser = MarkdownIt("commonmark").enable("table")
    guard = _Guard(limits)
    parser.block.ruler.before("table", "assistant_limits", guard.block)
    parser.inline.ruler.before("text", "assistant_limits", guard.inline)
    tokens = parser.parse(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    title = headings[0] if headings and headings[0].tag == "h1" else None
    levels = rank_levels(int(t.tag[1]) for t in headings if t is not title)
    out = ElementBuilder(limits)
    item_depth = 0
    item_parts: list[list[str]] = []  # text of each open list item
    heading: int | None = None
    row: list[str] | None = None
    for token in tokens:
        kind = token.type
        if kind == "list_item_open":
            item_depth += 1
            item_parts.append([])
        elif kind == "list_item_close":
            item_depth -= 1
            parts = item_parts.pop()
            if parts:
                out.add_paragraph(" ".join(parts), bullet=True)
        elif kind in ("bullet_list_open", "ordered_list_open") and item_parts and item_parts[-1]:
            # a nested list: the parent item is complete before its sub-items
            out.add_paragraph(" ".join(item_parts[-1]), bullet=True)
            item_parts[-1] = []
        elif kind == "heading_open":
            heading = 0 if token is title else int(token.tag[1])
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            out.add_paragraph(" | ".join(c for c in row if c))
            row = None
        elif kind == "inline":
            content = _inline_text(token)
            if heading is not None:
                if heading == 0:
                    out.add("title", content)
                else:
                    out.add("heading", content, level=levels.get(heading, 1))
                heading = None
            elif row is not None:
                row.append(content)
            elif item_depth:
                item_parts[-1].append(content)
            else:
                out.add_paragraph(content)
        elif kind in ("fence", "code_block"):
            out.add_paragraph(token.content)
    # Other tools' front-matter keys (layout, tags ...) are not ours to judge: only ours are checked.
    ours = {k: v for k, v in meta.items() if k in EDITABLE}
    return out.parsed(check_metadata(ours, f"{name} (front matter)"))

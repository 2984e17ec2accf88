"""Counting what a markup file holds as lxml reads it, before any tree is built.

Web pages and Word documents are read into trees (BeautifulSoup's, python-docx's) that take
many times the memory of the file. :class:`MarkupCounter` is an lxml parser target: lxml's
streaming parser calls it for each element and each piece of text as it reads, no tree is
kept, and it raises :class:`~assistant.ingest.limits.LimitExceeded` at the first limit passed:

* elements (``max_objects``);
* blocks: the outermost elements of the given block tags that hold text (a ``<p>`` inside an
  ``<li>`` is one bullet, as the parsers read it; an empty paragraph is none) (``max_blocks``);
* text, in characters, inside the given text tags or outside the given skipped tags (``max_text_mb``).

Only a file within its limits is then read into a tree by its parser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from assistant.ingest.limits import Limits

CHUNK = 1 << 20


class MarkupCounter:
    """An lxml parser target counting elements, blocks with text and text against ``limits``."""

    def __init__(
        self,
        limits: Limits,
        kind: str,
        blocks: frozenset[str],
        *,
        text_in: frozenset[str] | None = None,
        text_not_in: frozenset[str] = frozenset(),
    ) -> None:
        self.limits = limits
        self.kind = kind
        self.block_tags = blocks
        self.text_in = text_in
        self.text_not_in = text_not_in
        self.elements = self.blocks = self.chars = 0
        self._depth = 0
        self._block_depth: int | None = None  # depth of the open outermost block
        self._block_text = False
        self._in = 0  # open elements of text_in
        self._not_in = 0  # open elements of text_not_in

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        self.elements += 1
        self.limits.check_objects(self.elements, self.kind)
        if self._block_depth is None and tag in self.block_tags:
            self._block_depth, self._block_text = self._depth, False
        self._in += tag in (self.text_in or ())
        self._not_in += tag in self.text_not_in
        self._depth += 1

    def end(self, tag: Any) -> None:
        self._depth = max(0, self._depth - 1)
        self._in = max(0, self._in - (tag in (self.text_in or ())))
        self._not_in = max(0, self._not_in - (tag in self.text_not_in))
        if self._block_depth is not None and self._depth <= self._block_depth:
            self.blocks += self._block_text
            self._block_depth = None
            self.limits.check_blocks(self.blocks)

    def data(self, text: str) -> None:
        if (self.text_in is None or self._in) and not self._not_in:
            self.chars += len(text)
            self.limits.check_text(self.chars)
            if self._block_depth is not None and not text.isspace():
                self._block_text = True

    def comment(self, text: str) -> None:
        pass

    def close(self) -> MarkupCounter:
        return self


def count_markup(
    parser_for: Callable[[MarkupCounter], Any], counter: MarkupCounter, chunks: Iterable[bytes]
) -> None:
    """Feed ``chunks`` to the lxml parser ``parser_for(counter)`` makes, so ``counter`` sees the file."""
    parser = parser_for(counter)
    for chunk in chunks:
        parser.feed(chunk)
    parser.close()

"""HTML report pages (such as an HMICFRS report web page) -> elements, with BeautifulSoup and lxml.

* Main content is ``<main>``, else ``[role=main]``, else the only ``<article>``, else ``<body>``.
* Dropped: scripts, styles, forms, navigation, asides, footers, hidden elements, and page
  furniture marked as such by ARIA roles or class/id names (cookie banners, breadcrumbs,
  share bars, skip links). ``<header>`` goes too unless it is inside the main content (an
  article's header holds its ``<h1>``).
* The first ``<h1>`` is the title; other headings nest by rank (see :func:`rank_levels`).
* ``<li>`` items are bullets; ``<p>``, ``<dd>``, ``<blockquote>`` and loose text are paragraphs;
  a table row is one paragraph with its cells joined by `` | ``.
* Metadata: ``<title>``/``og:title``, canonical URL, publication and modification dates and the
  site name from ``<meta>`` tags.

Before BeautifulSoup builds its tree (about 2 KB per element), lxml reads the page as a
stream, counting its elements, its blocks with text and its text (entities decoded; scripts
and styles left out), and stops at the first of the file's limits passed (:mod:`.scan`).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.errors import IngestError
from assistant.ingest.blocks import ElementBuilder, rank_levels
from assistant.ingest.limits import Limits
from assistant.ingest.lines import parse_date
from assistant.ingest.scan import CHUNK, MarkupCounter, count_markup
from assistant.ingest.structure import Parsed, normalise_space

DROP_TAGS = (
    "script", "style", "template", "noscript", "svg", "canvas", "iframe", "object", "form", "button",
    "input", "select", "textarea", "nav", "aside", "footer", "dialog", "menu", "img", "picture", "video",
    "audio", "map",
)  # fmt: skip
DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert", "menu"}
DROP_NAMES = re.compile(
    r"(^|[-_ ])(cookie|consent|breadcrumbs?|share|sharing|skip-?link|skip-to-content|visually-hidden|sr-only"
    r"|screen-reader-text|print-link|back-to-top|feedback)([-_ ]|$)",
    re.IGNORECASE,
)
MAX_NESTING = 256
"""Deepest element nesting read (libxml2's own limit for XML); real report pages nest < 50 deep.
Deeper pages are refused: the walk below is recursive, and such a page is not a report."""
HEADINGS = {f"h{n}": n for n in range(1, 7)}
PARAGRAPHS = {"p", "dd", "dt", "pre", "figcaption", "caption", "address", "summary"}
LISTS = {"ul", "ol"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
}  # fmt: skip
_BLOCKS = frozenset({*HEADINGS, *PARAGRAPHS, "li", "tr"})
_NOT_TEXT = frozenset({"script", "style", "template", "noscript"})
_META_KEYS = {
    "published": ("article:published_time", "dcterms.issued", "dc.date.issued", "dcterms.created", "date"),
    "updated": ("article:modified_time", "dcterms.modified", "dc.date.modified", "last-modified"),
    "publisher": ("og:site_name", "dc.publisher", "dcterms.publisher"),
    "title": ("og:title", "dc.title", "dcterms.title"),
}


def _is_furniture(tag: Any) -> bool:
    if tag.attrs is None:
        return False
    if tag.get("hidden") is not None or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if str(tag.get("role", "")).lower() in DROP_ROLES:
        return True
    if re.search(r"display\s*:\s*none", str(tag.get("style", ""))):
        return True
    names = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
    return bool(names.strip() and DROP_NAMES.search(names))


def nesting_depth(root: Any) -> int:
    """How many elements deep the tree under ``root`` goes (iterative: any depth is safe to measure)."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if getattr(child, "name", None))
    return deepest


def _main_content(soup: Any) -> tuple[Any, bool]:
    """The element holding the report, and whether it is a real main-content element."""
    for found in (soup.find("main"), soup.find(attrs={"role": "main"})):
        if found is not None:
            return found, True
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0], True
    return (soup.body or soup), False


def _meta(soup: Any) -> dict[str, object]:
    tags: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("http-equiv") or "").lower()
        if key and tag.get("content") and key not in tags:
            tags[key] = normalise_space(str(tag["content"]))
    found: dict[str, object] = {}
    for field, keys in _META_KEYS.items():
        value = next((tags[k] for k in keys if k in tags), None)
        if value and field in ("published", "updated"):
            value = parse_date(value)
        if value:
            found[field] = value
    if "title" not in found and soup.title and soup.title.string:
        found["title"] = normalise_space(str(soup.title.string))
    canonical = soup.find("link", rel="canonical")
    url = (canonical.get("href") if canonical else None) or tags.get("og:url")
    if url and str(url).startswith(("http://", "https://")):
        found["source_url"] = str(url)
    return found


class _Walker:
    """Walks the main content in document order, emitting blocks to the builder."""

    def __init__(self, heading_levels: dict[float, int], limits: Limits) -> None:
        self.out = ElementBuilder(limits)
        self.levels = heading_levels
        self.title_seen = False

    def text_of(self, tag: Any, skip: frozenset[str] = frozenset()) -> str:
        """The text inside ``tag``, leaving out elements named in ``skip`` (a list item's sub-lists)."""
        parts: list[str] = []

        def collect(node: Any) -> None:
            for child in node.children:
                if isinstance(child, str):
                    if not _is_comment(child):
                        parts.append(str(child))
                elif child.name not in skip:
                    collect(child)

        collect(tag)
        return normalise_space("".join(parts))

    def walk(self, node: Any) -> None:
        loose: list[str] = []

        def flush() -> None:
            if loose:
                self.out.add_paragraph("".join(loose))
                loose.clear()

        for child in node.children:
            if isinstance(child, str):
                if not _is_comment(child):
                    loose.append(str(child))
                continue
            name = child.name
            if name in INLINE:
                loose.append(self.text_of(child))
                continue
            flush()
            if name in HEADINGS:
                self.heading(child, HEADINGS[name])
            elif name == "li":
                self.out.add_paragraph(self.text_of(child, frozenset(LISTS)), bullet=True)
                for nested in child.find_all(LISTS):
                    if nested.find_parent("li") is child:
                        self.walk(nested)
            elif name in PARAGRAPHS:
                self.out.add_paragraph(self.text_of(child))
            elif name == "tr":
                cells = [self.text_of(c) for c in child.find_all(["td", "th"])]
                self.out.add_paragraph(" | ".join(c for c in cells if c))
            elif name == "br":
                continue
            else:
                self.walk(child)
        flush()

    def heading(self, tag: Any, level: int) -> None:
        text = self.text_of(tag)
        if not text:
            return
        if level == 1 and not self.title_seen:
            self.title_seen = True
            self.out.add("title", text)
        else:
            self.out.add("heading", text, level=self.levels.get(level, 1))


def _is_comment(node: Any) -> bool:
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    return isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction)


def check_size(data: bytes, limits: Limits) -> None:
    """Count the page's elements, blocks and text as lxml streams through it (see :mod:`.scan`)."""
    from lxml import etree

    counter = MarkupCounter(limits, "HTML elements", _BLOCKS, text_not_in=_NOT_TEXT)
    chunks = (data[i : i + CHUNK] for i in range(0, len(data), CHUNK))
    count_markup(lambda target: etree.HTMLParser(target=target, no_network=True), counter, chunks)


def parse_html(data: bytes, name: str, limits: Limits) -> Parsed:
    """Parse an HTML page (see module docstring); the encoding comes from the page or is guessed."""
    from bs4 import BeautifulSoup

    check_size(data, limits)
    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as exc:  # lxml and the encoding detector raise many types on broken input
        raise IngestError(name, f"is not a readable web page ({type(exc).__name__}: {exc})") from None
    depth = nesting_depth(soup)
    if depth > MAX_NESTING:
        raise IngestError(
            name,
            f"nests its elements {depth} deep, more than the {MAX_NESTING} this reader follows; "
            "it is not a report page as saved by a browser (save the page again, or add it as PDF)",
        )
    meta = _meta(soup)
    root, is_main = _main_content(soup)
    for tag in root.find_all(DROP_TAGS if is_main else (*DROP_TAGS, "header")):
        tag.decompose()
    for tag in [t for t in root.find_all(True) if _is_furniture(t)]:
        if not tag.decomposed:
            tag.decompose()
    for br in root.find_all("br"):
        br.replace_with(" ")
    headings = root.find_all(list(HEADINGS))
    first_h1 = next((h for h in headings if h.name == "h1"), None)
    levels = rank_levels(HEADINGS[h.name] for h in headings if h is not first_h1)
    walker = _Walker(levels, limits)
    walker.walk(root)
    return walker.out.parsed(meta)

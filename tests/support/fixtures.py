"""Report fixtures in every format, generated from the Met report text (for tests and benchmarks).

The plain-text report is parsed with the text parser; its elements (title, headings with
levels, grade lines, dates, paragraphs, bullets) are then laid out as Markdown, an HMICFRS-like
web page, a Word document and a multi-page A5 PDF with a running header, a footer and printed
page numbers. A :class:`Variant` renames the force and shifts the years, so a collection of
"different" reports can be made from one text.

The PDF writer records on which printed page each paragraph starts and ends (ground truth for
the page-number tests), hyphenates long words at line ends like a typesetter, and lets
paragraphs run over page breaks.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.ingest.structure import Element, normalise_space
from assistant.ingest.text import parse_text
from tests.support.corpus import REPORT

FORMATS = ("pdf", "html", "docx", "md")


@dataclass(frozen=True)
class Variant:
    """The Met report with another force name and year (2017 -> ``year``, 2016 -> ``year - 1``)."""

    force: str = "Metropolitan"
    year: int = 2017

    @property
    def slug(self) -> str:
        return f"{self.force.lower().replace(' ', '-')}-peel-{self.year}"

    @property
    def title(self) -> str:
        return f"{self.force} PEEL {self.year}"

    def apply(self, text: str) -> str:
        swaps = {"Metropolitan": self.force, "2017": str(self.year), "2016": str(self.year - 1)}
        return re.sub("|".join(swaps), lambda m: swaps[m.group(0)], text)


MET = Variant()


def source_text(variant: Variant = MET) -> str:
    return variant.apply(REPORT.read_text(encoding="utf-8"))


def source_elements(variant: Variant = MET) -> list[Element]:
    """The report's elements as the text parser sees them, with whitespace normalised."""
    text = source_text(variant)
    return [
        Element(
            e.kind, text[e.start : e.end] if e.kind not in ("updated", "published") else e.text, 0, 0, e.level
        )
        for e in parse_text(text)
    ]


def _shown(el: Element) -> str:
    """The element's text as a document shows it (dates as the scrape printed them)."""
    if el.kind == "updated":
        day, month, year = el.text.split("-")[2], el.text.split("-")[1], el.text.split("-")[0]
        return f"Last updated {day}/{month}/{year}"
    return normalise_space(el.text)


# --- Markdown -----------------------------------------------------------------------------


def _md_wrap(text: str) -> str:
    """Wrap at 78 columns, never starting a line with something Markdown would read as markup."""
    lines: list[str] = []
    for line in textwrap.wrap(text, 78, break_on_hyphens=False):
        if lines and re.match(r"[-+*#>=|`]|\d+[.)]", line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def markdown(variant: Variant = MET) -> str:
    out: list[str] = []
    for el in source_elements(variant):
        text = _shown(el)
        if el.kind == "title":
            out.append(f"# {text}")
        elif el.kind == "heading":
            out.append(f"{'#' * (el.level + 1)} {text}")
        elif el.kind == "grade":
            out.append(f"**{text}**")
        elif el.kind == "bullet":
            item = _md_wrap(text).replace("\n", "\n  ")
            if out and out[-1].startswith("- "):
                out[-1] += f"\n- {item}"
            else:
                out.append(f"- {item}")
        else:
            out.append(_md_wrap(text))
    return "\n\n".join(out) + "\n"


# --- HTML ---------------------------------------------------------------------------------

_PAGE_TOP = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} - His Majesty's Inspectorate of Constabulary and Fire &amp; Rescue Services</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:url" content="{url}">
<link rel="canonical" href="{url}">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<style>.skip-link {{ position: absolute; }}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div class="cookie-banner" role="region"><p>We use cookies to collect information about how you use
our website.</p><button>Accept all cookies</button><button>Reject all cookies</button></div>
<header role="banner"><a href="/">HMICFRS</a>
<nav aria-label="Main menu"><ul><li><a href="/about-us/">About us</a></li>
<li><a href="/our-work/">Our work</a></li><li><a href="/publications/">Publications</a></li>
<li><a href="/news/">News</a></li></ul></nav>
<form role="search"><label>Search</label><input name="s"></form>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>
<li><a href="/peel-assessments/">PEEL assessments</a></li><li>{force}</li></ol></nav>
<main id="main"><article>
"""

_PAGE_END = """<aside class="related"><h2>Related publications</h2><ul>
<li><a href="/efficiency/">{force} PEEL efficiency</a></li>
<li><a href="/legitimacy/">{force} PEEL legitimacy</a></li></ul></aside>
<div class="share"><p>Share this page</p>
<ul><li><a href="#">Email</a></li><li><a href="#">X</a></li></ul></div>
</article></main>
<footer role="contentinfo"><ul><li><a href="/cookies/">Cookies</a></li>
<li><a href="/privacy/">Privacy notice</a></li><li><a href="/accessibility/">Accessibility</a></li></ul>
<p>All content is available under the Open Government Licence v3.0, except where otherwise stated.</p>
<p>&copy; Crown copyright</p></footer>
<script src="/assets/site.js"></script>
</body>
</html>
"""


def html_page(variant: Variant = MET) -> str:
    url = f"https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/{variant.slug}/"
    out = [_PAGE_TOP.format(title=variant.title, url=url, force=variant.force)]
    in_list = False
    for el in source_elements(variant):
        text = html.escape(_shown(el), quote=False)
        if el.kind != "bullet" and in_list:
            out.append("</ul>")
            in_list = False
        if el.kind == "title":
            out.append(f"<h1 class='page-title'>{text}</h1>")
        elif el.kind == "heading":
            n = el.level + 1
            out.append(f'<h{n} id="s{len(out)}">{text}</h{n}>')
        elif el.kind == "grade":
            out.append(f'<div class="judgement"><p class="grade grade--ri"><strong>{text}</strong></p></div>')
        elif el.kind == "updated":
            out.append(f'<p class="last-updated">{text}</p>')
        elif el.kind == "bullet":
            if not in_list:
                out.append('<ul class="list">')
                in_list = True
            # Inline markup inside an item, as the real pages have.
            words = text.split(" ", 1)
            rest = f" {words[1]}" if len(words) > 1 else ""
            out.append(f"<li><span>{words[0]}</span>{rest}</li>")
        else:
            out.append(f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    out.append(_PAGE_END.format(force=variant.force))
    return "\n".join(out)


# --- DOCX ---------------------------------------------------------------------------------


def write_docx(path: Path, variant: Variant = MET) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = variant.title
    document.core_properties.author = "HMICFRS"
    document.sections[0].header.paragraphs[0].text = f"{variant.title} — running header"
    document.sections[0].footer.paragraphs[0].text = "OFFICIAL"
    for el in source_elements(variant):
        text = _shown(el)
        if el.kind == "title":
            document.add_paragraph(text, style="Title")
        elif el.kind == "heading":
            document.add_heading(text, level=el.level)
        elif el.kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif el.kind == "grade":
            document.add_paragraph().add_run(text).bold = True
        else:
            # Split a paragraph over several runs, as Word does.
            paragraph = document.add_paragraph()
            half = len(text) // 2
            cut = text.find(" ", half) + 1 or len(text)
            paragraph.add_run(text[:cut])
            paragraph.add_run(text[cut:]).italic = False
    document.save(str(path))
    return path


# --- PDF ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfTruth:
    """Printed page labels where each paragraph/bullet starts and ends, keyed by its text."""

    pages: dict[str, tuple[str, str]]
    page_count: int


def _hyphenator(word: str) -> Iterator[tuple[str, str]]:
    """Break points a typesetter might use: after a hyphen, else anywhere leaving 3+ letters each side."""
    if "-" in word:
        head, _, tail = word.partition("-")
        yield head + "-", tail
        return
    for i in range(len(word) - 3, 2, -1):
        yield word[:i], word[i:]


def write_pdf(path: Path, variant: Variant = MET, *, page_numbers: bool = True) -> PdfTruth:
    """A5 pages: an unnumbered cover, then body pages with header, footer and printed numbers 1, 2, ...

    Without ``page_numbers`` no page prints a number, so citations must fall back to physical pages.
    """
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
    )

    width, height = A5
    starts: dict[str, str] = {}
    ends: dict[str, str] = {}

    def label(physical: int) -> str:
        return str(physical - 1) if page_numbers else str(physical)

    class Tagged(Paragraph):  # type: ignore[misc]
        key: str | None = None
        last: bool = True

        def split(self, aw: float, ah: float) -> list[Any]:
            parts: list[Any] = super().split(aw, ah)
            for i, part in enumerate(parts):
                part.__class__ = Tagged
                part.key = self.key if i == 0 else None
                part.end_key = self.end_key if i == len(parts) - 1 else None
            return parts

    class Doc(BaseDocTemplate):  # type: ignore[misc]
        def afterFlowable(self, flowable: Any) -> None:
            if getattr(flowable, "key", None):
                starts.setdefault(flowable.key, label(self.page))
            if getattr(flowable, "end_key", None):
                ends[flowable.end_key] = label(self.page)

    def running(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(15 * mm, height - 10 * mm, f"{variant.title} – PEEL: Police effectiveness")
        canvas.drawString(15 * mm, 9 * mm, "HMICFRS | Crown copyright")
        if page_numbers:
            canvas.drawRightString(width - 15 * mm, 9 * mm, label(doc.page))
        canvas.restoreState()

    frame = Frame(15 * mm, 16 * mm, width - 30 * mm, height - 32 * mm, id="body")
    doc = Doc(str(path), pagesize=A5, title=variant.title, author="HMICFRS", subject="PEEL effectiveness")
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame], onPage=running)])
    body = ParagraphStyle(
        "body",
        fontName="Helvetica",
        fontSize=9,
        leading=11.5,
        spaceAfter=5,
        alignment=TA_JUSTIFY,
        hyphenationLang=_hyphenator,
        embeddedHyphenation=1,
        hyphenationMinWordLength=7,
        allowOrphans=1,
    )
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2)
    styles = {
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=22, leading=27, spaceAfter=12),
        1: ParagraphStyle(
            "h1", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=6
        ),
        2: ParagraphStyle(
            "h2", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=6, spaceAfter=4
        ),
        "grade": ParagraphStyle("grade", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceAfter=5),
    }
    story: list[Any] = []
    for el in source_elements(variant):
        text = _shown(el)
        escaped = html.escape(text, quote=False)
        if el.kind == "title":
            story += [Paragraph(escaped, styles["title"]), NextPageTemplate("body"), PageBreak()]
            continue
        if el.kind == "heading":
            story.append(Paragraph(escaped, styles[min(el.level, 2)]))
            continue
        if el.kind in ("grade", "updated"):
            story.append(Paragraph(escaped, styles["grade"] if el.kind == "grade" else body))
            continue
        para = Tagged(escaped, bullet, bulletText="•") if el.kind == "bullet" else Tagged(escaped, body)
        para.key = para.end_key = text
        story.append(para)
    doc.build(story)
    return PdfTruth({k: (starts[k], ends[k]) for k in starts}, doc.page)


def write_all(folder: Path, variant: Variant = MET, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Write the report in each of ``formats`` into ``folder``; returns format -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for fmt in formats:
        path = folder / f"{variant.slug}.{fmt}"
        if fmt == "pdf":
            write_pdf(path, variant)
        elif fmt == "html":
            path.write_text(html_page(variant), encoding="utf-8")
        elif fmt == "docx":
            write_docx(path, variant)
        elif fmt == "md":
            path.write_text(markdown(variant), encoding="utf-8")
        elif fmt == "txt":
            path.write_text(source_text(variant), encoding="utf-8")
        else:
            raise ValueError(f"unknown fixture format {fmt!r}; known: {', '.join(FORMATS)}, txt")
        paths[fmt] = path
    return paths


# --- Comparing what the parsers read --------------------------------------------------------


def parse_file(path: Path) -> Any:
    """Parse a generated file as the indexer does (its folder is the corpus)."""
    from assistant.ingest import load_report

    return load_report(path, path.parent)


def structure(report: Any) -> list[tuple[Any, ...]]:
    """What a reader sees of each passage in any format: heading path, ¶, bullet, text, lead-in, grade."""
    from assistant.passages import report_passages

    return [
        (p.section_path, p.paragraph, p.bullet, p.text, p.lead_in, p.grade) for p in report_passages(report)
    ]


def reference_structure(variant: Variant = MET) -> list[tuple[Any, ...]]:
    """The passages the plain-text parser reads from the source text: what every format must match."""
    from assistant.ingest import parse_bytes

    folder = Path("/nonexistent-corpus")
    return structure(parse_bytes(source_text(variant).encode("utf-8"), folder / "reference.txt", folder))

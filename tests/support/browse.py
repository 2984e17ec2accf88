"""A library to browse: the six-report library, the Met report as a PDF and as a web page, and a damaged file.

The PDF and the web page are the Met text renamed for two other forces (Cumbria, Dorset), so their
passages are told apart from the library's by report; the damaged PDF is what the Reports tab and
``assistant reports`` must list as unreadable, with why.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.fixtures import PdfTruth, Variant, html_page, write_pdf
from tests.support.library import write_library

PDF_VARIANT = Variant("Cumbria", 2019)
HTML_VARIANT = Variant("Dorset", 2019)
PDF_ID = PDF_VARIANT.slug
HTML_ID = HTML_VARIANT.slug
BAD_FILE = "damaged-report.pdf"
HTML_URL = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/dorset-peel-2019/"


def write_browse_corpus(folder: Path) -> PdfTruth:
    """Write the corpus into ``folder``; returns the PDF's page ground truth."""
    write_library(folder)
    truth = write_pdf(folder / f"{PDF_ID}.pdf", PDF_VARIANT)
    (folder / f"{HTML_ID}.html").write_text(html_page(HTML_VARIANT), encoding="utf-8")
    (folder / BAD_FILE).write_bytes(b"%PDF-1.4\nthis file was cut short in a download\n")
    return truth

"""Footnotes in a python-docx document, which has no footnote API: the part is written here.

WordprocessingML keeps footnotes in their own part, ``/word/footnotes.xml``, related to the
document by a ``footnotes`` relationship (its content type goes into ``[Content_Types].xml``
when python-docx saves the package). The part starts with the two special footnotes Word
expects -- the separator line (id -1) and the continuation separator (id 0) -- and each real
footnote (ids 1, 2, ...) is a paragraph in the "Footnote Text" style that starts with a
``w:footnoteRef`` mark. In the body, a run in the "Footnote Reference" style (superscript)
holding ``w:footnoteReference w:id=…`` places the number. Both styles are added to the document
when missing (python-docx's default template has neither).
"""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PARTNAME = "/word/footnotes.xml"
TEXT_STYLE = "Footnote Text"
REFERENCE_STYLE = "Footnote Reference"
_SEPARATORS = (
    f"<w:footnotes {nsdecls('w')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _styles(document: Any) -> tuple[str, str]:
    """The style ids of the footnote text and reference styles, added to ``document`` if missing."""
    styles = document.styles
    names = {s.name for s in styles}
    if TEXT_STYLE not in names:
        text = styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = styles["Normal"]
        text.font.size = Pt(9)
        text.paragraph_format.space_after = Pt(0)
    if REFERENCE_STYLE not in names:
        styles.add_style(REFERENCE_STYLE, WD_STYLE_TYPE.CHARACTER).font.superscript = True
    return styles[TEXT_STYLE].style_id, styles[REFERENCE_STYLE].style_id


class Footnotes:
    """The footnotes of one document: :meth:`add` puts a numbered note after a paragraph's text."""

    def __init__(self, document: Any) -> None:
        self._text_style, self._reference_style = _styles(document)
        self._element = parse_xml(_SEPARATORS)
        part = XmlPart(PackURI(PARTNAME), CONTENT_TYPE, self._element, document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        self._count = 0

    def _reference_run(self, mark: str) -> Any:
        return parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{self._reference_style}"/></w:rPr>{mark}</w:r>'
        )

    def add(self, paragraph: Any, text: str) -> int:
        """Put a footnote reading ``text`` at the end of ``paragraph``; returns its number."""
        self._count += 1
        n = self._count
        paragraph._p.append(self._reference_run(f'<w:footnoteReference w:id="{n}"/>'))
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{n}"><w:p><w:pPr><w:pStyle w:val="{self._text_style}"/>'
            "</w:pPr></w:p></w:footnote>"
        )
        p = note[0]
        p.append(self._reference_run("<w:footnoteRef/>"))
        run = parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"/></w:r>')
        run.find(qn("w:t")).text = " " + text
        p.append(run)
        self._element.append(note)
        return n

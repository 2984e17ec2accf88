"""Report files -> :class:`Report`. One module per format, all into one structure model.

Use :func:`discover` to list the report files of a corpus folder and :func:`load_report` to
parse one (``isolated=True``: in a worker process, see :mod:`.worker`), within the
:class:`Limits` of what one file may expand to (:mod:`.limits`). :mod:`.formats` decides a
file's format from its content where possible (a PDF is a PDF whatever its name), else from
its extension, and dispatches to that format's parser;
:mod:`.corpus` holds the policy of which files of a corpus are read and turns them into
reports.
"""

from __future__ import annotations

from assistant.ingest.corpus import (
    check_size,
    discover,
    display_name,
    is_report_file,
    load_report,
    parse_bytes,
    parse_content,
    refusal,
    refused_files,
    report_from,
    report_id,
    sha256_bytes,
)
from assistant.ingest.formats import (
    EXTENSIONS,
    FORMATS,
    PARSER_VERSION,
    FormatParser,
    decode_text,
    parse_format,
    sniff_format,
    unsupported_reason,
)
from assistant.ingest.limits import Limits
from assistant.ingest.structure import Parsed
from assistant.ingest.worker import ParsedFile, parse_file
from assistant.records import Report

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "PARSER_VERSION",
    "FormatParser",
    "Limits",
    "Parsed",
    "ParsedFile",
    "Report",
    "check_size",
    "decode_text",
    "discover",
    "display_name",
    "is_report_file",
    "load_report",
    "parse_bytes",
    "parse_content",
    "parse_file",
    "parse_format",
    "refusal",
    "refused_files",
    "report_from",
    "report_id",
    "sha256_bytes",
    "sniff_format",
    "unsupported_reason",
]

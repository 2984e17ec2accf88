"""A library of six PEEL effectiveness reports made from the Met 2017 text, with its ground truth.

For tests and dev evaluation of questions over several reports (issue 10): a question that names
a force or a year, "which forces ...", "compare A and B", and questions naming no force. Every
report is a plain-text scrape shaped like the real one (same question headings, grade lines,
"Weaknesses include:" lead-ins and bullets), with a ``.toml`` sidecar giving title, force, year,
inspection, publisher, published date and source URL. A report's id is its file stem.

Reports (grades per section: overall / prevention / investigation / vulnerability / SOC):

* ``metropolitan-peel-2017-effectiveness``: Metropolitan Police Service, 2017: RI / - / RI / RI / -
* ``metropolitan-peel-2016-effectiveness``: Metropolitan Police Service, 2016: RI / RI / RI / Inadequate / RI
* ``kent-peel-2016-effectiveness``: Kent Police, 2016: Good / Good / RI / Good / Good
* ``kent-peel-2017-effectiveness``: Kent Police, 2017: Good / Good / Good / Good / Good
* ``greater-manchester-peel-2018-effectiveness``: Greater Manchester Police, 2018:
  RI / Good / Inadequate / RI / Outstanding
* ``thames-valley-peel-2017-effectiveness``: Thames Valley Police, 2017: Good / Outstanding / Good / RI / Good

(RI = Requires improvement. Specialist capabilities are ungraded everywhere. The Met 2017 report
is the real scrape, byte for byte; it has no grade lines for prevention and SOC, although its
SOC text mentions "the rating of ‘good’".)

How the reports are made: the Met text is renamed for the report's force and round (title,
"the Metropolitan Police Service" -> "Kent Police", 2017 -> the report's year, 2016 -> the year
before, "HMICFRS" -> "HMIC" in the 2016 round, London/borough/ward wording -> the force's own),
its grade lines are set from the table, and its sentence edits are applied (replace, remove,
add; data in :mod:`tests.support.library_met_kent` and
:mod:`tests.support.library_gmp_tvp`). Every first paragraph of a graded section
states that section's grade in words ("Kent Police is good at investigating crime ...").

What differs, so that answers differ by report:

* Detectives: the Met (both years), Kent 2016 and GMP are short of detectives; Kent 2017 says the
  opposite ("It has filled its detective vacancies ..."); Thames Valley does not mention it.
* Vulnerability: Kent is Good in both years; the Met 2016 is Inadequate (missing children, no
  strategy, domestic abuse victims waiting); GMP has a domestic abuse backlog; Thames Valley has
  delays in examining digital devices.
* Over time: the Met 2016 has made "limited progress" since 2015, its SOC work requires
  improvement, its Pathfinder-like borough mergers are only planned and it has a mental health
  triage pilot instead of liaison officers; Kent 2016 requires improvement on investigations and
  still has the Met's detective wording; GMP 2018 "has declined since 2017".
* Findings the Met never mentions: Thames Valley's road-safety initiative (Operation Roadshield),
  rural crime taskforce and embedded problem solving (Outstanding: no "let down by" list, no
  trainer shortage); GMP's drugs diversion scheme (Operation Tessellate), knife crime work in
  schools, computer-system problems and the Challenger partnership; Kent's ports and Channel
  Tunnel work and its mental health triage scheme (a pilot in 2016, as in the Met 2016).
* Shared findings: Kent 2017 and Thames Valley both fail to keep some victims informed (same
  wording); Operation Makesafe is in the Met reports and GMP; volunteer mental health liaison
  officers in the Met 2017, Kent 2017, GMP and Thames Valley; modern slavery understanding is a
  weakness in the Met reports, GMP and Thames Valley; county lines work everywhere but GMP.
* Stock wording: most sentences are word for word the same in every report, or differ only in the
  force's name ("Kent Police’s approach to tackling crime and anti-social behaviour is generally
  good."), as in a real library; Kent and Thames Valley share their joint firearms threat wording.

Ground truth: :func:`holders` gives, for a finding key, each report holding it and its exact text
there (a substring of one passage); :func:`section_grades` gives a report's grade per section
heading; :func:`finding_keys` lists the keys.

Dev questions over this library: ``tests/data/questions-library-dev.jsonl`` (keys of
``questions-dev.jsonl`` plus ``gold_report``, the ids of the reports holding a correct answer;
kinds ``scoped``, ``scoped_year``, ``missing_year``, ``which``, ``compare``, ``unscoped``,
``grade``, ``out_of_scope``). A question naming a force with two reports and no year lists both
(latest first); a comparison of such a force with another lists its latest report. Declined
questions have empty ``gold`` and ``gold_report`` and ``expect`` ("no_report_for_year" with the
``force`` and ``year`` named, or "unknown_force" with the ``force``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from tests.support.library_findings import BASE, SECTIONS, Edit, ReportSpec
from tests.support.library_gmp_tvp import GMP_2018, TVP_2017
from tests.support.library_met_kent import KENT_2016, KENT_2017, MET_2016, MET_2017

ROOT = Path(__file__).resolve().parents[2]
MET_REPORT = ROOT / "corpus" / "metropolitan-peel-2017-effectiveness.txt"
INSPECTION = "PEEL effectiveness"

REPORTS: tuple[ReportSpec, ...] = (MET_2017, MET_2016, KENT_2016, KENT_2017, GMP_2018, TVP_2017)
SPECS: dict[str, ReportSpec] = {s.id: s for s in REPORTS}
REPORT_IDS: tuple[str, ...] = tuple(SPECS)

_GRADE_AFTER_HEADING = re.compile(
    r"((?:[ \t]*\n)*(?:Last updated[^\n]*\n)?)(?:(Outstanding|Good|Requires improvement|Inadequate)\n)?"
)
_BULLET_MARKER = re.compile(r"[ \t]*•[ \t]+")


def spec(report_id: str) -> ReportSpec:
    try:
        return SPECS[report_id]
    except KeyError:
        raise KeyError(f"no report {report_id!r} in the library; ids: {', '.join(REPORT_IDS)}") from None


def _swaps(s: ReportSpec) -> dict[str, str]:
    called = s.force.called
    swaps = {
        "Metropolitan PEEL 2017": f"{s.force.short} PEEL {s.year}",
        "Last updated 22/03/2018": f"Last updated {date.fromisoformat(s.published):%d/%m/%Y}",
        "The Metropolitan Police Service": called[0].upper() + called[1:],
        "the Metropolitan Police Service": called,
        "City of London Police": "City of London Police",  # another force, not a place to rename
        "2017": str(s.year),
        "2016": str(s.year - 1),
        **dict(s.force.places),
    }
    if s.publisher == "HMIC":
        swaps["HMICFRS"] = "HMIC"
    return swaps


def rename(s: ReportSpec, text: str) -> str:
    """The Met wording of ``text`` as report ``s`` has it, in one pass (replacements are not re-read)."""
    swaps = _swaps(s)
    pattern = "|".join(re.escape(k) for k in sorted(swaps, key=len, reverse=True))
    return re.sub(pattern, lambda m: swaps[m.group(0)], text)


def set_grades(text: str, grades: dict[str, str | None]) -> str:
    """Replace, insert or drop the grade line after each question heading, as ``grades`` says."""
    for short, heading in SECTIONS.items():
        grade = grades.get(short)
        m = _GRADE_AFTER_HEADING.match(text, text.index(heading + "\n") + len(heading) + 1)
        assert m is not None  # every part of the pattern is optional
        if m.group(2) is None and grade is None:
            continue
        line = "" if grade is None else f"{grade}\n" if m.group(2) else f"{grade}\n\n"
        text = text[: m.start()] + m.group(1) + line + text[m.end() :]
    return text


def _position(text: str, needle: str, where: str) -> int:
    count = text.count(needle)
    if count != 1:
        raise ValueError(f"{where}: expected the text once, found it {count} times: {needle!r}")
    return text.index(needle)


def apply_edit(text: str, edit: Edit, anchor: str, where: str) -> str:
    """``text`` with ``edit`` applied at ``anchor`` (see :class:`Edit`); ``where`` names it in errors."""
    pos = _position(text, anchor, where)
    end = pos + len(anchor)
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = len(text) if (nl := text.find("\n", end)) < 0 else nl
    marker = _BULLET_MARKER.match(text, line_start)
    whole_line = (marker.end() if marker else line_start) == pos and line_end == end
    if edit.op == "replace":
        return text[:pos] + edit.text + text[end:]
    if edit.op == "remove":
        if whole_line:  # the line, and for a paragraph the blank line after it
            cut = line_end + 1 + (not marker and text[line_end + 1 : line_end + 2] == "\n")
            return text[:line_start] + text[cut:]
        if text[end : end + 1] == " ":
            return text[:pos] + text[end + 1 :]
        return text[:pos].rstrip(" ") + text[end:]
    if whole_line and marker:
        prefix = marker.group(0)
        new = (edit.text + "\n" + prefix, pos) if edit.before else ("\n" + prefix + edit.text, end)
    elif whole_line:
        new = (edit.text + "\n\n", line_start) if edit.before else ("\n\n" + edit.text, end)
    else:
        new = (edit.text + " ", pos) if edit.before else (" " + edit.text, end)
    return text[: new[1]] + new[0] + text[new[1] :]


@cache
def report_text(report_id: str) -> str:
    """The report's text file contents: the Met text renamed, graded and edited."""
    s = spec(report_id)
    text = set_grades(rename(s, MET_REPORT.read_bytes().decode("utf-8")), s.grades)
    for edit in s.edits:
        if edit.at not in BASE:
            raise ValueError(f"{report_id}: {edit.op} at unknown finding {edit.at!r}")
        text = apply_edit(text, edit, rename(s, BASE[edit.at]), f"{report_id}: {edit.op} {edit.key!r}")
    return text


def source_url(s: ReportSpec) -> str:
    return f"https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-{s.year}/{s.force.slug}/effectiveness/"


def sidecar_text(report_id: str) -> str:
    """The report's ``.toml`` metadata sidecar."""
    s = spec(report_id)
    values: dict[str, str | int] = {
        "title": s.title,
        "force": s.force.name,
        "year": s.year,
        "inspection": INSPECTION,
        "publisher": s.publisher,
        "published": s.published,
        "source_url": source_url(s),
    }
    lines = [f"# Metadata for {report_id}.txt (overrides anything read from the document)."]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def write_library(folder: Path) -> dict[str, Path]:
    """Write every report (``<id>.txt`` + ``<id>.toml``) into ``folder``; returns id -> text file."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for report_id in REPORT_IDS:
        paths[report_id] = folder / f"{report_id}.txt"
        paths[report_id].write_bytes(report_text(report_id).encode("utf-8"))
        (folder / f"{report_id}.toml").write_bytes(sidecar_text(report_id).encode("utf-8"))
    return paths


@cache
def _findings(report_id: str) -> dict[str, str]:
    """Finding key -> its exact text in the report: base findings renamed, then the edits."""
    s = spec(report_id)
    found = {key: rename(s, text) for key, text in BASE.items()}
    for edit in s.edits:
        if edit.op != "add":
            del found[edit.at]
        if edit.op != "remove":
            found[edit.key] = edit.text
    return found


def finding_keys() -> tuple[str, ...]:
    """Every finding key of any report, sorted."""
    return tuple(sorted({key for report_id in REPORT_IDS for key in _findings(report_id)}))


def holders(key: str) -> dict[str, str]:
    """Report id -> the exact text of finding ``key`` there, for every report that holds it."""
    if key not in finding_keys():
        raise KeyError(f"unknown finding {key!r}; see finding_keys()")
    return {r: _findings(r)[key] for r in REPORT_IDS if key in _findings(r)}


def section_grades(report_id: str) -> dict[str, str | None]:
    """Question heading -> the report's grade line there (None: no grade line), in report order."""
    grades = spec(report_id).grades
    return {heading: grades.get(short) for short, heading in SECTIONS.items()}

"""How ranked candidates become an answer's cards when a library holds many reports (pure).

* :func:`wording_key` -- the same sentence in several reports (another force's or year's
  report repeats stock wording with its own name) is one finding: it becomes one card that
  lists every report holding it (:func:`group_copies`), so k copies of one point never crowd
  out the rest.
* :func:`latest_first` -- for a force with reports from several years and no year asked,
  the latest report's passages come first, the earlier years' after them.
* :func:`best_per_report` and :func:`addressing` -- "which forces ...?": the best passage of
  each report, kept only for the reports whose best passage is about as close to the question
  as the best report's (a report that does not address it is not padded in).
* :func:`align_by_section` -- "compare A and B": PEEL reports share their question headings,
  so each row is one heading with each report's best passage under it.
* :func:`list_items` -- a list's lead-in ("Weaknesses include:") that ranks is shown with the
  items it introduces: it is context for them, never a card by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from assistant.forces import known_forces
from assistant.records import Passage
from assistant.retrieval.lexical import words
from assistant.retrieval.vocabulary import STOPWORDS

MAX_LIST_ITEMS = 40
"""Items read after a lead-in at most (a real list is far shorter)."""
ADDRESS_COSINE_DROP = 0.08
"""A report addresses a "which" question when its best passage's cosine is within this of the
best report's (and it matches some of the question's terms)."""


_ORDINARY = frozenset({"crime", "agency", "national", "defence", "nuclear", "transport", "civil", "ministry"})
"""Words in the names of national bodies (National Crime Agency) that reports use as ordinary words."""


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """The words of forces' names and aliases ("metropolitan", "police", "kent"), but not
    function words or ordinary words such as "crime"."""
    named = {w for f in known_forces() for n in (f.name, *f.aliases) for w in words(n)}
    return frozenset(named - STOPWORDS - _ORDINARY)


def wording_key(text: str) -> str:
    """``text``'s words, lower-cased, without years and words of force names: two passages with
    the same key say the same thing about different forces or years. (Dropping a word such as
    "north" from both sides cannot make different findings equal in practice, and a word set is
    far cheaper than matching every force's name.)"""
    names = _name_words()
    tokens = words(text)
    kept = [
        w
        for n, w in enumerate(tokens)
        if w not in names
        and not _is_year(w)
        and not (w == "the" and n + 1 < len(tokens) and tokens[n + 1] in names)
    ]
    return " ".join(kept)


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")


def group_copies(
    order: Sequence[int], key: Callable[[int], str], recency: Callable[[int], tuple[int, str]]
) -> list[tuple[int, tuple[int, ...]]]:
    """Candidates in ``order`` grouped by ``key``: ``(representative, others)`` per group, in the
    order of each group's best member. Members of a group say the same thing, so their scores
    differ by accident; the most recent report's copy (highest ``recency``) represents it, the
    others follow most recent first."""
    groups: dict[str, list[int]] = {}
    for i in order:
        groups.setdefault(key(i), []).append(i)
    out = []
    for members in groups.values():
        ordered = sorted(members, key=recency, reverse=True) if len(members) > 1 else members
        out.append((ordered[0], tuple(ordered[1:])))
    return out


def latest_first(chosen: Sequence[int], year: Callable[[int], int | None]) -> list[int]:
    """``chosen`` reordered by year, latest first; ranks kept within a year (a stable sort)."""
    return sorted(chosen, key=lambda i: -(year(i) or 0))


def with_each_year(ranked: Sequence[int], year: Callable[[int], int | None], k: int) -> list[int]:
    """The first ``k`` of ``ranked``, except that each year's best candidate gets a place when
    the top ``k`` would leave a year out (it replaces the lowest-ranked of a year with several)."""
    chosen = list(ranked[:k])
    for i in ranked[k:]:
        years = [year(c) for c in chosen]
        if year(i) in years:
            continue
        crowded = [c for c in reversed(chosen) if years.count(year(c)) > 1]
        if not crowded:
            break
        chosen.remove(crowded[0])
        chosen.append(i)
    return chosen


def best_per_report(order: Sequence[int], report: Callable[[int], str]) -> list[int]:
    """The best candidate of each report, best report first."""
    seen: set[str] = set()
    out = []
    for i in order:
        r = report(i)
        if r not in seen:
            seen.add(r)
            out.append(i)
    return out


def addressing(
    bests: Sequence[int], cosine: Callable[[int], float], lexical: Callable[[int], float]
) -> list[int]:
    """The reports' best passages that address the question: within
    :data:`ADDRESS_COSINE_DROP` of the best cosine, and sharing a term with the question
    when the best passage does (so a report is not counted for a vaguely similar sentence)."""
    if not bests:
        return []
    top = max(cosine(i) for i in bests)
    needs_terms = lexical(bests[0]) > 0
    return [
        i for i in bests if cosine(i) >= top - ADDRESS_COSINE_DROP and (lexical(i) > 0 or not needs_terms)
    ]


def differing_first(
    order: Sequence[int], report: Callable[[int], str], key: Callable[[int], str], reports: set[str]
) -> list[int]:
    """``order`` with the candidates whose wording every compared report shares moved last: a
    comparison is about where reports differ, and stock wording says the same of each."""
    holders: dict[str, set[str]] = {}
    for i in order:
        holders.setdefault(key(i), set()).add(report(i))
    shared = [i for i in order if holders[key(i)] >= reports]
    return [i for i in order if not holders[key(i)] >= reports] + shared


def align_by_section(
    order: Sequence[int],
    reports: Sequence[str],
    report: Callable[[int], str],
    section: Callable[[int], str],
    cosine: Callable[[int], float],
    wanted: int,
    heading: Callable[[str], float] = lambda _s: 0.0,
) -> list[tuple[str, dict[str, int]]]:
    """Rows ``(section, {report: candidate})`` for a comparison.

    The sections that address the question are those whose best candidate's cosine is within
    :data:`ADDRESS_COSINE_DROP` of the best section's, taken first by how much of the question's
    topic their heading names (``heading``), then in the order of their best candidate. Each row
    sets every report's next-best candidate under one such section side by side (a report may
    have none there); rows are added, section by section and depth by depth, until about
    ``wanted`` candidates are shown.
    """
    cells: dict[str, dict[str, list[int]]] = {}
    best: dict[str, float] = {}
    for i in order:
        r = report(i)
        if r not in reports:
            continue
        s = section(i)
        cells.setdefault(s, {}).setdefault(r, []).append(i)
        best[s] = max(best.get(s, -1.0), cosine(i))
    if not cells:
        return []
    top = max(best.values())
    close = [s for s in cells if best[s] >= top - ADDRESS_COSINE_DROP]
    sections = sorted(close, key=lambda s: -heading(s))
    rows: list[tuple[str, dict[str, int]]] = []
    shown = 0
    for s in sections:
        depth = 0
        while shown < wanted:
            row = {r: found[depth] for r, found in cells[s].items() if depth < len(found)}
            if not row:
                break
            rows.append((s, row))
            shown += len(row)
            depth += 1
        if shown >= wanted:
            break
    return rows


def judgement_first(
    order: Sequence[int],
    is_judgement: Callable[[int], bool],
    section: Callable[[int], str],
    heading: Callable[[str], float],
) -> list[int]:
    """For a grade question: the graded opening paragraphs of the section whose heading names the
    question's topic best move to the front (one per report, in rank order).

    Nothing moves when no heading names the topic (the question does not say which judgement it
    wants), or when that section has no grade line: another section's grade would be the wrong one.
    """
    scores = {s: heading(s) for s in {section(i) for i in order}}
    if not scores or max(scores.values()) <= 0:
        return list(order)
    best = max(scores.values())
    front = [i for i in order if is_judgement(i) and scores[section(i)] == best]
    moved = set(front)
    return front + [i for i in order if i not in moved]


def list_items(row: int, get: Callable[[int], Passage], rows: int) -> tuple[Passage, ...]:
    """The items of the list that passage ``row`` introduces, read from the rows after it (the
    table keeps each report in document order); ``()`` when it introduces none.

    A passage is a lead-in when the bullets right after it, under the same heading, name its
    text as their lead-in. The passage itself stays the card -- its text is what was found --
    and its items are shown with it, so a card never holds a lead-in alone.
    """
    lead = get(row)
    if lead.bullet is not None:
        return ()
    items = []
    for r in range(row + 1, min(rows, row + 1 + MAX_LIST_ITEMS)):
        p = get(r)
        if p.report_id != lead.report_id or p.bullet is None or p.lead_in != lead.text:
            break
        if p.section_path != lead.section_path or p.paragraph != lead.paragraph:
            break
        items.append(p)
    return tuple(items)

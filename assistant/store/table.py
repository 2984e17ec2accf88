"""Passages on disk: JSON Lines plus a byte-offset array, read on demand through a memory map.

Loading a million passages as Python objects would take seconds and gigabytes; a query needs
a few dozen. ``passages.jsonl`` stays the human-readable source of truth, ``offsets.npy``
(int64, n+1 entries) lets row *i* be decoded alone, and small per-passage columns
(report, section, grade as int32 codes) let filters run as numpy masks.
"""

from __future__ import annotations

import json
import mmap
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.records import GRADES, Passage

PASSAGES = "passages.jsonl"
OFFSETS = "offsets.npy"
COLUMNS = "columns.json"
REPORT_COL = "col_report.npy"
SECTION_COL = "col_section.npy"
GRADE_COL = "col_grade.npy"
NO_GRADE = -1
CACHE_SIZE = 4096
SECTION_SEP = " › "
_ID_AT_LINE_START = re.compile(rb'^\{"id": "([^"\\]*)"', re.MULTILINE)


def write_table(folder: Path, passages: Iterable[Passage], report_ids: Sequence[str]) -> int:
    """Write passages, offsets and columns into ``folder``; return the passage count."""
    report_code = {rid: i for i, rid in enumerate(report_ids)}
    sections: dict[str, int] = {}
    offsets = [0]
    rep, sec, grade = [], [], []
    with open(folder / PASSAGES, "wb") as fh:
        for p in passages:
            line = json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n"
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
            rep.append(report_code[p.report_id])
            sec.append(sections.setdefault(SECTION_SEP.join(p.section_path), len(sections)))
            grade.append(GRADES.index(p.grade) if p.grade in GRADES else NO_GRADE)
    np.save(folder / OFFSETS, np.asarray(offsets, dtype=np.int64))
    np.save(folder / REPORT_COL, np.asarray(rep, dtype=np.int32))
    np.save(folder / SECTION_COL, np.asarray(sec, dtype=np.int32))
    np.save(folder / GRADE_COL, np.asarray(grade, dtype=np.int32))
    (folder / COLUMNS).write_text(
        json.dumps({"reports": list(report_ids), "sections": list(sections)}, ensure_ascii=False),
        encoding="utf-8",
    )
    return len(offsets) - 1


@dataclass(frozen=True)
class Columns:
    """Per-passage integer codes and the tables that name them."""

    report: np.ndarray
    section: np.ndarray
    grade: np.ndarray
    report_ids: tuple[str, ...]
    sections: tuple[str, ...]


class PassageTable:
    """Random access to the passages of one version folder."""

    def __init__(self, folder: Path) -> None:
        self._file = open(folder / PASSAGES, "rb")  # noqa: SIM115 - lives as long as the table
        size = (folder / PASSAGES).stat().st_size
        self._map: Any = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._offsets = np.load(folder / OFFSETS, mmap_mode="r")
        if int(self._offsets[-1]) != size:
            raise StoreError(
                f"{folder / PASSAGES} is {size} bytes but its offsets end at {int(self._offsets[-1])}: "
                "the files are out of step; run `assistant index --rebuild`"
            )
        names = json.loads((folder / COLUMNS).read_text(encoding="utf-8"))
        self.columns = Columns(
            report=np.load(folder / REPORT_COL, mmap_mode="r"),
            section=np.load(folder / SECTION_COL, mmap_mode="r"),
            grade=np.load(folder / GRADE_COL, mmap_mode="r"),
            report_ids=tuple(names["reports"]),
            sections=tuple(names["sections"]),
        )
        self._lock = threading.Lock()
        # A plain dict, not functools.lru_cache on a bound method: that would make the table
        # refer to itself, so an old version's maps stayed open until a cyclic collection.
        self._cache: OrderedDict[int, Passage] = OrderedDict()
        self._rows: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def get(self, i: int) -> Passage:
        """Passage ``i``; the most recently read :data:`CACHE_SIZE` stay decoded."""
        with self._lock:
            hit = self._cache.get(i)
            if hit is not None:
                self._cache.move_to_end(i)
                return hit
        passage = self._get(i)
        with self._lock:
            self._cache[i] = passage
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return passage

    def _get(self, i: int) -> Passage:
        if not 0 <= i < len(self):
            raise IndexError(i)
        lo, hi = int(self._offsets[i]), int(self._offsets[i + 1])
        with self._lock:
            raw = self._map[lo:hi]
        return Passage.from_dict(json.loads(raw))

    def row_of(self, passage_id: str) -> int | None:
        """The row of the passage with this id (None if there is none), from a map built on first use.

        Every line starts with the passage's id (``Passage.to_dict`` puts it first), so the map
        is read straight from the bytes -- about a second per million passages -- rather than
        by decoding every passage; a file written otherwise is decoded line by line instead.
        """
        with self._lock:
            rows = self._rows
        if rows is None:
            ids = [m.group(1).decode("utf-8") for m in _ID_AT_LINE_START.finditer(self._map)]
            if len(ids) != len(self):
                ids = [p.id for p in self]
            rows = {pid: i for i, pid in enumerate(ids)}
            with self._lock:
                self._rows = rows
        return rows.get(passage_id)

    def __iter__(self) -> Iterator[Passage]:
        return (self._get(i) for i in range(len(self)))

    def close(self) -> None:
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        self._file.close()

"""Synthetic libraries made from the real report, for measuring speed and memory at scale.

Two kinds, and the benchmark says which figures come from which:

* **real text, real vectors** (:func:`write_corpus`): report files that are variants of the
  real one -- another force's name and year, and the sentences of every paragraph in
  another order -- indexed by the ordinary ``update_index`` with the real model. Used at
  10k passages, where embedding everything takes minutes.
* **synthetic vectors** (:func:`synthetic_version`): passages made the same way directly
  as records, with vectors that are noisy copies of real unit embeddings, written by the
  store's own writer. Used at 100k and 1M passages, where embedding would take hours.
  The noise is calibrated so that a vector's nearest neighbour is as close as in the real
  report (median cosine), so clusters are neither tighter nor looser than real ones.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.forces import known_forces
from assistant.ingest import discover, load_report
from assistant.passages import dense_units, report_passages, sentence_spans
from assistant.records import Passage, ReportMeta
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.build import index_settings
from assistant.store.manifest import ReportEntry
from assistant.store.writer import write_version

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BASE_FORCE = "Metropolitan"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“'\"(])")


def forces() -> list[str]:
    """Every force name in the packaged table except the real report's own."""
    return [f.name for f in known_forces() if BASE_FORCE not in f.name]


def shuffle_sentences(text: str, rng: random.Random) -> str:
    """The sentences of ``text`` in another order (a one-sentence text is returned as it is)."""
    parts = SENTENCE.split(text)
    if len(parts) > 1:
        rng.shuffle(parts)
    return " ".join(parts)


def rewrite(text: str, force: str, year: int, rng: random.Random, *, shuffle: bool = True) -> str:
    """Another force's name and year in ``text``; with ``shuffle``, sentences of each paragraph reordered."""
    swaps = {
        "Metropolitan Police Service": force,
        "Metropolitan": force,
        "2017": str(year),
        "2016": str(year - 1),
    }
    text = re.sub("|".join(swaps), lambda m: swaps[m.group(0)], text)
    if not shuffle:
        return text
    return "\n".join(shuffle_sentences(line, rng) if len(line) > 200 else line for line in text.split("\n"))


def variant_name(i: int) -> tuple[str, int]:
    names = forces()
    return names[i % len(names)], 2014 + (i // len(names)) % 12


def write_corpus(folder: Path, passages: int, source: Path | None = None) -> list[Path]:
    """Report files (plain-text scrapes) of rewritten copies of the real report, about ``passages`` in all."""
    source = source or next(p for p in discover(CORPUS) if p.suffix == ".txt")
    per_report = len(list(report_passages(load_report(source, source.parent))))
    base = source.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(math.ceil(passages / per_report)):
        force, year = variant_name(i)
        path = folder / f"{re.sub(r'[^a-z0-9]+', '-', force.lower())}-peel-{year}-{i:05d}.txt"
        path.write_text(rewrite(base, force, year, random.Random(i)), encoding="utf-8")
        paths.append(path)
    return paths


def _body_line(line: str) -> bool:
    """A paragraph, bullet or lead-in line (not a heading, title or grade line)."""
    end = line.rstrip()
    if not end or end.endswith("?"):
        return False
    return len(end) > 60 or end[-1] in ".;:," or end.endswith((" and", " or"))


def write_distinct_corpus(folder: Path, copies: int, source: Path | None = None) -> list[Path]:
    """``copies`` copies of the real report in which no unit text repeats: text no cache can help.

    Every sentence of every paragraph, bullet and lead-in line gets its own reference number,
    "(ref 123)", before its closing stop, so each sentence and each passage in context differs
    from every other in the corpus; headings and grade lines stay as they are, so every copy
    parses into the same structure.
    """
    source = source or next(p for p in discover(CORPUS) if p.suffix == ".txt")
    base = source.read_text(encoding="utf-8").split("\n")
    folder.mkdir(parents=True, exist_ok=True)
    paths, number = [], 0
    for copy in range(copies):
        lines = []
        for line in base:
            if _body_line(line):
                parts = []
                for a, b in sentence_spans(line):
                    sentence = line[a:b].rstrip()
                    cut = len(sentence.rstrip(".!?;:"))
                    number += 1
                    parts.append(f"{sentence[:cut]} (ref {number}){sentence[cut:]}")
                line = " ".join(parts)
            lines.append(line)
        path = folder / f"distinct-{copy:04d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def synthetic_passages(base: Sequence[Passage], count: int) -> tuple[list[Passage], list[ReportEntry]]:
    """``count`` passages, report after report of rewritten copies of ``base``; and the reports' entries."""
    passages: list[Passage] = []
    entries: list[ReportEntry] = []
    report = 0
    while len(passages) < count:
        force, year = variant_name(report)
        rng = random.Random(report)
        rid = f"synthetic-{report:06d}"
        title = f"{force} PEEL {year} — Effectiveness"
        take = base[: count - len(passages)]
        for n, p in enumerate(take):
            passages.append(
                dataclasses.replace(
                    p,
                    id=f"{rid}:{n:04d}",
                    report_id=rid,
                    report_title=title,
                    text=rewrite(p.text, force, year, rng),
                    section_path=tuple(rewrite(s, force, year, rng, shuffle=False) for s in p.section_path),
                )
            )
        meta = ReportMeta(id=rid, title=title, path=f"{rid}.txt", force=force, year=year)
        entries.append(ReportEntry(rid, meta.path, rid, 0, 0, len(take), meta.to_dict()))
        report += 1
    return passages, entries


def nearest_cosines(vectors: np.ndarray, sample: int = 2000, seed: int = 0) -> np.ndarray:
    """Cosine of each of ``sample`` rows to its nearest other row (exact)."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    vecs = np.asarray(vectors, dtype=np.float32)
    sims = vecs[rows] @ vecs.T
    sims[np.arange(len(rows)), rows] = -1
    return np.asarray(sims.max(axis=1))


def noise_scale(real_units: np.ndarray, pool: np.ndarray) -> float:
    """Noise sigma that makes copies of ``pool`` rows as close to their nearest neighbours as real units are.

    Two copies of one row with independent noise ``sigma * g / sqrt(d)`` have cosine about
    ``c / (1 + sigma^2)``, where ``c`` is the cosine of their sources. Solving for the median
    nearest-neighbour cosine of the real report (``m``) with ``c`` the pool's own median
    nearest-neighbour cosine gives ``sigma = sqrt(c / m - 1)`` (0 if the pool is already as loose).
    """
    m = float(np.median(nearest_cosines(real_units)))
    c = float(np.median(nearest_cosines(pool)))
    return math.sqrt(max(c / m - 1.0, 0.0))


def synthetic_blocks(
    passages: Sequence[Passage],
    base: Sequence[Passage],
    pool: np.ndarray,
    pool_offsets: np.ndarray,
    sigma: float,
    seed: int = 0,
) -> list[np.ndarray]:
    """Per-passage float16 unit vectors: noisy copies of a real passage's units.

    Passage ``i`` is a rewrite of ``base[i % len(base)]``; its units are copied from the same
    base passage in one of the real variants held in ``pool`` (``pool_offsets`` delimits the
    pool's passages, report after report, ``len(base)`` per report), plus Gaussian noise.
    """
    rng = np.random.default_rng(seed)
    variants = (len(pool_offsets) - 1) // len(base)
    units = np.array([len(dense_units(b)) for b in base])
    sizes = np.array([units[i % len(base)] for i in range(len(passages))])
    out = np.empty((int(sizes.sum()), pool.shape[1]), dtype=np.float16)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    step = 10_000
    for lo in range(0, len(passages), step):
        hi = min(lo + step, len(passages))
        rows = []
        for i in range(lo, hi):
            b = i % len(base)
            v = (i // len(base) * 7919 + b) % variants
            a, z = int(pool_offsets[v * len(base) + b]), int(pool_offsets[v * len(base) + b + 1])
            rows.append(np.resize(np.arange(a, z), sizes[i]))
        src = np.asarray(pool[np.concatenate(rows)], dtype=np.float32)
        src += rng.standard_normal(src.shape, dtype=np.float32) * (sigma / math.sqrt(src.shape[1]))
        src /= np.linalg.norm(src, axis=1, keepdims=True)
        out[starts[lo] : starts[hi]] = src
    return [out[starts[i] : starts[i + 1]] for i in range(len(passages))]


def synthetic_version(
    settings: Settings,
    passages: list[Passage],
    entries: list[ReportEntry],
    blocks: list[np.ndarray],
    index_type: str = "auto",
) -> Path:
    """Write and publish a version from ready passages and vectors with the store's own writer."""
    return write_version(settings, index_settings(settings), entries, passages, blocks, [], index_type)


def describe_version(version: Path) -> dict[str, object]:
    """Sizes on disk of a published version."""
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    return {
        "passages": manifest["passage_count"],
        "index_type": manifest["index_type"],
        "bytes": sum(p.stat().st_size for p in version.rglob("*") if p.is_file()),
        "version": version.name,
        "current": layout.current_version(version.parent) == version,
    }

"""What FAISS's own reader does with a damaged index file -- the reason checksums are checked first.

    python -m benchmarks.faiss_damage --runs 45

Builds a small index with the FakeEmbedder, then hands ``faiss.read_index`` damaged copies of
``vectors.faiss`` (header bytes overwritten at random, header bytes set to 0xFF, or the file
cut short), each in a child process with a time limit, and counts how each ended: a Python
error, read "successfully" (wrong contents accepted), killed by a signal, or still running
after ``--timeout`` seconds. The assistant never lets FAISS see such a file:
:func:`assistant.store.load.verify_files` compares every file's sha256 with the manifest first
(tests/test_reliability_index.py checks that no damaged file reaches ``read_index``).
"""

from __future__ import annotations

import argparse
import collections
import random
import subprocess
import sys
import tempfile
from pathlib import Path

READ = """
import sys, faiss, numpy
try:
    index = faiss.read_index(sys.argv[1])
    index.search(numpy.ones((1, index.d), dtype="float32"), 5)
    print("read")
except RuntimeError:
    print("error")
"""


def damaged(data: bytes, kind: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    if kind == 0:
        for _ in range(3):
            out[rng.randrange(64)] = rng.randrange(256)
    elif kind == 1:
        out = out[: rng.randrange(len(out))]
    else:
        for _ in range(3):
            out[rng.randrange(64)] = 0xFF
    return bytes(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=45)
    parser.add_argument("--timeout", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from assistant.store import update_index
    from tests.support.corpus import make_corpus, settings_for
    from tests.support.fakes import FakeEmbedder

    rng = random.Random(args.seed)
    kinds = ("random header bytes", "cut short", "header bytes 0xFF")
    outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        settings = settings_for(make_corpus(base / "corpus"), base / "index")
        version = update_index(settings, embedder=FakeEmbedder(), progress=False, log=lambda _m: None).version
        assert version is not None
        data = (version / "vectors.faiss").read_bytes()
        for run in range(args.runs):
            path = base / f"damaged-{run}.faiss"
            path.write_bytes(damaged(data, run % 3, rng))
            try:
                done = subprocess.run(
                    [sys.executable, "-c", READ, str(path)],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                )
                how = done.stdout.strip() or f"killed by signal {-done.returncode}"
            except subprocess.TimeoutExpired:
                how = f"still running after {args.timeout:.0f} s"
            outcomes[(kinds[run % 3], how)] += 1
    print("| damage | outcome | runs |\n|---|---|---|")
    for (kind, how), count in sorted(outcomes.items()):
        print(f"| {kind} | {how} | {count} |")


if __name__ == "__main__":
    main()

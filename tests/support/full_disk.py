"""A real full disk: run in a mount namespace of its own (``unshare --mount``), so the small tmpfs it
mounts is seen by no other process and is gone when it exits, whatever happens.

    unshare --mount --propagation private python -m tests.support.full_disk FOLDER

Builds the Met report's index on a 1 MB tmpfs, then adds copies of the report until the next
version cannot fit, and prints one JSON object of what it saw: the error, what was left in the
index folder, and whether the live version still loads with the passages it had.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from assistant.errors import StoreError
from assistant.store import LiveIndex, layout, open_index, update_index
from tests.support.corpus import REPORT, make_corpus, settings_for
from tests.support.fakes import FakeEmbedder

COPIES = 12


def run(folder: Path) -> dict[str, Any]:
    disk = folder / "disk"
    disk.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    settings = settings_for(make_corpus(folder / "corpus"), disk / "index")
    fake = FakeEmbedder()
    update_index(settings, embedder=fake, progress=False, log=lambda _m: None)
    live = LiveIndex(settings, open_index(settings.index), check_every=0)
    before_ids = {p.id for p in live.get().table}
    current = (settings.index / layout.CURRENT).read_text()
    for i in range(COPIES):
        (settings.corpus / f"copy-{i}.txt").write_bytes(REPORT.read_bytes())
    error = ""
    try:
        update_index(settings, embedder=fake, progress=False, log=lambda _m: None)
    except StoreError as exc:
        error = str(exc)
    served = {p.id for p in live.get(refresh=True).table}
    return {
        "error": error,
        "current_unchanged": (settings.index / layout.CURRENT).read_text() == current,
        "left_in_index": sorted(p.name for p in settings.index.iterdir()),
        "live_version": current.strip(),
        "reloads_with_old_passages": {p.id for p in open_index(settings.index).table} == before_ids,
        "still_serving_old_passages": served == before_ids,
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))

"""``assistant index`` as a child process for the crash tests, announcing each stage of a build.

    python -m tests.crash_writer CORPUS INDEX [--pause-at STAGE]

It runs :func:`assistant.store.update_index` with the FakeEmbedder (a subprocess cannot be
handed the test's fake, and the real model would make each of the many runs slow) and prints
``stage <name>`` on stdout, flushed, as the build reaches each point below -- so the parent
can SIGKILL it at a chosen moment, including inside the final write. ``--pause-at`` stops it
at a stage until it is killed (to hold the writer lock). Nothing here changes what is written.

Stages: ``locked`` (lock held, leftovers pruned), ``embedding``, ``workdir`` (writing the new
version's files), ``fsync`` (flushing them), ``rename`` (work folder -> version folder),
``pointer`` (new CURRENT written to a temporary file, before it replaces the old one),
``published`` (CURRENT replaced), ``pruned`` (old versions removed), ``done``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAUSE: str | None = None
FilePath = str | bytes | os.PathLike[str] | os.PathLike[bytes]
"""What ``os.replace`` accepts."""


def stage(name: str) -> None:
    print(f"stage {name}", flush=True)
    if name == PAUSE:
        while True:
            time.sleep(60)


def announce(name: str, function: Callable[..., Any], after: bool = False) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not after:
            stage(name)
        result = function(*args, **kwargs)
        if after:
            stage(name)
        return result

    return wrapped


def main() -> None:
    global PAUSE
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--pause-at")
    args = parser.parse_args()
    PAUSE = args.pause_at

    from assistant.store import layout, update_index
    from tests.support.corpus import settings_for
    from tests.support.fakes import FakeEmbedder

    real_replace = os.replace

    def replace(
        src: FilePath, dst: FilePath, *, src_dir_fd: int | None = None, dst_dir_fd: int | None = None
    ) -> None:
        publishing = Path(os.fsdecode(dst)).name == layout.CURRENT
        if publishing:
            stage("pointer")
        real_replace(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
        if publishing:
            stage("published")

    real_prune = layout.prune
    prunes: list[None] = []

    def prune(*args: Any, **kwargs: Any) -> None:  # first under the lock, last after publishing
        real_prune(*args, **kwargs)
        prunes.append(None)
        stage("locked" if len(prunes) == 1 else "pruned")

    layout.prune = prune
    layout.new_workdir = announce("workdir", layout.new_workdir)
    layout.fsync_tree = announce("fsync", layout.fsync_tree)
    os.rename = announce("rename", os.rename)  # the os module layout uses
    os.replace = replace
    FakeEmbedder.embed = announce("embedding", FakeEmbedder.embed)  # type: ignore[method-assign]

    settings = settings_for(args.corpus, args.index)
    update_index(settings, embedder=FakeEmbedder(), progress=False, log=lambda _m: None)
    stage("done")


if __name__ == "__main__":
    main()

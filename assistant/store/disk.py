"""What to say when a file cannot be written: which device is full, and what to do.

A build that fails while writing (:func:`assistant.store.writer.writing`) removes what it
wrote and leaves the live version in service; :func:`write_failure` turns the ``OSError`` into
one line naming the folder, the device it is on and the free space, with the fix.
:func:`explain` gives the two halves (what happened, what to do) for other writers, such as
an upload being saved.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from assistant.errors import StoreError

FULL = (errno.ENOSPC, errno.EDQUOT)
MOUNTS = Path("/proc/self/mounts")


def mount_of(path: Path, mounts: str | None = None) -> tuple[str, str]:
    """``(device, mount point)`` of the file system holding ``path``, from ``/proc/self/mounts``
    (``mounts`` gives its text); ``("the disk", "/")`` when it cannot be told."""
    try:
        real = Path(os.path.realpath(path))
        text = MOUNTS.read_text(encoding="utf-8", errors="replace") if mounts is None else mounts
    except OSError:
        return "the disk", "/"
    best = ("the disk", "/")
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        device, point = fields[0], fields[1].replace("\\040", " ")
        if (real == Path(point) or Path(point) in real.parents) and len(point) >= len(best[1]):
            best = (device, point)
    return best


def _free_mb(path: Path) -> str:
    try:
        return f"{shutil.disk_usage(path).free / 1e6:,.0f} MB free"
    except OSError:
        return "free space unknown"


def explain(path: Path, exc: OSError) -> tuple[str, str]:
    """Why writing under ``path`` failed, and what to do: for a full disk (or quota), the device,
    where it is mounted and its free space, and "free space on <device>"."""
    if exc.errno in FULL:
        device, point = mount_of(path)
        return f"no space left on {device} (mounted at {point}, {_free_mb(path)})", f"free space on {point}"
    return f"{exc.strerror or exc}", f"make {path} writable"


def write_failure(index: Path, exc: OSError, *, previous: bool) -> StoreError:
    """The one-line error for a failed write of a new version in ``index``, with the fix.

    ``previous``: a live version exists and is still served (else no index was built).
    """
    kept = "the previous index is still in use" if previous else "no index was built"
    what, fix = explain(index, exc)
    return StoreError(
        f"could not write the new index version in {index}: {what}; its partial files were removed "
        f"and {kept}. To fix: {fix} and run `assistant index` again"
    )

"""Issue 13: a build that hits a full disk leaves the previous index serving, removes its partial
files, and says so in one line with the fix.

A full disk is injected at each stage of writing a version (the writer's own file writes raise
``OSError(ENOSPC)`` after writing part of their files), and -- where the tests run as root with
``unshare`` -- made real: a 1 MB tmpfs in a mount namespace of the test's own, which no other
process sees and which vanishes with it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StoreError
from assistant.settings import Settings
from assistant.store import LiveIndex, UpdateResult, layout, open_index, update_index
from assistant.store import writer as write_module
from assistant.store.disk import mount_of
from tests.support.corpus import ROOT
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, html_page

NO_SPACE = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
PRIVATE_MOUNTS = ["unshare", "--mount", "--propagation", "private"]


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=lambda _m: None)


def _full_after(write: Callable[..., Any]) -> Callable[..., Any]:
    """``write`` as if the disk filled up while it ran: it writes, then its last write fails."""

    def writing(*args: Any, **kwargs: Any) -> Any:
        write(*args, **kwargs)
        raise NO_SPACE

    return writing


def _current_fails(real: Callable[[Path, bytes], None]) -> Callable[[Path, bytes], None]:
    def write_atomic(path: Path, data: bytes) -> None:
        if path.name == layout.CURRENT:
            real(path.with_name(path.name + ".being-written"), data)  # a part written, then the disk is full
            raise NO_SPACE
        real(path, data)

    return write_atomic


STAGES: dict[str, tuple[Any, str, Callable[[Any], Any]]] = {
    "passages": (write_module, "write_table", _full_after),
    "vectors": (write_module, "save_vectors", _full_after),
    "vocabulary": (write_module, "write_vocabulary", _full_after),
    "vector cache keys": (write_module, "save_keys", _full_after),
    "CURRENT": (layout, "write_atomic", _current_fails),
}


def fill_disk_at(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module, name, fault = STAGES[stage]
    monkeypatch.setattr(module, name, fault(getattr(module, name)))


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_full_disk_while_writing_leaves_the_live_index_serving_and_nothing_behind(
    stage: str, settings: Settings, fake: FakeEmbedder, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(settings, fake)
    live = LiveIndex(settings, open_index(settings.index), check_every=0)
    before = {p.id for p in live.get().table}
    current = (settings.index / layout.CURRENT).read_text()
    listing = sorted(p.name for p in settings.index.iterdir())
    (corpus / "kent.html").write_text(html_page(Variant("Kent", 2019)), "utf-8")
    fill_disk_at(stage, monkeypatch)
    with pytest.raises(StoreError) as caught:
        build(settings, fake)
    message = str(caught.value)
    device, point = mount_of(settings.index)
    assert "\n" not in message
    assert message.startswith(f"could not write the new index version in {settings.index}: no space left on ")
    assert f"on {device} (mounted at {point}, " in message
    assert "its partial files were removed and the previous index is still in use" in message
    assert message.endswith(f"To fix: free space on {point} and run `assistant index` again")
    if stage == "CURRENT":
        (settings.index / (layout.CURRENT + ".being-written")).unlink()  # what the fault itself left
    assert sorted(p.name for p in settings.index.iterdir()) == listing  # no work folder, no new version
    assert (settings.index / layout.CURRENT).read_text() == current
    assert {p.id for p in live.get(refresh=True).table} == before  # still serving what it served
    assert {p.id for p in open_index(settings.index).table} == before  # and a fresh reader loads it
    monkeypatch.undo()  # space freed: the next build completes
    assert build(settings, fake).passage_count == 2 * 83


def test_a_first_build_on_a_full_disk_leaves_no_index_and_says_so(
    settings: Settings, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_disk_at("vectors", monkeypatch)
    with pytest.raises(StoreError, match=r"its partial files were removed and no index was built\. To fix"):
        build(settings, fake)
    assert sorted(p.name for p in settings.index.iterdir()) == [layout.LOCK]


def test_the_cli_says_it_in_one_line(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant import cli
    from assistant.store import build as build_module

    monkeypatch.setattr(build_module, "make_embedder", lambda *_a, **_k: FakeEmbedder())
    fill_disk_at("passages", monkeypatch)
    code = cli.main(["index", "--corpus", str(corpus), "--index", str(settings.index)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "no space left on" in line and "To fix: free space on" in line


def test_an_upload_that_cannot_be_saved_adds_nothing(
    settings: Settings, fake: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import library

    build(settings, fake)
    version = open_index(settings.index).version

    def full(target: Path, data: bytes) -> None:
        target.with_name(f".{target.name}.part").write_bytes(data[:10])  # a part written...
        target.with_name(f".{target.name}.part").unlink()  # ...and removed, as _write_atomic does
        raise NO_SPACE

    monkeypatch.setattr(library, "_write_atomic", full)
    source = tmp_path / "upload"
    source.write_text(html_page(Variant("Kent", 2019)), "utf-8")
    with pytest.raises(
        StoreError, match=r"^kent\.html could not be saved in .*: no space left on .*nothing was added"
    ):
        library.add_upload(settings, "kent.html", source, lambda _m: None, embedder=fake)
    assert not any((settings.corpus / library.UPLOADS).iterdir())
    assert open_index(settings.index).version == version


def test_mount_points_are_read_from_the_mount_table() -> None:
    table = "/dev/sda1 / ext4 rw 0 0\ntmpfs /work/my\\040index tmpfs rw 0 0\n/dev/sdb1 /work ext4 rw 0 0\n"
    assert mount_of(Path("/work/my index/v-1"), table) == ("tmpfs", "/work/my index")
    assert mount_of(Path("/work/other"), table) == ("/dev/sdb1", "/work")
    assert mount_of(Path("/etc"), table) == ("/dev/sda1", "/")


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare for a private tmpfs"
)
def test_a_real_full_disk(tmp_path: Path) -> None:
    probe = subprocess.run([*PRIVATE_MOUNTS, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"no mount namespaces here: {probe.stderr.decode().strip()}")
    done = subprocess.run(
        [*PRIVATE_MOUNTS, sys.executable, "-m", "tests.support.full_disk", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["error"].startswith("could not write the new index version in ")
    assert ": no space left on tmpfs (mounted at " in seen["error"]
    assert (
        f"the previous index is still in use. To fix: free space on {tmp_path / 'disk'} and" in seen["error"]
    )
    assert (
        seen["current_unchanged"] and seen["reloads_with_old_passages"] and seen["still_serving_old_passages"]
    )
    assert seen["left_in_index"] == sorted([layout.CURRENT, layout.LOCK, seen["live_version"]])
    assert str(tmp_path) not in Path("/proc/self/mounts").read_text()  # the mount never left its namespace

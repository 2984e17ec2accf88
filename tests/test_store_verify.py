"""Load-time checksums: remembered for unchanged files, so a large index starts fast, yet any
file replaced or rewritten since is hashed again and a damaged one refused."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StoreError
from assistant.settings import Settings
from assistant.store import load, open_index, update_index
from assistant.store.manifest import read_manifest
from tests.support.fakes import FakeEmbedder


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files load hashes, in order."""
    names: list[str] = []
    real = hashlib.file_digest

    def counting(fh: Any, digest: str) -> Any:
        names.append(Path(fh.name).name)
        return real(fh, digest)

    monkeypatch.setattr(hashlib, "file_digest", counting)
    return names


def built(settings: Settings, fake: FakeEmbedder) -> Path:
    version = update_index(settings, embedder=fake, progress=False, log=lambda _m: None).version
    assert version is not None
    return version


def newest_change(version: Path) -> float:
    """When the last file of ``version`` was written or changed, in seconds since the epoch."""
    stats = [(version / name).stat() for name in read_manifest(version).files]
    return max(max(st.st_mtime, st.st_ctime) for st in stats)


def at(seconds: float) -> load.Clock:
    """A clock that always says ``seconds``: loads are checked at that instant, whenever they run."""
    return lambda: seconds


def test_files_written_just_now_are_hashed_at_every_load(
    settings: Settings, fake: FakeEmbedder, hashed: list[str]
) -> None:
    version = built(settings, fake)
    files = set(read_manifest(version).files)
    just_written = at(newest_change(version))
    for _ in range(2):
        hashed.clear()
        open_index(settings.index, clock=just_written).close()
        assert sorted(hashed) == sorted(Path(f).name for f in files)


def test_settled_files_that_matched_are_not_hashed_again(
    settings: Settings, fake: FakeEmbedder, hashed: list[str]
) -> None:
    version = built(settings, fake)
    an_hour_later = at(newest_change(version) + 3600)
    open_index(settings.index, clock=an_hour_later).close()
    assert "passages.jsonl" in hashed
    remembered = json.loads((version / load.VERIFIED).read_text())
    assert set(remembered) == set(read_manifest(version).files)
    hashed.clear()
    open_index(settings.index, clock=an_hour_later).close()
    assert hashed == []
    open_index(settings.index, reuse=False, clock=an_hour_later).close()
    assert "passages.jsonl" in hashed


def test_a_file_replaced_after_it_was_verified_is_hashed_again_and_refused(
    settings: Settings, fake: FakeEmbedder, hashed: list[str]
) -> None:
    version = built(settings, fake)
    an_hour_later = at(newest_change(version) + 3600)
    open_index(settings.index, clock=an_hour_later).close()
    hashed.clear()
    path = version / "passages.jsonl"
    altered = path.read_bytes().replace(b"detective", b"detectivX")
    tmp = path.with_name("replacement")
    tmp.write_bytes(altered)
    os.replace(tmp, path)  # same size, new file
    with pytest.raises(StoreError, match="checksum"):
        open_index(settings.index, clock=an_hour_later)
    assert hashed == ["passages.jsonl"]  # the only file whose signature changed


def test_a_garbled_record_of_verified_files_only_costs_a_rehash(
    settings: Settings, fake: FakeEmbedder, hashed: list[str]
) -> None:
    version = built(settings, fake)
    (version / load.VERIFIED).write_text("{not json")
    open_index(settings.index).close()
    assert "passages.jsonl" in hashed

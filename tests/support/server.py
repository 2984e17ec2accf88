"""``assistant serve`` started in a subprocess as a user starts it, for the API and browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_chat(
    corpus: Path,
    index: Path,
    log_path: Path,
    timeout: float = 300,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Iterator[str]:
    """Serve ``corpus`` (indexing it into ``index`` first if needed) on a free loopback port; yields its URL.

    ``args`` are more ``assistant serve`` options, ``env`` more environment variables, and
    ``started`` is told the server process. The server's output goes to ``log_path`` and is
    shown if it fails to start.
    """
    port = free_port()
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    command += ["--corpus", str(corpus), "--index", str(index), *args]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", **(env or {})}
    with open(log_path, "w+", encoding="utf-8") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        if started is not None:
            started(proc)
        deadline = time.time() + timeout
        try:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        log.seek(0)
                        raise AssertionError(f"the chat server did not start:\n{log.read()}") from None
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def serving(base: Path, write: Callable[[Path], object]) -> Iterator[str]:
    """``write`` a corpus into ``base/corpus`` and serve it (index and log beside it); yields the URL."""
    write(base / "corpus")
    with running_chat(base / "corpus", base / "index", base / "server.log") as url:
        yield url

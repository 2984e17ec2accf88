"""The chat server, started as users start it, answering through gradio_client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from assistant.settings import Settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(real_index: Settings) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "serve",
            "--port",
            str(port),
            "--corpus",
            str(real_index.corpus),
            "--index",
            str(real_index.index),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read() if proc.stdout else "server exited") from None
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError("server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ask_endpoint_returns_the_cli_json(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    result = client.predict("what is said about detective shortages", 5, api_name="/ask")
    assert result["abstained"] is False
    assert len(result["passages"]) == 5
    assert any("detective" in p["text"] for p in result["passages"])
    assert all(p["citation"].startswith("Metropolitan PEEL 2017") for p in result["passages"])


def test_server_binds_loopback_only(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")

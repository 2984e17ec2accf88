"""The chat server, started as users start it, answering through gradio_client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings
from tests.support.server import running_chat

if TYPE_CHECKING:
    from assistant.service import Assistant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(real_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("api") / "server.log"
    with running_chat(real_index.corpus, real_index.index, log) as url:
        yield url


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


def test_ask_endpoint_matches_the_library_answer(server: str, real_assistant: Assistant) -> None:
    from gradio_client import Client

    from assistant.answer import answer_dict

    question = "Is the Met short of investigators?"
    result = Client(server, verbose=False).predict(question, 3, api_name="/ask")
    expected = answer_dict(real_assistant.ask(question, k=3))
    assert set(result) == set(expected)
    assert [p["id"] for p in result["passages"]] == [p["id"] for p in expected["passages"]]
    assert [p["citation"] for p in result["passages"]] == [p["citation"] for p in expected["passages"]]

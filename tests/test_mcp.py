"""``assistant serve --mcp``, exercised with the MCP Python SDK as a real client: tools listed and called,
bad arguments refused with what is allowed, and the chat's login required as HTTP Basic credentials."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from assistant.settings import Settings
from assistant.ui.mcp_access import BASIC_CHALLENGE, allowed, basic_credentials, challenge
from tests.support.server import running_chat

T = TypeVar("T")
USER, PASSWORD = "analyst", "correct horse: battery"
TOOLS = {"search_reports", "get_passage", "list_reports", "grades"}
MET = "Metropolitan PEEL 2017 — Effectiveness"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_credentials_are_parsed_and_checked_against_every_login() -> None:
    assert basic_credentials(basic(USER, PASSWORD)) == (USER, PASSWORD)
    for bad in (
        None,
        "",
        "Bearer abc",
        "Basic",
        "Basic !!!",
        "Basic " + base64.b64encode(b"nocolon").decode(),
    ):
        assert basic_credentials(bad) is None
    logins = [("someone", "else"), (USER, PASSWORD)]
    assert allowed(basic(USER, PASSWORD), logins)
    assert not allowed(basic(USER, "wrong"), logins) and not allowed(None, logins)
    assert allowed(None, None) and allowed(None, [])


def test_only_a_401_on_the_mcp_paths_challenges_for_basic_credentials() -> None:
    assert challenge(401, "/gradio_api/mcp/", True) == BASIC_CHALLENGE
    assert challenge(401, "/gradio_api/mcp", True) == BASIC_CHALLENGE
    assert BASIC_CHALLENGE == 'Basic realm="report-assistant", charset="UTF-8"'
    assert challenge(401, "/gradio_api/mcp/", False) is None  # without --mcp the paths are not served
    assert challenge(401, "/gradio_api/info", True) is None  # the chat's form login: no browser dialog
    assert challenge(401, "/", True) is None
    assert challenge(403, "/gradio_api/mcp/", True) is None
    assert challenge(429, "/gradio_api/mcp/", True) is None


@pytest.fixture(scope="module")
def mcp_url(real_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("mcp") / "server.log"
    env = {"ASSISTANT_AUTH": f"{USER}:{PASSWORD}"}
    with running_chat(real_index.corpus, real_index.index, log, args=["--mcp"], env=env) as url:
        yield url + "gradio_api/mcp/"


def with_session(url: str, use: Callable[[Any], Awaitable[T]], authorization: str | None) -> T:
    """Run ``use(session)`` in a fresh MCP client session (streamable HTTP) against ``url``."""
    import httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> T:
        headers = {"Authorization": authorization} if authorization else {}
        timeout = httpx.Timeout(30, read=300)
        async with (
            httpx.AsyncClient(headers=headers, timeout=timeout, follow_redirects=True) as http,
            streamable_http_client(url, http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await use(session)

    # In a thread of its own: when the browser tests ran first, Playwright's event loop is
    # still running in this one, and asyncio.run refuses to start another here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(run())).result()


def call(url: str, name: str, arguments: dict[str, Any]) -> tuple[bool, str]:
    async def use(session: Any) -> tuple[bool, str]:
        result = await session.call_tool(name, arguments)
        return bool(result.isError), str(result.content[0].text)

    return with_session(url, use, basic(USER, PASSWORD))


pytestmark = pytest.mark.slow


def test_the_four_tools_are_listed_with_their_arguments_described(mcp_url: str) -> None:
    async def use(session: Any) -> Any:
        return (await session.list_tools()).tools

    tools = {t.name: t for t in with_session(mcp_url, use, basic(USER, PASSWORD))}
    assert set(tools) == TOOLS
    search = tools["search_reports"].inputSchema
    assert search["required"] == ["question"] and set(search["properties"]) == {
        "question",
        "k",
        "force",
        "year",
    }
    assert all(p.get("description") for p in search["properties"].values())
    assert "exact quotes" in tools["search_reports"].description
    assert tools["get_passage"].inputSchema["properties"]["context"]["default"] == 2


def test_each_tool_returns_exact_text_and_citations(mcp_url: str, real_index: Settings) -> None:
    error, text = call(
        mcp_url, "search_reports", {"question": "detective shortages", "k": 3, "force": "the Met"}
    )
    assert not error
    answer = json.loads(text)
    assert len(answer["passages"]) == 3 and not answer["abstained"]
    report = (real_index.corpus / "metropolitan-peel-2017-effectiveness.txt").read_text(encoding="utf-8")
    flat = " ".join(report.split())
    for p in answer["passages"]:
        assert " ".join(p["text"].split()) in flat and p["citation"].startswith(MET)
    first = answer["passages"][0]
    error, text = call(mcp_url, "get_passage", {"id": first["id"], "context": 1})
    passage = json.loads(text)
    assert (
        not error and passage["text"] == first["text"] and passage["citation"].startswith(first["citation"])
    )
    assert all(" ".join(b["text"].split()) in flat for b in passage["before"] + passage["after"])
    error, text = call(mcp_url, "list_reports", {})
    listing = json.loads(text)
    assert not error and [r["title"] for r in listing["reports"]] == [MET] and listing["unreadable"] == []
    error, text = call(mcp_url, "grades", {"force": "Metropolitan", "year": 2017})
    rows = json.loads(text)
    assert not error and rows and all(r["citation"].startswith(MET) for r in rows)
    assert {r["stated"] for r in rows} <= {"line", "words", "none"}


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        (
            "search_reports",
            {"question": "x", "k": "lots"},
            "Input validation error: 'lots' is not of type 'integer'",
        ),
        ("search_reports", {"k": 3}, "Input validation error: 'question' is a required property"),
        ("search_reports", {"question": "x", "k": 0}, "k must be a whole number from 1 to 50, got 0"),
        (
            "search_reports",
            {"question": "x", "force": "Narnia"},
            "no indexed report matches force 'Narnia'; forces indexed: Metropolitan Police Service",
        ),
        ("search_reports", {"question": "   "}, "the question is empty"),
        ("get_passage", {"id": "nope"}, "no passage with id 'nope' in the index"),
        (
            "get_passage",
            {"id": "0123456789abcdef", "context": 99},
            "context must be a whole number from 0 to 50, got 99",
        ),
        (
            "grades",
            {"year": 2030},
            "no indexed report matches year 2030; forces indexed: Metropolitan Police Service; years: 2017",
        ),
    ],
)
def test_bad_arguments_get_a_clear_error(
    mcp_url: str, name: str, arguments: dict[str, Any], message: str
) -> None:
    error, text = call(mcp_url, name, arguments)
    assert error and text.startswith(message), text


def test_the_tools_need_the_chats_login(mcp_url: str) -> None:
    request = urllib.request.Request(
        mcp_url, method="POST", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 401
    assert caught.value.headers["WWW-Authenticate"] == BASIC_CHALLENGE
    assert "send the chat's user:password as HTTP Basic credentials" in caught.value.read().decode()
    request.add_header("Authorization", basic(USER, "wrong"))
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 401
    assert caught.value.headers["WWW-Authenticate"] == BASIC_CHALLENGE

    async def use(session: Any) -> Any:
        return await session.list_tools()

    with pytest.raises(Exception):  # noqa: B017 - the SDK raises its own wrapper around the 401
        with_session(mcp_url, use, None)


def test_a_client_that_sends_credentials_only_when_challenged_gets_in(mcp_url: str) -> None:
    """urllib's Basic handler, like ``curl --anyauth`` and many MCP clients, first asks without
    credentials and answers only a ``WWW-Authenticate: Basic`` challenge with them."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, mcp_url, USER, PASSWORD)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords))
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-03-26",
            "capabilities": {},
            "clientInfo": {"name": "urllib", "version": "1"},
        },
    }
    request = urllib.request.Request(
        mcp_url,
        method="POST",
        data=json.dumps(initialize).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
    )
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
        assert '"serverInfo"' in response.read().decode()

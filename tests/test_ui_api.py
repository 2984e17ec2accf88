"""The chat server, started as users start it, answering through gradio_client."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
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


# -- issue 13: briefings exported over HTTP: never broken, never someone else's ------------------

HOSTILE = {
    "title": "Met \x1b[31m briefing \x07",
    "pins": [
        {
            "passage": {
                "id": "hostile-1",
                "report_id": "met",
                "report_title": "Metropolitan \x1b report",
                "section_path": ["Investigations \x07"],
                "grade": None,
                "paragraph": 3,
                "bullet": None,
                "start": 0,
                "end": 40,
                "text": "Detectives \x1b[1mshort\x1b[0m of staff \x07 and \ud800 a lone surrogate.",
                "lead_in": None,
                "page": None,
                "page_label": None,
            },
            "heading": "Shortages \x07",
            "note": "note \x1b",
        }
    ],
}


def _restore(http: httpx.Client, saved: Mapping[str, object], session: str) -> list[object]:
    """What the page does on load: hand the server the briefing this browser kept; returns its outputs."""
    config = http.get("/config").json()
    kinds = {c["id"]: c.get("type") for c in config["components"]}
    restore = next(d for d in config["dependencies"] if [kinds[i] for i in d["inputs"]] == ["browserstate"])
    body = {"data": [saved], "fn_index": restore["id"], "session_hash": session, "event_data": None}
    joined = http.post(
        "/gradio_api/queue/join", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert joined.status_code == 200, joined.text
    with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            message = json.loads(line[5:]) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed":
                assert message["success"], message
                return list(message["output"]["data"])
    raise AssertionError("no answer")


def _download(outputs: list[object], suffix: str) -> str:
    url = next(
        o["value"]["url"]
        for o in outputs
        if isinstance(o, dict) and isinstance(o.get("value"), dict) and o["value"]["path"].endswith(suffix)
    )
    return str(url)


@pytest.fixture(scope="module")
def exported(server: str) -> Iterator[tuple[httpx.Client, list[object]]]:
    with httpx.Client(base_url=server.rstrip("/"), timeout=60) as http:
        http.get("/")  # the page, as a browser opens it
        yield http, _restore(http, HOSTILE, "hostile-tab")


def test_a_briefing_with_control_characters_downloads_as_docx(
    exported: tuple[httpx.Client, list[object]],
) -> None:
    """Issue 13: "All strings must be XML compatible"; every later edit then showed "Error"."""
    import docx

    http, outputs = exported
    assert "could not be made" not in str(outputs)
    got = http.get(_download(outputs, ".docx"))
    assert got.status_code == 200 and got.content[:2] == b"PK"
    quotes = [
        p.text
        for p in docx.Document(io.BytesIO(got.content)).paragraphs
        if p.style and p.style.name == "Quote"
    ]
    assert quotes == ["Detectives \ufffd[1mshort\ufffd[0m of staff \ufffd and \ufffd a lone surrogate."]
    markdown = http.get(_download(outputs, ".md"))
    assert markdown.status_code == 200 and "\x1b" not in markdown.text and "of staff \ufffd" in markdown.text
    edited = _restore(http, {**HOSTILE, "title": "Edited"}, "hostile-tab")  # kept: the session has pins
    assert _download(edited, ".docx") == _download(outputs, ".docx")  # nothing changed: the same files


def test_a_second_browser_cannot_download_the_first_browsers_export(
    exported: tuple[httpx.Client, list[object]], server: str
) -> None:
    http, outputs = exported
    with httpx.Client(base_url=server.rstrip("/"), timeout=60) as other:
        other.get("/")
        for suffix in (".docx", ".md"):
            url = _download(outputs, suffix)
            assert other.get(url).status_code == 403  # was 200: any client could fetch it
            assert httpx.get(url).status_code == 403
            assert http.get(url).status_code == 200
        mine = _restore(other, {**HOSTILE, "title": "Theirs"}, "other-tab")
        assert other.get(_download(mine, ".docx")).status_code == 200
        assert http.get(_download(mine, ".docx")).status_code == 403


def test_exports_are_private_files(exported: tuple[httpx.Client, list[object]]) -> None:
    _, outputs = exported
    path = Path(
        next(o["value"]["path"] for o in outputs if isinstance(o, dict) and isinstance(o.get("value"), dict))
    )
    root = next(p for p in path.parents if p.name.startswith("report-assistant-"))
    assert path.stat().st_mode & 0o777 == 0o600 and root.stat().st_mode & 0o777 == 0o700


def test_without_the_mcp_flag_there_are_no_mcp_routes_and_no_tools(server: str) -> None:
    import json
    import urllib.error
    import urllib.request

    for path in ("gradio_api/mcp/", "gradio_api/mcp", "gradio_api/mcp/sse", "gradio_api/mcp/schema"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(server + path, timeout=10)
        assert caught.value.code == 404, path
    with urllib.request.urlopen(server + "gradio_api/info", timeout=10) as response:
        named = json.load(response)["named_endpoints"]
    assert "/ask" in named and not {"/search_reports", "/get_passage", "/list_reports", "/grades"} & set(
        named
    )

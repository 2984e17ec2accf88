"""``/ask`` off the event loop: Gradio's two-request API, the bounded pool, errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.testclient import TestClient

from assistant.ui.fast_ask import UNCLAIMED, AnswerPool, ask_routes, event_stream


def _busy() -> JSONResponse:
    return JSONResponse({"detail": "busy"}, status_code=503, headers={"Retry-After": "5"})


def _client(pool: AnswerPool) -> TestClient:
    return TestClient(Starlette(routes=ask_routes(pool, _busy)))


def _echo(data: Sequence[Any]) -> dict[str, Any]:
    return {
        "question": data[0],
        "k": data[1] if len(data) > 1 else None,
        "thread": threading.current_thread().name,
    }


def _stream(text: str) -> tuple[str, Any]:
    event, data = text.strip().split("\n")
    return event.removeprefix("event: "), json.loads(data.removeprefix("data: "))


def test_a_call_is_a_post_then_one_get_of_the_event_stream() -> None:
    pool = AnswerPool(_echo, workers=2, max_waiting=4)
    with _client(pool) as client:
        joined = client.post("/gradio_api/call/ask", json={"data": ["detectives?", 3]})
        assert joined.status_code == 200
        event = joined.json()["event_id"]
        got = client.get(f"/gradio_api/call/ask/{event}")
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/event-stream")
        kind, data = _stream(got.text)
        assert kind == "complete" and data[0]["question"] == "detectives?" and data[0]["k"] == 3
        assert data[0]["thread"].startswith("ask")  # answered on the pool, not on the event loop
        assert client.get(f"/gradio_api/call/ask/{event}").status_code == 404  # fetched once
        assert client.get("/gradio_api/call/ask/never-made").status_code == 404


@pytest.mark.parametrize("body", [b"not json", b'{"question": "x"}', b'{"data": "x"}'])
def test_a_malformed_call_is_refused_with_how_to_send_it(body: bytes) -> None:
    with _client(AnswerPool(_echo, 1, 1)) as client:
        refused = client.post("/gradio_api/call/ask", content=body)
        assert refused.status_code == 422 and '{"data": [question, k]}' in refused.json()["detail"]


def test_beyond_workers_plus_waiting_places_calls_are_refused_at_once() -> None:
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow(data: Sequence[Any]) -> str:
        started.release()
        release.wait(30)
        return str(data[0])

    pool = AnswerPool(slow, workers=1, max_waiting=2)
    assert pool.capacity == 3
    with _client(pool) as client:
        events = [
            client.post("/gradio_api/call/ask", json={"data": [f"q{i}"]}).json()["event_id"] for i in range(3)
        ]
        assert started.acquire(timeout=30)  # one running, two waiting
        full = client.post("/gradio_api/call/ask", json={"data": ["one too many"]})
        assert full.status_code == 503 and full.headers["retry-after"] == "5"
        release.set()
        answers = [_stream(client.get(f"/gradio_api/call/ask/{e}").text)[1][0] for e in events]
        assert answers == ["q0", "q1", "q2"]
        again = client.post("/gradio_api/call/ask", json={"data": ["room again"]})
        assert again.status_code == 200  # every slot was given back


def test_an_unexpected_failure_is_an_error_event_without_details() -> None:
    def broken(_data: Sequence[Any]) -> str:
        raise RuntimeError("secret internals")

    pool = AnswerPool(broken, 1, 1)
    with _client(pool) as client:
        event = client.post("/gradio_api/call/ask", json={"data": ["x"]}).json()["event_id"]
        got = client.get(f"/gradio_api/call/ask/{event}")
        assert _stream(got.text) == ("error", None) and "secret" not in got.text
        assert client.post("/gradio_api/call/ask", json={"data": ["y"]}).status_code == 200


def test_answers_never_fetched_are_dropped_oldest_first() -> None:
    pool = AnswerPool(_echo, workers=1, max_waiting=0)
    events: list[str] = []
    while len(events) < pool.capacity + UNCLAIMED + 5:
        event = pool.submit([str(len(events))])  # None while the one slot is still finishing
        if event is not None:
            events.append(event)
    assert pool.take(events[0]) is None and pool.take(events[4]) is None
    newest = pool.take(events[-1])
    assert newest is not None and newest.result(timeout=30)["question"] == str(len(events) - 1)
    assert event_stream({"a": 1}) == b'event: complete\ndata: [{"a": 1}]\n\n'


def test_without_a_login_nothing_is_asked_or_fetched() -> None:
    asked: list[Sequence[Any]] = []

    async def nobody(_request: Any) -> bool:
        return False

    pool = AnswerPool(lambda data: asked.append(data), 1, 1)
    with TestClient(Starlette(routes=ask_routes(pool, _busy, nobody))) as client:
        assert client.post("/gradio_api/call/ask", json={"data": ["x"]}).status_code == 401
        event = pool.submit(["made by someone logged in"])
        assert event is not None and client.get(f"/gradio_api/call/ask/{event}").status_code == 401
    assert asked in ([], [["made by someone logged in"]])  # only the call made past the check

"""One simulated user's question to the chat server, three ways, judged the same way.

* :class:`HttpAsker` -- ``/ask`` through Gradio's HTTP API (``POST /gradio_api/call/ask``, then
  the event stream), as a script calls it;
* :class:`GradioAsker` -- ``/ask`` through ``gradio_client`` (Gradio's queue, with its polling);
* :class:`ChatAsker` -- the chat's own endpoint as the page calls it: the question box's submit
  event joins Gradio's queue for this user's session, and the session's event stream brings
  the reply (conversation, state and evidence cards).

An answer counts only if it is the ``ask --json`` object with passages (or, for the chat, a
reply with evidence cards); a refusal only if it is the polite "busy" message with
``Retry-After``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT = 120.0


@dataclass
class Outcome:
    """One question: answered, refused as busy, or failed (anything else)."""

    kind: str  # "answered" | "busy" | "error"
    ms: float
    detail: str = ""


# -- one question, two ways --------------------------------------------------------------------


class HttpAsker:
    """Gradio's HTTP API without a client library: join the queue, then read the event stream."""

    def __init__(self, base: str, k: int = 5) -> None:
        self.base = base.rstrip("/")
        self.k = k
        self.http = httpx.Client(timeout=TIMEOUT)

    def ask(self, question: str) -> Outcome:
        from assistant.ui.server import BUSY

        started = time.perf_counter()
        try:
            joined = self.http.post(f"{self.base}/gradio_api/call/ask", json={"data": [question, self.k]})
            if joined.status_code == 503:
                polite = BUSY in joined.text and joined.headers.get("retry-after")
                kind = "busy" if polite else "error"
                return Outcome(
                    kind, _ms(started), "" if polite else f"503 without the busy message: {joined.text}"
                )
            if joined.status_code != 200:
                return Outcome("error", _ms(started), f"HTTP {joined.status_code}: {joined.text[:200]}")
            event = joined.json()["event_id"]
            with self.http.stream("GET", f"{self.base}/gradio_api/call/ask/{event}") as stream:
                kind = ""
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and kind in ("complete", "error"):
                        return _judge(kind, line[5:].strip(), started)
            return Outcome("error", _ms(started), "the event stream ended without a result")
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            return Outcome("error", _ms(started), f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self.http.close()


class GradioAsker:
    """The same through ``gradio_client`` (one Client per simulated user)."""

    def __init__(self, base: str, k: int = 5) -> None:
        from gradio_client import Client

        self.client = Client(base, verbose=False)
        self.k = k

    def ask(self, question: str) -> Outcome:
        from gradio_client.exceptions import AppError

        started = time.perf_counter()
        try:
            result = self.client.predict(question, self.k, api_name="/ask")
        except AppError as exc:
            return Outcome("error", _ms(started), f"AppError: {exc}")
        except Exception as exc:  # gradio_client raises QueueError, httpx errors, ... when busy or broken
            kind = "busy" if "queue is full" in str(exc).lower() else "error"
            return Outcome(kind, _ms(started), f"{type(exc).__name__}: {exc}")
        return _judge("complete", json.dumps([result]), started)

    def close(self) -> None:
        self.client.close()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _judge(kind: str, data: str, started: float) -> Outcome:
    """An answer must be the ``ask --json`` object with passages; anything else is an error."""
    ms = _ms(started)
    if kind != "complete":
        return Outcome("error", ms, f"event {kind}: {data[:200]}")
    try:
        answer = json.loads(data)[0]
    except (ValueError, IndexError, TypeError):
        return Outcome("error", ms, f"not JSON: {data[:200]}")
    if not isinstance(answer, dict) or "error" in answer or not answer.get("passages"):
        return Outcome("error", ms, f"no passages: {str(answer)[:200]}")
    return Outcome("answered", ms)


class ChatAsker:
    """The chat's own ``respond`` event, as the page sends it (one Gradio session per user)."""

    def __init__(self, base: str, k: int = 5) -> None:
        self.base = base.rstrip("/")
        self.http = httpx.Client(timeout=TIMEOUT)
        self.session = uuid.uuid4().hex
        config = self.http.get(f"{self.base}/config").json()
        respond = next(d for d in config["dependencies"] if d.get("api_name") == "respond")
        self.fn_index = respond["id"]
        self.trigger = respond["targets"][0][0]
        self.inputs = len(respond["inputs"])

    def ask(self, question: str) -> Outcome:
        from assistant.ui.server import BUSY

        started = time.perf_counter()
        data: list[Any] = [question, [], None] + [[] for _ in range(self.inputs - 3)]  # no filters
        body = {
            "data": data,
            "fn_index": self.fn_index,
            "trigger_id": self.trigger,
            "session_hash": self.session,
            "event_data": None,
        }
        try:
            joined = self.http.post(f"{self.base}/gradio_api/queue/join", json=body)
            if joined.status_code == 503:
                polite = BUSY in joined.text and joined.headers.get("retry-after")
                return Outcome("busy" if polite else "error", _ms(started), "" if polite else joined.text)
            if joined.status_code != 200:
                return Outcome("error", _ms(started), f"HTTP {joined.status_code}: {joined.text[:200]}")
            event = joined.json()["event_id"]
            url = f"{self.base}/gradio_api/queue/data"
            with self.http.stream("GET", url, params={"session_hash": self.session}) as stream:
                for line in stream.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    message = json.loads(line[5:])
                    if message.get("event_id") == event and message.get("msg") == "process_completed":
                        return _judge_chat(message, started)
            return Outcome("error", _ms(started), "the event stream ended without a result")
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            return Outcome("error", _ms(started), f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self.http.close()


def _judge_chat(message: dict[str, Any], started: float) -> Outcome:
    """A chat reply must succeed and show evidence cards (its fourth output)."""
    ms = _ms(started)
    output = message.get("output") or {}
    outputs = output.get("data") or []
    if not message.get("success") or len(outputs) < 4 or "card" not in str(outputs[3]):
        return Outcome("error", ms, f"no cards: {str(message)[:200]}")
    return Outcome("answered", ms)


Asker = HttpAsker | GradioAsker | ChatAsker
ASKERS: dict[str, Callable[[str], Asker]] = {"http": HttpAsker, "gradio": GradioAsker, "chat": ChatAsker}

"""``/ask`` answered off the event loop by a pool of threads sized to the cores, with a bounded wait.

Why not through Gradio's queue: for every call to ``/ask`` it builds a session (a copy of every
component's configuration), tries to import matplotlib twice and sends its messages through its
own event stream, all on the server's one event-loop thread -- about twice the CPU of answering
the question, so the server, not the work, was the limit (docs/BENCHMARKS.md). Here a call costs
the event loop one JSON read and one write; the question is answered on a thread of
:class:`AnswerPool` (FAISS, onnxruntime and numpy release the GIL, so one thread per core keeps
every core busy, and more would only queue inside the threads).

It speaks Gradio's own HTTP API for ``/ask``, so no client sees a difference:
``POST /gradio_api/call/ask`` with ``{"data": [question, k]}`` answers ``{"event_id": ...}``,
and ``GET /gradio_api/call/ask/<event_id>`` streams ``event: complete`` / ``data: [answer]``.
A full pool answers the POST at once with HTTP 503, :data:`~assistant.ui.server.BUSY` and
``Retry-After``, as the queue does. ``gradio_client`` (``/queue/join``) and the chat's own
events still go through Gradio's queue. The routes sit inside the server's guard, so every
check it makes (login, origin, body size) applies to them as to any other route.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from assistant.settings import Settings

UNCLAIMED = 1000
"""Answers kept for callers who asked but have not fetched them yet (oldest dropped first)."""
Answer = Callable[[Sequence[Any]], Any]
"""Turns the ``data`` list of a call into the JSON-able answer."""


class AnswerPool:
    """Runs answers on ``workers`` threads; at most ``workers + max_waiting`` calls at once.

    :meth:`submit` hands out an event id (or None when full) and :meth:`take` the answer's
    future, once: the two halves of Gradio's two-request call.
    """

    def __init__(self, answer: Answer, workers: int, max_waiting: int) -> None:
        self._answer = answer
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, max_waiting)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="ask")
        self._lock = threading.Lock()
        self._running = 0
        self._events: OrderedDict[str, Future[Any]] = OrderedDict()

    def submit(self, data: Sequence[Any]) -> str | None:
        """Start answering ``data``; its event id, or None when ``capacity`` calls are under way."""
        with self._lock:
            if self._running >= self.capacity:
                return None
            self._running += 1
        future = self._pool.submit(self._answer, data)
        future.add_done_callback(self._finished)
        event = uuid.uuid4().hex
        with self._lock:
            self._events[event] = future
            while len(self._events) > self.capacity + UNCLAIMED:
                self._events.popitem(last=False)
        return event

    def _finished(self, _future: Future[Any]) -> None:
        with self._lock:
            self._running -= 1

    def take(self, event: str) -> Future[Any] | None:
        """The future of ``event``'s answer (once), or None for an id this pool does not hold."""
        with self._lock:
            return self._events.pop(event, None)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def event_stream(result: Any, ok: bool = True) -> bytes:
    """The body Gradio's ``GET /call/<api>/<event>`` sends for a finished call."""
    if ok:
        return f"event: complete\ndata: {json.dumps([result], ensure_ascii=False)}\n\n".encode()
    return f"event: error\ndata: {json.dumps(result)}\n\n".encode()


Allowed = Callable[[Any], Awaitable[bool]]
"""Whether a request (Starlette's) may be answered: logged in, when the chat has a login."""


async def anyone(_request: Any) -> bool:
    return True


def gradio_login(app: Any) -> Allowed:
    """Gradio's own login check for its routes (``login_check``), for routes it does not make.

    Logged in means a valid session cookie of this app, or whatever its ``auth_dependency`` says.
    """

    async def allowed(request: Any) -> bool:
        if app.auth is None and app.auth_dependency is None:
            return True
        if app.auth_dependency is not None:
            user = app.auth_dependency(request)
            return (await user if inspect.isawaitable(user) else user) is not None
        cookies = request.cookies
        token = cookies.get(f"access-token-{app.cookie_id}") or cookies.get(
            f"access-token-unsecure-{app.cookie_id}"
        )
        return app.tokens.get(token) is not None

    return allowed


def ask_routes(
    pool: AnswerPool, busy: Callable[[], Any], allowed: Allowed = anyone, prefix: str = "/gradio_api"
) -> list[Any]:
    """Starlette routes for ``POST {prefix}/call/ask`` and ``GET {prefix}/call/ask/{event}``.

    ``busy`` makes the response for a full pool (the server's polite 503); a request that is
    not ``allowed`` gets Gradio's 401.
    """
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    refused = {"detail": {"error": "Not authenticated"}}

    async def post(request: Request) -> Any:
        if not await allowed(request):
            return JSONResponse(refused, status_code=401)
        try:
            body = await request.json()
            data = body["data"]
            if not isinstance(data, list):
                raise TypeError("data must be a list")
        except (ValueError, KeyError, TypeError) as exc:
            detail = f'send a JSON object {{"data": [question, k]}} ({type(exc).__name__})'
            return JSONResponse({"detail": detail}, status_code=422)
        event = pool.submit(data)
        return busy() if event is None else JSONResponse({"event_id": event})

    async def get(request: Request) -> Any:
        if not await allowed(request):
            return JSONResponse(refused, status_code=401)
        future = pool.take(request.path_params["event"])
        if future is None:
            return JSONResponse({"detail": "no such event (already fetched, or never made)"}, status_code=404)
        try:
            body = event_stream(await asyncio.wrap_future(future))
        except Exception:  # an unexpected failure: an error event without details, as Gradio sends
            body = event_stream(None, ok=False)  # with show_error off
        return Response(body, media_type="text/event-stream")

    return [
        Route(f"{prefix}/call/ask", post, methods=["POST"]),
        Route(f"{prefix}/call/ask/", post, methods=["POST"]),
        Route(f"{prefix}/call/ask/{{event}}", get, methods=["GET"]),
    ]


def serve_workers(settings: Settings) -> int:
    """Threads answering ``/ask``: the ``serve_workers`` setting, or one per CPU core when it is 0."""
    return settings.serve_workers or os.cpu_count() or 1


def answer_pool(settings: Settings, answer: Answer) -> AnswerPool:
    """The pool answering ``/ask``: :func:`serve_workers` threads and ``max_queue`` waiting places."""
    return AnswerPool(answer, serve_workers(settings), settings.max_queue)


def install(app: Any, pool: AnswerPool, busy: Callable[[], Any]) -> None:
    """Put the pool's ``/ask`` routes (:mod:`assistant.ui.fast_ask`) in front of Gradio's own.

    Routes are matched in order on every request, so inserting them at the front takes over
    ``/gradio_api/call/ask`` from Gradio's queue while everything around them (the guard's
    checks, Gradio's other routes) stays as it is; they check Gradio's login as its own routes do.
    """
    app.router.routes[0:0] = ask_routes(pool, busy, gradio_login(app))

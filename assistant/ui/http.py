"""Small ASGI helpers for the guard: headers, cookies, bounded bodies, and plain JSON answers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRY_AFTER_SECONDS = 5
BUSY = "The assistant is busy answering other questions; please try again in a few seconds."
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (lower-case ``name``), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def cookies_of(scope: Scope) -> dict[str, str]:
    """The request's cookies, parsed once."""
    cached = scope.get("assistant.cookies")
    if cached is None:
        from starlette.requests import cookie_parser

        cached = {}
        for key, value in scope.get("headers", ()):
            if key == b"cookie":
                cached.update(cookie_parser(bytes(value).decode("latin-1")))
        scope["assistant.cookies"] = cached
    return dict(cached)


def client_cookie(scope: Scope, name: str) -> str | None:
    """The browser's ``name`` cookie when it holds one the server could have issued, else None."""
    value = cookies_of(scope).get(name, "")
    return value if _TOKEN.match(value) else None


def loopback_host(scope: Scope) -> bool:
    """Whether the request's ``Host`` header names this machine's loopback (or is absent: no browser)."""
    raw = header(scope, b"host")
    if raw is None:
        return True
    host = raw.strip().lower()
    if host.startswith("["):  # [::1]:7860
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".") in LOCAL_HOSTS


async def respond(send: Send, status: int, detail: str, retry_after: float | None = None) -> None:
    """A JSON ``{"detail": …}`` answer (with ``Retry-After`` in whole seconds when given)."""
    data = json.dumps({"detail": detail}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def with_cookie(send: Send, name: str, value: str, secure: bool) -> Send:
    """A ``send`` that sets an HttpOnly, SameSite=Strict cookie on the response."""
    cookie = f"{name}={value}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]
        await send(message)

    return wrapped


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it passes ``limit`` bytes (the rest unread)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        body = message.get("body", b"")
        size += len(body)
        if size > limit:
            return None
        chunks.append(body)
        if not message.get("more_body"):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then whatever the connection says (a disconnect)."""
    given = False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def limited(
    receive: Receive,
    send: Send,
    limit: int,
    too_big: str,
    boundary: bytes | None = None,
    max_parts: int = 0,
    too_many: str = "",
) -> tuple[Receive, Send]:
    """Wrappers that stop a streamed body at ``limit`` bytes (and, for a multipart body, at
    ``max_parts`` parts): the client gets 413 with the reason, the app sees a disconnect and
    nothing more it sends goes out."""
    size, parts, tail, stopped, started = 0, 0, b"", False, False
    delimiter = b"--" + boundary + b"\r\n" if boundary else b""

    async def guarded_receive() -> Message:
        nonlocal size, parts, tail, stopped
        if stopped:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] != "http.request":
            return message
        body = bytes(message.get("body", b""))
        size += len(body)
        if delimiter and max_parts:
            window = tail + body
            parts += window.count(delimiter)
            tail = window[-(len(delimiter) - 1) :] if len(window) >= len(delimiter) else window
        reason = too_big if size > limit else too_many if max_parts and parts > max_parts else ""
        if reason:
            stopped = True
            if not started:
                await respond(send, 413, reason)
            return {"type": "http.disconnect"}
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if stopped:
            return
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    return guarded_receive, guarded_send


def polite_busy(send: Send) -> Send:
    """A ``send`` that turns the queue's bare 503 into :data:`BUSY` with a ``Retry-After`` header."""
    busy = False

    async def wrapped(message: Message) -> None:
        nonlocal busy
        if message["type"] == "http.response.start" and message["status"] == 503:
            busy = True
            return
        if busy and message["type"] == "http.response.body":
            if not message.get("more_body"):
                await respond(send, 503, BUSY, retry_after=RETRY_AFTER_SECONDS)
            return
        await send(message)

    return wrapped

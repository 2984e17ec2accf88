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


async def respond(
    send: Send, status: int, detail: str, retry_after: float | None = None, challenge: str | None = None
) -> None:
    """A JSON ``{"detail": …}`` answer (with ``Retry-After`` in whole seconds when given, and
    ``WWW-Authenticate: challenge`` when given)."""
    data = json.dumps({"detail": detail}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(retry_after))).encode()))
    if challenge is not None:
        headers.append((b"www-authenticate", challenge.encode("latin-1")))
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


class Limited:
    """``receive``/``send`` wrappers that stop a streamed body at ``limit`` bytes (and, for a
    multipart body, at ``max_parts`` parts): the client gets 413 with the reason, the app sees
    a disconnect, and nothing more it sends goes out. :attr:`stopped` tells whether it did.

    A multipart body is not simply cut off: Gradio's upload parser would leave the files it
    had begun on disk. It is ended with a malformed part instead, which makes the parser
    delete them (its own clean-up for a bad upload).
    """

    def __init__(
        self,
        receive: Receive,
        send: Send,
        limit: int,
        too_big: str,
        boundary: bytes | None = None,
        max_parts: int = 0,
        too_many: str = "",
    ) -> None:
        self._receive, self._send = receive, send
        self.limit, self.too_big, self.max_parts, self.too_many = limit, too_big, max_parts, too_many
        self.delimiter = b"--" + boundary + b"\r\n" if boundary else b""
        self.poison = b"\r\n" + self.delimiter + b"\x00\r\n\r\n" if boundary else b""
        self.size, self.parts, self.tail = 0, 0, b""
        self.stopped = self.started = False

    async def receive(self) -> Message:
        if self.stopped:
            if self.poison:
                poison, self.poison = self.poison, b""
                return {"type": "http.request", "body": poison, "more_body": False}
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] != "http.request":
            return message
        body = bytes(message.get("body", b""))
        self.size += len(body)
        if self.delimiter and self.max_parts:
            window = self.tail + body  # a delimiter may straddle two chunks
            self.parts += window.count(self.delimiter)
            self.tail = window[-(len(self.delimiter) - 1) :]
        too_many = self.max_parts and self.parts > self.max_parts
        reason = self.too_big if self.size > self.limit else self.too_many if too_many else ""
        if reason:
            self.stopped = True
            if not self.started:
                await respond(self._send, 413, reason)
            return await self.receive()
        return message

    async def send(self, message: Message) -> None:
        if self.stopped:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


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

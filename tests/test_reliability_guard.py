"""The guard in front of Gradio, request by request (no server): each check, and what it lets through.

The same requests made to a real ``assistant serve`` are in ``test_reliability_server.py``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from assistant.ui import guard as g
from assistant.ui import request_rules as rules
from assistant.ui.access import CLIENT_COOKIE, Access, LoginThrottle
from assistant.ui.http import BUSY, RETRY_AFTER_SECONDS

BROWSER = "b" * 43
"""A client cookie as the guard issues them (43 URL-safe characters)."""
OTHER = "o" * 43


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: bytes
    reached: bool
    received: bytes = b""
    """The body the app behind the guard read."""
    cookies: list[str] = field(default_factory=list)

    @property
    def detail(self) -> str:
        return str(json.loads(self.body).get("detail", ""))


def through(
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: list[bytes] | bytes = b"",
    status: int = 200,
    answer: bytes = b'{"detail": "Queue is full."}',
    host: str | None = "127.0.0.1:7860",
    client: str = "127.0.0.1",
    query: str = "",
    **options: Any,
) -> Result:
    """One request through :class:`guard.Guard` in front of an app answering ``status``/``answer``."""
    reached, received = False, []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True
        while True:
            message = await receive()
            received.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": status, "headers": [(b"x-app", b"1")]})
        await send({"type": "http.response.body", "body": answer})

    chunks = [body] if isinstance(body, bytes) else list(body)
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(b"host", host.encode())] if host is not None else []
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "path": path,
        "method": method,
        "headers": raw,
        "client": (client, 50000),
        "scheme": "http",
        "query_string": query.encode(),
    }
    guard = g.Guard(app, **options)
    with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever runs in this thread
        thread.submit(asyncio.run, guard(scope, receive, send)).result()  # type: ignore[arg-type]
    start = sent[0]
    out = {k.decode(): v.decode() for k, v in start["headers"]}
    cookies = [v.decode() for k, v in start["headers"] if k == b"set-cookie"]
    data = b"".join(m.get("body", b"") for m in sent[1:])
    return Result(start["status"], out, data, reached, b"".join(received), cookies)


def own(client: str = BROWSER, **more: str) -> dict[str, str]:
    return {"cookie": f"{CLIENT_COOKIE}={client}", **more}


# -- 1. loopback names only --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:7860", True),
        ("localhost:7860", True),
        ("LOCALHOST.", True),
        ("[::1]:7860", True),
        (None, True),  # no Host header: not a browser
        ("evil.example:7860", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example:7860", False),
        ("192.168.1.20:7860", False),
    ],
)
def test_a_loopback_server_answers_only_requests_addressed_to_loopback(
    host: str | None, allowed: bool
) -> None:
    result = through("/config", host=host)
    assert result.reached == allowed and (result.status == 200) == allowed
    if not allowed:
        assert result.status == 403 and "only at 127.0.0.1 or localhost" in result.detail
    assert through("/config", host=host, loopback_only=False).reached  # --host given: any name


# -- 2. forwarded headers ------------------------------------------------------------------------


def test_forwarded_headers_are_dropped_unless_the_peer_is_a_trusted_proxy() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((dict(scope["headers"]), scope["client"][0], scope["scheme"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    forged = {
        b"x-forwarded-host": b"evil.example",
        b"x-forwarded-for": b"203.0.113.9",
        b"x-forwarded-proto": b"https",
        b"forwarded": b"host=evil.example",
        b"x-gradio-server": b"http://evil.example",
    }

    def run(peer: str, proxies: str) -> tuple[dict[bytes, bytes], str, str]:
        scope: dict[str, Any] = {
            "type": "http",
            "path": "/",
            "method": "GET",
            "client": (peer, 1),
            "scheme": "http",
        }
        scope["headers"] = [(b"host", b"127.0.0.1:7860"), *forged.items()]

        async def call() -> None:
            async def receive() -> dict[str, Any]:
                return {"type": "http.disconnect"}

            async def send(_m: Any) -> None:
                return None

            await g.Guard(app, trusted_proxies=rules.parse_proxies(proxies))(scope, receive, send)

        with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever runs in this thread
            thread.submit(asyncio.run, call()).result()
        return seen.pop()  # type: ignore[no-any-return]

    headers, client, scheme = run("127.0.0.1", "")
    assert not set(forged) & set(headers) and client == "127.0.0.1" and scheme == "http"
    headers, client, scheme = run("10.0.0.5", "10.0.0.0/8")
    assert headers[b"x-forwarded-host"] == b"evil.example" and client == "203.0.113.9" and scheme == "https"


def test_trusted_proxies_must_be_addresses() -> None:
    assert rules.parse_proxies(" 10.0.0.1, 192.168.0.0/24 ,") == (
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("192.168.0.0/24"),
    )
    with pytest.raises(ValueError, match=r"'proxy\.example' is not an address or network like 10\.0\.0\.1"):
        rules.parse_proxies("proxy.example")


# -- 3. other sites --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://localhost:9999", "http://127.0.0.1:7861", "null"]
)
@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
def test_requests_from_other_sites_pages_are_refused(origin: str, method: str) -> None:
    result = through(
        "/config", method=method, headers={"origin": origin, "access-control-request-method": "POST"}
    )
    assert result.status == 403 and not result.reached and "other sites" in result.detail
    assert not any(k.startswith("access-control-") for k in result.headers)


def test_the_chats_own_page_passes() -> None:
    assert through("/config", headers={"origin": "http://127.0.0.1:7860"}).reached
    assert through("/config", host="localhost:7860", headers={"origin": "http://LOCALHOST:7860"}).reached


# -- 4. fetching other addresses and unused routes --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/file=http://169.254.169.254/latest/meta-data",
        "/gradio_api/file=HTTPS://example.com/x.png",
        "/gradio_api/file=//evil.example/x",
        "/gradio_api/file/http://example.com/x",  # issue 13: this older form reached Gradio's fetcher
        "/gradio_api/file/https:/example.com/x",
        "/gradio_api/file=http%3A%2F%2Fexample.com%2Fx",
        "/file=http://127.0.0.1:22/",
        "/file/http://127.0.0.1:22/",
        "/gradio_api/proxy=http://127.0.0.1:7860/",
        "/proxy=https://x.hf.space/",
    ],
)
def test_every_route_that_fetches_other_addresses_is_refused(path: str) -> None:
    for method in ("GET", "HEAD"):
        result = through(path, method=method, headers=own())
        assert result.status == 403 and result.detail == rules.FETCH and not result.reached, path


@pytest.mark.parametrize(
    "endpoint", ["/gradio_api/queue/join", "/gradio_api/call/ask", "/gradio_api/run/predict"]
)
def test_a_file_given_as_a_url_in_an_event_is_refused(endpoint: str) -> None:
    """Gradio downloads a ``FileData`` whose path is a URL into its cache (any public address)."""
    remote = {"path": "https://example.com/x.pdf", "meta": {"_type": "gradio.FileData"}}
    body = json.dumps({"data": [[{"nested": remote}]], "session_hash": "s1", "fn_index": 3}).encode()
    result = through(endpoint, method="POST", body=body, headers=own())
    assert result.status == 403 and result.detail == rules.FETCH and not result.reached
    local = {**remote, "path": "/tmp/x/a.pdf", "url": "http://127.0.0.1:7860/gradio_api/file=/tmp/x/a.pdf"}
    ok = json.dumps({"data": [local, "a question about https://example.com"], "session_hash": "s2"}).encode()
    assert through(endpoint, method="POST", body=ok, headers=own()).reached


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/process_recording",
        "/gradio_api/vibe-edit",
        "/gradio_api/dev/reload",
        "/gradio_api/stream/s/r/1/playlist.m3u8",
        "/gradio_api/run-history/buckets",
        "/gradio_api/runs",
        "/monitoring/abc",
        "/gradio_api/deep_link",
    ],
)
def test_routes_this_app_never_uses_are_refused(path: str) -> None:
    result = through(path, method="POST" if "recording" in path or "vibe" in path else "GET")
    assert result.status == 404 and not result.reached


# -- 5. logins ---------------------------------------------------------------------------------------


class FakeGradio:
    """What the guard reads from Gradio's App: who is logged in."""

    def __init__(self) -> None:
        self.auth = {"alice": "pw"}
        self.cookie_id = "c1"
        self.tokens = {"tok": "alice"}


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/", True),
        ("/login", True),
        ("/assets/index-abc.js", True),
        ("/static/img/logo.svg", True),
        ("/favicon.ico", True),
        ("/theme.css", True),
        ("/config", False),
        ("/gradio_api/info", False),
        ("/gradio_api/heartbeat/abc", False),  # Gradio itself answers this one without a login
        ("/gradio_api/cancel", False),
        ("/gradio_api/upload", False),
        ("/gradio_api/file=/tmp/x", False),
        ("/gradio_api/queue/data", False),
        ("/gradio_api/openapi.json", False),
        ("/manifest.json", False),
        ("/gradio_api/app_id", False),
    ],
)
def test_with_a_login_only_the_login_page_answers_before_logging_in(path: str, public: bool) -> None:
    result = through(path, gradio=FakeGradio())
    assert result.reached == public and (result.status == 401) != public
    logged_in = {"cookie": f"access-token-unsecure-c1=tok; {CLIENT_COOKIE}={BROWSER}"}
    assert through(path, gradio=FakeGradio(), headers=logged_in).status != 401


def test_failed_logins_are_slowed_and_logged() -> None:
    throttle, lines = LoginThrottle(3, 100), list[str]()
    form = {"content-type": "application/x-www-form-urlencoded"}

    def attempt(status: int, client: str = "10.1.1.1") -> Result:
        return through(
            "/login",
            method="POST",
            headers=form,
            body=b"username=alice&password=guess",
            status=status,
            client=client,
            gradio=FakeGradio(),
            throttle=throttle,
            log=lines.append,
        )

    assert [attempt(400).status for _ in range(3)] == [400, 400, 400]
    refused = attempt(200)  # the right password, but during the wait: not even checked
    assert refused.status == 429 and not refused.reached and refused.headers["retry-after"] == "1"
    assert attempt(400, client="10.2.2.2").status == 400  # another client is not held up
    assert (
        "Login failed for user 'alice' from 10.1.1.1 (3 in a row); the next attempt must wait 1 s." in lines
    )
    assert any(line.startswith("Login refused from 10.1.1.1: too many failed attempts") for line in lines)
    page = through(  # the login page sends a multipart form
        "/login",
        method="POST",
        headers={"content-type": "multipart/form-data; boundary=b"},
        body=b'--b\r\nContent-Disposition: form-data; name="username"\r\n\r\nbob\r\n--b--\r\n',
        status=400,
        client="10.3.3.3",
        gradio=FakeGradio(),
        throttle=throttle,
        log=lines.append,
    )
    assert page.status == 400 and lines[-1] == "Login failed for user 'bob' from 10.3.3.3 (1 in a row)."


# -- 6. sizes ----------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    limits = rules.Limits(request_bytes=1000)
    result = through(
        "/gradio_api/call/ask", method="POST", headers={"content-length": "20971520"}, limits=limits
    )
    assert result.status == 413 and not result.reached and "at most" in result.detail
    chunked = through("/gradio_api/call/ask", method="POST", body=[b"x" * 600, b"x" * 600], limits=limits)
    assert chunked.status == 413 and not chunked.reached  # no Content-Length: counted as it arrives
    streamed = through("/", method="POST", body=[b"x" * 600] * 5, limits=limits)
    assert streamed.status == 413 and streamed.received == b"x" * 600  # the app got only what fit
    fits = through("/gradio_api/call/ask", method="POST", body=b'{"data": ["q", 5]}', limits=limits)
    assert fits.reached and fits.received == b'{"data": ["q", 5]}'


def _multipart(files: int, size: int, boundary: str = "XyZ") -> tuple[dict[str, str], list[bytes]]:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="f{i}.txt"\r\n\r\n'.encode()
        + b"x" * size
        + b"\r\n"
        for i in range(files)
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]  # delimiters split across chunks
    return own(**{"content-type": f"multipart/form-data; boundary={boundary}"}), chunks


def test_an_upload_is_bounded_in_files_and_total_size() -> None:
    limits = rules.Limits(upload_bytes=50_000, upload_files=3)
    headers, chunks = _multipart(3, 1000)
    assert through("/gradio_api/upload", method="POST", headers=headers, body=chunks, limits=limits).reached
    headers, chunks = _multipart(4, 10)
    result = through("/gradio_api/upload", method="POST", headers=headers, body=chunks, limits=limits)
    assert result.status == 413 and result.detail == "At most 3 files per upload."
    headers, chunks = _multipart(2, 40_000)
    result = through("/gradio_api/upload", method="POST", headers=headers, body=chunks, limits=limits)
    assert result.status == 413 and "An upload may be at most" in result.detail


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        (own(), True),  # a script that opened the page first
        (own(origin="http://127.0.0.1:7860"), True),
        (own(referer="http://127.0.0.1:7860/?x=1"), True),
        (own(referer="http://evil.example/page"), False),
        (own(origin="http://evil.example"), False),
        ({}, False),  # no cookie: never opened the chat's page
        ({"origin": "http://127.0.0.1:7860"}, False),
    ],
)
def test_uploads_come_only_from_the_chats_own_page(headers: dict[str, str], allowed: bool) -> None:
    result = through("/gradio_api/upload", method="POST", headers=headers, body=b"")
    assert result.reached == allowed and (result.status == 403) != allowed


# -- 7. files and sessions per browser -----------------------------------------------------------------


def test_an_upload_is_served_to_its_browser_only() -> None:
    access = Access()
    stored = json.dumps(["/tmp/chat/abc/note.txt"]).encode()
    through("/gradio_api/upload", method="POST", headers=own(), answer=stored, access=access)
    assert through("/gradio_api/file=/tmp/chat/abc/note.txt", headers=own(), access=access).reached
    refused = through("/gradio_api/file=/tmp/chat/abc/note.txt", headers=own(OTHER), access=access)
    assert refused.status == 403 and refused.detail == rules.NOT_YOURS
    assert through("/gradio_api/file=/tmp/chat/abc/note.txt", access=access).status == 403  # no cookie


def test_a_session_is_used_by_the_browser_that_started_it_only() -> None:
    access = Access()
    join = json.dumps({"data": [], "fn_index": 1, "session_hash": "tab1"}).encode()
    assert through("/gradio_api/queue/join", method="POST", body=join, headers=own(), access=access).reached
    for path, query, method, body in [
        ("/gradio_api/queue/join", "", "POST", join),
        ("/gradio_api/queue/data", "session_hash=tab1", "GET", b""),
        ("/gradio_api/heartbeat/tab1", "", "GET", b""),
        ("/gradio_api/cancel", "", "POST", json.dumps({"session_hash": "tab1", "event_id": "e"}).encode()),
    ]:
        other = through(path, method=method, query=query, body=body, headers=own(OTHER), access=access)
        assert other.status == 403 and "belongs to another browser" in other.detail, path
        anonymous = through(path, method=method, query=query, body=body, access=access)
        assert anonymous.status == 403, path
        assert through(path, method=method, query=query, body=body, headers=own(), access=access).reached


def test_a_new_browser_gets_its_own_cookie() -> None:
    result = through("/")
    assert len(result.cookies) == 1 and result.cookies[0].startswith(f"{CLIENT_COOKIE}=")
    assert "HttpOnly" in result.cookies[0] and "SameSite=Strict" in result.cookies[0]
    assert through("/", headers=own()).cookies == []


# -- the rest ------------------------------------------------------------------------------------------


def test_a_call_leaving_out_parameters_gets_the_defaults() -> None:
    defaults = {"ask": ("", None)}
    for body, data in [
        (b'{"data": ["q"]}', ["q", None]),
        (b'{"data": []}', ["", None]),
        (b"{}", ["", None]),
        (b"", None),
        (b'{"data": ["q", 3]}', ["q", 3]),
    ]:
        result = through("/gradio_api/call/ask", method="POST", body=body, api_defaults=defaults)
        assert (json.loads(result.received)["data"] if result.received else None) == data
    other = through("/gradio_api/call/other", method="POST", body=b'{"data": []}', api_defaults=defaults)
    assert other.received == b'{"data": []}'


def test_the_guard_makes_a_full_queue_polite_and_passes_the_rest() -> None:
    result = through("/gradio_api/call/ask", status=503, method="POST", body=b'{"data": ["q", 1]}')
    assert result.status == 503 and json.loads(result.body) == {"detail": BUSY}
    assert result.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert through("/gradio_api/queue/join", method="POST", body=b"{}").status == 200

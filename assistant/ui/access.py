"""Who may use what on the chat server: browsers, their sessions and files, and login attempts.

Pure bookkeeping, no HTTP: :mod:`assistant.ui.guard` asks these objects on every request.

* A **browser** is known by the random ``assistant-client`` cookie the server gives it on its
  first request (HttpOnly, SameSite=Strict: page scripts cannot read it, other sites' pages
  cannot send it).
* A Gradio **session** (``session_hash``) is chosen by the page and sent in the clear with each
  event; whoever knows it could otherwise act in that session or read its results. The first
  browser to use a session owns it (:meth:`Access.claim`); another browser using the same
  session is refused.
* A served **file** (an upload, a briefing export) is readable only by the browsers it was
  granted to (:meth:`Access.grant`): the one that uploaded it or whose briefing it is.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLIENT_COOKIE = "assistant-client"
REMEMBERED = 20_000
"""Sessions, files and clients remembered at most (least recently used forgotten first)."""


def client_key(request: Any) -> str:
    """The browser a Gradio event came from: its ``assistant-client`` cookie ("" if none)."""
    cookies = getattr(request, "cookies", None) or {}
    return str(cookies.get(CLIENT_COOKIE, "") or "")


def _bounded_set(table: OrderedDict[str, Any], key: str, value: Any) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > REMEMBERED:
        table.popitem(last=False)


class Access:
    """Which browser owns which session, and which files each browser may fetch."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._files: OrderedDict[str, set[str]] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, session: str, client: str) -> bool:
        """Whether ``client`` may use ``session``: yes if it is new (it is then ``client``'s), or
        already ``client``'s, or was first used without a cookie (API scripts: nothing to protect,
        as such a session holds no briefing or upload of a browser's)."""
        if not session:
            return True
        with self._lock:
            owner = self._sessions.get(session)
            if owner is None:
                _bounded_set(self._sessions, session, client)
                return True
            return owner in ("", client)

    def grant(self, path: str | Path, client: str) -> None:
        """Let ``client`` fetch the file at ``path`` (no one, if ``client`` is "")."""
        if not client:
            return
        key = os.path.realpath(path)
        with self._lock:
            clients = self._files.get(key, set())
            clients.add(client)
            _bounded_set(self._files, key, clients)

    def may_read(self, path: str | Path, client: str) -> bool:
        if not client:
            return False
        with self._lock:
            return client in self._files.get(os.path.realpath(path), set())


class LoginThrottle:
    """Slows password guessing, per client and for all clients together.

    Per client: after ``per_client`` failed logins in a row, each next attempt must wait
    1 s, then 2, 4, … up to :data:`MAX_WAIT` after the last failure (a success resets it).
    An attempt made sooner is refused without checking the password, so guessing during
    the wait learns nothing. All clients together: once ``overall`` logins failed within
    :data:`WINDOW` seconds, every attempt waits until the oldest of them is older than that
    (an attacker using many addresses). 0 turns a limit off. 30 guesses in a row from one
    client: 5 are checked at once, and the 6th is refused with a 1 s wait; at full speed
    an attacker gets ~20 guesses in the first hour, then ~4 an hour.
    """

    MAX_WAIT = 900.0
    WINDOW = 600.0

    def __init__(self, per_client: int, overall: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_client, self.overall, self.clock = per_client, overall, clock
        self._clients: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    def _delay(self, failures: int) -> float:
        if not self.per_client or failures < self.per_client:
            return 0.0
        return min(2.0 ** (failures - self.per_client), self.MAX_WAIT)

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before its next attempt may be checked (0: now)."""
        now = self.clock()
        with self._lock:
            while self._recent and self._recent[0] <= now - self.WINDOW:
                self._recent.popleft()
            overall = 0.0
            if self.overall and len(self._recent) >= self.overall:
                overall = self._recent[-self.overall] + self.WINDOW - now
            failures, last = self._clients.get(client, (0, now))
            own = last + self._delay(failures) - now
        return max(0.0, own, overall)

    def failed(self, client: str) -> tuple[int, float]:
        """Record a failed login; returns the client's failures in a row and its wait now."""
        now = self.clock()
        with self._lock:
            failures = self._clients.get(client, (0, now))[0] + 1
            _bounded_set(self._clients, client, (failures, now))
            self._recent.append(now)
            while len(self._recent) > max(self.overall, 1) * 2:
                self._recent.popleft()
        return failures, self.wait(client)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

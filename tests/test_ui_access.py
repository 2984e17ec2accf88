"""Who may use what: sessions and files per browser, and how failed logins are slowed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.ui import access as a
from assistant.ui.access import CLIENT_COOKIE, Access, LoginThrottle, client_key


def test_a_session_belongs_to_the_first_browser_that_uses_it() -> None:
    access = Access()
    assert access.claim("tab", "browser-1") and access.claim("tab", "browser-1")
    assert not access.claim("tab", "browser-2") and not access.claim("tab", "")
    assert access.claim("script-session", "")  # no cookie: an API script, nothing to protect
    assert access.claim("script-session", "") and access.claim("script-session", "browser-2")
    assert access.claim("", "anyone")  # no session named: nothing to check


def test_a_file_is_readable_only_by_the_browsers_it_was_granted_to(tmp_path: Path) -> None:
    access = Access()
    f = tmp_path / "x" / "briefing.docx"
    access.grant(f, "browser-1")
    access.grant(str(tmp_path / "x" / ".." / "x" / "briefing.docx"), "browser-2")  # same file, other spelling
    assert access.may_read(f, "browser-1") and access.may_read(f, "browser-2")
    assert not access.may_read(f, "browser-3") and not access.may_read(f, "")
    access.grant(tmp_path / "y", "")  # a client without a cookie is given nothing
    assert not access.may_read(tmp_path / "y", "")


def test_what_is_remembered_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(a, "REMEMBERED", 3)
    access = Access()
    for i in range(5):
        access.claim(f"s{i}", "b")
    assert access.claim("s0", "other")  # forgotten, so new again
    assert not access.claim("s4", "other")


def test_the_client_of_an_event_is_its_cookie() -> None:
    assert client_key(SimpleNamespace(cookies={CLIENT_COOKIE: "abc"})) == "abc"
    assert client_key(SimpleNamespace(cookies={})) == "" and client_key(None) == ""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_client_waits_1_2_4_seconds_after_its_free_attempts() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, 0, clock)
    assert [throttle.failed("c")[1] for _ in range(3)] == [0.0, 0.0, 1.0]
    assert throttle.wait("c") == 1.0 and throttle.wait("other") == 0.0
    clock.now += 1.0
    assert throttle.wait("c") == 0.0
    assert throttle.failed("c") == (4, 2.0)
    clock.now += 2.0
    assert throttle.failed("c") == (5, 4.0)
    throttle.succeeded("c")
    assert throttle.wait("c") == 0.0


def test_the_wait_is_capped() -> None:
    clock = Clock()
    throttle = LoginThrottle(1, 0, clock)
    for _ in range(40):
        clock.now += throttle.wait("c")
        throttle.failed("c")
    assert throttle.wait("c") == LoginThrottle.MAX_WAIT


def test_failures_from_many_clients_make_everyone_wait() -> None:
    clock = Clock()
    throttle = LoginThrottle(0, 10, clock)
    for i in range(9):
        throttle.failed(f"10.0.0.{i}")
        clock.now += 1
    assert throttle.wait("new") == 0.0
    throttle.failed("10.0.0.99")
    assert throttle.wait("new") == LoginThrottle.WINDOW - 9  # until the oldest failure is 10 min old
    clock.now += LoginThrottle.WINDOW - 9
    assert throttle.wait("new") == 0.0


def test_zero_turns_the_limits_off() -> None:
    throttle = LoginThrottle(0, 0, Clock())
    for _ in range(100):
        throttle.failed("c")
    assert throttle.wait("c") == 0.0

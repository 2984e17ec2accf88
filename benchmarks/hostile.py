"""Issue 13's hostile requests made to a real ``assistant serve``: what each one gets.

    python -m benchmarks.hostile                                  # this checkout
    python -m benchmarks.hostile --code OTHER_CHECKOUT --out F    # e.g. main before the fix

Starts two servers over the Met report (one with a login), with Gradio's URL check told that
every address is public (as the issue's reproduction did) and a loopback "canary" server that
counts the requests it gets, so any fetch by the chat server shows. Writes the findings,
stamped with the code's commit and the date, to ``benchmarks/results/hostile.json``;
docs/RELIABILITY.md §7 quotes them. The tests assert the same things with fewer figures.
"""

from __future__ import annotations

import argparse
import datetime
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.support.load import rss_kb, server

RESULTS = Path(__file__).resolve().parent / "results" / "hostile.json"
ROOT = Path(__file__).resolve().parent.parent
LOGIN = "alice:right-password"
HOSTILE_PASSAGE = {
    "id": "p1",
    "report_id": "met",
    "report_title": "Met",
    "section_path": ["A"],
    "grade": None,
    "paragraph": 1,
    "bullet": None,
    "start": 0,
    "end": 10,
    "text": "Detectives \x1b[31mshort\x1b[0m \x07 bell",
    "lead_in": None,
    "page": None,
    "page_label": None,
}
SAVED = {"title": "Hostile", "pins": [{"passage": HOSTILE_PASSAGE, "heading": "H", "note": ""}]}
Findings = dict[str, Any]
SERVER, API = "test_reliability_server::", "test_ui_api::"
SESSION_TEST = SERVER + "test_a_session_and_its_files_serve_only_the_browser_that_made_them"
TESTS = {
    "docx export": API + "test_a_briefing_with_control_characters_downloads_as_docx",
    "export fetched": API + "test_a_second_browser_cannot_download_the_first_browsers_export",
    "export file mode": API + "test_exports_are_private_files",
    "GET /gradio_api/": SERVER + "test_no_route_makes_the_server_fetch_another_address",
    "a file given as a URL": SERVER + "test_no_route_makes_the_server_fetch_another_address",
    "upload with Origin": SERVER + "test_uploads_come_only_from_the_chats_own_page_within_limits",
    "60 x 1 MB": SERVER + "test_uploads_come_only_from_the_chats_own_page_within_limits",
    "upload folder": SESSION_TEST,
    "an upload fetched": SESSION_TEST,
    "another client opening": SESSION_TEST,
    "CORS": SERVER + "test_only_the_chats_own_origin_gets_cors",
    "credentialed read": SERVER + "test_only_the_chats_own_origin_gets_cors",
    "X-Forwarded-Host": SERVER + "test_forwarded_headers_do_not_rewrite_the_page",
    "/ask without k": SERVER + "test_ask_without_k_gets_the_default_k",
    "MB JSON body": SERVER + "test_a_20_mb_request_body_is_refused_before_it_is_read",
    "routes answering": SERVER + "test_a_login_guards_every_route",
    "wrong passwords": SERVER + "test_thirty_wrong_passwords_in_a_row_meet_a_429",
}
"""The test asserting each finding (by a part of its name)."""


class Canary:
    """A loopback HTTP server that counts the requests made to it."""

    def __init__(self) -> None:
        hits = self.hits = [0]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits[0] += 1
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"canary secret")

            def log_message(self, *_args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, action: Callable[[], Any]) -> tuple[Any, int]:
        before = self.hits[0]
        result = action()
        time.sleep(1.0)
        return result, self.hits[0] - before


def _run_event(http: httpx.Client, fn_index: int, data: list[Any], session: str) -> dict[str, Any]:
    """One Gradio event through the queue, as the page sends it; its ``process_completed`` message."""
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None}
    joined = http.post("/gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        return {"success": False, "refused": joined.status_code}
    with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            message = json.loads(line[5:]) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed":
                return dict(message)
    return {"success": False}


def _dependency(config: dict[str, Any], test: Callable[[dict[str, Any], dict[int, str]], bool]) -> int:
    kinds = {c["id"]: str(c.get("type")) for c in config["components"]}
    return int(next(d["id"] for d in config["dependencies"] if test(d, kinds)))


def exports(url: str, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=120) as http, httpx.Client(base_url=url, timeout=30) as other:
        http.get("/")
        other.get("/")
        restore = _dependency(
            http.get("/config").json(), lambda d, k: [k[i] for i in d["inputs"]] == ["browserstate"]
        )
        done = _run_event(http, restore, [SAVED], uuid.uuid4().hex[:10])
        outputs = done.get("output", {}).get("data", []) if done.get("success") else []
        files = [o["value"] for o in outputs if isinstance(o, dict) and isinstance(o.get("value"), dict)]
        docx = next((f for f in files if f["path"].endswith(".docx")), None)
        found["docx export of text with \\x1b and \\x07"] = (
            "made" if docx else f"failed: {done.get('output')}"
        )
        if docx:
            found["export fetched by its browser / another browser / no cookie"] = (
                f"{http.get(docx['url']).status_code} / {other.get(docx['url']).status_code} / "
                f"{httpx.get(docx['url']).status_code}"
            )
            path = Path(docx["path"])
            found["export file mode, folder"] = f"{oct(path.stat().st_mode & 0o777)} {path.parent.parent}"


def fetching(url: str, canary: Canary, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        http.get("/")
        for form in ("/gradio_api/file={}", "/gradio_api/file/{}", "/gradio_api/proxy={}"):
            target = form.format(f"{canary.url}/x")
            response, hits = canary.count(lambda target=target: http.get(target))  # type: ignore[misc]
            found[f"GET {form.format('http://…')}"] = f"{response.status_code}, canary reached {hits}x"
        upload = _dependency(
            http.get("/config").json(), lambda d, _k: any(t[1] == "upload" for t in d["targets"])
        )
        remote = {"path": f"{canary.url}/y.pdf", "meta": {"_type": "gradio.FileData"}, "orig_name": "y.pdf"}
        body = {"data": [remote], "fn_index": upload, "session_hash": uuid.uuid4().hex[:10]}
        response, hits = canary.count(lambda: http.post("/gradio_api/queue/join", json=body))
        found["a file given as a URL in an event"] = f"{response.status_code}, canary reached {hits}x"


def uploads(url: str, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=120) as http:
        http.get("/")
        crossed = http.post(
            "/gradio_api/upload",
            files={"files": ("x.txt", b"evil")},
            headers={"Origin": "http://evil.example"},
        )
        found["upload with Origin: http://evil.example"] = crossed.status_code
        one_mb = b"\0" * (1024 * 1024)
        sixty = http.post("/gradio_api/upload", files=[("files", (f"f{i}.pdf", one_mb)) for i in range(60)])
        stored = len(sixty.json()) if sixty.status_code == 200 else 0
        found["60 x 1 MB in one upload"] = f"{sixty.status_code}, {stored} files stored"
        mine = Path(http.post("/gradio_api/upload", files={"files": ("mine.txt", b"private")}).json()[0])
        top = mine.parent.parent
        found["upload folder, its mode, the file's mode"] = (
            f"{top} {oct(top.stat().st_mode & 0o777)} {oct(mine.stat().st_mode & 0o777)}"
        )
        found["an upload fetched by another client"] = httpx.get(f"{url}/gradio_api/file={mine}").status_code


def headers(url: str, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        http.get("/")
        pre = http.options(
            "/config", headers={"Origin": "http://localhost:9999", "Access-Control-Request-Method": "GET"}
        )
        found["CORS pre-flight from http://localhost:9999"] = (
            f"{pre.status_code}, allow-origin {pre.headers.get('access-control-allow-origin')}"
        )
        read = http.get("/config", headers={"Origin": "http://localhost:9999"})
        found["credentialed read of /config from http://localhost:9999"] = (
            f"{read.status_code}, allow-origin {read.headers.get('access-control-allow-origin')}"
        )
        page = http.get("/", headers={"X-Forwarded-Host": "evil.example"})
        found["X-Forwarded-Host: evil.example appears in the page"] = "evil.example" in page.text
        session = uuid.uuid4().hex[:10]
        load = _dependency(http.get("/config").json(), lambda d, _k: not d["inputs"] and bool(d["targets"]))
        http.post("/gradio_api/queue/join", json={"data": [], "fn_index": load, "session_hash": session})
        with httpx.Client(base_url=url, timeout=5) as other:
            request = other.build_request("GET", "/gradio_api/queue/data", params={"session_hash": session})
            stream = other.send(request, stream=True)
            stream.close()
        found["another client opening a session's stream by its hash"] = stream.status_code
        joined = http.post("/gradio_api/call/ask", json={"data": ["detective shortages"]})
        answer = http.get(f"/gradio_api/call/ask/{joined.json()['event_id']}").text
        found["/ask without k"] = " ".join(answer.split())[:60]


def bodies(url: str, pid: int, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=300) as http:
        for size in (20, 200):
            before, started = rss_kb(pid), time.time()
            body = b'{"data": ["' + b"x" * (size << 20) + b'", 5]}'
            response = http.post(
                "/gradio_api/call/ask", content=body, headers={"content-type": "application/json"}
            )
            time.sleep(1.0)
            found[f"{size} MB JSON body to /ask"] = (
                f"{response.status_code} after {time.time() - started:.1f} s, server memory "
                f"{(rss_kb(pid) - before) / 1024:+.0f} MB"
            )


def logins(url: str, found: Findings) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        answered = []
        for method, path in [
            ("GET", "/gradio_api/heartbeat/x"),
            ("POST", "/gradio_api/cancel"),
            ("GET", "/gradio_api/app_id"),
            ("GET", "/gradio_api/user"),
            ("GET", "/manifest.json"),
            ("GET", "/gradio_api/upload_progress?upload_id=x"),
        ]:
            response = http.send(
                http.build_request(method, path, json={} if method == "POST" else None), stream=True
            )
            response.close()
            if response.status_code != 401:
                answered.append(f"{path} {response.status_code}")
        found["routes answering without a login"] = "; ".join(answered) or "none"
        started = time.time()
        statuses = [
            http.post("/login", data={"username": "alice", "password": f"g{i}"}).status_code
            for i in range(200)
        ]
        first = statuses.index(429) + 1 if 429 in statuses else None
        found["200 wrong passwords in a row"] = (
            f"{time.time() - started:.1f} s; {statuses.count(400)} checked, {statuses.count(429)} refused "
            f"with 429 (first at #{first})"
        )


def commit(code: Path) -> str:
    run = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(["git", "-C", str(code), "status", "--porcelain"], capture_output=True, text=True)
    return run.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def probe(code: Path) -> Iterator[tuple[str, Any]]:
    canary = Canary()
    found: Findings = {}
    with tempfile.TemporaryDirectory(prefix="assistant-hostile-") as tmp:
        double = Path(tmp) / "double"
        double.mkdir()
        (double / "sitecustomize.py").write_text(
            "import safehttpx\nsafehttpx.is_public_ip = lambda ip: True\n"
        )
        env = {"PYTHONPATH": os.pathsep.join([str(double), str(code)])}
        here = Path.cwd()
        os.chdir(tmp)  # `python -m` puts the working folder first on the path: not this checkout
        with server(Path(tmp), env=env) as (url, pid):
            url = url.rstrip("/")
            exports(url, found)
            fetching(url, canary, found)
            uploads(url, found)
            headers(url, found)
            bodies(url, pid, found)
        with server(Path(tmp), env={**env, "ASSISTANT_AUTH": LOGIN}) as (url, _pid):
            logins(url.rstrip("/"), found)
        os.chdir(here)
    canary.server.shutdown()
    yield from found.items()


def table(before: Path, now: Path) -> str:
    """The Markdown table of docs/RELIABILITY.md §7 from two result files."""
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (before, now))
    rows = [
        f"| request | before (`{old['commit']}`) | now (`{new['commit']}`) | test |",
        "|---|---|---|---|",
    ]
    for name, value in new["findings"].items():
        test = next((t for part, t in TESTS.items() if part in name), "")
        cells = [name, old["findings"].get(name, "—"), value, f"`{test}`" if test else ""]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="checkout whose `assistant` serves (default: this)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--table", type=Path, metavar="BEFORE", help="print the table of --out against BEFORE"
    )
    args = parser.parse_args()
    if args.table:
        print(table(args.table, args.out))
        return
    findings = {}
    for name, value in probe(args.code.resolve()):
        print(f"{name}: {value}", flush=True)
        findings[name] = value
    stamp = {"commit": commit(args.code), "date": datetime.date.today().isoformat(), "findings": findings}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(stamp, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

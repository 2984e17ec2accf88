"""Issue 13 in the chat: a PDF of 1 MB inflating to 1 GB, uploaded as a person would, is refused in
one line naming the limit, and the server -- which took 3.3 GB reading it before -- stays small.

A server of its own (over copies of the session's corpus and index), so its whole process tree
can be measured while the upload is read.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from playwright.sync_api import Browser

from tests.support import hostile
from tests.support.browser import Chat
from tests.support.load import tree_rss_kb
from tests.support.server import running_chat


def test_an_inflating_pdf_upload_is_refused_and_the_server_stays_small(
    browser: Browser, chat_url: str, browser_corpus: Path, tmp_path: Path
) -> None:
    base = browser_corpus.parent  # chat_url has built the index there
    corpus = shutil.copytree(browser_corpus, tmp_path / "corpus")
    index = shutil.copytree(base / "index", tmp_path / "index")
    files_before = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*"))
    servers: list[int] = []
    with running_chat(corpus, index, tmp_path / "server.log", started=lambda p: servers.append(p.pid)) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        chat = Chat(context.new_page(), url).open()
        chat.ask("what is said about detective shortages")  # everything loaded, as when in use
        before = tree_rss_kb(servers[0])
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], tree_rss_kb(servers[0]))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        bomb = hostile.write(tmp_path / "Inflating report.pdf", hostile.inflating_pdf(1000))
        chat.page.get_by_text("Add a report").click()
        chat.page.locator("#upload input[type=file]").set_input_files(str(bomb))
        status = chat.page.locator("#upload-status")
        status.get_by_text("Not added").wait_for(timeout=120_000)
        done.set()
        sampler.join()
        text = status.inner_text()
        assert "Inflating-report.pdf: refused, as a compressed part of it inflates to more than 64 MB" in text
        assert "setting max_stream_mb" in text
        grown_mb = (peak[0] - before) / 1024
        print(f"server process tree: {before / 1024:.0f} MB before the upload, peak {peak[0] / 1024:.0f} MB")
        assert grown_mb < 400, f"the server's process tree grew {grown_mb:.0f} MB reading the upload"
        assert sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")) == files_before  # nothing added
        cards = chat.ask("what is said about detective shortages")  # the chat carries on
        assert cards.count() >= 1
        context.close()

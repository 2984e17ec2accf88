"""The chat's question event through Gradio's own call path (``Blocks.process_api``), as the page
sends it: what goes back must be what Gradio's pre- and postprocessing would have made."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.settings import Settings
from tests.support.fakes import FakeEmbedder


def test_respond_converts_the_conversation_itself_and_sends_no_buttons(
    settings: Settings, fake: FakeEmbedder, tmp_path: Path
) -> None:
    import gradio as gr
    from gradio.state_holder import SessionState

    from assistant.ui.app import build_app

    assistant = Assistant.open(
        settings, query_embedder=fake, build_embedder=fake, progress=False, log=lambda _m: None
    )
    demo = build_app(assistant, export_dir=tmp_path / "exports")
    respond = next(f for f in demo.fns.values() if f.api_name == "respond")
    assert not respond.preprocess and not respond.postprocess  # no worker-thread hop per value
    assert [type(b).__name__ for b in respond.outputs] == ["Textbox", "Chatbot", "State", "HTML"]
    chatbot = respond.outputs[1]
    state, request = SessionState(demo), gr.Request(username=None, session_hash="s1")
    history: list[Any] = []
    outputs = []
    for question in ("what is said about detective shortages", "and what did they recommend?"):
        data = [question, history, None, [], [], [], [], []]
        run = demo.process_api(respond, data, state, request=request, session_hash="s1")
        with ThreadPoolExecutor(1) as pool:  # a loop of its own, whatever runs in this thread
            outputs = pool.submit(asyncio.run, run).result()["data"]
        history = outputs[1]
    assert outputs[0] == "" and len(outputs) == 4
    assert [m["role"] for m in history] == ["user", "assistant"] * 2
    assert history[0]["content"] == [{"type": "text", "text": "what is said about detective shortages"}]
    # exactly what Gradio's own postprocessing makes of the conversation it was given back
    assert chatbot.postprocess(
        chatbot.preprocess(chatbot.data_model.model_validate(history))
    ).model_dump() == (history)
    assert 'data-offers="fresh"' in outputs[3]  # the follow-up offers "Ask as a new question"

"""The Gradio chat: a thin shell over :class:`assistant.service.Assistant`.

Offline and private by default: analytics off, no share link, bound to 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from assistant.answer import answer_dict
from assistant.errors import AssistantError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.ui.render import answer_markdown, escape_md

EXAMPLES = [
    "What is said about detective shortages?",
    "How was the Met graded on protecting vulnerable people?",
    "PNC wanted suspects",
    "What must the force improve about serious and organised crime?",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _gradio() -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_TELEMETRY_ENABLED", "False")
    import gradio as gr

    return gr


def build_app(assistant: Assistant) -> Any:
    """The Blocks app: a chat whose replies are cited quotes, and an ``/ask`` JSON endpoint."""
    gr = _gradio()

    def respond(message: str, history: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        history = list(history or [])
        try:
            reply = answer_markdown(assistant.ask(message))
        except AssistantError as exc:
            reply = f"⚠️ {escape_md(str(exc))}"
        history += [
            {"role": "user", "content": escape_md(str(message))},
            {"role": "assistant", "content": reply},
        ]
        return "", history

    def ask(question: str, k: int = 5) -> dict[str, Any]:
        """Same JSON as `assistant ask --json`."""
        try:
            return answer_dict(assistant.ask(question, k=int(k)))
        except AssistantError as exc:
            return {"question": str(question), "abstained": True, "passages": [], "error": str(exc)}

    with gr.Blocks(title="Report assistant", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Report assistant\nAsk about the indexed inspection reports. Every answer is an exact quote."
        )
        chatbot = gr.Chatbot(label="Conversation", height=520, sanitize_html=True)
        box = gr.Textbox(
            placeholder="Ask a question, e.g. what is said about detective shortages?",
            show_label=False,
            autofocus=True,
            elem_id="question",
        )
        gr.Examples(EXAMPLES, inputs=box)
        box.submit(respond, [box, chatbot], [box, chatbot], api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


def serve(settings: Settings, log: Callable[[str], None] = print, block: bool = True) -> Any:
    """Open the assistant (building the index if needed) and serve the chat."""
    if settings.host not in LOCAL_HOSTS:
        log(f"Warning: serving on {settings.host}, which other machines can reach; set a login with --auth.")
    assistant = Assistant.open(settings, log=log)
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=4, max_size=64)
    log(f"Chat ready at http://{settings.host}:{settings.port}")
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        inbrowser=False,
        show_error=False,
        prevent_thread_lock=not block,
        max_file_size=f"{settings.max_upload_mb}mb",
        quiet=True,
    )
    return demo

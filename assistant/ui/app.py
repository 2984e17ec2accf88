"""The Gradio chat: a thin shell over :class:`assistant.service.Assistant` and :class:`ChatLogic`.

Layout: the conversation, question box, filters and upload on the left; on the right the
evidence cards for the latest answer and the briefing being built. Offline and private by
default: analytics off, no share link, bound to 127.0.0.1, system fonts only.
"""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations at run
# time to find the ``gr.EventData`` parameter, and ``gr`` is only a local name.
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.answer import answer_dict
from assistant.errors import AssistantError
from assistant.ingest import EXTENSIONS
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.ui import context_view, library_tab, mcp_access, mcp_tools, style
from assistant.ui.access import Access
from assistant.ui.briefing_panel import EDITS, BriefingPanel
from assistant.ui.cards import EMPTY
from assistant.ui.grades_view import grades_html
from assistant.ui.render import loaded_markdown
from assistant.ui.server import ApiSessions
from assistant.ui.session import ChatLogic, Latest, make_filters, session_key
from assistant.ui.turns import AGAIN, CLEAR, FRESH, WIDEN

EXAMPLES = [
    "What is said about detective shortages?",
    "How was the Met graded on protecting vulnerable people?",
    "PNC wanted suspects",
    "What must the force improve about serious and organised crime?",
]
API_DEFAULTS = {"ask": ("", None)}
"""What a call to ``/ask`` that leaves parameters out gets: no question (a clear "empty" error),
and ``k`` from the settings."""
AGAIN_LABELS = {
    WIDEN: "Search every report",
    FRESH: "Ask as a new question",
    CLEAR: "Clear filters and ask again",
}
"""The one-click re-asks offered under the conversation (:mod:`assistant.ui.turns`), in order."""
INTRO = (
    "## Report assistant\n"
    "Ask about the indexed inspection reports. Answers are **exact quotes** with citations; "
    "a short follow-up such as *“and what did they recommend?”* continues the last topic. "
    "Pin passages to build a briefing, then download it as Markdown or DOCX."
)


def _gradio() -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_TELEMETRY_ENABLED", "False")
    import gradio as gr

    return gr


def launch_options(gr: Any) -> dict[str, Any]:
    """Look and scripts, passed to ``launch`` (where Gradio 6 takes them)."""
    return {"theme": style.theme(gr), "css": style.CSS}


def api_answer(assistant: Assistant, data: Sequence[Any]) -> dict[str, Any]:
    """What ``/ask`` returns for ``data`` = ``[question, k]``: the JSON of ``assistant ask --json``.

    ``k`` may be left out (the ``k`` setting) or sent as ``5.0`` (JSON numbers); a question the
    assistant refuses is answered with its error, as the CLI prints it.
    """
    question = data[0] if data else ""
    k = data[1] if len(data) > 1 and data[1] is not None else assistant.settings.k
    whole = int(k) if isinstance(k, float) and float(k).is_integer() else k
    try:
        return answer_dict(assistant.ask(question, k=whole))
    except AssistantError as exc:
        return {"question": str(question), "abstained": True, "passages": [], "error": str(exc)}


def build_app(
    assistant: Assistant, access: Access | None = None, export_dir: Path | None = None, mcp: bool = False
) -> Any:
    """The Blocks app (see module docstring) and an ``/ask`` endpoint returning ``ask --json``'s object.

    ``access`` records which browser may download which export (the server's guard asks it);
    ``export_dir`` is where exports are written (the chat's private temporary folder); with
    ``mcp``, the MCP tools are added too (:mod:`assistant.ui.mcp_tools`).
    """
    gr = _gradio()
    access = access or Access()
    logic = ChatLogic(assistant, export_dir)
    choices = logic.filter_choices()
    private = {"api_visibility": "private"}
    api_sessions = ApiSessions()

    def ask(question: str, k: int | None = None, request: gr.Request = None) -> dict[str, Any]:  # type: ignore[name-defined]
        """Same JSON as `assistant ask --json`; ``k`` (passages to return) defaults to the setting."""
        api_sessions.finished(demo, session_key(request))
        return api_answer(assistant, [question, k])

    with gr.Blocks(title="Report assistant", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        latest = gr.State(None)
        saved = gr.BrowserState(
            None, storage_key="report-assistant-briefing", secret=storage_secret(assistant.settings)
        )
        gr.Markdown(INTRO, elem_id="intro")
        loaded = gr.Markdown(loaded_markdown(assistant.reports()), elem_id="loaded")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=420,
                    elem_id="chat",
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="Ask a question below, e.g. “What is said about detective shortages?”",
                )
                with gr.Row(elem_id="ask-again"):
                    offered = [
                        gr.Button(AGAIN_LABELS[how], size="sm", elem_id=f"again-{how}") for how in AGAIN
                    ]
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        placeholder="Ask a question and press Enter",
                        label="Your question",
                        show_label=False,
                        autofocus=True,
                        elem_id="question",
                        max_length=1000,
                        scale=5,
                        min_width=200,
                    )
                    ask_button = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="ask")
                gr.HTML(style.SKIP_LINK, elem_id="skip", js_on_load=style.SKIP_JS, padding=False)
                new_topic = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                examples = gr.Examples(EXAMPLES, inputs=box, label="Examples (click one to ask it)")
                with gr.Accordion("Filters (applied to your next question)", open=False, elem_id="filters"):
                    report_f = gr.Dropdown(
                        choices.report, multiselect=True, label="Report", elem_id="f-report"
                    )
                    force_f = gr.Dropdown(choices.force, multiselect=True, label="Force", elem_id="f-force")
                    year_f = gr.Dropdown(choices.year, multiselect=True, label="Year", elem_id="f-year")
                    section_f = gr.Dropdown(
                        choices.section, multiselect=True, label="Section", elem_id="f-section"
                    )
                    grade_f = gr.Dropdown(choices.grade, multiselect=True, label="Grade", elem_id="f-grade")
                    clear_f = gr.Button("Clear filters", size="sm")
                with gr.Accordion("Add a report", open=False, elem_id="add-report"):
                    upload = gr.File(
                        label=f"Report file ({', '.join(sorted(EXTENSIONS))})",
                        file_types=sorted(EXTENSIONS),
                        elem_id="upload",
                    )
                    upload_status = gr.Markdown(elem_id="upload-status")
            with gr.Column(scale=6, min_width=320), gr.Tabs():
                with gr.Tab("Evidence", id="evidence"):
                    cards = gr.HTML(
                        EMPTY,
                        elem_id="cards",
                        js_on_load=style.CARDS_JS,
                        server_functions=[context_view.server_function(assistant)],
                    )
                with gr.Tab("Briefing", id="briefing"):
                    panel = BriefingPanel(gr, logic, latest, cards, saved, access)
                with gr.Tab("Reports", id="reports"):
                    library_tab.build(gr, assistant)
                with gr.Tab("Grades", id="grades"):
                    grades = gr.HTML(grades_html(assistant.grades()), elem_id="grades")
        filters = [report_f, force_f, year_f, section_f, grade_f]

        def respond(
            message: str,
            history: list[dict[str, Any]],
            last: Latest | None,
            request: gr.Request,  # type: ignore[name-defined]
            *values: Any,
        ) -> list[Any]:
            """One question. Wired without Gradio's pre- and postprocessing, which hand each input
            and output to a worker thread of its own (ten hand-offs a question, ~1-2 ms of server
            CPU under load): the conversation is converted here by the chatbot's own methods, in
            this one thread; the other values need no conversion (text, lists of filter values).
            """
            _, b = logic.briefings.get(session_key(request))
            asked = chatbot.preprocess(chatbot.data_model.model_validate(history or []))
            shown, new, html = logic.ask(str(message or ""), asked, last, make_filters(*values), b)
            return ["", chatbot.postprocess(shown).model_dump(), new, html]

        answered = [box, chatbot, latest, cards]
        raw = {"preprocess": False, "postprocess": False, **private}
        for trigger in (box.submit, ask_button.click, examples.load_input_event.then):
            trigger(respond, [box, chatbot, latest, *filters], answered, **raw).then(
                None, js=style.FOCUS_QUESTION_JS, **private
            )

        for how, button in zip(AGAIN, offered, strict=True):

            def ask_again(
                history: list[dict[str, Any]],
                last: Latest | None,
                request: gr.Request,  # type: ignore[name-defined]
                how: str = how,
            ) -> list[Any]:
                _, b = logic.briefings.get(session_key(request))
                history, new, html = logic.again(how, history, last, b)
                return [history, new, html, *([[] for _ in filters] if how == CLEAR else [])]

            # only "clear" changes the filters (a gr.skip() still makes Gradio rebuild each dropdown)
            again_outputs = [chatbot, latest, cards, *(filters if how == CLEAR else [])]
            button.click(ask_again, [chatbot, latest], again_outputs, **private)

        def pin(
            last: Latest | None,
            evt: gr.EventData,  # type: ignore[name-defined]
            request: gr.Request,  # type: ignore[name-defined]
        ) -> list[Any]:
            data = getattr(evt, "_data", None) or {}
            wanted = {str(x) for x in data.get("pinned", [])} if data.get("action") == "pins" else None
            view = logic.briefings.update(
                session_key(request), lambda b: b if wanted is None else logic.set_pins(last, b, wanted)
            )
            return [view, logic.cards(last, view[1]), *panel.values(view[1], request)]

        cards.click(pin, [latest], [panel.view, cards, *panel.outputs], trigger_mode="always_last", **EDITS)

        def reset() -> list[Any]:
            return [[], None, EMPTY]

        new_topic.click(reset, None, [chatbot, latest, cards], **private).then(
            None, js=style.FOCUS_QUESTION_JS, **private
        )
        clear_f.click(lambda: [[] for _ in filters], None, filters, **private)

        def refresh_library() -> list[Any]:
            c = logic.filter_choices()
            dropdowns = [gr.Dropdown(choices=x) for x in (c.report, c.force, c.year, c.section, c.grade)]
            return [*dropdowns, loaded_markdown(assistant.reports()), grades_html(assistant.grades())]

        library_views = [*filters, loaded, grades]
        quiet = {**private, "show_progress": "hidden"}
        upload.upload(logic.upload, [upload], [upload_status], **private).then(
            refresh_library, None, library_views, **quiet
        )
        demo.load(refresh_library, None, library_views, **quiet)
        demo.load(panel.restore, [panel.saved], panel.load_outputs, **private)

        def forget(request: gr.Request) -> None:  # type: ignore[name-defined]
            logic.forget(session_key(request))

        demo.unload(forget)
        gr.api(mcp_tools.not_a_tool(ask), api_name="ask")
        if mcp:
            mcp_tools.register(gr, assistant)
    return demo


def storage_secret(settings: Settings) -> str:
    """Key for the briefing kept in the browser: stable for one index folder, so it outlives restarts."""
    return hashlib.sha256(f"report-assistant:{settings.index.resolve()}".encode()).hexdigest()[:32]


def serve(settings: Settings, log: Callable[[str], None] = print, block: bool = True) -> Any:
    """Open the assistant (building the index if needed) and serve the chat (see ui/server.py)."""
    from assistant.ui import fast_ask, server

    logins = server.read_logins(settings, log=log)
    warning = server.exposure_warning(settings, logins)
    if warning:
        log(warning)
    if settings.mcp:
        mcp_tools.check_package()
    temp = server.private_temp_dir(settings)
    assistant = Assistant.open(settings, log=log, warm_encoder=True)
    access = Access()
    demo = build_app(assistant, access, temp / "briefings", mcp=settings.mcp)
    demo.queue(**server.queue_options(settings))
    options = server.launch_options(settings, logins, False, access, log, API_DEFAULTS)
    server.skip_missing_imports()
    demo.launch(**options, **launch_options(_gradio()))
    pool = fast_ask.answer_pool(settings, lambda data: api_answer(assistant, data))
    fast_ask.install(demo.app, pool, server.busy_response)
    if settings.mcp:
        try:
            mcp_tools.check_started(demo)
        except AssistantError:
            demo.close()
            raise
    base = f"http://{settings.host}:{settings.port}"
    login = " (login required)" if logins else ""
    log(f"Chat ready at {base}{login}")
    if settings.mcp:
        log(f"MCP tools at {base}{mcp_access.MCP_PATH}/ (streamable HTTP){login}")
    if block:
        demo.block_thread()
    return demo

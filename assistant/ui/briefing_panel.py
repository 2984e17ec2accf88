"""The briefing tab: pinned passages with heading, note, move and remove controls, and the downloads."""

from __future__ import annotations

from typing import Any

from assistant.briefing import Briefing
from assistant.ui.cards import pin_html
from assistant.ui.session import ChatLogic

EMPTY_HINT = "Nothing pinned yet: press **Pin to briefing** on an evidence card."


def status_line(briefing: Briefing) -> str:
    n, topics = len(briefing), len(briefing.topics())
    if not n:
        return EMPTY_HINT
    passages = f"**{n}** pinned passage{'s' if n != 1 else ''}"
    return f"{passages} under **{topics}** topic heading{'s' if topics != 1 else ''}."


def build_briefing_panel(gr: Any, logic: ChatLogic, briefing: Any, version: Any) -> Any:
    """Lay out the panel inside the current Blocks context; returns a function that chains the
    exports refresh after any event that changed ``briefing``."""
    title = gr.Textbox(
        value=Briefing().title, label="Briefing title", elem_id="briefing-title", max_length=200
    )
    status = gr.Markdown(EMPTY_HINT, elem_id="briefing-status")
    with gr.Row():
        md_button = gr.DownloadButton(
            "Download Markdown", interactive=False, elem_id="download-md", size="sm", variant="primary"
        )
        docx_button = gr.DownloadButton(
            "Download DOCX", interactive=False, elem_id="download-docx", size="sm", variant="primary"
        )

    def refresh(b: Briefing) -> tuple[Any, Any, str]:
        md, docx = logic.export(b)
        return (
            gr.DownloadButton(value=str(md) if md else None, interactive=md is not None),
            gr.DownloadButton(value=str(docx) if docx else None, interactive=docx is not None),
            status_line(b),
        )

    def then_refresh(event: Any) -> Any:
        return event.then(refresh, [briefing], [md_button, docx_button, status], api_visibility="private")

    def retitle(b: Briefing, text: str) -> Briefing:
        return b.retitle(text)

    for trigger in (title.blur, title.submit):
        then_refresh(trigger(retitle, [briefing, title], [briefing], api_visibility="private"))

    @gr.render(inputs=[briefing], triggers=[version.change])  # type: ignore[untyped-decorator]
    def show(b: Briefing) -> None:
        for i, pin in enumerate(b.pins):
            pid = pin.passage.id
            with gr.Group(key=f"pin-{pid}", elem_classes=["pin-item"]):
                gr.HTML(pin_html(i + 1, pin.passage.text, str(pin.passage.citation), pin.passage.lead_in))
                with gr.Row():
                    heading = gr.Textbox(
                        pin.heading,
                        label=f"Topic heading for passage {i + 1}",
                        key=f"h-{pid}",
                        max_length=200,
                    )
                    note = gr.Textbox(
                        pin.note, label=f"Your note on passage {i + 1} (optional)", key=f"n-{pid}", lines=1
                    )
                with gr.Row():
                    up = gr.Button("↑ Move up", size="sm", interactive=i > 0, key=f"u-{pid}")
                    down = gr.Button("↓ Move down", size="sm", interactive=i < len(b) - 1, key=f"d-{pid}")
                    remove = gr.Button("Remove", size="sm", variant="stop", key=f"r-{pid}")

            def set_heading(cur: Briefing, text: str, pid: str = pid) -> Briefing:
                return cur.set_heading(pid, text)

            def set_note(cur: Briefing, text: str, pid: str = pid) -> Briefing:
                return cur.set_note(pid, text)

            for box, fn in ((heading, set_heading), (note, set_note)):
                for trigger in (box.blur, box.submit):
                    then_refresh(trigger(fn, [briefing, box], [briefing], api_visibility="private"))
            for button, how in ((up, -1), (down, 1), (remove, None)):

                def act(cur: Briefing, v: int, pid: str = pid, how: int | None = how) -> tuple[Briefing, int]:
                    return (cur.unpin(pid) if how is None else cur.move(pid, how)), v + 1

                then_refresh(
                    button.click(act, [briefing, version], [briefing, version], api_visibility="private")
                )

    return then_refresh

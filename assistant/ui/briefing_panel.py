"""The briefing tab: pinned passages with heading, note, move and remove controls, the export options
(context sentences, footnote citations) and the downloads."""

# No ``from __future__ import annotations``: Gradio reads the handlers' annotations at run time
# to pass ``gr.Request`` (whose session names the briefing), and ``gr`` is only a local name.
from collections.abc import Callable
from typing import Any

from assistant.briefing import Briefing
from assistant.ui.access import Access, client_key
from assistant.ui.cards import pin_html
from assistant.ui.render import escape_md
from assistant.ui.session import ChatLogic, Latest, session_key

EMPTY_HINT = "Nothing pinned yet: press **Pin to briefing** on an evidence card."
INLINE, FOOTNOTES = "Under each quote", "As footnotes"
CITATION_STYLES = {INLINE: False, FOOTNOTES: True}
"""Where the Word file puts each quote's citation (the Markdown file always has it under the quote)."""
View = tuple[int, Briefing]
"""What the briefing list is drawn from: the store's revision and the briefing."""


def status_line(briefing: Briefing, problems: tuple[str, ...] = ()) -> str:
    """What the briefing holds, and any download that could not be made this time (and why)."""
    n, topics = len(briefing), len(briefing.topics())
    if not n:
        return EMPTY_HINT
    passages = f"**{n}** pinned passage{'s' if n != 1 else ''}"
    line = f"{passages} under **{topics}** topic heading{'s' if topics != 1 else ''}."
    if problems:
        line += (
            f"  \n⚠️ {escape_md('; '.join(problems)).capitalize()}. Your briefing is kept and "
            "still editable; the next change tries again."
        )
    return line


class BriefingPanel:
    """Builds the tab inside the current Blocks context; ``outputs``/``values`` let other events
    (pinning on a card) refresh it.

    The briefing is also kept in the browser's storage (``saved``, a ``gr.BrowserState`` placed
    outside any tab so that it is always mounted), so a reload or a restarted server does not
    lose it: :attr:`restore` brings it back on page load.
    """

    def __init__(
        self, gr: Any, logic: ChatLogic, latest: Any, cards: Any, saved: Any, access: Access | None = None
    ) -> None:
        self.gr, self.logic = gr, logic
        self.access = access or Access()
        self.view = gr.State((0, Briefing()))
        self.saved = saved
        self.title = gr.Textbox(
            value=Briefing().title, label="Briefing title", elem_id="briefing-title", max_length=200
        )
        self.status = gr.Markdown(EMPTY_HINT, elem_id="briefing-status")
        with gr.Row():
            self.md = gr.DownloadButton(
                "Download Markdown", interactive=False, elem_id="download-md", size="sm", variant="primary"
            )
            self.docx = gr.DownloadButton(
                "Download DOCX", interactive=False, elem_id="download-docx", size="sm", variant="primary"
            )
        with gr.Row():
            self.context = gr.Checkbox(
                False, label="Include the sentence before and after each quote", elem_id="export-context"
            )
            self.citations = gr.Radio(
                list(CITATION_STYLES),
                value=INLINE,
                label="Citations in the Word file",
                elem_id="export-citations",
            )
        self.outputs = [self.md, self.docx, self.status, self.saved]
        private = {"api_visibility": "private"}

        def set_context(on: bool, request: gr.Request) -> list[Any]:
            return self.values(self.change(request, lambda b: b.with_options(context=bool(on)))[1], request)

        def set_citations(style: str, request: gr.Request) -> list[Any]:
            footnotes = CITATION_STYLES.get(style, False)
            return self.values(
                self.change(request, lambda b: b.with_options(footnotes=footnotes))[1], request
            )

        self.context.change(set_context, [self.context], self.outputs, trigger_mode="always_last", **private)
        self.citations.change(
            set_citations, [self.citations], self.outputs, trigger_mode="always_last", **private
        )

        def retitle(text: str, request: gr.Request) -> list[Any]:
            return self.values(self.change(request, lambda b: b.retitle(text))[1], request)

        # ``change``, not ``blur``: an edit is in the downloads (and kept) as soon as it is typed or pasted.
        self.title.change(retitle, [self.title], self.outputs, trigger_mode="always_last", **private)

        def restore(saved: Any, request: gr.Request) -> list[Any]:
            """On page load: the briefing this browser kept, unless this session already has one."""
            try:
                kept = Briefing.from_dict(saved) if isinstance(saved, dict) else Briefing()
            except ValueError:
                kept = Briefing()
            view = self.change(request, lambda b: b if b.pins else kept)
            b = view[1]
            return [view, b.title, b.context, FOOTNOTES if b.footnotes else INLINE, *self.values(b, request)]

        self.restore = restore
        """For ``demo.load``: inputs ``[saved]``, outputs :attr:`load_outputs`."""
        self.load_outputs = [self.view, self.title, self.context, self.citations, *self.outputs]

        @gr.render(inputs=[self.view], triggers=[self.view.change])  # type: ignore[untyped-decorator]
        def show(view: View) -> None:
            self._draw(view[1], latest, cards)

    def change(self, request: Any, fn: Callable[[Briefing], Briefing]) -> View:
        return self.logic.briefings.update(session_key(request), fn)

    def values(self, briefing: Briefing, request: Any) -> list[Any]:
        """New values for :attr:`outputs`: fresh downloads, the status line, the browser's copy.

        The files are this browser's only (the server's guard serves them to no other). A
        format that could not be made is offered as nothing, never as an older file.
        """
        exports = self.logic.export(briefing, session_key(request))
        for path in exports.paths():
            self.access.grant(path, client_key(request))
        md, docx = exports.markdown, exports.docx
        return [
            self.gr.DownloadButton(value=str(md) if md else None, interactive=md is not None),
            self.gr.DownloadButton(value=str(docx) if docx else None, interactive=docx is not None),
            status_line(briefing, exports.problems),
            briefing.to_dict(),
        ]

    def _draw(self, b: Briefing, latest: Any, cards: Any) -> None:
        gr, private = self.gr, {"api_visibility": "private"}
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
                        interactive=True,
                    )
                    note = gr.Textbox(
                        pin.note,
                        label=f"Your note on passage {i + 1} (optional)",
                        key=f"n-{pid}",
                        interactive=True,
                    )
                with gr.Row():
                    up = gr.Button("↑ Move up", size="sm", interactive=i > 0, key=f"u-{pid}")
                    down = gr.Button("↓ Move down", size="sm", interactive=i < len(b) - 1, key=f"d-{pid}")
                    remove = gr.Button("Remove", size="sm", key=f"r-{pid}")

            def set_heading(text: str, request: gr.Request, pid: str = pid) -> list[Any]:  # type: ignore[name-defined]
                return self.values(self.change(request, lambda cur: cur.set_heading(pid, text))[1], request)

            def set_note(text: str, request: gr.Request, pid: str = pid) -> list[Any]:  # type: ignore[name-defined]
                return self.values(self.change(request, lambda cur: cur.set_note(pid, text))[1], request)

            for box, fn in ((heading, set_heading), (note, set_note)):
                box.change(fn, [box], self.outputs, trigger_mode="always_last", **private)

            for button, how in ((up, -1), (down, 1), (remove, 0)):

                def act(
                    last: Latest | None,
                    request: gr.Request,  # type: ignore[name-defined]
                    pid: str = pid,
                    how: int = how,
                ) -> list[Any]:
                    view = self.change(request, lambda cur: cur.move(pid, how) if how else cur.unpin(pid))
                    return [view, self.logic.cards(last, view[1]), *self.values(view[1], request)]

                button.click(act, [latest], [self.view, cards, *self.outputs], **private)

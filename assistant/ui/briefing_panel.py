"""The briefing tab: pinned passages with heading, note, move and remove controls, the export's
outline, undo, the export options (grades, context sentences, footnote citations, author) and
the downloads."""

# No ``from __future__ import annotations``: Gradio reads the handlers' annotations at run time
# to pass ``gr.Request`` (whose session names the briefing), and ``gr`` is only a local name.
from collections.abc import Callable
from typing import Any

from assistant.briefing import Briefing
from assistant.ui.access import Access, client_key
from assistant.ui.briefing_view import EMPTY_HINT, focus_js, outline_markdown, status_line
from assistant.ui.cards import pin_html
from assistant.ui.session import ChatLogic, Latest, session_key

View = tuple[int, Briefing]
"""What the briefing list is drawn from: the store's revision and the briefing."""
UNDO_ID = "briefing-undo"
INLINE, FOOTNOTES = "Under each quote", "As footnotes"
CITATION_STYLES = {INLINE: False, FOOTNOTES: True}
"""Where the Word file puts each quote's citation (the Markdown file always has it under the quote)."""
MOVES = {"top": "To top", "up": "↑ Up", "down": "↓ Down", "bottom": "To bottom"}
"""A passage's move buttons, by the name used in their element ids."""
EDITS = {"api_visibility": "private", "concurrency_limit": 1, "concurrency_id": "briefing"}
"""Every event that changes a briefing runs one at a time, in the order sent: run side by side,
an earlier edit's outputs (outline, undo, downloads) could land after a later one's."""

__all__ = ["EDITS", "EMPTY_HINT", "BriefingPanel", "status_line"]


def _target(how: str, i: int, n: int) -> int:
    """Where a move button sends the passage at ``i`` of ``n``."""
    return {"top": 0, "up": i - 1, "down": i + 1, "bottom": n - 1}[how]


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
        with gr.Row():
            self.title = gr.Textbox(
                value=Briefing().title, label="Briefing title", elem_id="briefing-title", max_length=200
            )
            self.author = gr.Textbox(
                label="Author (optional, for the DOCX)", elem_id="briefing-author", max_length=200
            )
        with gr.Row():
            self.grades = gr.Checkbox(
                value=True, label="Show each section's grade in the citations", elem_id="briefing-grades"
            )
            self.context = gr.Checkbox(
                False, label="Include the sentence before and after each quote", elem_id="export-context"
            )
            self.citations = gr.Radio(
                list(CITATION_STYLES),
                value=INLINE,
                label="Citations in the Word file",
                elem_id="export-citations",
            )
        self.status = gr.Markdown(EMPTY_HINT, elem_id="briefing-status")
        self.undo = gr.Button("Undo remove", size="sm", visible=False, elem_id=UNDO_ID)
        self.outline = gr.Markdown("", elem_id="briefing-outline")
        with gr.Row():
            self.md = gr.DownloadButton(
                "Download Markdown", interactive=False, elem_id="download-md", size="sm", variant="primary"
            )
            self.docx = gr.DownloadButton(
                "Download DOCX", interactive=False, elem_id="download-docx", size="sm", variant="primary"
            )
        self.outputs = [self.md, self.docx, self.status, self.saved, self.outline, self.undo]

        edits: list[tuple[Any, Callable[[Briefing, Any], Briefing]]] = [
            (self.title, Briefing.retitle),
            (self.author, Briefing.set_author),
            (self.grades, Briefing.with_grades),
            (self.context, lambda b, on: b.with_options(context=bool(on))),
            (self.citations, lambda b, style: b.with_options(footnotes=CITATION_STYLES.get(style, False))),
        ]
        for box, edit in edits:

            def retitle(
                value: Any,
                request: gr.Request,
                edit: Callable[[Briefing, Any], Briefing] = edit,
            ) -> list[Any]:
                return self.values(self.change(request, lambda b: edit(b, value))[1], request)

            # ``change``, not ``blur``: an edit is in the downloads (and kept) as soon as it is
            # typed or pasted; one at a time (EDITS), so a later option never lands first.
            box.change(retitle, [box], self.outputs, trigger_mode="always_last", **EDITS)

        def undo(
            last: Latest | None,
            request: gr.Request,
        ) -> list[Any]:
            view = self.change(request, lambda b: b.undo_remove())
            return [view, self.logic.cards(last, view[1]), *self.values(view[1], request)]

        self.undo.click(undo, [latest], [self.view, cards, *self.outputs], **EDITS)

        def restore(saved: Any, request: gr.Request) -> list[Any]:
            """On page load: the briefing this browser kept, unless this session already has one."""
            try:
                kept = Briefing.from_dict(saved) if isinstance(saved, dict) else Briefing()
            except ValueError:
                kept = Briefing()
            view = self.change(request, lambda b: b if b.pins else kept)
            b, blank = view[1], Briefing()
            # Only values that differ from the page's own: setting a box fires its ``change``,
            # which, arriving after the user's first keystrokes, would undo them.
            boxes = [
                gr.skip() if now == then else now
                for now, then in (
                    (b.title, blank.title),
                    (b.author, blank.author),
                    (b.grades_in_citations, blank.grades_in_citations),
                    (b.context, blank.context),
                    (FOOTNOTES if b.footnotes else INLINE, INLINE),
                )
            ]
            return [view, *boxes, *self.values(b, request)]

        self.restore = restore
        """For ``demo.load``: inputs ``[saved]``, outputs :attr:`load_outputs`."""
        options = [self.title, self.author, self.grades, self.context, self.citations]
        self.load_outputs = [self.view, *options, *self.outputs]

        @gr.render(inputs=[self.view], triggers=[self.view.change])  # type: ignore[untyped-decorator]
        def show(view: View) -> None:
            self._draw(view[1], latest, cards)

    def change(self, request: Any, fn: Callable[[Briefing], Briefing]) -> View:
        return self.logic.briefings.update(session_key(request), fn)

    def values(self, briefing: Briefing, request: Any) -> list[Any]:
        """New values for :attr:`outputs`: fresh downloads, the status line, the browser's copy,
        the outline, and whether a removal can be undone.

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
            outline_markdown(briefing),
            self.gr.Button(visible=bool(briefing.removed)),
        ]

    def _draw(self, b: Briefing, latest: Any, cards: Any) -> None:
        gr, private = self.gr, {"api_visibility": "private"}
        n = len(b)
        for i, pin in enumerate(b.pins):
            pid = pin.passage.id
            ids = {how: f"pin-{pid}-{how}" for how in (*MOVES, "position", "heading", "remove")}
            with gr.Group(key=f"pin-{pid}", elem_classes=["pin-item"]):
                gr.HTML(pin_html(i + 1, pin.passage.text, str(pin.passage.citation), pin.passage.lead_in))
                with gr.Row():
                    heading = gr.Textbox(
                        pin.heading,
                        label=f"Topic heading for passage {i + 1}",
                        key=f"h-{pid}",
                        max_length=200,
                        interactive=True,
                        elem_id=ids["heading"],
                    )
                    note = gr.Textbox(
                        pin.note,
                        label=f"Your note on passage {i + 1} (optional)",
                        key=f"n-{pid}",
                        interactive=True,
                    )
                with gr.Row(elem_classes=["pin-moves"]):
                    moves = {
                        how: gr.Button(
                            label,
                            size="sm",
                            interactive=0 <= _target(how, i, n) < n and _target(how, i, n) != i,
                            key=f"{how}-{pid}",
                            elem_id=ids[how],
                        )
                        for how, label in MOVES.items()
                    }
                    position = gr.Dropdown(
                        [str(k) for k in range(1, n + 1)],
                        value=str(i + 1),
                        label=f"Move passage {i + 1} to position",
                        key=f"p-{pid}",
                        elem_id=ids["position"],
                        interactive=n > 1,
                        min_width=120,
                    )
                    remove = gr.Button("Remove", size="sm", key=f"r-{pid}", elem_id=ids["remove"])

            def set_heading(text: str, request: gr.Request, pid: str = pid) -> list[Any]:  # type: ignore[name-defined]
                return self.values(self.change(request, lambda cur: cur.set_heading(pid, text))[1], request)

            def set_note(text: str, request: gr.Request, pid: str = pid) -> list[Any]:  # type: ignore[name-defined]
                return self.values(self.change(request, lambda cur: cur.set_note(pid, text))[1], request)

            for box, fn in ((heading, set_heading), (note, set_note)):
                box.change(fn, [box], self.outputs, trigger_mode="always_last", **EDITS)

            def act(
                last: Latest | None,
                request: gr.Request,  # type: ignore[name-defined]
                change: Callable[[Briefing], Briefing],
            ) -> list[Any]:
                view = self.change(request, change)
                return [view, self.logic.cards(last, view[1]), *self.values(view[1], request)]

            targets = [self.view, cards, *self.outputs]
            for how, button in moves.items():

                def move(
                    last: Latest | None,
                    request: gr.Request,  # type: ignore[name-defined]
                    pid: str = pid,
                    to: int = _target(how, i, n),
                ) -> list[Any]:
                    return act(last, request, lambda cur: cur.move_to(pid, to))

                # Focus stays on the moved passage: this button, else its next enabled one (not the
                # position list, which would open on focus).
                others = [ids[h] for h in MOVES if h != how]
                button.click(move, [latest], targets, **EDITS).then(
                    None, js=focus_js(ids[how], *others, ids["heading"]), **private
                )

            def move_to(
                value: str,
                last: Latest | None,
                request: gr.Request,  # type: ignore[name-defined]
                pid: str = pid,
            ) -> list[Any]:
                return act(last, request, lambda cur: cur.move_to(pid, int(value) - 1))

            position.input(move_to, [position, latest], targets, **EDITS).then(
                None, js=focus_js(*(ids[h] for h in MOVES), ids["heading"]), **private
            )

            def unpin(
                last: Latest | None,
                request: gr.Request,  # type: ignore[name-defined]
                pid: str = pid,
            ) -> list[Any]:
                return act(last, request, lambda cur: cur.unpin(pid))

            remove.click(unpin, [latest], targets, **EDITS).then(None, js=focus_js(UNDO_ID), **private)

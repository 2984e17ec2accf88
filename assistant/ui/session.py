"""What the chat's buttons do, without Gradio: ask, pin, edit, export, upload. The Gradio layer only wires.

Per-browser-session state is two immutable values kept by the page: the :class:`Latest`
question and answer (for follow-ups and pinning) and the :class:`~assistant.briefing.Briefing`.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.briefing import Briefing, write_exports
from assistant.conversation import Turn, interpret
from assistant.errors import AssistantError
from assistant.records import GRADES, Answer, ReportMeta
from assistant.retrieval.filters import Filters
from assistant.service import Assistant
from assistant.ui.cards import cards_html
from assistant.ui.render import escape_md, reply_markdown

Message = dict[str, Any]


@dataclass(frozen=True)
class Latest:
    """The last question as asked, and its answer."""

    turn: Turn
    answer: Answer

    @property
    def heading(self) -> str:
        """Default topic heading for passages pinned from this answer: the topic, else the question."""
        text = self.turn.topic or self.turn.question
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class FilterChoices:
    report: list[str]
    force: list[str]
    year: list[int]
    section: list[str]
    grade: list[str]


def make_filters(
    report: Sequence[str] | None = None,
    force: Sequence[str] | None = None,
    year: Sequence[int | str] | None = None,
    section: Sequence[str] | None = None,
    grade: Sequence[str] | None = None,
) -> Filters:
    """Filters from the dropdowns' values (None or empty: that field does not filter)."""
    return Filters(
        report=tuple(report or ()),
        force=tuple(force or ()),
        year=tuple(int(y) for y in year or ()),
        section=tuple(section or ()),
        grade=tuple(grade or ()),
    )


class ChatLogic:
    """The chat's behaviour over one :class:`Assistant`; every method is safe to call concurrently."""

    def __init__(self, assistant: Assistant, export_dir: Path | None = None) -> None:
        self.assistant = assistant
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="assistant-briefings-"))

    def reports(self) -> dict[str, ReportMeta]:
        return {m.id: m for m in self.assistant.reports()}

    def filter_choices(self) -> FilterChoices:
        metas = self.assistant.reports()
        sections = self.assistant.live.get().table.columns.sections
        return FilterChoices(
            report=[m.title for m in metas],
            force=sorted({m.force for m in metas if m.force}),
            year=sorted({m.year for m in metas if m.year}),
            section=sorted({s.split(" › ")[0] for s in sections if s}),
            grade=list(GRADES),
        )

    def ask(
        self,
        message: str,
        history: list[Message] | None,
        latest: Latest | None,
        filters: Filters,
        pinned: Briefing,
    ) -> tuple[list[Message], Latest | None, str]:
        """Answer ``message`` (as a follow-up of ``latest`` if it is one): new history, state, cards."""
        history = list(history or [])
        text = str(message or "").strip()
        if not text:
            return history, latest, self.cards(latest, pinned)
        history.append({"role": "user", "content": escape_md(text)})
        turn = interpret(text, latest.turn if latest else None)
        try:
            answer = self.assistant.ask(turn.query, filters=filters or None)
        except AssistantError as exc:
            history.append({"role": "assistant", "content": f"⚠️ {escape_md(str(exc))}"})
            return history, latest, self.cards(latest, pinned)
        new = Latest(turn, answer)
        history.append({"role": "assistant", "content": reply_markdown(turn, answer, filters)})
        return history, new, self.cards(new, pinned)

    def cards(self, latest: Latest | None, briefing: Briefing) -> str:
        if latest is None:
            return cards_html(None, {})
        pinned = [p.passage.id for p in briefing.pins]
        return cards_html(latest.answer, self.reports(), pinned, latest.turn.query)

    def toggle_pin(self, latest: Latest | None, briefing: Briefing, passage_id: str) -> Briefing:
        """Pin the passage of the latest answer with id ``passage_id``, or unpin it if pinned."""
        if briefing.has(passage_id):
            return briefing.unpin(passage_id)
        if latest is None:
            return briefing
        for hit in latest.answer.hits:
            if hit.passage.id == passage_id:
                return briefing.pin(hit.passage, latest.heading)
        return briefing

    def export(self, briefing: Briefing) -> tuple[Path | None, Path | None]:
        """Fresh Markdown and DOCX files of ``briefing`` (None, None while it is empty)."""
        if not briefing.pins:
            return None, None
        return write_exports(briefing, self.reports(), self.export_dir / uuid.uuid4().hex)

    def upload(self, path: str | Path | None) -> str:
        """Add an uploaded report file to the corpus and index it; a Markdown status line either way."""
        if not path:
            return ""
        from assistant import library

        lines: list[str] = []
        log: Callable[[str], None] = lines.append
        before = self.assistant.live.get().version.name
        try:
            summary = library.add_reports(self.assistant.settings, [Path(path)], log=log)
        except AssistantError as exc:
            return f"⚠️ Not added: {escape_md(str(exc))}"
        skipped = [line for line in lines if line.startswith("Skipped")]
        if skipped:
            return "⚠️ Not added: " + escape_md(" ".join(skipped))
        if summary.startswith("Index is up to date"):
            return f"{escape_md(Path(path).name)} was already indexed; nothing changed."
        self._await_swap(before)
        return f"✅ Added {escape_md(Path(path).name)}. {escape_md(summary)} It is searchable now."

    def _await_swap(self, before: str, timeout: float = 3.0) -> None:
        """Wait until the live index serves a version other than ``before`` (it checks once a second)."""
        deadline = time.monotonic() + timeout
        while self.assistant.live.get().version.name == before and time.monotonic() < deadline:
            time.sleep(0.1)

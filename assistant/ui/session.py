"""What the chat's buttons do, without Gradio: ask, pin, edit, export, upload. The Gradio layer only wires.

Per browser session there are two immutable values: the :class:`Latest` question and answer
(kept by the page, for follow-ups and pinning) and the :class:`~assistant.briefing.Briefing`
(kept here in a :class:`BriefingStore`, as its changes may race).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.briefing import Briefing, default_heading
from assistant.briefing_files import FORMAT_NAMES, FORMATS, write_export
from assistant.context import context_sentences, passage_context
from assistant.conversation import Turn, interpret, landed
from assistant.errors import AssistantError
from assistant.grades import grade_of
from assistant.records import GRADES, ReportMeta
from assistant.retrieval.filters import Filters
from assistant.service import Assistant
from assistant.ui.evidence import cards_html
from assistant.ui.render import describe_filters, escape_md, reply_markdown
from assistant.ui.turns import LANDED_CARDS, Latest, again, offered

__all__ = ["ChatLogic", "Latest", "session_key"]

Message = dict[str, Any]
EXPORT_TTL = 600.0
EXPORTS_REMEMBERED = 64
"""Briefings whose last export is reused while unchanged (an edit that changes nothing)."""


def session_key(request: Any) -> str:
    """The browser session a Gradio event came from (``gr.Request.session_hash``; "" if none)."""
    return str(getattr(request, "session_hash", None) or "")


class BriefingStore:
    """Each browser session's briefing, changed under a lock.

    Gradio may run two events of one session at the same time (a pin and a heading edit);
    values held in ``gr.State`` would then be read stale and one change lost. Here every change
    is applied to the current briefing. ``revision`` counts changes to which passages are pinned
    or their order, so the page re-draws the briefing list only when that changes.
    """

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, Briefing]] = {}
        self._lock = threading.Lock()

    def get(self, session: str) -> tuple[int, Briefing]:
        with self._lock:
            return self._items.get(session, (0, Briefing()))

    def update(self, session: str, change: Callable[[Briefing], Briefing]) -> tuple[int, Briefing]:
        with self._lock:
            revision, old = self._items.get(session, (0, Briefing()))
            new = change(old)
            if [p.passage.id for p in new.pins] != [p.passage.id for p in old.pins]:
                revision += 1
            self._items[session] = (revision, new)
            return revision, new

    def drop(self, session: str) -> None:
        with self._lock:
            self._items.pop(session, None)


@dataclass(frozen=True)
class Exports:
    """The files of one export of a briefing; a format that failed is None, with the reason."""

    markdown: Path | None = None
    docx: Path | None = None
    problems: tuple[str, ...] = ()

    def paths(self) -> list[Path]:
        return [p for p in (self.markdown, self.docx) if p is not None]


def _reason(exc: Exception) -> str:
    """One line saying why a writer failed, for the person editing the briefing."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}; free some disk space or try again" if exc.errno == 28 else exc.strerror
    return f"{type(exc).__name__}: {exc}"[:200]


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
        """Where exports are written: the chat's private temporary folder when served (see server.py)."""
        self.briefings = BriefingStore()
        self._exports: OrderedDict[Briefing, Exports] = OrderedDict()
        self._current: dict[str, set[Path]] = {}
        """Per browser session, the folder of its latest export (kept while the session lives)."""
        self._exports_lock = threading.Lock()

    def reports(self) -> dict[str, ReportMeta]:
        return self.assistant.report_map()

    def filter_choices(self) -> FilterChoices:
        metas = self.assistant.reports()
        return FilterChoices(
            report=[m.title for m in metas],
            force=sorted({m.force for m in metas if m.force}),
            year=sorted({m.year for m in metas if m.year}),
            section=self.assistant.sections(),
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
        text = str(message or "").strip()
        if not text:
            return list(history or []), latest, self.cards(latest, pinned)
        turn = interpret(text, latest.turn if latest else None)
        return self._answer(turn, filters, False, text, history, latest, pinned)

    def again(
        self, how: str, history: list[Message] | None, latest: Latest | None, pinned: Briefing
    ) -> tuple[list[Message], Latest | None, str]:
        """Ask the latest question again, one of the ways :mod:`assistant.ui.turns` offers."""
        if latest is None:
            return list(history or []), latest, self.cards(latest, pinned)
        redo = again(latest, how)
        return self._answer(redo.turn, redo.filters, redo.widen, redo.shown, history, latest, pinned)

    def _answer(
        self,
        turn: Turn,
        filters: Filters,
        widen: bool,
        shown: str,
        history: list[Message] | None,
        latest: Latest | None,
        pinned: Briefing,
    ) -> tuple[list[Message], Latest | None, str]:
        history = [*(history or []), {"role": "user", "content": escape_md(shown)}]
        try:
            answer = self.assistant.ask(turn.query, filters=filters or None, widen=widen)
        except AssistantError as exc:
            history.append({"role": "assistant", "content": f"Not answered: {escape_md(str(exc))}"})
            return history, latest, self.cards(latest, pinned)
        turn = landed(turn, [h.passage.section_path for h in answer.hits[:LANDED_CARDS]])
        new = Latest(turn, answer, latest.number + 1 if latest else 1, filters)
        history.append({"role": "assistant", "content": reply_markdown(turn, answer, filters)})
        return history, new, self.cards(new, pinned)

    def cards(self, latest: Latest | None, briefing: Briefing) -> str:
        if latest is None:
            return cards_html(None, {})
        pinned = [p.passage.id for p in briefing.pins]
        a, shown = latest.answer, describe_filters(latest.filters)
        return cards_html(a, self.reports(), pinned, latest.turn.query, latest.number, shown, offered(latest))

    def set_pins(self, latest: Latest | None, briefing: Briefing, wanted: Collection[str]) -> Briefing:
        """Make the latest answer's pinned passages exactly ``wanted``: pin those missing, in rank
        order, and unpin its other passages. Passages pinned from earlier answers stay.

        The page sends the whole set its pin buttons show, not one toggle, so a click that
        arrives while an earlier one is still being handled cannot undo it.
        """
        if latest is None:
            return briefing
        for hit in latest.answer.hits:
            pid = hit.passage.id
            if pid in wanted and not briefing.has(pid):
                own = latest.answer.grades.get(hit.passage.report_id, ())
                stated = grade_of(own, hit.passage.section_path)
                heading = default_heading(hit.passage)
                briefing = briefing.pin(hit.passage, heading, self.around(pid), stated)
            elif pid not in wanted and briefing.has(pid):
                briefing = briefing.unpin(pid)
        return briefing

    def around(self, passage_id: str) -> tuple[str | None, str | None]:
        """The report's sentences just before and after a passage, kept with its pin for exports."""
        try:
            return context_sentences(passage_context(self.assistant.live.get(), passage_id, 0))
        except AssistantError:
            return None, None

    def export(self, briefing: Briefing, session: str = "") -> Exports:
        """Fresh Markdown and DOCX files of ``briefing`` (none while it is empty).

        Each export gets its own folder, unguessably named. Folders older than
        :data:`EXPORT_TTL` seconds are removed, as every edit writes a new export, except each
        session's latest (a page left open still downloads). A format that cannot be written
        is left out with the reason in :attr:`Exports.problems`; it never raises, so a
        failed export never stops the briefing being edited, and never leaves an older file
        on offer as if it were current.
        """
        self._prune_exports()
        if not briefing.pins:
            self._forget_current(session)
            return Exports()
        with self._exports_lock:
            done = self._exports.get(briefing)
        if done is None or not all(p.exists() for p in done.paths()):
            folder = self.export_dir / uuid.uuid4().hex
            paths: dict[str, Path] = {}
            problems = []
            for suffix in FORMATS:
                try:
                    paths[suffix] = write_export(briefing, self.reports(), folder, suffix)
                except Exception as exc:  # any failure of one writer: say so, keep the rest
                    problems.append(f"the {FORMAT_NAMES[suffix]} file could not be made ({_reason(exc)})")
            done = Exports(paths.get("md"), paths.get("docx"), tuple(problems))
            if not problems:
                with self._exports_lock:
                    self._exports[briefing] = done
                    while len(self._exports) > EXPORTS_REMEMBERED:
                        self._exports.popitem(last=False)
        with self._exports_lock:
            self._current[session] = {p.parent for p in done.paths()}
        return done

    def forget(self, session: str) -> None:
        """A browser session closed: drop its briefing; its exports age out."""
        self.briefings.drop(session)
        self._forget_current(session)

    def _forget_current(self, session: str) -> None:
        with self._exports_lock:
            self._current.pop(session, None)

    def _prune_exports(self) -> None:
        if not self.export_dir.is_dir():
            return
        cutoff = time.time() - EXPORT_TTL
        with self._exports_lock:
            keep = set().union(*self._current.values())
        for folder in self.export_dir.iterdir():
            try:
                if folder not in keep and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue

    def upload(self, path: str | Path | None) -> str:
        """Add an uploaded report file to the library and index it; a Markdown status line either way.

        The new report is searchable as soon as this returns.
        """
        if not path:
            return ""
        data = Path(path)
        try:
            summary = self.assistant.add_upload(data.name, data, log=lambda _m: None)
        except AssistantError as exc:
            return f"**Not added:** {escape_md(str(exc))}"
        if not summary.startswith("Added"):
            return escape_md(summary)
        return f"{escape_md(summary)} It is searchable now."

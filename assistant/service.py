"""The library's front door, shared by the CLI and the chat UI: settings in, answers out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.embedding import CachedEmbedder, Embedder, make_embedder
from assistant.errors import QuestionError
from assistant.grades import GradeRow, grades_table, index_grades
from assistant.records import Answer, ReportMeta
from assistant.retrieval.filters import Filters
from assistant.retrieval.neighbours import glove
from assistant.retrieval.pipeline import RetrievalConfig, Retriever, variant
from assistant.retrieval.rerank import CrossEncoderReranker
from assistant.retrieval.spelling import dictionary
from assistant.settings import Settings
from assistant.store import LiveIndex, ensure_index
from assistant.store.table import SECTION_SEP

MAX_K = 50


@dataclass
class Assistant:
    """A ready-to-ask assistant over one index folder."""

    settings: Settings
    live: LiveIndex
    retriever: Retriever

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        log: Callable[[str], None] = print,
        query_embedder: Embedder | None = None,
        build_embedder: Embedder | None = None,
        config: RetrievalConfig | None = None,
        progress: bool = True,
        warm_encoder: bool = False,
    ) -> Assistant:
        """Build or update the index if needed, load it, and prepare the retriever; start loading
        in the background what questions need (:func:`warm`)."""
        loaded = ensure_index(settings, log=log, embedder=build_embedder, progress=progress)
        live = LiveIndex(settings, loaded)
        embedder = CachedEmbedder(
            query_embedder or make_embedder(settings.model, settings.backend, settings.batch_size)
        )
        config = config or variant(settings.retriever)
        reranker = CrossEncoderReranker(settings.reranker) if settings.reranker else None
        retriever = Retriever(live.get, embedder, config, reranker)
        threading.Thread(target=warm, args=(retriever, warm_encoder), name="warm-up", daemon=True).start()
        return cls(settings, live, retriever)

    def ask(
        self, question: object, k: int | None = None, filters: Filters | None = None, *, widen: bool = False
    ) -> Answer:
        """The best passages for ``question``, each with its best-supporting sentence marked.

        The search keeps to the forces and years the question names (or the filters' reports);
        ``widen`` searches every report instead.
        """
        k = self.settings.k if k is None else k
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise QuestionError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
        return self.retriever.ask(question, k=k, filters=filters, widen=widen)

    def grades(self, force: str | None = None, year: int | None = None) -> list[GradeRow]:
        """Force × year × section → grade as each report states it, with where it is stated."""
        index = self.live.get()
        return grades_table(index.reports, index_grades(index), force, year)

    def reports(self) -> list[ReportMeta]:
        """Metadata of every indexed report, by title."""
        return sorted(self.live.get().reports.values(), key=lambda m: m.title)

    def report_map(self) -> dict[str, ReportMeta]:
        """Metadata of every indexed report, by id (the live index's own table, not a copy)."""
        return self.live.get().reports

    def sections(self) -> list[str]:
        """The top-level section headings of the indexed reports (for section filters)."""
        paths = self.live.get().table.columns.sections
        return sorted({p.split(SECTION_SEP)[0] for p in paths if p})

    def add_upload(self, filename: str, path: Path, log: Callable[[str], None] = print) -> str:
        """Add an uploaded report (checked, copied into the corpus, indexed); it is searchable on return."""
        from assistant.library import add_upload

        summary = add_upload(self.settings, filename, path, log=log)
        self.live.get(refresh=True)
        return summary


def warm(retriever: Retriever, encoder: bool) -> None:
    """Load what a question needs before one is asked, so none waits for it: the word vectors and,
    with ``encoder``, the question encoder and the spelling dictionary (together ~0.35 s that the
    chat's first question used to wait for). One-shot commands leave those two to the question
    itself: their process may end before a background load would."""
    if encoder:
        retriever.embedder.embed(["warm-up"])
        dictionary()
    if retriever.config.neighbours:
        glove()

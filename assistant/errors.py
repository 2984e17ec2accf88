"""Errors the library raises on purpose. Each message says what was wrong and how to fix it.

AssistantError                 root: interfaces catch this and print its message
├── SettingsError              a setting has a bad value (names the setting and allowed values)
├── CorpusError                the corpus folder is missing or empty
├── IngestError                one report file cannot be read (names the file); others still index
│   └── LimitError             it expands past a limit of the settings (names the limit and setting)
├── ModelError                 the embedding or reranking model cannot be loaded offline
├── StoreError                 the index on disk is missing, stale or damaged (says how to rebuild)
│   └── StoreLockedError       another process is writing the index
├── QuestionError              a question cannot be asked (empty, not text)
├── NotFoundError              a passage or report named is not in the index (names what is)
└── EvaluationError            an evaluation questions file is malformed (names the line)
"""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the library raises deliberately."""


class SettingsError(AssistantError):
    """A setting has a value that cannot be used."""


class CorpusError(AssistantError):
    """The corpus folder is missing, empty or unusable."""


class IngestError(AssistantError):
    """One report file could not be parsed."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class LimitError(IngestError):
    """One report file was refused for expanding past a limit (its reason names the setting to raise)."""


class ModelError(AssistantError):
    """A model could not be loaded."""


class StoreError(AssistantError):
    """The index on disk cannot be used as it is."""


class StoreLockedError(StoreError):
    """Another process holds the index write lock."""


class QuestionError(AssistantError):
    """The question cannot be asked as given."""


class NotFoundError(AssistantError):
    """A passage id or report name that the index does not hold."""


class EvaluationError(AssistantError):
    """The evaluation questions file is malformed."""

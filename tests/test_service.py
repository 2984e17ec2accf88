"""The library's front door: what it prepares before the first question."""

from __future__ import annotations

import pytest

from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.pipeline import Retriever
from assistant.service import warm
from tests.support.fakes import FakeEmbedder


def _retriever(fake: FakeEmbedder) -> Retriever:
    def no_index() -> object:
        raise AssertionError("warming up needs no index")

    return Retriever(no_index, fake, RetrievalConfig(neighbours=False))  # type: ignore[arg-type]


def test_the_chat_loads_its_question_encoder_and_dictionary_before_the_first_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded: list[str] = []
    monkeypatch.setattr("assistant.service.dictionary", lambda: loaded.append("dictionary"))
    fake = FakeEmbedder()
    warm(_retriever(fake), encoder=True)
    assert fake.calls == 1 and loaded == ["dictionary"]


def test_one_shot_commands_leave_the_encoder_to_the_question(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    monkeypatch.setattr("assistant.service.dictionary", lambda: loaded.append("dictionary"))
    fake = FakeEmbedder()
    warm(_retriever(fake), encoder=False)
    assert fake.calls == 0 and loaded == []

"""The reports' own words nearest a question word they never use (GloVe, restricted to the corpus)."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.glossary import Glossary
from assistant.retrieval.neighbours import CorpusNeighbours, WordVectors, glove
from assistant.retrieval.query import analyse


def toy() -> CorpusNeighbours:
    rows = {"council": 0, "authority": 1, "weather": 2, "local": 3}
    vectors = np.array([[1.0, 0.1], [0.95, 0.2], [0.0, 1.0], [0.5, 0.87]], dtype=np.float32)
    model = WordVectors(rows, vectors)
    corpus = ("authority", "weather", "local")
    matrix = vectors[[1, 2, 3]] / np.linalg.norm(vectors[[1, 2, 3]], axis=1, keepdims=True)
    return CorpusNeighbours(corpus, matrix.astype(np.float32), model)


def test_only_close_report_words_are_neighbours() -> None:
    assert [w for w, _ in toy().nearest("council")] == ["authority"]
    assert toy().nearest("unknownword") == []


def test_a_question_word_the_reports_lack_is_searched_with_their_word() -> None:
    near = toy()
    q = analyse("Where is it working with the council?", Glossary(), {"working": 1}, None, near.nearest)
    assert q.related[0][:2] == ("council", "authority")
    assert "authority" in q.dense_text and q.terms["author"] < 1.0
    assert q.terms["council"] == 1.0  # the question's own word keeps its full weight


def test_the_packaged_vectors_know_everyday_synonyms() -> None:
    model = glove()
    assert model is not None
    a, b = model.vector("council"), model.vector("authority")
    assert a is not None and b is not None and float(a @ b) > 0.7

"""The bodies the library covers are gathered once per index version, and again for a new one."""

from __future__ import annotations

from assistant.retrieval.bodies import unknown_bodies
from assistant.retrieval.glossary import Glossary
from assistant.retrieval.query import analyse
from assistant.settings import Settings
from assistant.store import open_index, update_index
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, write_all

QUESTION = analyse("How was Kent Police graded in 2016?", Glossary(), {})


def test_a_new_version_with_another_force_is_seen(settings: Settings, fake: FakeEmbedder) -> None:
    update_index(settings, embedder=fake, progress=False, log=lambda _m: None)
    met_only = open_index(settings.index)
    assert unknown_bodies(QUESTION, met_only) == ("Kent Police",)
    assert unknown_bodies(QUESTION, met_only) == ("Kent Police",)  # from the cache, same answer
    write_all(settings.corpus, Variant("Kent", 2016), ("md",))
    update_index(settings, embedder=fake, progress=False, log=lambda _m: None)
    with_kent = open_index(settings.index)
    assert with_kent.version != met_only.version
    assert unknown_bodies(QUESTION, with_kent) == ()
    assert unknown_bodies(QUESTION, met_only) == ("Kent Police",)  # the old version still answers for itself

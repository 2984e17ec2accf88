"""Glossary expansion and definitions found in text."""

from __future__ import annotations

from assistant.retrieval.glossary import Glossary, find_definitions, packaged_glossary


def test_acronyms_expand_in_both_directions() -> None:
    g = packaged_glossary()
    assert "Police National Computer" in g.expand("What about the PNC?").added
    assert "PNC" in g.expand("entries on the police national computer").added
    assert "multi-agency risk assessment conference" in g.expand("Are MARACs used?").added
    assert "Domestic Violence Disclosure Scheme" in g.expand("Does the force use Clare’s Law?").added


def test_no_expansion_without_a_known_term() -> None:
    assert not packaged_glossary().expand("what about the weather")


def test_longest_match_wins_and_words_are_whole() -> None:
    g = Glossary([("ASB", "anti-social behaviour"), ("ASBO", "anti-social behaviour order")])
    assert g.expand("ASBO use").added == ("anti-social behaviour order",)
    assert not Glossary([("SOC", "serious and organised crime")]).expand("social work")


def test_definitions_found_in_text() -> None:
    text = (
        "inadequate Police National Computer (PNC) records; a good understanding of serious and "
        "organised crime (SOC), and the (THRIVE) model; Fire (F)"
    )
    assert find_definitions(text) == [
        ("PNC", "Police National Computer"),
        ("SOC", "serious and organised crime"),
    ]

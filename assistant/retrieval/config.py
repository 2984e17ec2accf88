"""Tunables of the retrieval pipeline, and the named variants ``--retriever`` chooses from."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.errors import SettingsError
from assistant.retrieval.abstain import AbstainPolicy


@dataclass(frozen=True)
class RetrievalConfig:
    """Tunables of the pipeline; the defaults are the ones chosen on the dev set (docs/EVALUATION.md)."""

    method: str = "hybrid"
    """hybrid (dense + lexical), dense or lexical."""
    fusion: str = "linear"
    """linear (min-max normalised scores) or rrf (reciprocal rank fusion); see docs/EVALUATION.md."""
    glossary: bool = True
    neighbours: bool = True
    """Search with the reports' own words nearest (GloVe) to question words they never use."""
    pool: int = 100
    rrf_k: float = 60.0
    weights: dict[str, float] = field(default_factory=lambda: {"dense": 1.0, "lexical": 1.0})
    duplicate_cosine: float = 0.92
    prf_terms: int = 0
    """Pseudo-relevance feedback (RM3-style): terms of the top dense passages added to the lexical
    query. Off: with linear fusion it lowered the tuning sets' figures (docs/EVALUATION.md)."""
    prf_docs: int = 3
    prf_weight: float = 0.3
    lexical_by_share: bool = True
    """Weigh the lexical list by the share of the question's wording the reports use."""
    structure_weight: float = 0.5
    """Weight of the structure list (passages that fit the question's intent) in the fusion."""
    abstain: AbstainPolicy = field(default_factory=AbstainPolicy)


VARIANTS: dict[str, RetrievalConfig] = {
    "hybrid": RetrievalConfig(),
    "dense": RetrievalConfig(method="dense"),
    "lexical": RetrievalConfig(method="lexical"),
    "hybrid-noglossary": RetrievalConfig(glossary=False),
    "hybrid-noneighbours": RetrievalConfig(neighbours=False),
    "hybrid-feedback": RetrievalConfig(prf_terms=10),
    "hybrid-noshare": RetrievalConfig(lexical_by_share=False),
    "hybrid-rrf": RetrievalConfig(fusion="rrf"),
    "hybrid-nostructure": RetrievalConfig(structure_weight=0.0),
}
"""Named pipelines for ``--retriever``: the default and the ablations in docs/EVALUATION.md."""


def variant(name: str) -> RetrievalConfig:
    """The named pipeline; an unknown name is a :class:`SettingsError` listing the known ones."""
    if name not in VARIANTS:
        raise SettingsError(f"retriever {name!r} is unknown; choose one of {', '.join(VARIANTS)}")
    return VARIANTS[name]

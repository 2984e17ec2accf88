"""Question -> ranked hits: dense, lexical, fusion, glossary, typo repair, rerank, diversity, abstain."""

"""The Milvus collections' layout: fields, indexes, the BM25 analyser, and the rows of a report.

A passage is named by its report key (report id + file fingerprint: it changes exactly when
the report's rows must) and its ordinal in the report, which stay the same across versions
while the file does; see :mod:`assistant.store.milvus` for how slots use them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.passages import lexical_text
from assistant.records import Passage
from assistant.retrieval.lexical import tokenize
from assistant.store.manifest import ReportEntry
from assistant.store.table import SECTION_SEP

PLACEHOLDER = "_"
"""The one term of a passage with no terms (bm25s indexes it as one empty token: same length)."""
K1, B = 1.2, 0.75
"""BM25 parameters, the same as bm25s's (assistant/retrieval/lexical.py)."""
SCHEMA = 2
"""The collections' layout; a change rebuilds Milvus-backed indexes (it is in their settings)."""
MAX_TEXT = 65_535
"""Milvus's longest VARCHAR, in bytes."""


def report_key(entry: ReportEntry) -> str:
    """Names one report file's content under one id: changes exactly when its rows must."""
    return hashlib.sha256(f"{entry.id}\x1f{entry.fingerprint}".encode()).hexdigest()[:24]


def passage_key(key: str, ordinal: int) -> str:
    """Names one passage across versions: its report key and its place in the report."""
    return f"{key}:{ordinal}"


def bm25_text(passage: Passage) -> str:
    """The passage's BM25 terms as Milvus's whitespace analyser will split them."""
    return " ".join(tokenize(lexical_text(passage))) or PLACEHOLDER


def create_slot(client: Any, units: str, text: str, dim: int, local: bool) -> None:
    """Both collections of a slot, empty, with their indexes, loaded for search."""
    from pymilvus import DataType, Function, FunctionType

    for name in (units, text):
        if client.has_collection(name):
            client.drop_collection(name)
    for name, is_text in ((units, False), (text, True)):
        schema = client.create_schema(auto_id=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("key", DataType.VARCHAR, max_length=64)
        schema.add_field("report", DataType.VARCHAR, max_length=1024)
        schema.add_field("ordinal", DataType.INT64)
        schema.add_field("pkey", DataType.VARCHAR, max_length=96)
        schema.add_field("section", DataType.VARCHAR, max_length=MAX_TEXT)
        schema.add_field("grade", DataType.VARCHAR, max_length=64)
        params = client.prepare_index_params()
        if is_text:
            schema.add_field(
                "text",
                DataType.VARCHAR,
                max_length=MAX_TEXT,
                enable_analyzer=True,
                analyzer_params={"tokenizer": "whitespace"},
            )
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                Function(
                    name="bm25",
                    function_type=FunctionType.BM25,
                    input_field_names=["text"],
                    output_field_names=["sparse"],
                )
            )
            params.add_index(
                field_name="sparse",
                index_type="SPARSE_INVERTED_INDEX",
                metric_type="BM25",
                params={"bm25_k1": K1, "bm25_b": B},
            )
        else:
            schema.add_field("unit", DataType.INT64)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
            params.add_index(
                field_name="vector", index_type="FLAT" if local else "AUTOINDEX", metric_type="IP"
            )
        client.create_collection(name, schema=schema, index_params=params)


def slot_rows(
    key: str, passages: Sequence[Passage], blocks: Sequence[np.ndarray]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One report's unit rows and text rows."""
    units: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    for ordinal, (p, block) in enumerate(zip(passages, blocks, strict=True)):
        common = {
            "key": key,
            "report": p.report_id,
            "ordinal": ordinal,
            "pkey": passage_key(key, ordinal),
            "section": SECTION_SEP.join(p.section_path),
            "grade": p.grade or "",
        }
        text = bm25_text(p)
        if len(text.encode("utf-8")) > MAX_TEXT:
            raise StoreError(f"passage {p.id} has {len(text)} characters of terms, more than Milvus holds")
        texts.append({**common, "text": text})
        vectors = np.asarray(block, dtype=np.float32)
        units.extend({**common, "unit": u, "vector": v} for u, v in enumerate(vectors.tolist()))
    return units, texts

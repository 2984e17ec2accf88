"""Milvus as the search engine of an index (``store = "milvus"``): connection, and bringing a
slot up to date with a version -- incrementally, and without ever touching the collections the
live version is served from (their layout: :mod:`assistant.store.milvus_schema`).

Two collections per *slot*: ``<name>_<slot>_units`` (one row per unit vector: the passage in
context and each sentence; FLAT inner product on Milvus Lite, AUTOINDEX on a server) and
``<name>_<slot>_text`` (one row per passage: its BM25 terms in an analysed VARCHAR with a BM25
Function, so Milvus keeps the statistics and scores full-text search). Rows name their
passage by report id and ordinal within the report, which do not change while the report's
file does not, so an update only deletes the rows of changed or removed reports (by report
key) and inserts those of changed or added ones.

Two slots, ``a`` and ``b``, alternate: a build brings the slot the live version does *not*
use up to date (it was two versions behind), flushes, checks the row counts, and only then
is the version published naming it (the manifest's ``store``); readers use the slot their
version names, and the alias ``<name>`` is switched to it at the end where the server
supports aliases (Milvus Lite does not). A build that fails part-way leaves its slot marked
unfinished in ``milvus-slots.json`` (in the index folder) and the previous version answering
from the other slot; the next build refills the unfinished slot from the stored vectors.

The BM25 text holds the project's own terms (:func:`assistant.retrieval.lexical.tokenize`)
split on whitespace, so Milvus counts the same terms as bm25s (an empty passage holds one
placeholder term, as bm25s indexes it); with Lucene's BM25 on both sides the scores differ
only by the factor ``k1 + 1``.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.records import Passage
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.manifest import ReportEntry, settings_hash
from assistant.store.milvus_schema import create_slot, report_key, slot_rows

Log = Callable[[str], None]
SLOTS = ("a", "b")
STATE = "milvus-slots.json"
INSERT_ROWS = 2000
"""Rows per insert call (2000 x 384 floats is ~3 MB, well inside gRPC's message limit)."""
INSTALL = "install the extra: pip install -e '.[milvus]' (pymilvus 2.5 with milvus-lite 2.5.1)"

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def resolve_uri(settings: Settings) -> str:
    """``milvus_uri``, or ``<index>/milvus.db`` (embedded Milvus Lite) when it is empty."""
    uri = settings.milvus_uri or str(settings.index / "milvus.db")
    if is_local(uri) and not uri.endswith(".db"):
        raise StoreError(
            f"milvus_uri {uri!r} is neither a local file ending .db (Milvus Lite) nor an http:// or "
            "https:// address of a Milvus server; set ASSISTANT_MILVUS_URI or --milvus-uri"
        )
    return uri


def is_local(uri: str) -> bool:
    """Whether ``uri`` names an embedded Milvus Lite file rather than a server."""
    return not uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def connect(uri: str) -> Any:
    """One client per URI per process (Milvus Lite runs one engine process per file)."""
    with _clients_lock:
        if uri not in _clients:
            try:
                with warnings.catch_warnings():  # milvus-lite 2.5 imports the deprecated pkg_resources
                    warnings.simplefilter("ignore", UserWarning)
                    from pymilvus import MilvusClient

                    if is_local(uri):
                        import milvus_lite  # noqa: F401
            except ImportError as exc:
                raise StoreError(
                    f"store 'milvus' needs pymilvus ({exc.name} is missing); {INSTALL}"
                ) from None
            try:
                _clients[uri] = MilvusClient(uri)
            except Exception as exc:  # pymilvus raises its own tree, and ImportError for pkg_resources
                raise StoreError(f"cannot open Milvus at {uri}: {exc}; {INSTALL}") from None
        return _clients[uri]


def disconnect(uri: str | None = None) -> None:
    """Close the client of ``uri`` (every client when None); Milvus Lite's engine process stops."""
    with _clients_lock:
        for key in [uri] if uri else list(_clients):
            client = _clients.pop(key, None) if key else None
            if client is not None:
                client.close()
                if key and is_local(key):
                    from milvus_lite.server_manager import server_manager_instance

                    server_manager_instance.release_server(key)


def collections(name: str, slot: str) -> tuple[str, str]:
    """The slot's ``(units, text)`` collection names."""
    return f"{name}_{slot}_units", f"{name}_{slot}_text"


def other_slot(live: dict[str, Any], name: str, uri: str) -> str:
    """The slot to build into: the one the live version does not use (``a`` when none is live)."""
    used = live.get("slot") if live.get("collection") == name and live.get("uri") == uri else None
    return SLOTS[1] if used == SLOTS[0] else SLOTS[0]


def slot_changes(have: set[str], want: set[str]) -> tuple[list[str], list[str]]:
    """``(remove, add)``: report keys the slot holds but should not, and those it lacks."""
    return sorted(have - want), sorted(want - have)


def _state(settings: Settings) -> dict[str, Any]:
    try:
        data = json.loads((settings.index / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_state(settings: Settings, state: dict[str, Any]) -> None:
    settings.index.mkdir(parents=True, exist_ok=True)
    layout.write_atomic(settings.index / STATE, json.dumps(state, indent=1, sort_keys=True).encode())


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for lo in range(0, len(rows), INSERT_ROWS):
        yield rows[lo : lo + INSERT_ROWS]


def count(client: Any, collection: str) -> int:
    """Rows in ``collection`` now (deleted rows excluded); loads it first (a no-op once loaded)."""
    client.load_collection(collection)
    found = client.query(collection, filter="", output_fields=["count(*)"])
    return int(found[0]["count(*)"])


def sync(
    settings: Settings,
    wanted: dict[str, Any],
    entries: Sequence[ReportEntry],
    passages: Sequence[Passage],
    blocks: Sequence[np.ndarray],
    live: dict[str, Any],
    log: Log,
    *,
    fresh: bool = False,
) -> dict[str, Any]:
    """Bring the free slot up to the version being built (refilled from scratch when ``fresh``, or
    when it is unfinished, built with other settings, or not as it was left); return the
    manifest's ``store``."""
    uri, name = resolve_uri(settings), settings.milvus_collection
    client = connect(uri)
    slot = other_slot(live, name, uri)
    units, text = collections(name, slot)
    state = _state(settings)
    slot_id = f"{uri}|{name}|{slot}"
    held = state.get(slot_id, {})
    fresh = (
        fresh
        or not held.get("complete")
        or held.get("settings") != settings_hash(wanted)
        or not (client.has_collection(units) and client.has_collection(text))
        or [count(client, units), count(client, text)] != held.get("rows")
    )
    dim = int(blocks[0].shape[1]) if blocks else 0
    state[slot_id] = {"complete": False, "settings": settings_hash(wanted), "keys": []}
    _save_state(settings, state)  # from here until the end the slot is unfinished
    if fresh:
        create_slot(client, units, text, dim, is_local(uri))
    keys = {report_key(e): e for e in entries}
    remove, add = slot_changes(set() if fresh else set(held.get("keys", [])), set(keys))
    if remove:
        expression = f"key in {json.dumps(remove)}"
        client.delete(units, filter=expression)
        client.delete(text, filter=expression)
    by_report: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        by_report.setdefault(p.report_id, []).append(i)
    for key in add:
        rows = by_report.get(keys[key].id, [])
        unit_rows, text_rows = slot_rows(key, [passages[i] for i in rows], [blocks[i] for i in rows])
        for batch in _batches(unit_rows):
            client.insert(units, batch)
        for batch in _batches(text_rows):
            client.insert(text, batch)
    client.flush(units)
    client.flush(text)
    unit_count, passage_count = sum(len(b) for b in blocks), len(passages)
    found = (count(client, units), count(client, text))
    if found != (unit_count, passage_count):
        raise StoreError(
            f"Milvus collections {units}/{text} hold {found[0]} units and {found[1]} passages after the "
            f"update, the index has {unit_count} and {passage_count}; run `assistant index --rebuild`"
        )
    state[slot_id] = {
        "complete": True,
        "settings": settings_hash(wanted),
        "keys": sorted(keys),
        "rows": [unit_count, passage_count],
    }
    _save_state(settings, state)
    log(f"Milvus {name} slot {slot}: removed {len(remove)} and added {len(add)} reports ({uri}).")
    return {
        "backend": "milvus",
        "uri": uri,
        "collection": name,
        "slot": slot,
        "units": units,
        "text": text,
        "dimension": dim,
    }


def switch_alias(store: dict[str, Any], log: Log) -> None:
    """Point the alias ``<name>`` (``<name>_units``) at the published slot, where aliases exist."""
    if store.get("backend") != "milvus" or is_local(str(store["uri"])):
        return  # Milvus Lite has no aliases (UNIMPLEMENTED); the manifest names the slot
    client = connect(str(store["uri"]))
    for alias, target in (
        (store["collection"], store["text"]),
        (f"{store['collection']}_units", store["units"]),
    ):
        try:
            if alias in client.list_aliases(target).get("aliases", []):
                continue
            try:
                client.alter_alias(target, alias)
            except Exception:  # the alias does not exist yet
                client.create_alias(target, alias)
        except Exception as exc:  # the version is published already: say so, do not fail
            log(f"Could not point Milvus alias {alias} at {target}: {exc}")

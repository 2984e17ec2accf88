"""Reading one report file in a process of its own, with a memory limit and a time limit.

The checks of :mod:`.limits` stop the expansions foreseen; this stops the rest, so that no
file can take the process reading it -- an ``assistant index``, or the chat server handling
an upload -- down with it, and every other file still indexes:

* Workers are forked from a small server process started once (multiprocessing's
  *forkserver*, which has imported the parsers), never from the caller, which may hold a
  loaded model, threads and a web server: a worker starts in milliseconds with only the
  parsers' memory. Unlike multiprocessing's other workers, ours do not import the caller's
  main module first (:func:`_without_main`): it is never needed to run :func:`_work`, and
  importing it cost every file the caller's imports (a benchmark's: ~0.15 s) and failed in every
  worker when a script read reports at its top level.
* The worker limits its own address space (``RLIMIT_AS``, setting ``parse_memory_mb``) and
  CPU time (``RLIMIT_CPU``, a backstop should the caller die), reads the file, parses it
  within the file's limits and sends back its format, SHA-256 and parsed elements.
* The caller waits at most ``parse_seconds``, then kills it. A worker that runs out of memory
  says so; one that dies (a crash in a C library, the kernel's OOM killer) is reported with
  how it died. Either way the error names the file, the limit and the setting.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from assistant.errors import IngestError, LimitError
from assistant.ingest.limits import LimitExceeded, Limits
from assistant.ingest.structure import Parsed

PRELOAD = [
    "assistant.ingest.worker",
    "assistant.ingest.corpus",
    "assistant.ingest.pdf",
    "assistant.ingest.docx",
    "assistant.ingest.html",
    "assistant.ingest.markdown",
    "pdfplumber",
    "docx",
    "bs4",
    "lxml.etree",
    "markdown_it",
]
"""Imported once by the fork server, so that each worker starts with them loaded."""
CPU_MARGIN = 5
WORKER_PREFIX = "parse "
"""The start of every parsing worker's process name (how :func:`_without_main` knows ours)."""
_lock = threading.Lock()
_context: Any = None


@dataclass(frozen=True)
class ParsedFile:
    """What a worker sends back: the file's format, the SHA-256 of the bytes it read, and its elements."""

    format: str
    sha256: str
    parsed: Parsed


def _fork_server() -> Any:
    global _context
    with _lock:
        if _context is None:
            from multiprocessing import spawn

            if not hasattr(spawn.get_preparation_data, "__wrapped__"):
                spawn.get_preparation_data = _without_main(spawn.get_preparation_data)  # type: ignore[assignment]
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


Preparation = Callable[[str], dict[str, Any]]


def _without_main(get: Preparation) -> Preparation:
    """``multiprocessing.spawn.get_preparation_data`` that tells our parsing workers (named
    :data:`WORKER_PREFIX` ...) not to import the caller's main module before they start.

    multiprocessing has every forkserver/spawn child import ``__main__`` again so that a target
    defined there can be unpickled; ours is :func:`_work`, in this module, which the fork server
    has imported. Every other process keeps multiprocessing's own behaviour.
    """

    def preparation(name: str) -> dict[str, Any]:
        data = get(name)
        if name.startswith(WORKER_PREFIX):
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
        return data

    preparation.__wrapped__ = get  # type: ignore[attr-defined]
    return preparation


def _lower_limit(kind: int, value: int) -> None:
    """Lower the soft limit ``kind`` to ``value`` (or to the hard limit, if that is lower)."""
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))


def _limit_self(limits: Limits) -> None:
    if limits.memory_bytes:
        _lower_limit(resource.RLIMIT_AS, limits.memory_bytes)
    if limits.seconds:  # SIGXCPU ends the worker should the caller not be there to
        _lower_limit(resource.RLIMIT_CPU, int(limits.seconds) + CPU_MARGIN)


def _work(conn: Connection, source: str, path: str, limits: Limits) -> None:
    """The worker: parse ``source`` as the report file ``path`` and send the outcome through ``conn``."""
    from assistant.ingest.corpus import parse_content, sha256_bytes

    message: tuple[Any, ...]
    try:
        _limit_self(limits)
        data = Path(source).read_bytes()
        fmt, parsed = parse_content(data, Path(path), limits)
        message = ("ok", ParsedFile(fmt, sha256_bytes(data), parsed))
    except LimitError as exc:
        message = ("limit", exc.reason)
    except IngestError as exc:
        message = ("error", exc.reason)
    except MemoryError:
        message = ("memory",)
    except OSError as exc:
        message = ("error", f"cannot be read ({exc.strerror})")
    try:
        conn.send(message)
    except MemoryError:  # no room left to pickle what was read (nothing was sent yet)
        conn.send(("memory",))
    conn.close()


def _over_memory(limits: Limits) -> str:
    mb = limits.memory_bytes / 1024 / 1024
    return LimitExceeded(f"reading it needed more than {mb:,.0f} MB of memory", "parse_memory_mb").reason


def _over_time(limits: Limits, cpu: bool = False) -> str:
    what = f"reading it took more than {limits.seconds:,.0f} s{' of processor time' if cpu else ''}"
    return LimitExceeded(what, "parse_seconds").reason


def _death(name: str, exitcode: int | None, limits: Limits) -> IngestError:
    """The error for the file ``name`` whose worker ended without sending a word."""
    reason = _death_reason(exitcode, limits)
    return (LimitError if reason.startswith("refused, as") else IngestError)(name, reason)


def _death_reason(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = signal.Signals(-exitcode).name
        except ValueError:
            how = f"signal {-exitcode}"
        if -exitcode == signal.SIGXCPU:
            return _over_time(limits, cpu=True)
        if -exitcode == signal.SIGKILL and limits.memory_bytes:
            return f"{_over_memory(limits)} (its reader was killed)"
        return f"could not be parsed: its reader stopped ({how})"
    return f"could not be parsed: its reader stopped (exit code {exitcode})"


def parse_file(source: Path, path: Path, limits: Limits, name: str | None = None) -> ParsedFile:
    """Read ``source`` and parse it as the report file ``path`` in a worker process (see module doc).

    ``path`` decides what a text file is by its extension and names the file in errors (or
    ``name``, when given). Raises :class:`IngestError` naming it when the file cannot be read or
    parsed, passes a limit, or its reader runs out of memory or time.
    """
    name = name or str(path)
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(sender, str(source), str(path), limits),
        name=f"{WORKER_PREFIX}{path.name}",
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds or None):
            raise LimitError(name, _over_time(limits))
        try:
            message = receiver.recv()
        except EOFError:  # died without a word
            worker.join(5)
            raise _death(name, worker.exitcode, limits) from None
        except MemoryError:  # what it sent is more than this process can hold
            raise LimitError(name, _over_memory(limits)) from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        worker.close()
        receiver.close()
    if message[0] == "ok":
        result: ParsedFile = message[1]
        return result
    if message[0] == "memory":
        raise LimitError(name, _over_memory(limits))
    raise (LimitError if message[0] == "limit" else IngestError)(name, str(message[1]))

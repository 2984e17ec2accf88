"""One table of settings. Precedence: CLI flag > environment variable > config file > default.

Every field of :class:`Settings` is a setting: its default and help text live here and
nowhere else. The environment variable is ``ASSISTANT_<NAME>`` (upper case); the config file
is TOML with the same names as keys, read from ``--config``/``ASSISTANT_CONFIG`` or, when
present, ``./assistant.toml``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import SettingsError

ENV_PREFIX = "ASSISTANT_"
CONFIG_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG = "assistant.toml"
DEFAULT_MODEL = "all-MiniLM-L6-v2"


def _setting(default: Any, help: str, choices: tuple[str, ...] | None = None) -> Any:
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`load_settings`; copy with ``dataclasses.replace``."""

    corpus: Path = _setting(Path("corpus"), "folder of report files to index")
    index: Path = _setting(Path("index"), "folder where the built index lives (generated)")
    model: str = _setting(
        DEFAULT_MODEL, "sentence-transformers model name or folder used to embed passages and questions"
    )
    backend: str = _setting(
        "auto",
        "how passages and questions are embedded: torch (sentence-transformers), onnx (MiniLM's "
        "int8 ONNX export, no torch), or auto (onnx when available for the model, else torch)",
        ("auto", "torch", "onnx"),
    )
    k: int = _setting(5, "number of passages to return")
    retriever: str = _setting(
        "hybrid",
        "retrieval pipeline (ablations for evaluation: see docs/EVALUATION.md)",
        (
            "hybrid",
            "dense",
            "lexical",
            "hybrid-noglossary",
            "hybrid-noneighbours",
            "hybrid-feedback",
            "hybrid-noshare",
            "hybrid-rrf",
            "hybrid-nostructure",
        ),
    )
    reranker: str = _setting(
        "", "optional sentence-transformers CrossEncoder name or folder to rerank with (empty: none)"
    )
    batch_size: int = _setting(32, "passages embedded per batch when indexing")
    embed_chunk: int = _setting(
        2048,
        "unit texts handed to the encoder per call when indexing, two calls at a time while reports are "
        "still being parsed and written (each call sorts its texts by length into batches, so larger "
        "calls pad less; two at a time let one call's last batches overlap the next one's first; 2048 "
        "keeps both losses near one per cent and the progress bar moving)",
    )
    host: str = _setting("127.0.0.1", "address the chat server binds to")
    port: int = _setting(7860, "port the chat server listens on")
    max_upload_mb: int = _setting(
        50, "largest report file accepted (uploaded, added, or found in the corpus folder), in MB"
    )
    max_stream_mb: int = _setting(
        64,
        "most that one compressed part of a file (a PDF stream, a part of a .docx) may inflate to, "
        "in MB; checked while inflating; 0: no limit",
    )
    max_inflate_mb: int = _setting(
        256, "most that all compressed parts of one file together may inflate to, in MB; 0: no limit"
    )
    max_pages: int = _setting(2000, "most pages one PDF may have; 0: no limit")
    max_objects: int = _setting(
        500_000,
        "most objects one file may hold (PDF objects, XML/HTML elements, Markdown tokens); 0: no limit",
    )
    max_text_mb: int = _setting(
        10, "most text one file may yield, in millions of characters (MB of plain text); 0: no limit"
    )
    max_blocks: int = _setting(
        20_000, "most paragraphs, headings and list items one file may yield; 0: no limit"
    )
    parse_seconds: int = _setting(
        120, "longest one file may take to read, in seconds (its reader is then stopped); 0: no limit"
    )
    parse_memory_mb: int = _setting(
        1024,
        "most memory (address space) the separate process reading one file may use, in MB; 0: no limit",
    )
    max_queue: int = _setting(
        64, "questions the chat holds waiting at most; beyond that it answers 'busy, try again'"
    )
    serve_workers: int = _setting(
        0,
        "threads answering /ask questions at once, 0 for one per CPU core: search and encoding run "
        "in FAISS, onnxruntime and numpy, which release Python's lock, so one thread per core keeps "
        "every core busy and more threads would only queue inside them",
    )
    store: str = _setting(
        "faiss",
        "where passages are searched: faiss (FAISS + bm25s files in the index folder) or milvus "
        "(a Milvus collection; pip install -e '.[milvus]'; see docs/SCALE.md)",
        ("faiss", "milvus"),
    )
    milvus_uri: str = _setting(
        "",
        "the Milvus to use with store=milvus: a local file ending .db (embedded Milvus Lite) or "
        "http://host:19530 (a server or cluster); empty: <index>/milvus.db",
    )
    milvus_collection: str = _setting(
        "report_assistant", "name (and alias) of the Milvus collection with store=milvus"
    )
    auth_file: str = _setting(
        "",
        "file of user:password lines; when set, the chat asks for a login "
        "(or set ASSISTANT_AUTH=user:password; never pass a password as a flag)",
    )
    max_upload_files: int = _setting(10, "files one upload request to the chat may carry (its page sends 1)")
    max_upload_total_mb: int = _setting(
        100, "largest upload request to the chat (all its files together), in MB; larger: HTTP 413, unread"
    )
    max_request_kb: int = _setting(
        1024, "largest request body other than an upload the chat accepts, in KB; larger: HTTP 413, unread"
    )
    login_attempts: int = _setting(
        5,
        "failed logins in a row one client may make before each further attempt must wait "
        "(1 s, doubling up to 15 min; HTTP 429 with Retry-After); 0: no limit",
    )
    login_attempts_overall: int = _setting(
        100, "failed logins from all clients together in 10 minutes before every login must wait; 0: no limit"
    )
    trusted_proxies: str = _setting(
        "",
        "comma-separated addresses or networks (10.0.0.1, 10.0.0.0/8) of reverse proxies in front of "
        "the chat whose X-Forwarded-For/-Proto/-Host headers are believed; empty: those headers are ignored",
    )
    temp_dir: str = _setting(
        "",
        "private folder (made 0700) for the uploads and briefing exports the chat serves; "
        "empty: a new one under the system temporary folder, removed when the chat stops",
    )
    mcp: bool = _setting(
        False,
        "also serve the MCP tools (search_reports, get_passage, list_reports, grades) at /gradio_api/mcp/, "
        "behind the same login; needs pip install -e '.[mcp]'",
    )

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def help_for(cls, name: str) -> str:
        for f in fields(cls):
            if f.name == name:
                choices = f.metadata.get("choices")
                text = str(f.metadata["help"])
                if choices:
                    text += f" (one of: {', '.join(choices)})"
                return f"{text}; env {ENV_PREFIX}{name.upper()}; default {f.default}"
        raise KeyError(name)

    def resolve_paths(self, base: Path) -> Settings:
        """Make relative corpus/index paths absolute against ``base``."""
        return replace(
            self,
            corpus=self.corpus if self.corpus.is_absolute() else base / self.corpus,
            index=self.index if self.index.is_absolute() else base / self.index,
        )


def _convert(name: str, raw: Any, source: str) -> Any:
    f = next(f for f in fields(Settings) if f.name == name)
    kind: type = type(f.default)
    try:
        if kind is bool:
            value: Any = raw if isinstance(raw, bool) else str(raw).strip().lower() in {"1", "true", "yes"}
        elif kind is int:
            value = int(raw)
        elif kind is Path or isinstance(f.default, Path):
            value = Path(str(raw)).expanduser()
        else:
            value = str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name!r} from {source} must be {kind.__name__}, got {raw!r}") from None
    choices = f.metadata.get("choices")
    if choices and value not in choices:
        raise SettingsError(
            f"setting {name!r} from {source} is {value!r}; allowed values: {', '.join(choices)}"
        )
    if kind is int and value < 0:
        raise SettingsError(f"setting {name!r} from {source} must not be negative, got {value}")
    return value


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(Settings.names()))
    if unknown:
        raise SettingsError(
            f"config file {path} has unknown setting(s) {', '.join(unknown)}; "
            f"known settings: {', '.join(Settings.names())}"
        )
    return data


def load_settings(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config: Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve every setting from CLI values (``None`` = not given), env, config file and defaults."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    config_path = config or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    if config_path is None and (cwd / DEFAULT_CONFIG).is_file():
        config_path = cwd / DEFAULT_CONFIG
    layers: list[tuple[str, Mapping[str, Any]]] = []
    if config_path is not None:
        layers.append((f"config file {config_path}", _read_config(config_path)))
    layers.append(
        (
            "the environment",
            {n: env[ENV_PREFIX + n.upper()] for n in Settings.names() if ENV_PREFIX + n.upper() in env},
        )
    )
    layers.append(("the command line", {k: v for k, v in (cli or {}).items() if v is not None}))
    values: dict[str, Any] = {}
    for source, layer in layers:
        for name, raw in layer.items():
            if name in Settings.names():
                values[name] = _convert(name, raw, source)
    return Settings(**values).resolve_paths(cwd)

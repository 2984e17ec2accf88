"""Settings precedence and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings, load_settings


def test_precedence_cli_over_env_over_config_over_default(tmp_path: Path) -> None:
    config = tmp_path / "assistant.toml"
    config.write_text('k = 7\nport = 9000\nmodel = "from-config"\n', "utf-8")
    env = {"ASSISTANT_K": "8", "ASSISTANT_MODEL": "from-env"}
    s = load_settings({"k": 9}, env=env, cwd=tmp_path)
    assert (s.k, s.model, s.port, s.host) == (9, "from-env", 9000, "127.0.0.1")
    assert load_settings({}, env=env, cwd=tmp_path).k == 8
    assert load_settings({}, env={}, cwd=tmp_path).k == 7
    assert load_settings({}, env={}, cwd=tmp_path / "nowhere").k == Settings().k


def test_relative_paths_resolve_against_cwd(tmp_path: Path) -> None:
    s = load_settings({}, env={}, cwd=tmp_path)
    assert s.corpus == tmp_path / "corpus" and s.index == tmp_path / "index"
    assert load_settings({}, env={"ASSISTANT_INDEX": "/abs/idx"}, cwd=tmp_path).index == Path("/abs/idx")


@pytest.mark.parametrize(
    ("cli", "env", "message"),
    [
        ({}, {"ASSISTANT_K": "many"}, "'k' from the environment must be int, got 'many'"),
        ({"retriever": "magic"}, {}, "allowed values: hybrid, dense, lexical"),
        ({"port": -1}, {}, "must not be negative"),
    ],
)
def test_bad_values_name_the_setting_and_the_fix(
    cli: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        load_settings(cli, env=env, cwd=Path("/"))


def test_unknown_config_keys_are_listed(tmp_path: Path) -> None:
    (tmp_path / "assistant.toml").write_text("modle = 'x'\n", "utf-8")
    with pytest.raises(SettingsError, match=r"unknown setting.*modle.*known settings"):
        load_settings({}, env={}, cwd=tmp_path)


def test_every_setting_has_help() -> None:
    for name in Settings.names():
        assert f"ASSISTANT_{name.upper()}" in Settings.help_for(name)


def test_retriever_choices_match_the_named_pipelines() -> None:
    from dataclasses import fields

    from assistant.retrieval.pipeline import VARIANTS

    choices = next(f for f in fields(Settings) if f.name == "retriever").metadata["choices"]
    assert tuple(choices) == tuple(VARIANTS)

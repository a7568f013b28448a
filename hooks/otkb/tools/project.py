"""The project folder the tools work on, and its settings in mkdocs.yml (read without MkDocs)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


class CommandError(Exception):
    """Something the user can fix: the message says what to do."""


def find_project(given: str | None) -> Path:
    if given:
        project = Path(given).resolve()
        if not (project / "data").is_dir():
            raise CommandError(f"{given} has no data/ folder; pass the otkb project folder to --project")
        return project
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "data").is_dir():
            return folder
    raise CommandError("cannot find the project; run otkb inside the otkb folder (the one with mkdocs.yml "
                       "and data/), or pass --project FOLDER")


class _SettingsLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: `!ENV` is an environment variable (with a default), other tags
    (such as Python names) are kept as plain values."""


def _env(loader: yaml.SafeLoader, node: yaml.Node):
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else \
        loader.construct_sequence(node, deep=True)
    *variables, default = names if len(names) > 1 else (*names, None)
    for name in variables:
        if name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else os.environ[name]
    return default


def _other_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else loader.construct_mapping(node)


_SettingsLoader.add_constructor("!ENV", _env)
_SettingsLoader.add_multi_constructor("", _other_tag)


def site_settings(project: Path) -> dict:
    """mkdocs.yml's settings, `!ENV` included ({} without the file)."""
    config = project / "mkdocs.yml"
    if not config.is_file():
        return {}
    with config.open("rb") as f:
        return yaml.load(f, Loader=_SettingsLoader) or {}


def site_extra(project: Path) -> dict:
    """The `extra:` settings of mkdocs.yml."""
    return site_settings(project).get("extra") or {}

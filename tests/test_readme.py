"""The README's folder map names every module of the package, in its layer, and nothing that is gone."""

from __future__ import annotations

import re

from conftest import PROJECT

LAYER = re.compile(r"^  ([a-z]+)/\s", re.M)
MODULE = re.compile(r"^    ([a-z_]+\.py)\b", re.M)


def test_the_folder_map_matches_the_package():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the folders fit together", 1)[1].split("```", 2)[1]
    mapped = {}
    parts = LAYER.split(section)
    for layer, text in zip(parts[1::2], parts[2::2]):
        mapped[layer] = set(MODULE.findall(text))
    package = PROJECT / "hooks" / "otkb"
    present = {folder.name: {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
               for folder in package.iterdir() if folder.is_dir() and (folder / "__init__.py").exists()}
    assert mapped == present

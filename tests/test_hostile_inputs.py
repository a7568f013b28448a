"""Inputs that used to hang, break or leak out of the build (issue 11, part 2): each is an error naming
the file, line and field, or output that every reader parses as it was meant."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, build, write
from otkb.content.pipeline import build_library


def fixture_copy(tmp_path: Path) -> Path:
    """A project folder holding only a copy of the fixture site's data/."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path


def messages(root: Path) -> list[str]:
    return [str(e) for e in build_library(root)[1]]


# --- topic hierarchies that never end -----------------------------------------

def add_topics(root: Path, text: str) -> None:
    topics = root / "data/topics.yml"
    topics.write_text(topics.read_text() + text)


def test_a_topic_that_is_its_own_parent_is_an_error(tmp_path):
    root = fixture_copy(tmp_path)
    lines = len((root / "data/topics.yml").read_text().splitlines())
    add_topics(root, "pinch:\n  name: Pinch\n  description: D.\n  parent: pinch\n")
    assert messages(root) == [f"data/topics.yml:{lines + 4}:3: pinch.parent: topic 'pinch' is its own parent; "
                              "give it another parent or none"]


def test_a_loop_of_parents_is_an_error_naming_its_topics(tmp_path):
    root = fixture_copy(tmp_path)
    lines = len((root / "data/topics.yml").read_text().splitlines())
    add_topics(root, "pinch:\n  name: Pinch\n  description: D.\n  parent: grip\n"
                     "grip:\n  name: Grip\n  description: D.\n  parent: pinch\n"
                     "below:\n  name: Below\n  description: D.\n  parent: grip\n")
    peg = root / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [below]"))
    assert messages(root) == [f"data/topics.yml:{lines + 4}:3: pinch.parent: topics 'pinch' -> 'grip' -> "
                              "'pinch' are each other's parents, so the hierarchy never ends; give one of them "
                              "another parent or none"]


def test_a_loop_of_parents_stops_the_build_instead_of_hanging_it(project):
    add_topics(project, "pinch:\n  name: Pinch\n  description: D.\n  parent: pinch\n")
    peg = project / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [pinch]"))
    result = build(project, timeout=60)
    assert result.returncode == 1 and "topic 'pinch' is its own parent" in result.stderr


def test_a_deep_chain_of_topics_stays_fast(tmp_path):
    root = fixture_copy(tmp_path)
    add_topics(root, "".join(f"level-{i}:\n  name: Level {i}\n  description: D.\n  parent: "
                             f"{'fine-motor' if i == 0 else f'level-{i - 1}'}\n" for i in range(500)))
    peg = root / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [level-499]"))
    started = time.perf_counter()
    library, errors = build_library(root)
    from otkb.site.finder import card_data
    from otkb.site.search import record_aliases
    record_aliases(library), card_data(library.records["activities/peg-game"], library)
    assert errors == [] and time.perf_counter() - started < 5

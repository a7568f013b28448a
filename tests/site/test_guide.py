"""The editor's guide (otkb.site.guide): filled again on each `mkdocs serve` save, it works out again
only the parts whose records changed, and always says what a guide filled from scratch says."""

import os
import shutil

from conftest import FIXTURE_DATA, PROJECT, write
from otkb.content.pipeline import PipelineCache, check_library
from otkb.site import guide

GUIDE = (PROJECT / "docs/editors/index.md").read_text(encoding="utf-8")


def filled_from_scratch(library) -> str:
    kept = dict(guide._KEPT)
    guide._KEPT.clear()
    try:
        return guide._fill(GUIDE, library)
    finally:
        guide._KEPT.clear()
        guide._KEPT.update(kept)


def test_the_guide_works_out_again_only_the_parts_an_edit_touched(tmp_path, monkeypatch):
    """An article edited: the activities' examples and the error examples (the check's suggestions
    over every id: 13 ms of each save at 10,000 records) are kept, and the guide reads as one filled
    from scratch. An edit of what an error example reads (a card it names, a title it clashes with,
    a new id) fills it again."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    for path in (tmp_path / "data").rglob("*.yml"):  # past the racy window: serve reuses unchanged records
        os.utime(path, (1_700_000_000, 1_700_000_000))
    cache = PipelineCache()
    worked_out = []
    for name in ("_field_table", "_error_examples"):
        monkeypatch.setattr(guide, name, lambda *args, name=name, make=getattr(guide, name): (
            worked_out.append((name, args[0] if name == "_field_table" else "")), make(*args))[1])

    def save(path=None, text=""):
        if path is not None:
            write(path, text)
        library, errors, _ = check_library(tmp_path, cache=cache)
        assert errors == []
        worked_out.clear()
        filled = guide._fill(GUIDE, library)
        made = list(worked_out)
        assert filled == filled_from_scratch(library)
        return filled, made

    first, _ = save()
    article = tmp_path / "data/articles/hand-skills-at-home.yml"
    assert save(article, article.read_text().replace("title: ", "title: Edited ", 1))[1] == [
        ("_field_table", "articles")]

    card = tmp_path / "data/research/bos-2013-preterm-motor.yml"  # named by an example: not unknown any more
    filled, made = save(card, (tmp_path / "data/research/jones-2019-preterm-grip.yml").read_text().replace(
        "title: ", "title: Another ", 1))
    assert made == [("_field_table", "research"), ("_error_examples", "")] and filled != first
    twin = tmp_path / "data/activities/twin.yml"  # a look-alike of the examples' title
    peg = (tmp_path / "data/activities/peg-game.yml").read_text()
    filled, made = save(twin, peg.replace("title: Peg game", "title: My New Activity", 1))
    assert ("_error_examples", "") in made and "data/activities/twin.yml" in filled

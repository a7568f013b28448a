"""The finder's data and the search aliases, as plain functions over the fixture library."""

import json
import shutil

import pytest

from conftest import FIXTURE_DATA, PROJECT
from otkb.site.finder import (AGE_STEPS, activity_finder, age_label, age_value, finder_files, finder_index,
                              shortest_minutes, time_limits)
from otkb.content.link import changed_since
from otkb.content.pipeline import PipelineCache, build_library, check_library
from otkb.site.search import record_aliases


@pytest.fixture(scope="module")
def library():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return library


def test_the_index_carries_what_the_finder_compares(library):
    index, materials = finder_index(library)
    assert index["skills"] == ["fine-motor", "grasp", "hand-strength"]
    assert index["settings"] == ["home", "school", "clinic", "outdoors"]
    assert index["activities"] == [
        ["peg-game", "Peg game", 30, 72, "30 months–6 years",
         [2, 0, 1],  # hand-strength, then the broader fine-motor, then grasp
         0b11, 10, "10 minutes",  # home and school
         # the badge of its strongest study, as its card on the listing shows it
         ["Tested: benefit found", "level-2", "Level 2 (randomised controlled trial) — 1 is the strongest of 5 · "
          "low certainty · Tested in typically developing children aged 4–6 years"]]]
    assert materials == ["clothes pegs|a paper plate"]


def test_the_finder_files_and_the_form_name_the_same_build(library):
    files = finder_files(library)
    index, materials = (json.loads(files[path]) for path in ("activities/finder.json", "activities/finder-materials.json"))
    finder = activity_finder(library)
    assert index["v"] == materials["v"] and finder.index_url == f"finder.json?v={index['v']}"
    assert finder.materials_url == f"finder-materials.json?v={index['v']}"


def test_the_form_offers_only_choices_the_records_can_match(library):
    finder = activity_finder(library)
    assert finder.ages == [(age_value(m), age_label(m)) for m in AGE_STEPS]  # any age: the finder says when none fits
    assert AGE_STEPS == (*range(24), *range(24, 18 * 12 + 1, 12))
    assert finder.skills == [("fine-motor", "Fine motor skills"), ("grasp", "Grasp"),
                             ("hand-strength", "Hand strength")]
    assert finder.settings == [("home", "At home"), ("school", "At school")]
    assert finder.times == [("10", "Up to 10 minutes")]
    assert finder.materials == ["A paper plate", "Clothes pegs"]


@pytest.mark.parametrize("months, value, label", [(0, "0m", "0 months (newborn)"), (1, "1m", "1 month"),
                                                  (7, "7m", "7 months"), (12, "1y", "12 months"),
                                                  (18, "18m", "18 months"), (30, "30m", "30 months"),
                                                  (48, "4y", "4 years"), (216, "18y", "18 years")])
def test_ages_in_the_address_and_the_form(months, value, label):
    assert (age_value(months), age_label(months)) == (value, label)


def test_times():
    assert [shortest_minutes(d) for d in (None, "15 minutes", "10-15 minutes", "1 hour")] == [None, 15, 10, 60]
    assert time_limits([10, 10, 20]) == [10, 15, 20]
    assert time_limits([7, 50]) == [10, 15, 20, 30, 45, 60]
    assert time_limits([]) == []


def test_record_aliases_come_from_its_topics_and_the_topics_above_them(library):
    assert record_aliases(library.records["activities/peg-game"], library) == ["hand skills", "pencil grip"]
    assert record_aliases(library.records["research/smith-2020-pegs"], library) == ["hand skills"]  # hand strength is under fine motor


def test_after_an_edit_the_index_file_is_the_whole_index_dumped(tmp_path, monkeypatch):
    """In `mkdocs serve`, a save dumps again only the arrays of the activities it changed
    (finder._index_text); the file is byte for byte what dumping the whole index gives."""
    from otkb.site import finder

    shutil.copytree(PROJECT / "data", tmp_path / "data")
    cache = PipelineCache()
    finder.keep_for_saves()
    try:
        first, errors, _ = check_library(tmp_path, cache=cache)
        assert errors == [] and len(first.of_kind("activities")) > 2
        finder_files(first)
        edited = sorted((tmp_path / "data/activities").glob("*.yml"))[1]
        edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
        second, errors, _ = check_library(tmp_path, cache=cache)
        assert errors == []
        dumped = []
        monkeypatch.setattr(finder, "_dumps", lambda value: dumped.append(value) or json.dumps(
            value, ensure_ascii=False, separators=(",", ":")))
        files = finder_files(second)
        # the edited activity's array and those of the activities naming it (their rows are made again)
        remade = changed_since(first.records, second)
        assert sorted(value[1] for value in dumped if isinstance(value, list) and len(value) == 10) == sorted(
            r.title for r in second.of_kind("activities") if r.id in remade)
        assert f"activities/{edited.stem}" in remade and len(remade) < len(second.of_kind("activities"))
        index, materials = finder_index(second)
        digest = json.loads(files["activities/finder.json"])["v"]
        assert files["activities/finder.json"] == json.dumps({"v": digest, **index}, ensure_ascii=False,
                                                             separators=(",", ":"))
        assert "Edited " in files["activities/finder.json"]
    finally:
        finder.forget_last()


def test_the_suggested_materials_do_not_hang_on_the_order_of_the_activities(monkeypatch):
    """The most used materials are suggested; among materials used equally often, the first ones
    alphabetically, so a title edit, which moves an activity in the listing, changes nothing."""
    from otkb.site import finder

    monkeypatch.setattr(finder, "SUGGESTED_MATERIALS", 2)
    shown = [(["home"], "10 minutes", ["cup", "Bean"]), (["school"], None, ["apple", "cup"]), ([], None, ["dice"])]
    answers = {tuple(finder._choices(order)[2]) for order in (shown, shown[::-1], shown[1:] + shown[:1])}
    assert answers == {("apple", "cup")}  # cup twice, then apple before Bean and dice

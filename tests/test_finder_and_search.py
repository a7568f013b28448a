"""The finder's data and the search aliases, as plain functions over the fixture library."""

import pytest

from conftest import FIXTURE_DATA
from otkb.site.finder import activity_finder, age_label, age_value, card_data, shortest_minutes, time_limits
from otkb.content.pipeline import build_library
from otkb.site.search import record_aliases


@pytest.fixture(scope="module")
def library():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return library


def test_a_card_carries_what_the_finder_compares(library):
    assert card_data(library.records["activities/peg-game"], library) == {
        "age-min": "30", "age-max": "72",
        "skills": "hand-strength fine-motor grasp",  # a skill brings the broader topic above it
        "setting": "home school", "minutes": "10", "materials": "clothes pegs|a paper plate"}


def test_the_form_offers_only_choices_the_records_can_match(library):
    finder = activity_finder(library.of_kind("activities"), library)
    assert finder.ages == [("30m", "2½ years"), ("3y", "3 years"), ("4y", "4 years"), ("5y", "5 years"),
                           ("6y", "6 years")]
    assert finder.skills == [("fine-motor", "Fine motor skills"), ("grasp", "Grasp"),
                             ("hand-strength", "Hand strength")]
    assert finder.settings == [("home", "At home"), ("school", "At school")]
    assert finder.times == [("10", "Up to 10 minutes")]
    assert finder.materials == ["A paper plate", "Clothes pegs"]


@pytest.mark.parametrize("months, value, label", [(6, "6m", "6 months"), (12, "1y", "1 year"),
                                                  (18, "18m", "18 months"), (30, "30m", "2½ years"),
                                                  (48, "4y", "4 years")])
def test_ages_in_the_address_and_the_form(months, value, label):
    assert (age_value(months), age_label(months)) == (value, label)


def test_times():
    assert [shortest_minutes(d) for d in (None, "15 minutes", "10-15 minutes", "1 hour")] == [None, 15, 10, 60]
    assert time_limits([10, 10, 20]) == [10, 15, 20]
    assert time_limits([7, 50]) == [10, 15, 20, 30, 45, 60]
    assert time_limits([]) == []


def test_record_aliases_come_from_its_topics_and_the_topics_above_them(library):
    aliases = record_aliases(library)
    assert aliases["activities/peg-game/"] == ["hand skills", "pencil grip"]
    assert aliases["research/smith-2020-pegs/"] == ["hand skills"]  # hand strength is under fine motor

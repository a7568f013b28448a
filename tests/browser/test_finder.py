"""The activity finder on /activities/, in a real browser."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import PROJECT
from otkb.site.finder import skill_ids
from otkb.content.pipeline import build_library


@pytest.fixture(scope="module")
def library():
    library, errors = build_library(PROJECT)
    assert errors == []
    return library


def expected_titles(library, months=None, skill=None, setting=None, minutes=None, material=None):
    """The activities a visitor should see, worked out from the records themselves."""
    titles = []
    for record in library.of_kind("activities"):
        data = record.data
        if months is not None and not data.ages.contains(months):
            continue
        if skill and skill not in skill_ids(record, library):
            continue
        if setting and setting not in data.setting:
            continue
        if minutes and not (data.duration and int(re.match(r"\d+", data.duration).group()) <= minutes):
            continue
        if material and not any(material in m.casefold() for m in data.materials):
            continue
        titles.append(record.title)
    return sorted(titles)


def visible_titles(page):
    return sorted(page.locator(".otkb-card:visible .otkb-card__title").all_inner_texts())


def status(page):
    return page.locator("#otkb-count").inner_text()


def test_without_javascript_every_activity_is_listed(browser, site_url, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "activities/?age=4y&skill=grasp")
    everything = sorted(r.title for r in library.of_kind("activities"))
    assert visible_titles(page) == everything
    assert not page.locator("#otkb-finder").is_visible()
    assert status(page) == f"{len(everything)} activities"
    context.close()


def test_age_and_skill_narrow_the_list_and_a_reload_restores_them(page, site_url, library):
    page.goto(site_url + "activities/")
    total = len(library.of_kind("activities"))
    assert visible_titles(page) == expected_titles(library)
    page.get_by_label("Child's age").select_option(label="4 years")
    by_age = expected_titles(library, months=48)
    assert visible_titles(page) == by_age
    page.get_by_label("Skill").select_option(label="Grasp and pencil grip")
    both = expected_titles(library, months=48, skill="grasp")
    assert 0 < len(both) < len(by_age) < total
    assert visible_titles(page) == both
    assert status(page) == f"Showing {len(both)} of {total} activities"
    assert parse_qs(urlsplit(page.url).query) == {"age": ["4y"], "skill": ["grasp"]}

    page.reload()
    assert visible_titles(page) == both
    assert page.get_by_label("Child's age").input_value() == "4y"
    assert page.get_by_label("Skill").input_value() == "grasp"
    assert status(page) == f"Showing {len(both)} of {total} activities"


def test_an_age_matches_every_range_that_contains_it(page, site_url, library):
    page.goto(site_url + "activities/?age=18m")
    youngest = expected_titles(library, months=18)
    assert youngest and visible_titles(page) == youngest
    for record in library.of_kind("activities"):
        assert (record.title in youngest) == (record.data.ages.min.months <= 18 <= record.data.ages.max.months)


@pytest.mark.parametrize("query, filters", [
    ("setting=outdoors&time=10", {"setting": "outdoors", "minutes": 10}),
    ("skill=fine-motor", {"skill": "fine-motor"}),  # a broad skill finds the narrower ones under it
    ("material=peg", {"material": "peg"}),
    ("age=9y&skill=balance&setting=school", {"months": 108, "skill": "balance", "setting": "school"}),
])
def test_filters_combine_as_a_link_describes(page, site_url, library, query, filters):
    page.goto(site_url + "activities/?" + query)
    assert visible_titles(page) == expected_titles(library, **filters)


def test_no_match_says_so_and_clear_filters_brings_everything_back(page, site_url, library):
    page.goto(site_url + "activities/?age=18m&skill=scissor-skills")
    assert visible_titles(page) == []
    assert status(page).startswith("No activity matches these filters")
    page.get_by_role("button", name="Clear filters").focus()
    page.keyboard.press("Enter")
    expect_all = expected_titles(library)
    page.wait_for_function("() => !location.search")
    assert visible_titles(page) == expect_all
    assert page.get_by_label("Child's age").input_value() == ""


def test_keyboard_and_screen_reader(page, site_url, library):
    page.goto(site_url + "activities/")
    finder = page.get_by_role("search", name="Find an activity")
    for label in ("Child's age", "Skill", "Where", "Time you have", "Uses"):
        assert finder.get_by_label(label).count() == 1  # every control has a real label
    assert page.locator("#otkb-count").get_attribute("role") == "status"  # a polite live region

    page.get_by_label("Child's age").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "otkb-finder-skill"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("peg")
    assert page.evaluate("document.activeElement.id") == "otkb-finder-material"
    pegs = expected_titles(library, material="peg")
    page.wait_for_function("n => document.getElementById('otkb-count').textContent.startsWith('Showing ' + n + ' of')",
                           arg=len(pegs))
    assert visible_titles(page) == pegs
    assert parse_qs(urlsplit(page.url).query) == {"material": ["peg"]}

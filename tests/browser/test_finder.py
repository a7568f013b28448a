"""The activity finder on /activities/, in a real browser."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import PROJECT
from otkb.content.link import sort_key
from otkb.site.finder import AGE_STEPS, age_label, age_value, skill_ids
from otkb.content.pipeline import build_library

from .conftest import PHONE, _screenshots_module, axe_violations, new_page


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


def open_finder(page, url):
    """Open the listing and wait until the finder has fetched its data and answered the address."""
    page.goto(url)
    page.wait_for_selector("#otkb-finder[data-state=ready]")


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def nearest_ages(library, months, **filters):
    """The labels of the menu's ages nearest below and above `months` that some activity fits, with the filters."""
    fitting = [m for m in AGE_STEPS if m != months and expected_titles(library, months=m, **filters)]
    below, above = [m for m in fitting if m < months][-1:], [m for m in fitting if m > months][:1]
    return [age_label(m) for m in below + above]


def status(page):
    return page.locator("#otkb-count").inner_text()


def test_without_javascript_every_activity_is_listed(no_js_context, site_url, library):
    page = no_js_context.new_page()
    page.goto(site_url + "activities/?age=4y&skill=grasp")
    everything = sorted(r.title for r in library.of_kind("activities"))
    assert visible_titles(page) == everything
    assert not page.locator("#otkb-finder").is_visible()
    assert status(page) == f"{len(everything)} activities"


@pytest.mark.parametrize("value, months", [("1y", 12), ("7m", 7), ("10y", 120), ("30m", 30), ("4y", 48)])
def test_any_age_from_birth_to_18_is_honoured_and_kept_in_the_address(page, site_url, library, value, months):
    open_finder(page, site_url + "activities/?age=" + value)
    expected = expected_titles(library, months=months)
    assert visible_titles(page) == expected
    assert query_of(page) == {"age": [value]}
    assert page.get_by_label("Child's age").input_value() == value
    nearest = page.locator("#otkb-finder-nearest")
    if expected:
        assert status(page) == f"Showing {len(expected)} of {len(library.of_kind('activities'))} activities"
        assert not nearest.is_visible()
    else:  # the sample's activities start at 18 months and end at 9 years
        assert status(page) == f"No activities for {age_label(months)} yet."
        assert nearest.get_by_role("button").all_inner_texts() == nearest_ages(library, months)


def test_the_nearest_age_is_one_click_away(page, site_url, library):
    open_finder(page, site_url + "activities/?age=12y&setting=school")
    [older_than_any] = [m for m in AGE_STEPS if age_value(m) == "12y"]
    assert status(page) == "No activities for 12 years yet."
    [nearest] = nearest_ages(library, older_than_any, setting="school")
    page.locator("#otkb-finder-nearest").get_by_role("button", name=nearest).click()
    months = next(m for m in AGE_STEPS if age_label(m) == nearest)
    assert visible_titles(page) == expected_titles(library, months=months, setting="school") != []
    assert query_of(page) == {"age": [age_value(months)], "setting": ["school"]}
    assert page.evaluate("document.activeElement.id") == "otkb-finder-age"


def test_the_age_menu_runs_from_birth_to_18_in_months_then_years(page, site_url):
    open_finder(page, site_url + "activities/")
    options = page.get_by_label("Child's age").locator("option").all_inner_texts()
    assert options[:3] == ["Any age", "0 months (newborn)", "1 month"]
    assert options[23:27] == ["22 months", "23 months", "2 years", "3 years"] and options[-1] == "18 years"


@pytest.mark.parametrize("query", ["age=19y", "age=soon"])
def test_an_age_outside_birth_to_18_is_dropped(page, site_url, library, query):
    open_finder(page, site_url + "activities/?" + query)
    assert visible_titles(page) == expected_titles(library)
    page.wait_for_function("() => !location.search")


def test_age_and_skill_narrow_the_list_and_a_reload_restores_them(page, site_url, library):
    open_finder(page, site_url + "activities/")
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
    page.wait_for_selector("#otkb-finder[data-state=ready]")
    assert visible_titles(page) == both
    assert page.get_by_label("Child's age").input_value() == "4y"
    assert page.get_by_label("Skill").input_value() == "grasp"
    assert status(page) == f"Showing {len(both)} of {total} activities"


def test_an_age_matches_every_range_that_contains_it(page, site_url, library):
    open_finder(page, site_url + "activities/?age=18m")
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
    open_finder(page, site_url + "activities/?" + query)
    assert visible_titles(page) == expected_titles(library, **filters)


def test_no_match_says_so_and_clear_filters_brings_everything_back(page, site_url, library):
    open_finder(page, site_url + "activities/?age=18m&skill=scissor-skills")
    assert visible_titles(page) == []
    assert status(page).startswith("No activity matches these filters")
    page.get_by_role("button", name="Clear filters").focus()
    page.keyboard.press("Enter")
    expect_all = expected_titles(library)
    page.wait_for_function("() => !location.search")
    assert visible_titles(page) == expect_all
    assert page.get_by_label("Child's age").input_value() == ""


def test_keyboard_and_screen_reader(page, site_url, library):
    open_finder(page, site_url + "activities/")
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


# Every layout shift on the page, as the browser reports them (what Lighthouse sums up as CLS).
LAYOUT_SHIFTS = """
window.__otkbShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) { if (!entry.hadRecentInput) window.__otkbShifts.push(entry.value); });
}).observe({type: "layout-shift", buffered: true});
"""


def held_finder_data(page):
    """Hold back the finder's data (finder.json) until the test lets it through; returns the held requests."""
    held = []
    page.route(re.compile(r".*/finder\.json(\?.*)?$"), lambda route: held.append(route))
    return held


def test_the_form_shows_before_its_data_and_the_list_does_not_move_when_it_arrives(context, site_url, library):
    page = new_page(context, viewport=PHONE)
    page.add_init_script(LAYOUT_SHIFTS)
    held = held_finder_data(page)
    page.goto(site_url + "activities/")
    page.wait_for_function("() => document.querySelector('#otkb-finder').dataset.state === 'loading'")
    assert page.get_by_role("search", name="Find an activity").is_visible()  # no data yet: the form is there
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("#otkb-finder[data-state=ready]")
    assert visible_titles(page) == expected_titles(library)
    assert page.evaluate("window.__otkbShifts") == []


def test_a_choice_made_before_the_data_arrives_is_applied_with_the_address(page, site_url, library):
    held = held_finder_data(page)
    page.goto(site_url + "activities/?age=4y")
    page.wait_for_function("() => document.querySelector('#otkb-finder').dataset.state === 'loading'")
    assert page.get_by_label("Child's age").input_value() == "4y"  # from the address, before the data
    page.get_by_label("Skill").select_option("grasp")
    held[0].continue_()
    page.wait_for_selector("#otkb-finder[data-state=ready]")
    assert visible_titles(page) == expected_titles(library, months=48, skill="grasp")
    assert query_of(page) == {"age": ["4y"], "skill": ["grasp"]}


def test_without_its_data_the_finder_steps_aside_for_the_pages(page, site_url, library):
    page.route(re.compile(r".*/finder\.json(\?.*)?$"), lambda route: route.abort())
    page.goto(site_url + "activities/")
    page.wait_for_selector("#otkb-finder[data-state=failed]", state="attached")
    assert not page.locator("#otkb-finder").is_visible()
    assert status(page).startswith("The finder could not load its data")
    assert visible_titles(page) == expected_titles(library)


# --- 120 activities: the listing goes page by page, the finder shows matches a batch at a time ---

def served_with_library(project):
    """`project`'s built site served on a free loopback port, with its library: (base URL, library)."""
    library, errors = build_library(project)
    assert errors == []
    server = _screenshots_module().serve(project / "site")
    yield f"http://127.0.0.1:{server.server_port}/", library
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def many(many_activities):
    yield from served_with_library(many_activities)


def test_without_javascript_the_pages_reach_every_activity(no_js_context, many):
    base, library = many
    page = no_js_context.new_page()
    page.goto(base + "activities/")
    titles, pages = [], 0
    while True:
        pages += 1
        titles += page.locator(".otkb-card .otkb-card__title").all_inner_texts()
        following = page.get_by_role("navigation", name="Pages of activities").locator("a[rel=next]")
        if not following.count():
            break
        following.click()
    assert pages == 3 and titles == [r.title for r in library.of_kind("activities")]


def test_matches_come_a_batch_at_a_time_and_show_more_moves_the_focus(page, many):
    base, library = many
    requests = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    open_finder(page, base + "activities/?setting=home")
    home = [r.title for r in library.of_kind("activities") if "home" in r.data.setting]
    assert len(home) > 50
    cards = page.locator("#otkb-finder-results .otkb-card__title")
    assert cards.all_inner_texts() == home[:50]
    assert status(page) == f"Showing {len(home)} of 120 activities"
    assert not page.locator(".otkb-pager").is_visible()  # the pages are for visitors without JavaScript
    page.get_by_role("button", name=f"Show {min(50, len(home) - 50)} more").click()
    assert cards.all_inner_texts() == home[:100]
    assert page.evaluate("document.activeElement.textContent") == home[50]
    assert "/activities/finder-materials.json" not in requests  # fetched only for a material filter

    page.get_by_label("Uses").fill("peg")
    pegs = [r.title for r in library.of_kind("activities") if "home" in r.data.setting
            and any("peg" in m.casefold() for m in r.data.materials)]
    page.wait_for_function("n => document.getElementById('otkb-count').textContent.startsWith('Showing ' + n + ' of')",
                           arg=len(pegs))
    assert cards.all_inner_texts() == pegs[:50]
    assert "/activities/finder-materials.json" in requests


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_and_the_batches_pass_axe(context, many, scheme):
    base, _ = many
    page = new_page(context, viewport=PHONE, color_scheme=scheme)
    page.goto(base + "activities/page/2/")
    assert axe_violations(page) == []
    open_finder(page, base + "activities/?setting=home")
    assert page.locator("#otkb-finder-more").is_visible()
    assert axe_violations(page) == []


@pytest.fixture(scope="module")
def by_letter(many_activities, tmp_path_factory):
    """The 120 activities with the listing by first letter past 100 records (urls.BY_LETTER_FROM),
    built once in a process of the tests' own so that the lower bound applies; served like `many`."""
    from conftest import build_in_this_process, built_once, copy_project
    from otkb.site import urls

    def make(project):
        copy_project(project, data=many_activities / "data")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(urls, "BY_LETTER_FROM", 100)
            patch.setenv("OTKB_CACHE_DIR", "")
            build_in_this_process(project)

    yield from served_with_library(built_once(tmp_path_factory, "by-letter", make))


def test_without_javascript_the_letters_and_their_pages_reach_every_activity(no_js_context, by_letter):
    base, library = by_letter
    page = no_js_context.new_page()
    page.goto(base + "activities/")
    letters = page.get_by_role("navigation", name="Activities by first letter").get_by_role("link")
    hrefs = [link.get_attribute("href") for link in letters.all()]
    assert len(hrefs) > 5 and hrefs[0] == "./"
    titles = []
    for href in hrefs:
        page.goto(base + "activities/" + href)
        while True:
            titles += page.locator(".otkb-card .otkb-card__title").all_inner_texts()
            following = page.locator(".otkb-pager a[rel=next]")
            if not following.count():
                break
            following.click()
    assert titles == [r.title for r in library.of_kind("activities")]  # each once, in the listing's order


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_letters_pass_axe_and_step_aside_for_the_finder(context, by_letter, scheme):
    base, _ = by_letter
    page = new_page(context, viewport=PHONE, color_scheme=scheme)
    page.goto(base + "activities/")
    second = page.get_by_role("navigation", name="Activities by first letter").get_by_role("link").nth(1)
    letter = second.inner_text()
    second.click()
    assert page.get_by_role("heading", level=1).inner_text().rstrip("¶") == f"Activities starting with {letter}"
    assert page.locator(f'.otkb-letters a[aria-current="page"]').inner_text() == letter
    assert axe_violations(page) == []
    open_finder(page, base + "activities/?setting=home")
    assert not page.locator(".otkb-letters").is_visible()  # the finder lists every match itself
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("() => !document.querySelector('.otkb-letters').hidden")
    first = page.locator(".otkb-letters a").first.inner_text()
    shown = page.locator(".otkb-cards:not(#otkb-finder-results) .otkb-card").count()
    assert status(page) == f"120 activities. Starting with {first}: 1 to {shown} on this page."  # not "all 120"
    assert axe_violations(page) == []


def test_the_compact_cards_keep_the_whole_badge(page, site_url, library):
    """The finder's cards (built from finder.json) say what the listing's cards say about the evidence."""
    from otkb.site.badges import strongest_badge

    listing = {}
    page.goto(site_url + "activities/")
    for card in page.locator(".otkb-cards:not(#otkb-finder-results) .otkb-card").all():
        listing[card.locator(".otkb-card__title").inner_text()] = card.locator(".otkb-card__meta").inner_text()
    open_finder(page, site_url + "activities/?age=5y")
    cards = page.locator("#otkb-finder-results .otkb-card")
    tested = 0
    for i in range(cards.count()):
        card = cards.nth(i)
        title = card.locator(".otkb-card__title").inner_text()
        record = next(r for r in library.of_kind("activities") if r.title == title)
        badge = strongest_badge(record, library)
        meta = card.locator(".otkb-card__meta")
        assert meta.inner_text() == listing[title], title  # the same words as the page's own card
        if badge is None:
            assert meta.locator(".otkb-badge").count() == 0, title
            continue
        tested += 1
        assert meta.locator(".otkb-badge").inner_text() == badge.label
        assert meta.locator(".otkb-badge").get_attribute("class") == f"otkb-badge otkb-badge--{badge.tone}"
        assert meta.locator(".otkb-card__evidence").inner_text() == badge.summary
    assert tested >= 2  # catching practice, hopscotch and shoe tying are for 5-year-olds

"""The evidence map in Chromium: its filters, the page without JavaScript, a phone, and paper."""

from __future__ import annotations

from .conftest import PHONE, axe_violations, new_page

MAP = "research/map/"


def visible_studies(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.otkb-map__study')]
        .filter(el => !el.hidden && el.offsetParent !== null).map(el => ({...el.dataset}))""")


def test_the_filters_show_the_studies_that_fit_and_say_where_none_does(page, site_url):
    page.goto(site_url + MAP)
    form = page.locator("#otkb-map-filters")
    form.wait_for(state="visible")  # the script shows the form it drives
    everything = visible_studies(page)
    assert len(everything) > 5 and page.locator(".otkb-map__none--filtered:visible").count() == 0
    count = page.locator("#otkb-map-count")
    all_words = count.inner_text()

    page.get_by_label("Children studied", exact=True).select_option(label="Children with cerebral palsy")
    shown = visible_studies(page)
    assert shown and all("cerebral-palsy" in s["groups"].split() for s in shown)
    assert len(shown) < len(everything)
    links = page.evaluate("""() => new Set([...document.querySelectorAll('.otkb-map__study')]
        .filter(el => !el.hidden).map(el => el.querySelector('a').getAttribute('href'))).size""")
    assert count.inner_text().startswith(f"Showing {links} of ")
    assert page.locator(".otkb-map__none--filtered:visible").count() > 0  # cells whose studies are all hidden

    page.get_by_role("button", name="Show every study").click()
    page.wait_for_function("() => !document.querySelector('#otkb-map-count').textContent.startsWith('Showing')")
    assert len(visible_studies(page)) == len(everything) and count.inner_text() == all_words

    page.get_by_label("Child's age in years").fill("4")
    shown = visible_studies(page)
    assert shown and all(s["min"] == "" or int(s["min"]) <= 48 <= int(s["max"]) for s in shown)
    assert len(shown) < len(everything)

    page.get_by_label("Child's age in years").fill("")
    page.get_by_label("Certainty").select_option(label="Low or better")
    assert all(int(s["certainty"]) >= 2 for s in visible_studies(page))


def test_without_javascript_the_whole_map_shows_and_no_filter_does(no_js_context, site_url):
    page = no_js_context.new_page()
    page.goto(site_url + MAP)
    assert not page.locator("#otkb-map-filters").is_visible()
    assert page.locator(".otkb-map__study").count() == page.locator(".otkb-map__study:visible").count() > 5
    assert page.get_by_text("No study yet").first.is_visible()


def test_on_a_phone_only_the_table_scrolls_sideways_and_axe_finds_nothing(context, site_url):
    page = new_page(context, viewport=PHONE, color_scheme="dark")
    page.goto(site_url + MAP)
    page.locator("#otkb-map-filters").wait_for(state="visible")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.get_by_role("region", name="Studies by skill or children studied (rows) and approach tested (columns)")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # reachable by keyboard: tabindex=0
    assert axe_violations(page) == []


def test_on_paper_the_table_prints_without_filters(page, site_url):
    page.goto(site_url + MAP)
    page.locator("#otkb-map-filters").wait_for(state="visible")
    page.emulate_media(media="print")
    assert not page.locator("#otkb-map-filters").is_visible()
    assert page.locator(".otkb-map__table").is_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.otkb-map')).overflowX") == "visible"

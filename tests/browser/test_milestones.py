"""Milestones in a real browser: the chart on a phone and on paper, a milestone page's activities, and the
finder's link to the milestones for an age."""

import re

from .conftest import PHONE, new_page


def test_the_chart_fits_a_phone_without_sideways_scrolling(context, site_url):
    page = new_page(context, viewport=PHONE)
    page.goto(site_url + "milestones/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each age is a card: its cells stack under the age, each labelled with its skill area.
    row = page.locator("table.otkb-chart tbody tr").nth(10)
    age, first_cell = row.locator("th").bounding_box(), row.locator("td").first.bounding_box()
    assert first_cell["y"] >= age["y"] + age["height"] - 1 and first_cell["width"] > PHONE["width"] * 0.8
    label = page.evaluate("""() => getComputedStyle(document.querySelector('table.otkb-chart td'), '::before')
                             .getPropertyValue('content')""")
    assert label == '"Gross motor skills"'


def test_the_chart_prints_on_one_a4_page(page, site_url):
    page.goto(site_url + "milestones/")
    pdf = page.pdf(format="A4")
    pages = int(re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S).group(1))
    assert pages == 1


def test_a_milestone_page_leads_to_its_activities_and_back(page, site_url):
    page.goto(site_url + "milestones/3-years/")
    box = page.locator(".otkb-seek-help")
    assert box.is_visible() and box.bounding_box()["y"] < page.locator("#what-most-children-can-do-by-3-years").bounding_box()["y"]
    cards = page.locator(".otkb-card--activities .otkb-card__title")
    titles = cards.all_inner_texts()
    assert "Tiny crayon drawing to practise a pencil grip" in titles and "Animal walks" not in titles
    cards.filter(has_text="Tiny crayon drawing").click()
    page.wait_for_url(re.compile(r"/activities/tiny-crayon-drawing/$"))
    page.locator(".otkb-milestone-links").get_by_role("link", name="3 years").click()
    page.wait_for_url(re.compile(r"/milestones/3-years/$"))


def test_the_finder_links_the_milestones_for_the_age_chosen(page, site_url):
    page.goto(site_url + "activities/?age=4y")
    page.wait_for_selector("#otkb-finder[data-state=ready]")
    link = page.locator("#otkb-finder-milestones a:visible")
    assert link.count() == 1 and link.inner_text() == "See the milestones at 4 years"
    link.click()
    page.wait_for_url(re.compile(r"/milestones/4-years/$"))
    page.go_back()
    page.select_option("#otkb-finder-age", "18m")
    assert page.locator("#otkb-finder-milestones a:visible").inner_text() == "See the milestones at 18 months"
    page.select_option("#otkb-finder-age", "6y")  # past the last checklist (5 years): no link
    assert not page.locator("#otkb-finder-milestones").is_visible()
    page.select_option("#otkb-finder-age", "")
    assert not page.locator("#otkb-finder-milestones").is_visible()

"""WCAG 2.2 AA: axe-core finds no serious or critical violation on any page type, light or dark."""

import pytest

from .conftest import PHONE, axe_violations, new_page

PAGES = {
    "home": "",
    "articles listing": "articles/",
    "research listing": "research/",
    "evidence map": "research/map/",
    "activity finder": "activities/",
    "finder with filters and no match": "activities/?age=18m&skill=scissor-skills",
    "finder with an age no activity fits": "activities/?age=10y",
    "topics": "topics/",
    "topic": "topics/fine-motor/",
    "article": "articles/fine-vs-gross-motor-skills-ot-and-pt/",
    "research card": "research/bos-2013-preterm-motor/",
    "activity": "activities/peg-pinch-game/",
    "activity with a tested study": "activities/catching-practice-scarf-to-ball/",
    "activity with a tested part": "activities/shoe-tying-practice-box/",
    "research card of a trial": "research/ferguson-2013-neuromotor-task-training-dcd/",
    "finder showing evidence badges": "activities/?age=5y",
    "milestones chart": "milestones/",
    "milestone page": "milestones/18-months/",
    "not found": "no-such-page/",
}


@pytest.fixture(scope="module")
def page_in(browser):
    """The page of each colour scheme (in a browser context of its own, with that scheme) that the
    module's pages are opened in, one after another: opening them only to read them (axe changes
    nothing), a test needs no fresh page, and a fresh context would cost more than axe's check (a
    renderer process started, the site's and axe's scripts compiled again)."""
    pages = {}

    def page_in(scheme):
        if scheme not in pages:
            pages[scheme] = browser.new_context(color_scheme=scheme).new_page()
        return pages[scheme]
    yield page_in
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violations(page_in, site_url, name, scheme):
    page = page_in(scheme)
    page.goto(site_url + PAGES[name])
    if PAGES[name].startswith("activities/?"):
        page.wait_for_selector("#otkb-finder[data-state=ready]")  # the finder has fetched its data and answered
    assert axe_violations(page) == []


def test_phone_layout_and_the_audience_switch_in_use(context, site_url):
    page = new_page(context, viewport=PHONE, color_scheme="dark")
    page.goto(site_url + "research/bos-2013-preterm-motor/")
    page.get_by_role("radio", name="Parents").check()
    assert axe_violations(page) == []
    page.goto(site_url + "activities/?skill=grasp")
    assert axe_violations(page) == []

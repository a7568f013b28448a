"""My child's checklist on a milestone page (checklist.js): ticks kept in this browser only, the summary,
clearing, the printout for the doctor (one A4 page, checked as the handouts in test_print.py are), and the
page without JavaScript."""

import datetime as dt
import re

import pytest

from conftest import PROJECT
from otkb.content.pipeline import build_library
from .conftest import PHONE, axe_violations, new_page
from .test_print import CHROME

AGES = sorted(p.stem for p in (PROJECT / "data" / "milestones").glob("*.yml"))
PAGE = "milestones/18-months/"
BOXES = ".otkb-checklist input[type=checkbox]"


def pdf_pages(pdf: bytes) -> int:
    return int(re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S).group(1))


def box(page, text):
    return page.get_by_role("checkbox", name=text)


def kept(page) -> dict:
    """What the checklist keeps in this browser (Material keeps the palette there too)."""
    return page.evaluate("""() => Object.fromEntries(Object.entries(localStorage)
                               .filter(([key]) => key.startsWith('otkb-checklist')))""")


def not_yet(page) -> list[str]:
    return page.locator(".otkb-summary__list li").all_inner_texts()


def test_ticks_fill_the_summary_and_are_kept_after_a_reload(page, site_url):
    page.goto(site_url + PAGE)
    assert page.get_by_text("Your ticks are kept only in this browser, on this device: nothing is sent").is_visible()
    assert not page.locator(".otkb-checklist-nojs").is_visible()  # that note is for pages without JavaScript
    total = page.locator(BOXES).count()
    assert total == 8 and page.locator(f"{BOXES}:checked").count() == 0
    summary = page.locator(".otkb-summary")
    assert summary.is_visible()
    assert summary.locator(".otkb-summary__count").inner_text() == "You have ticked 0 of the 8 milestones on this page."
    assert "Scribbles." in not_yet(page)

    box(page, "Scribbles.").check()
    box(page, "Walks without holding on to anyone or anything.").check()
    assert summary.locator(".otkb-summary__count").inner_text() == "You have ticked 2 of the 8 milestones on this page."
    assert "Scribbles." not in not_yet(page) and len(not_yet(page)) == 6
    assert "Climbs on and off a sofa or chair without help." in not_yet(page)
    # The page's own advice goes with what is not yet seen.
    advice = summary.locator(".otkb-summary__advice")
    assert advice.is_visible() and "Your child has lost skills they could do before." in advice.inner_text()
    # Activities for the areas with something not ticked: fine motor is all ticked now.
    areas = summary.locator(".otkb-summary__area:visible h4").all_inner_texts()
    assert areas == ["Gross motor skills", "Self-care"]
    assert summary.get_by_role("link", name="Scoop and spear snack game").is_visible()

    page.reload()
    assert box(page, "Scribbles.").is_checked()
    assert box(page, "Walks without holding on to anyone or anything.").is_checked()
    assert page.locator(f"{BOXES}:checked").count() == 2
    assert summary.locator(".otkb-summary__count").inner_text() == "You have ticked 2 of the 8 milestones on this page."
    # Each age keeps its own ticks.
    page.goto(site_url + "milestones/2-years/")
    assert page.locator(f"{BOXES}:checked").count() == 0


def test_everything_ticked_still_points_to_the_full_checklist(page, site_url):
    page.goto(site_url + "milestones/2-months/")
    for item in page.locator(BOXES).all():
        item.check()
    assert not page.locator(".otkb-summary__not-yet").is_visible()
    assert not page.locator(".otkb-summary__activities").is_visible()
    everything = page.locator(".otkb-summary__all")
    assert everything.is_visible() and everything.inner_text().startswith("You have ticked everything on this page.")
    assert everything.get_by_role("link").get_attribute("href") == "https://www.cdc.gov/ncbddd/actearly/milestones/milestones-2mo.html"


def test_clear_removes_the_ticks_from_the_page_and_the_browser(page, site_url):
    page.goto(site_url + PAGE)
    box(page, "Scribbles.").check()
    box(page, "Tries to use a spoon.").check()
    assert list(kept(page)) == ["otkb-checklist:milestones/18-months"]
    page.get_by_role("button", name="Clear my ticks").click()
    assert page.locator(f"{BOXES}:checked").count() == 0
    assert page.get_by_role("status").filter(has_text="Your ticks on this page are cleared.").is_visible()
    assert kept(page) == {}
    page.reload()
    assert page.locator(f"{BOXES}:checked").count() == 0
    assert len(not_yet(page)) == 8


def test_ticking_and_clearing_send_nothing(page, site_url):
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for item in page.locator(BOXES).all()[:5]:
        item.check()
    box(page, "Scribbles.").uncheck()
    page.get_by_role("button", name="Clear my ticks").click()
    page.wait_for_timeout(300)  # let anything a tick might have queued go out
    assert requests == []
    assert kept(page) == {}  # cleared: nothing kept either


@pytest.mark.own_context  # the clock it fixes is the context's
def test_the_printout_for_the_doctor_is_one_a4_page(page, site_url):
    page.clock.set_fixed_time(dt.datetime(2027, 3, 14, 10, 0))
    page.goto(site_url + PAGE)
    box(page, "Scribbles.").check()
    # The button prints the page (headless Chromium has no dialog: count the calls instead).
    page.evaluate("() => { window.print = () => { window.otkbPrinted = (window.otkbPrinted || 0) + 1; }; }")
    page.get_by_role("button", name="Print or save for the doctor").click()
    assert page.evaluate("window.otkbPrinted") == 1

    page.emulate_media(media="print")
    for selector in CHROME + (".otkb-checklist-tools", ".otkb-summary__activities", ".otkb-summary__advice",
                              ".otkb-age-nav", "#activities-for-this-age", ".otkb-cards"):
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    date = page.locator(".otkb-checklist-date")
    assert date.is_visible() and date.inner_text().startswith("Date: 14 March 2027")
    assert "A ticked box: seen. An empty box: not yet seen." in date.inner_text()
    assert box(page, "Scribbles.").is_visible() and box(page, "Scribbles.").is_checked()
    assert box(page, "Tries to use a spoon.").is_visible() and not box(page, "Tries to use a spoon.").is_checked()
    assert page.locator(".otkb-summary__count").inner_text() == "You have ticked 1 of the 8 milestones on this page."
    assert page.locator(".otkb-print-notes").is_visible()
    assert page.locator(".otkb-print-notes__lines span").count() >= 4
    for kept in (".otkb-seek-help", ".otkb-source", ".otkb-trust__disclaimer", ".otkb-print-url"):
        assert page.locator(kept).is_visible(), kept
    # The full checklist's address is written out, since a link does not work on paper.
    after = page.evaluate("""() => getComputedStyle(document.querySelector('a.otkb-full-checklist'), '::after')
                             .getPropertyValue('content')""")
    source = build_library(PROJECT)[0].records["milestones/18-months"].data.source.url
    assert after == f'" ({source})"'
    assert pdf_pages(page.pdf(format="A4")) == 1


def test_the_milestone_print_rules_leave_other_handouts_alone(page, site_url):
    page.goto(site_url + "activities/peg-pinch-game/")
    page.emulate_media(media="print")
    assert page.locator(".otkb-lede").is_visible()
    size = page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize")
    assert size == "25.3333px"  # print.css's 19pt for every handout's title


@pytest.mark.parametrize("slug", AGES)
def test_every_age_prints_on_one_a4_page_with_ticks(page, site_url, slug):
    page.goto(site_url + f"milestones/{slug}/")
    boxes = page.locator(BOXES).all()
    for item in boxes[::2]:
        item.check()
    assert page.locator(".otkb-scope").is_visible()  # the scope line, on screen
    assert pdf_pages(page.pdf(format="A4")) == 1, slug


def test_without_javascript_the_page_is_a_list_to_tick_and_print(no_js_context, site_url):
    page = no_js_context.new_page()
    page.goto(site_url + PAGE)
    assert page.locator(BOXES).count() == 8
    box(page, "Scribbles.").check()  # real checkboxes: they tick, they just are not kept
    assert box(page, "Scribbles.").is_checked()
    assert not page.locator(".otkb-checklist-tools").is_visible()
    assert not page.locator(".otkb-summary").is_visible()
    assert page.locator(".otkb-scope").is_visible()
    assert page.get_by_text("Tick what you have seen your child do, then print this page for the doctor.").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".otkb-checklist-date").inner_text().startswith("Date: ____")  # to fill in by hand
    assert page.locator(".otkb-print-notes").is_visible()
    assert pdf_pages(page.pdf(format="A4")) == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_checklist_in_use_on_a_phone_is_accessible(context, site_url, scheme):
    page = new_page(context, viewport=PHONE, color_scheme=scheme)
    page.goto(site_url + "milestones/12-months/")
    box(page, "Pulls up to standing.").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for button in ("Print or save for the doctor", "Clear my ticks"):
        shape = page.get_by_role("button", name=button).bounding_box()
        assert shape["x"] >= 0 and shape["x"] + shape["width"] <= PHONE["width"] and shape["height"] >= 24
    assert axe_violations(page) == []


def test_a_browser_that_keeps_nothing_still_ticks_and_says_so(page, site_url):
    page.add_init_script("Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };")
    page.goto(site_url + PAGE)
    box(page, "Scribbles.").check()
    assert box(page, "Scribbles.").is_checked()
    assert page.locator(".otkb-summary__count").inner_text() == "You have ticked 1 of the 8 milestones on this page."
    assert page.get_by_role("status").inner_text() == (
        "This browser is not keeping your ticks: they will be gone when you leave the page. You can still print them.")

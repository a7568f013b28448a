"""Printable handouts: an activity on paper, checked with print media emulation and a real PDF."""

import re

import pytest

from conftest import PROJECT

ACTIVITIES = sorted(p.stem for p in (PROJECT / "data" / "activities").glob("*.yml"))
CHROME = (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
          ".md-search", ".md-top", ".md-content__button")


def test_an_activity_prints_without_site_chrome(page, site_url):
    page.goto(site_url + "activities/peg-pinch-game/")
    assert page.locator(".md-header").is_visible()
    assert not page.locator(".otkb-print-url").is_visible()
    page.emulate_media(media="print")
    for selector in CHROME:
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    for kept in (".otkb-safety", "ul.otkb-materials", "ol.otkb-steps", ".otkb-trust__disclaimer"):
        assert page.locator(kept).is_visible(), kept
    address = page.locator(".otkb-print-url")
    assert address.is_visible()
    assert address.inner_text() == "Find this page again at https://otkb.example.org/activities/peg-pinch-game/"
    # Steps keep their numbers and materials their tick boxes, drawn without background colours.
    number = page.evaluate("""() => getComputedStyle(document.querySelector('ol.otkb-steps > li'), '::before')""" +
                           """.getPropertyValue('content')""")
    assert number == "counter(step)"
    box = page.evaluate("""() => getComputedStyle(document.querySelector('ul.otkb-materials > li'), '::before')""" +
                        """.getPropertyValue('border-top-style')""")
    assert box == "solid"


@pytest.mark.parametrize("slug", ACTIVITIES)
def test_every_activity_prints_on_one_or_two_pages(page, site_url, slug, tmp_path):
    page.goto(site_url + f"activities/{slug}/")
    pdf = page.pdf(format="A4")
    pages = int(re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S).group(1))
    assert 1 <= pages <= 2, f"{slug} prints on {pages} pages"

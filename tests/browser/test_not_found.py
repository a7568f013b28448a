"""The 404 page as a visitor meets it: served by the host for a missing address, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PHONE, _screenshots_module, axe_violations, new_page


class _NotFoundHandler(_screenshots_module()._QuietHandler):
    """Serves the site like a static host does: a missing address gets 404.html with status 404."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def host(sample_site):
    server = _screenshots_module().serve(sample_site, _NotFoundHandler)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_missing_page_offers_search_for_the_words_of_its_address(page, host):
    response = page.goto(host + "activities/peg-pinch-gam/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "We can't find that page"
    assert page.locator("#otkb-notfound-q").input_value() == "peg pinch gam"
    page.locator(".otkb-notfound__search button").click()
    page.wait_for_url("**/?q=peg+pinch+gam")
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search__input").input_value() == "peg pinch gam"
    titles = page.locator(".md-search-result__item > .md-search-result__link h1").all_inner_texts()
    assert "Peg pinch game" in titles


def test_the_404_page_links_work_from_any_depth(page, host):
    page.goto(host + "no/such/deep/page.html")
    assert page.locator("#otkb-notfound-q").input_value() == "page"
    page.locator(".otkb-card__title a", has_text="Activities").click()
    page.wait_for_url(host + "activities/")
    assert page.title().startswith("Activities")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_404_page_passes_axe_on_a_phone(context, host, scheme):
    page = new_page(context, viewport=PHONE, color_scheme=scheme)
    page.goto(host + "gone/")
    assert page.locator("#otkb-notfound-q").input_value() == "gone"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

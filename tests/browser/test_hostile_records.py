"""The hostile record set (tests/hostile.py) in a real browser: no payload runs, however Chromium parses it.

The HTML oracle in tests/live_markup.py reads pages with Python's parser;
Chromium's own parse settles mutation tricks (SVG/MathML, unclosed tags) the
way readers' browsers will. Every payload calls alert(), so a dialog means
script ran; the DOM is then searched for handlers, script URLs and styles
that would run on a click. Search results (inserted with innerHTML) and
search highlighting (`?h=` after following a result) get the same check.
"""

from __future__ import annotations

import pytest

from .conftest import _screenshots_module

MARKER = "OTXSS"
FIND_LIVE = """marker => {
  const found = [];
  const squeeze = v => v.replace(/[\\u0000-\\u0020]/g, "");
  const urlAttributes = ["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"];
  for (const el of document.querySelectorAll("*")) {
    for (const {name, value} of Array.from(el.attributes)) {
      if (!value.includes(marker)) continue;
      if (name.startsWith("on") || name === "style" || name === "srcdoc") found.push(`${el.tagName} ${name}=${value}`);
      if (urlAttributes.includes(name) && /^(javascript|data|vbscript):/i.test(squeeze(value)))
        found.push(`${el.tagName} ${name}=${value}`);
    }
    const tag = el.tagName.toLowerCase();
    const text = el.textContent || "";
    if (tag === "script" && !/json/.test(el.type) && text.includes(marker)) found.push(`script ${text.slice(0, 80)}`);
    const ownAttributes = Array.from(el.attributes).map(a => a.value).join(" ");
    if (tag === "style" && text.includes(marker)) found.push(`style ${text.slice(0, 80)}`);
    if (["iframe", "object", "embed", "form", "base", "link"].includes(tag) && ownAttributes.includes(marker))
      found.push(el.outerHTML.slice(0, 120));
    if (tag === "meta" && el.httpEquiv && ownAttributes.includes(marker)) found.push(el.outerHTML.slice(0, 120));
    if ((tag === "svg" || tag === "math") && el.outerHTML.includes(marker)) found.push(el.outerHTML.slice(0, 120));
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_site_url(hostile_site):
    """The hostile site (built once per run, shared with tests/site/test_hostile_output.py), served."""
    server = _screenshots_module().serve(hostile_site)
    pages = sorted(p.relative_to(hostile_site).as_posix().removesuffix("index.html")
                   for p in hostile_site.rglob("index.html"))
    yield f"http://127.0.0.1:{server.server_port}/", pages
    server.shutdown()
    server.server_close()


def test_no_hostile_payload_runs_on_any_page(context, hostile_site_url):
    base, pages = hostile_site_url
    page = context.new_page()
    dialogs, found = [], []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    for path in pages:
        page.goto(base + path + f"?h={MARKER}")  # ?h= is how search highlighting arrives on a page
        page.wait_for_load_state("load")
        found += [f"/{path}: {hit}" for hit in page.evaluate(FIND_LIVE, MARKER)]
    assert len(pages) > 20
    assert dialogs == [] and found == []


def test_no_hostile_payload_runs_in_search_results(context, hostile_site_url):
    base, _ = hostile_site_url
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base)
    page.locator(".md-search__input").click()
    page.keyboard.type(MARKER)
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_timeout(500)  # the worker answers the last keystroke
    results = page.locator(".md-search-result__item").count()
    found = page.evaluate(FIND_LIVE, MARKER)
    assert results >= 3  # the hostile records were found, so their titles and texts were rendered
    assert dialogs == [] and found == []


@pytest.mark.parametrize("query", ["skill=hostile-topic", f"material={MARKER.lower()}"])
def test_no_hostile_payload_runs_in_the_finders_cards(context, hostile_site_url, query):
    """The finder builds its result cards from finder.json (and the materials file) in the browser."""
    base, _ = hostile_site_url
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "activities/?" + query)
    page.wait_for_selector("#otkb-finder-results .otkb-card")
    titles = page.locator("#otkb-finder-results .otkb-card__title").all_inner_texts()
    found = page.evaluate(FIND_LIVE, MARKER)
    assert any(MARKER in title for title in titles)  # the hostile title was rendered, as text
    assert dialogs == [] and found == []

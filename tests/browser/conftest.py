"""Browser tests: the built sample site, served on a loopback port, driven in headless Chromium.

One site build and one browser per test session. A test gets pages of its
own in a browser context the session shares (`context`, and `no_js_context`
for pages without JavaScript), which forgets every origin's storage (local and
session storage, cookies, IndexedDB, caches) and closes the test's pages after
each test: the storage a fresh context would give, without the fresh
context's cost (a context is a new renderer process with cold caches: half a
CPU second, and a page's scripts compiled again). A page that needs another
size or colour scheme is `new_page(context, viewport=..., color_scheme=...)`.
A test that changes the context itself (its clock) is marked `own_context`.

Chromium is Debian's headless shell (/usr/bin/chromium-headless-shell, the
same Blink and V8 as its chromium without the browser around them: a page
load costs about half the CPU; Playwright too drives it for headless runs),
else Debian's chromium, or $OTKB_CHROMIUM, launched through the Python
playwright package, since no browser can be downloaded here. Without it the browser tests are skipped, saying why, except in CI
(`CI` set), where that is a failure. axe-core's axe.min.js comes from the
axe-playwright-python wheel, pinned in the test extra of pyproject.toml, so
the README's test command brings it in.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PROJECT

HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"


def chromium() -> str:
    """The browser the tests drive: $OTKB_CHROMIUM, else Debian's headless shell when installed (.ci/run
    installs it), else Debian's chromium."""
    if "OTKB_CHROMIUM" in os.environ:
        return os.environ["OTKB_CHROMIUM"]
    return HEADLESS_SHELL if Path(HEADLESS_SHELL).is_file() else "/usr/bin/chromium"


CHROMIUM = chromium()
AXE = files("axe_playwright_python") / "axe.min.js"  # axe-core, from the test extra's wheel
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# WCAG 2.0-2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's run, of which only the violations come back: its passes list every element it checked, and
# carrying them over to Python cost about as much as the run.
AXE_VIOLATIONS = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(results => results.violations)"


@functools.cache
def _screenshots_module():
    """scripts/screenshots.py serves a site and knows the browser flags; the tests reuse both."""
    spec = importlib.util.spec_from_file_location("otkb_screenshots", PROJECT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def site_url(sample_site):
    """The sample site (built once, --strict) served on a free loopback port."""
    server = _screenshots_module().serve(sample_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium-headless-shell, or set OTKB_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + "; browser tests skipped")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_screenshots_module().BROWSER_ARGS)
        yield browser
        browser.close()


class SharedContext:
    """A browser context that the tests on this worker share, and what it takes to empty it after each."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport=DESKTOP, **options)
        self.origins = set()  # every origin the context asked something of: the ones that may keep storage
        self.context.on("request", lambda request: self.origins.add(_origin(request.url)))
        # open for the whole session: the page whose DevTools session empties the context's storage
        self.keeper = self.context.new_page()
        self.devtools = self.context.new_cdp_session(self.keeper)

    def forget(self) -> None:
        """Close the test's pages and clear every origin's storage, as a fresh context would start; the
        HTTP cache is kept (the site's files, as a returning visitor has them)."""
        for page in self.context.pages:
            if page is not self.keeper:
                page.close()
        for origin in self.origins - {"null"}:
            self.devtools.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.origins.clear()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else "null"


@pytest.fixture(scope="session")
def _shared_context(browser):
    shared = SharedContext(browser)
    yield shared
    shared.context.close()


@pytest.fixture(scope="session")
def _shared_no_js_context(browser):
    shared = SharedContext(browser, java_script_enabled=False)
    yield shared
    shared.context.close()


@pytest.fixture
def context(request, browser, _shared_context):
    """The session's browser context, emptied of storage and of this test's pages when the test ends; a
    fresh one for a test marked `own_context`, which changes what no page can undo (`page.clock` is the
    context's clock)."""
    if request.node.get_closest_marker("own_context"):
        context = browser.new_context(viewport=DESKTOP)
        yield context
        context.close()
        return
    yield _shared_context.context
    _shared_context.forget()


@pytest.fixture
def no_js_context(_shared_no_js_context):
    """The session's browser context with JavaScript off, emptied like `context`."""
    yield _shared_no_js_context.context
    _shared_no_js_context.forget()


def new_page(context, viewport=None, color_scheme=None):
    """A page of `context` at `viewport` ({width, height}) with the system's `color_scheme` ("light",
    "dark"): what a context of its own with those options gives, set before anything loads. Not for a
    second scheme in one test: Material keeps the first page's palette in the origin's storage."""
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    if color_scheme:
        page.emulate_media(color_scheme=color_scheme)
    return page


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (WCAG 2.2 A and AA rules) on the page; the violations of the given impacts, readable."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: run `pip install -e '.[test]'`")
    # Colours mid-transition (Material fades search results in) are blends that fail contrast: wait for
    # every running animation and transition to end first.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    # evaluated through DevTools: the site's Content-Security-Policy refuses a script tag written into it
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(AXE_VIOLATIONS, AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in violations if v["impact"] in impacts]

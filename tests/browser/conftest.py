"""Browser tests: the built sample site, served on a loopback port, driven in headless Chromium.

One site build and one browser per test session; each test gets a fresh
browser context (its own storage). Chromium is Debian's (/usr/bin/chromium,
or $OTKB_CHROMIUM), launched through the Python playwright package, since no
browser can be downloaded here. Without it the browser tests are skipped,
saying why, except in CI (`CI` set), where that is a failure. axe-core's
axe.min.js comes from the axe-playwright-python wheel, pinned in the test
extra of pyproject.toml, so the README's test command brings it in.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from conftest import PROJECT

CHROMIUM = os.environ.get("OTKB_CHROMIUM", "/usr/bin/chromium")
AXE = files("axe_playwright_python") / "axe.min.js"  # axe-core, from the test extra's wheel
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# WCAG 2.0-2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set OTKB_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + "; browser tests skipped")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_screenshots_module().BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


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
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in results["violations"] if v["impact"] in impacts]

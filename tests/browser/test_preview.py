"""The live preview in a real browser: a save that breaks a record shows each problem on the page
the editor is looking at, as text, until the next good save (issue 21, item 7)."""

from __future__ import annotations

import pytest

from conftest import copy_project
from serving import CHANGE_SECONDS, mkdocs_serve

from .conftest import PHONE, axe_violations

BANNER = ".otkb-preview-problems"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def preview(tmp_path):
    with mkdocs_serve(copy_project(tmp_path / "project"), tmp_path / "serve.log") as running:
        yield running


def watch(page, problems: list) -> None:
    """Collect what must never happen: a script error, a dialog (the hostile value ran), a console
    error (a script or style the Content-Security-Policy refused)."""
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error"
            else None)


def test_a_broken_record_shows_a_banner_until_the_next_good_save(preview, context, browser):
    project, base, log, _ = preview
    record = project / "data/activities/peg-game.yml"
    original = record.read_text()
    problems = []
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{base}/activities/peg-game/")
    assert page.locator(BANNER).count() == 0

    # The editor saves a broken record; the page reloads itself (the live-reload script) with the banner.
    record.write_text(original.replace("setting: [home, school]", "setting: [home, shcool]")
                      .replace("audiences: [parents, educators]", f'audiences: [parents, "{HOSTILE}"]'))
    banner = page.locator(f"{BANNER}[role=alert]")
    banner.wait_for(state="visible", timeout=CHANGE_SECONDS * 1000)
    text = banner.inner_text()
    assert "The preview is out of date: 2 problems." in text
    assert ("data/activities/peg-game.yml:4:22 audiences[2]: expected one of: parents, therapists, educators "
            f"but received: '{HOSTILE}'") in text  # the editor's text, shown as text
    assert ("data/activities/peg-game.yml:9:17 setting[2]: expected one of: home, school, clinic, outdoors "
            "but received: 'shcool' (did you mean 'school'?)") in text
    assert banner.locator("img, script").count() == 0
    assert page.locator("h1").inner_text().rstrip("¶") == "Peg game"  # the last good page, under the banner
    assert axe_violations(page) == []  # role, contrast (light)
    page.goto(f"{base}/research/smith-2020-pegs/")  # every page says so, not only the broken record's
    assert "peg-game.yml:9:17" in page.locator(BANNER).inner_text()

    # a context of its own: the first page has kept the light palette in the shared one's storage
    dark = browser.new_context(viewport=PHONE, color_scheme="dark")
    phone = dark.new_page()
    watch(phone, problems)
    phone.goto(f"{base}/activities/peg-game/")
    assert phone.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert phone.locator(BANNER).is_visible() and axe_violations(phone) == []  # contrast (dark, phone)

    # The next good save: the pages reload themselves, without the banner.
    record.write_text(original.replace("title: Peg game", "title: Peg game, fixed"))
    for shown in (page, phone):
        shown.locator(BANNER).wait_for(state="detached", timeout=CHANGE_SECONDS * 1000)
    assert "fixed" not in page.locator("h1").inner_text()  # the research card, reloaded
    phone.locator("h1", has_text="Peg game, fixed").wait_for(timeout=CHANGE_SECONDS * 1000)
    assert problems == [], problems
    dark.close()


def test_a_built_site_carries_no_preview_banner_or_script(sample_site):
    """The banner and the live-reload script are added by `mkdocs serve` as it sends a page: never written."""
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "otkb-preview" not in html and "/livereload/" not in html, page

"""Builds that fail, late or killed, leave the site byte-identical (a new site is swapped in in one step,
and a failed or killed build's leftovers are cleared); a site folder that cannot be written is one
line, not a traceback; edit links only with OTKB_REPO_URL."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, build, leftovers, tree_digest, write
from otkb.host import sitedir


# --- atomic builds ---------------------------------------------------------------

LATE_FAILURES = {
    "an exception after the swap": (
        "from mkdocs.plugins import event_priority\n\n@event_priority(-200)\ndef on_post_build(config):\n"
        "    raise RuntimeError('a late plugin failed')\n", [], "a late plugin failed"),
    "a strict warning after the swap": (
        "import logging\nfrom mkdocs.plugins import event_priority\n\n@event_priority(-200)\n"
        "def on_post_build(config):\n    logging.getLogger('mkdocs.plugins.late').warning('late warning')\n",
        ["--strict"], "Aborted with 1 warnings in strict mode"),
    "an exception while pages are written": (
        "def on_post_page(output, page, config):\n    if page.file.src_uri == 'topics/grasp.md':\n"
        "        raise RuntimeError('a page could not be written')\n    return output\n", [],
        "a page could not be written"),
}


def add_hook(project: Path, source: str) -> None:
    write(project / "hooks/late.py", source)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - hooks/main.py\n", "  - hooks/main.py\n  - hooks/late.py\n"))


@pytest.mark.parametrize("name", sorted(LATE_FAILURES))
def test_a_build_that_fails_late_leaves_the_site_byte_identical(project, name):
    source, args, message = LATE_FAILURES[name]
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    add_hook(project, source)
    write(project / "data/activities/new-one.yml", (FIXTURE_DATA / "activities/peg-game.yml").read_text()
          .replace("title: Peg game", "title: A new one"))  # so a replaced site would differ
    result = build(project, *args)
    assert result.returncode == 1 and message in result.stderr + result.stdout
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


def test_a_template_error_leaves_the_site_byte_identical(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    write(project / "overrides/main.html", '{% extends "base.html" %}\n{% block content %}{{ nothing.here() }}'
          "{% endblock %}\n")
    result = build(project)
    assert result.returncode == 1 and "UndefinedError" in result.stderr
    assert tree_digest(project / "site") == before and leftovers(project) == []


def test_a_failed_first_build_leaves_no_site(project):
    add_hook(project, LATE_FAILURES["an exception after the swap"][0])
    assert build(project).returncode == 1
    assert not (project / "site").exists() and leftovers(project) == []


def _watch_site(site: Path, seen: list):
    def audit(event, args):
        if getattr(_watch_site, "active", False) and event in ("os.rename", "os.remove", "os.rmdir",
                                                               "shutil.rmtree", "ctypes.dlsym"):
            index = site / "index.html"
            seen.append(index.read_text() if index.exists() else None)
    return audit


@pytest.mark.skipif(sys.platform != "linux", reason="one-step swaps need Linux renameat2")
def test_a_successful_build_replaces_the_site_in_one_step(tmp_path, monkeypatch):
    """At every file system call of the swap, site/ is there: the old site or the new one, never none."""
    site = tmp_path / "site"
    write(site / "index.html", "old")
    staging = sitedir.begin(site)
    write(staging / "index.html", "new")
    seen: list = []
    sys.addaudithook(_watch_site(site, seen))  # audit hooks cannot be removed; `active` switches it
    _watch_site.active = True
    try:
        previous = sitedir.commit(staging, site)
    finally:
        _watch_site.active = False
    assert seen and None not in seen
    assert (site / "index.html").read_text() == "new" and (previous / "index.html").read_text() == "old"
    sitedir.discard(previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # The two-rename fallback (other systems) has a moment without site/; the watch sees it.
    staging = sitedir.begin(site)
    write(staging / "index.html", "newer")
    monkeypatch.setattr(sitedir, "_exchange", lambda a, b: False)
    seen.clear()
    _watch_site.active = True
    try:
        sitedir.discard(sitedir.commit(staging, site))
    finally:
        _watch_site.active = False
    assert None in seen and (site / "index.html").read_text() == "newer"


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_killed_builds_are_cleared_and_a_lost_site_comes_back(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    pid = dead_pid()
    write(project / f".site.building-{pid}/index.html", "half a build")
    (project / "site").rename(project / f".site.old-{pid}")  # killed between the two renames of the fallback
    write(project / "data/activities/bad.yml", "title: a\ntitle: b\n")
    assert build(project).returncode == 1
    assert tree_digest(project / "site") == before and leftovers(project) == []


def test_a_build_killed_half_way_costs_nothing(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    started = project / "started"
    # The hook says on stdout that the build has reached its end, then waits to be killed: the test
    # waits for that line (an event), not for a time.
    add_hook(project, f"import pathlib, threading\n\ndef on_post_build(config):\n"
                      f"    pathlib.Path({str(started)!r}).write_text('x')\n"
                      f"    print('started', flush=True)\n    threading.Event().wait()\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready, _, _ = select.select([process.stdout], [], [], 240)  # a bound for a hung build only
    line = process.stdout.readline() if ready else ""
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert line == "started\n" and started.exists() and len(leftovers(project)) == 1  # the staging folder of the killed build
    assert tree_digest(project / "site") == before
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("  - hooks/late.py\n", ""))
    assert build(project).returncode == 0
    assert leftovers(project) == []


# --- where the site goes ------------------------------------------------------------------

def test_a_site_dir_that_cannot_be_written_is_one_line_not_a_traceback(project, tmp_path):
    if os.geteuid() == 0:  # root writes anywhere but in /sys
        site_dir = Path("/sys/otkb-site")
    else:
        (tmp_path / "locked").mkdir()
        (tmp_path / "locked").chmod(0o500)
        site_dir = tmp_path / "locked/site"
    result = build(project, "--site-dir", str(site_dir), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    reason = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
    assert [line for line in result.stderr.splitlines() if "cannot write the site" in line] == [
        f"ERROR   -  cannot write the site to {site_dir}: {reason} (it is built beside it, in {site_dir.parent}, "
        "then swapped in); build into a folder you can write to, for example 'mkdocs build --site-dir <folder>'"]


# --- third parties --------------------------------------------------------------------------

def test_edit_links_and_the_repository_come_only_with_otkb_repo_url(project, monkeypatch):
    """Without OTKB_REPO_URL no page names a repository (Material would ask its host for facts on each
    first visit); with it, record pages link to their file for editing."""
    monkeypatch.delenv("OTKB_REPO_URL", raising=False)
    assert build(project).returncode == 0
    page = (project / "site/activities/peg-game/index.html").read_text()
    assert "md-source" not in page and "/edit/" not in page
    assert "connect-src 'self'; " in page
    monkeypatch.setenv("OTKB_REPO_URL", "https://github.com/example/ot")
    assert build(project).returncode == 0
    page = (project / "site/activities/peg-game/index.html").read_text()
    assert 'href="https://github.com/example/ot/edit/main/data/activities/peg-game.yml"' in page
    assert 'href="https://github.com/example/ot"' in page
    assert "connect-src 'self' https://api.github.com; " in page  # Material asks it for the repository's facts

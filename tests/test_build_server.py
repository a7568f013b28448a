"""The tests' builds are forks of a build server (tests/buildserver.py): each must do what
`python -m mkdocs build` in a fresh interpreter does, so the fast path cannot drift from it."""

from __future__ import annotations

import re
import shutil

from conftest import HOSTILE_RECORDS, build, copy_project, tree_digest, write


def same_messages(text: str) -> str:
    """A build's messages without what differs between two runs: the seconds, the staging folder's process id."""
    return re.sub(r"\.site\.building-\d+", ".site.building-N", re.sub(r"\d+\.\d+ seconds", "N seconds", text))


def both_ways(tmp_path, *args: str, change=None):
    """The same project built in a fresh interpreter and by the server, each in its own copy at the same path."""
    results = []
    for fresh in (True, False):
        project = copy_project(tmp_path / "project")
        if change:
            change(project)
        result = build(project, *args, fresh=fresh)
        site = project / "site"
        results.append((result.returncode, same_messages(result.stdout), same_messages(result.stderr),
                        tree_digest(site) if site.is_dir() else None))
        shutil.move(project, tmp_path / ("fresh" if fresh else "forked"))
    return results


def test_a_forked_build_writes_and_says_what_a_fresh_one_does(tmp_path):
    fresh, forked = both_ways(tmp_path, "--strict")
    assert fresh[0] == 0, fresh[2]
    assert forked == fresh


def test_a_forked_build_fails_as_a_fresh_one_does(tmp_path):
    def hostile(project):
        shutil.copy(HOSTILE_RECORDS / "activities/wrong-types.yml", project / "data/activities/wrong-types.yml")
    fresh, forked = both_ways(tmp_path, "--strict", change=hostile)
    assert fresh[0] != 0 and "wrong-types.yml" in fresh[2]
    assert forked == fresh


def test_a_forked_build_runs_the_code_of_the_project_it_builds(tmp_path):
    """The server imported otkb from this checkout; a copy with other code or templates gets its own."""
    def edited(project):
        template = project / "hooks/otkb/site/templates/activity.md.j2"
        write(template, template.read_text(encoding="utf-8").replace('<p class="otkb-lede">',
                                                                     '<p class="otkb-lede" data-edited>'))
    fresh, forked = both_ways(tmp_path, "--strict", change=edited)
    assert fresh[0] == 0, fresh[2]
    assert forked == fresh
    assert "data-edited" in (tmp_path / "forked/site/activities/peg-game/index.html").read_text(encoding="utf-8")

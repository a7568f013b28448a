"""The tests' builds are forks of a build server (tests/buildserver.py): each must do what
`python -m mkdocs build` in a fresh interpreter does, so the fast path cannot drift from it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import metadata

from conftest import HOSTILE_RECORDS, PROJECT, TESTS, build, copy_project, tree_digest, write


def same_messages(text: str) -> str:
    """A build's messages without what differs between two runs: the seconds, the staging folder's process id."""
    return re.sub(r"\.site\.building-\d+", ".site.building-N", re.sub(r"\d+\.\d+ s(econds)?\b", "N seconds", text))


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


def test_the_server_imports_the_plugins_and_extensions_mkdocs_yml_names():
    """Each build loads mkdocs.yml's plugins and Markdown extensions: the server imports them once, so
    that no child does (0.04 CPU s a build)."""
    from mkdocs.utils.yaml import get_yaml_loader

    with (PROJECT / "mkdocs.yml").open(encoding="utf-8") as file:
        config = __import__("yaml").load(file, Loader=get_yaml_loader())
    names = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    wanted = {name if "." in name else f"markdown.extensions.{name}" for name in names}
    plugins = metadata.entry_points(group="mkdocs.plugins")
    wanted |= {plugins[next(iter(item)) if isinstance(item, dict) else item].module for item in config["plugins"]}
    code = f"import sys, json; sys.path.insert(0, {str(TESTS)!r}); import buildserver; buildserver.preload(); " \
           "print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert wanted - set(json.loads(result.stdout.splitlines()[-1])) == set()

"""`otkb export`: the generated site as a plain docs tree that builds without hooks, the same as the hook build."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from conftest import PROJECT, build, copy_project, tree_digest, visible_pages, write
from otkb.site.security import meta_policy
from otkb.tools.cli import main as otkb


def test_export_builds_without_hooks_and_shows_what_the_hook_build_shows(exported_sample, sample_site):
    out = exported_sample / "out"  # exported and built --strict once, for this test and the browser's
    assert "generated page" in (exported_sample / "export.log").read_text(encoding="utf-8")
    config = yaml.load((out / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert "hooks" not in config and "watch" not in config
    assert not (out / "hooks").exists()
    hook_pages, exported = visible_pages(sample_site), visible_pages(out / "site")
    assert sorted(exported) == sorted(hook_pages)
    different = [page for page in hook_pages if hook_pages[page] != exported[page]]
    assert different == []
    for name in ("feed.xml", "feed.json", "research/bos-2013-preterm-motor/citation.bib", "activities/finder.json"):
        assert (out / "site" / name).read_bytes() == (sample_site / name).read_bytes()


def test_export_refuses_records_with_errors_and_a_folder_in_use(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    write(project / "data/activities/broken.yml", "title: [\n")
    assert otkb(["--project", str(project), "export", str(tmp_path / "out")]) == 1
    assert "nothing was exported" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    (project / "data/activities/broken.yml").unlink()
    write(tmp_path / "used" / "keep.txt", "mine")
    assert otkb(["--project", str(project), "export", str(tmp_path / "used")]) == 1
    assert "is not empty" in capsys.readouterr().err


@pytest.mark.parametrize("where, expected", [
    ("data/exp", "data/exp is inside data/, which the build reads or writes; export into a folder outside "
                 "data/, docs/, overrides/ and site/"),
    ("docs/exp", "docs/exp is inside docs/, which the build reads or writes; export into a folder outside "
                 "data/, docs/, overrides/ and site/"),
    ("overrides", "overrides is not empty; export into a new folder"),
    ("overrides/partials/new", "overrides/partials/new is inside overrides/, which the build reads or writes; "
                               "export into a folder outside data/, docs/, overrides/ and site/"),
    ("site/exp", "site/exp is inside site/, which the build reads or writes; export into a folder outside "
                 "data/, docs/, overrides/ and site/"),
    ("mkdocs.yml", "mkdocs.yml is a file, not a folder; export into a new folder"),
])
def test_export_refuses_a_folder_the_build_reads_or_a_file(project, capsys, monkeypatch, where, expected):
    monkeypatch.chdir(project)
    before = tree_digest(project)
    assert otkb(["export", where]) == 1
    assert capsys.readouterr() == ("", f"otkb export: {expected}\n")
    assert tree_digest(project) == before


def test_export_refuses_a_symbolic_link_even_a_dangling_one(tmp_path, project, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "to-empty").symlink_to(tmp_path / "empty")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for name in ("to-empty", "dangling"):
        link = str(tmp_path / name)
        assert otkb(["--project", str(project), "export", link]) == 1
        assert capsys.readouterr() == ("", f"otkb export: {link} is a symbolic link; export into a new folder, "
                                           "not a link\n")
    assert list((tmp_path / "empty").iterdir()) == [] and not (tmp_path / "nowhere").exists()


def test_the_exported_pages_carry_the_hook_builds_meta_policy(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "export"
    assert otkb(["--project", str(project), "export", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "project"]  # no temporary folder left
    assert build(out, "--strict").returncode == 0 and build(project, "--strict").returncode == 0
    policies = [re.findall(r'<meta http-equiv="Content-Security-Policy"[^>]*>',
                           (root / "site/activities/peg-game/index.html").read_text(encoding="utf-8"))
                for root in (out, project)]
    assert policies[0] == policies[1] == [f'<meta http-equiv="Content-Security-Policy" content="{meta_policy(None)}">']
    assert json.loads((out / "site/search/meta.json").read_text())["pages"] > 10
    # what Material's script fetches on every page: the hand-written pages only (the shards hold the rest)
    material = json.loads((out / "site/search/search_index.json").read_text())["docs"]
    assert {doc["location"].split("#")[0] for doc in material} == {"", "editors/", "editors/contract/"}


def test_a_failed_export_leaves_nothing_behind(tmp_path, project, capsys):
    main_html = project / "overrides/main.html"
    main_html.write_text(main_html.read_text().replace("{% block site_meta %}", "{% block other %}"))
    assert otkb(["--project", str(project), "export", str(tmp_path / "out")]) == 1
    assert capsys.readouterr() == ("", "otkb export: main.html has no '{% block site_meta %}' to write the "
                                       "Content-Security-Policy into; nothing was exported\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    write(tmp_path / "a-file", "x")  # a folder cannot be made inside a file, whoever runs the test
    assert otkb(["--project", str(project), "export", str(tmp_path / "a-file/out")]) == 1
    assert capsys.readouterr() == ("", f"otkb export: cannot write into {tmp_path / 'a-file/out'}: File exists; "
                                       "nothing was exported\n")

"""`otkb export`: the generated site as a plain docs tree that builds without hooks, the same as the hook build."""

from __future__ import annotations


import yaml

from conftest import PROJECT, build, copy_project, visible_pages, write
from otkb.tools.cli import main as otkb


def test_export_builds_without_hooks_and_shows_what_the_hook_build_shows(tmp_path, sample_site, capsys):
    project = copy_project(tmp_path / "project", data=PROJECT / "data")
    out = tmp_path / "export"
    assert otkb(["--project", str(project), "export", str(out)]) == 0
    assert "generated page" in capsys.readouterr().err
    config = yaml.load((out / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert "hooks" not in config and "watch" not in config
    assert not (out / "hooks").exists()
    result = build(out, "--strict")
    assert result.returncode == 0, result.stderr
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

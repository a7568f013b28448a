"""The site builds the same on MkDocs 1.6.1 and on ProperDocs, the maintained fork of MkDocs 1.6.

ProperDocs (the `properdocs` package, pinned in the test extra) installs beside
MkDocs in one venv: its module and command are `properdocs`, it reads
mkdocs.yml, finds Material through MkDocs' entry points and, while it runs,
answers `import mkdocs.*` with its own modules, so hooks/main.py and Material
load unchanged. Both builders build the sample content with --strict; every
page must show a reader the same text (only the generator meta tag, which no
reader sees, names the builder).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import (PROJECT, build, build_strict, built_once, copy_project, make_warnings, search_pages, text_of,
                      tree_digest, write)

BUILDERS = ("mkdocs", "properdocs")


@pytest.fixture(scope="session")
def sites(tmp_path_factory, sample_site) -> dict[str, Path]:
    """The sample content built with each builder, --strict, from identical copies on the same commit
    (MkDocs' is the session's sample site)."""
    def make(root: Path) -> None:
        copy_project(root, data=PROJECT / "data")
        build_strict(root, "-f", "mkdocs.yml", builder="properdocs")

    built = {"mkdocs": sample_site, "properdocs": built_once(tmp_path_factory, "properdocs", make) / "site"}
    for site in built.values():
        # Editor warnings (a card without a certainty rating, awaiting a clinician) never stop a build.
        log = (site.parent / "build.log").read_text(encoding="utf-8")
        warnings = [line for line in log.splitlines() if "WARNING" in line]
        # the sample cards without a certainty rating (awaiting a clinician), summed up in one line
        assert len(warnings) == 1 and re.fullmatch(
            r"WARNING -  otkb: \d+ editor warnings? in \d+ files?, which never stop publishing \(.+\): 'otkb check' "
            r"lists each with its file, line and field; 'otkb review' lists the records due for review",
            warnings[0]), log
    return built


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_both_builders_write_the_same_pages_and_files(sites):
    mkdocs, properdocs = sites["mkdocs"], sites["properdocs"]
    assert len(pages(mkdocs)) > 30
    assert sorted(p.relative_to(mkdocs) for p in mkdocs.rglob("*")) == sorted(
        p.relative_to(properdocs) for p in properdocs.rglob("*"))


def test_every_page_shows_the_same_text_on_both(sites):
    mkdocs, properdocs = sites["mkdocs"], sites["properdocs"]
    for page in pages(mkdocs):
        assert text_of((properdocs / page).read_text(encoding="utf-8")) == text_of(
            (mkdocs / page).read_text(encoding="utf-8")), page


def test_only_the_generator_tag_names_the_builder(sites):
    mkdocs, properdocs = (sites[b] / "index.html" for b in BUILDERS)
    one, other = mkdocs.read_text(encoding="utf-8"), properdocs.read_text(encoding="utf-8")
    assert '<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.2">' in one
    assert '<meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2">' in other
    differing = [(a, b) for a, b in zip(one.splitlines(), other.splitlines()) if a != b]
    assert len(differing) == 1 and 'name="generator"' in differing[0][0]


def test_search_feeds_and_sitemap_are_the_same_on_both(sites):
    for name in ("search/search_index.json", "feed.json", "feed.xml", "sitemap.xml", "robots.txt", "_headers"):
        assert (sites["properdocs"] / name).read_bytes() == (sites["mkdocs"] / name).read_bytes(), name
    assert tree_digest(sites["properdocs"] / "search") == tree_digest(sites["mkdocs"] / "search")
    assert search_pages(sites["properdocs"])  # the index's entries, made from the records


# --- failures behave the same ----------------------------------------------------------

@pytest.mark.parametrize("builder", BUILDERS)
def test_a_bad_record_stops_either_build_and_keeps_the_old_site(project, builder):
    assert build(project, builder=builder).returncode == 0
    before = tree_digest(project / "site")
    write(project / "data/activities/bad-one.yml", "title: A\ntitle: B\n")
    result = build(project, "--strict", builder=builder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "data/activities/bad-one.yml:2:1: title: 'title' is given twice" in result.stderr
    assert tree_digest(project / "site") == before


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_broken_link_fails_strict_on_either_and_keeps_the_old_site(project, builder):
    assert build(project, builder=builder).returncode == 0
    before = tree_digest(project / "site")
    write(project / "docs/extra.md", "[broken](missing.md)\n")
    result = build(project, "--strict", builder=builder)
    assert result.returncode == 1 and "otkb: docs/extra.md: broken link 'missing.md'" in result.stderr
    assert tree_digest(project / "site") == before


# ProperDocs logs to the `properdocs` logger (and hangs `mkdocs` under it), and its --strict
# counter and terminal handler ("ProperDocsStreamHandler") sit on `properdocs`: otkb.host.logs
# looks on both builders' loggers.

@pytest.mark.parametrize("builder", BUILDERS)
def test_a_strict_build_with_warnings_never_claims_to_replace_the_site(project, builder):
    assert build(project, builder=builder).returncode == 0
    write(project / "docs/extra.md", "[broken](missing.md)\n")
    result = build(project, "--strict", builder=builder)
    assert result.returncode == 1
    assert "the finished build replaced" not in result.stderr


@pytest.mark.parametrize("builder", BUILDERS)
def test_editor_warnings_look_like_warnings_and_strict_still_passes(project, builder):
    make_warnings(project)
    result = build(project, "--strict", builder=builder)
    assert result.returncode == 0, result.stderr
    assert "WARNING -  otkb: 2 editor warnings in 2 files, which never stop publishing" in result.stderr


def test_properdocs_is_its_own_package_beside_mkdocs():
    """One venv holds both: ProperDocs neither needs nor replaces the mkdocs package."""
    import importlib.metadata

    from packaging.requirements import Requirement

    import mkdocs
    import properdocs

    assert mkdocs.__version__ == "1.6.1" and properdocs.__version__ == "1.6.7"
    assert Path(properdocs.__file__).parent.name == "properdocs" != Path(mkdocs.__file__).parent.name
    assert "mkdocs" not in {Requirement(r).name for r in importlib.metadata.requires("properdocs")}

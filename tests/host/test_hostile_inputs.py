"""Inputs that used to hang, break or leak out of the build (issue 11, part 2): each is an error naming
the file, line and field, or output that every reader parses as it was meant."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, build, write
from otkb.content.pipeline import build_library


def fixture_copy(tmp_path: Path) -> Path:
    """A project folder holding only a copy of the fixture site's data/."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path


def messages(root: Path) -> list[str]:
    return [str(e) for e in build_library(root)[1]]


# --- topic hierarchies that never end -----------------------------------------

def add_topics(root: Path, text: str) -> None:
    topics = root / "data/topics.yml"
    topics.write_text(topics.read_text() + text)


def test_a_topic_that_is_its_own_parent_is_an_error(tmp_path):
    root = fixture_copy(tmp_path)
    lines = len((root / "data/topics.yml").read_text().splitlines())
    add_topics(root, "pinch:\n  name: Pinch\n  description: D.\n  parent: pinch\n")
    assert messages(root) == [f"data/topics.yml:{lines + 4}:3: pinch.parent: topic 'pinch' is its own parent; "
                              "give it another parent or none"]


def test_a_loop_of_parents_is_an_error_naming_its_topics(tmp_path):
    root = fixture_copy(tmp_path)
    lines = len((root / "data/topics.yml").read_text().splitlines())
    add_topics(root, "pinch:\n  name: Pinch\n  description: D.\n  parent: grip\n"
                     "grip:\n  name: Grip\n  description: D.\n  parent: pinch\n"
                     "below:\n  name: Below\n  description: D.\n  parent: grip\n")
    peg = root / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [below]"))
    assert messages(root) == [f"data/topics.yml:{lines + 4}:3: pinch.parent: topics 'pinch' -> 'grip' -> "
                              "'pinch' are each other's parents, so the hierarchy never ends; give one of them "
                              "another parent or none"]


def test_a_loop_of_parents_stops_the_build_instead_of_hanging_it(project):
    add_topics(project, "pinch:\n  name: Pinch\n  description: D.\n  parent: pinch\n")
    peg = project / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [pinch]"))
    result = build(project, timeout=60)
    assert result.returncode == 1 and "topic 'pinch' is its own parent" in result.stderr


def test_a_deep_chain_of_topics_stays_fast(tmp_path):
    root = fixture_copy(tmp_path)
    add_topics(root, "".join(f"level-{i}:\n  name: Level {i}\n  description: D.\n  parent: "
                             f"{'fine-motor' if i == 0 else f'level-{i - 1}'}\n" for i in range(500)))
    peg = root / "data/activities/peg-game.yml"
    peg.write_text(peg.read_text().replace("topics: [fine-motor]", "topics: [level-499]")
                   .replace("skills: [hand-strength, grasp]", "skills: [level-499]"))
    started = time.process_time()
    library, errors = build_library(root)
    from otkb.site.finder import skill_ids
    from otkb.site.search import record_aliases
    assert len(skill_ids(library.records["activities/peg-game"], library)) == 501
    record_aliases(library.records["activities/peg-game"], library)
    assert errors == [] and time.process_time() - started < 5


# --- files that are not what they seem -----------------------------------------

SECRET = "fine-motor: {name: RUNNER-SECRET, description: RUNNER-SECRET, parent: RUNNER-SECRET}\n"


def test_topics_yml_as_a_link_is_an_error_and_is_never_read(tmp_path):
    root = fixture_copy(tmp_path / "project")
    write(tmp_path / "secret.yml", SECRET)
    (root / "data/topics.yml").unlink()
    (root / "data/topics.yml").symlink_to(tmp_path / "secret.yml")
    found = messages(root)
    assert "data/topics.yml: is a link to another file or folder; the build reads only ordinary files inside " \
           "data/, so copy the file here instead" in found
    assert "RUNNER-SECRET" not in "\n".join(found)


def test_a_linked_kind_folder_is_an_error(tmp_path):
    root = fixture_copy(tmp_path / "project")
    shutil.move(root / "data/research", tmp_path / "elsewhere")
    (root / "data/research").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert "data/research: is a link to another file or folder; the build reads only ordinary files inside " \
           "data/, so copy the file here instead" in messages(root)


def test_a_folder_named_like_a_record_is_an_error(tmp_path):
    root = fixture_copy(tmp_path)
    (root / "data/articles/x.yml").mkdir()
    assert messages(root) == ["data/articles/x.yml: is a folder, not a file; a record is one .yml file: rename "
                              "or remove the folder"]


def test_a_pipe_in_place_of_a_record_or_the_topics_is_an_error_not_a_hang(tmp_path):
    root = fixture_copy(tmp_path)
    os.mkfifo(root / "data/activities/pipe.yml")
    (root / "data/topics.yml").unlink()
    os.mkfifo(root / "data/topics.yml")
    found = messages(root)
    for shown in ("data/activities/pipe.yml", "data/topics.yml"):
        assert f"{shown}: is a named pipe, not an ordinary file; the build reads only ordinary files: remove it" \
               in found


def test_a_device_in_place_of_a_record_is_an_error(tmp_path):
    root = fixture_copy(tmp_path)
    try:
        os.mknod(root / "data/activities/zero.yml", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("creating a device needs root")
    assert "data/activities/zero.yml: is a device, not an ordinary file; the build reads only ordinary files: " \
           "remove it" in messages(root)


# --- every field has a limit ------------------------------------------------------

def _unbounded_strings(node, where: str = "#"):
    """Where a schema lets a string be as long as it likes (no maxLength, enum or const)."""
    if isinstance(node, dict):
        types = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
        if "string" in types and not {"maxLength", "enum", "const"} & set(node):
            yield where
        for key, value in node.items():
            yield from _unbounded_strings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _unbounded_strings(value, f"{where}/{index}")


def test_every_text_field_of_every_model_has_a_length_limit():
    import json
    from otkb.content.json_schema import schema_files

    unbounded = [f"{path} {where}" for path, text in schema_files().items()
                 for where in _unbounded_strings(json.loads(text))]
    assert unbounded == []


def test_a_huge_doi_or_url_is_refused_naming_the_limit():
    import yaml
    from conftest import validate_one

    card = yaml.safe_load((FIXTURE_DATA / "research/smith-2020-pegs.yml").read_text())
    card["citation"].update(doi="10.5555/" + "x" * 240_000, url="https://example.org/" + "x" * 240_000)
    _, errors = validate_one(card, kind="research")
    assert [e.split(": ", 1)[1] for e in errors] == [
        "citation.doi: is 240,008 characters long; the limit is 300 characters",
        "citation.url: is 240,020 characters long; the limit is 500 characters"]


# --- DOIs as links ------------------------------------------------------------------

SICI_DOI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"


@pytest.mark.parametrize("doi, url", [
    (SICI_DOI, "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"),
    ('10.5555/a#b?c%d"e', "https://doi.org/10.5555/a%23b%3Fc%25d%22e"),
    ("10.5555/ünï", "https://doi.org/10.5555/%C3%BCn%C3%AF"),
])
def test_a_doi_links_to_the_resolver_percent_encoded_everywhere(tmp_path, doi, url):
    """The page, the JSON-LD and both citation files link to the DOI through one helper."""
    import json
    import yaml
    from otkb.site.citations import bibtex, formatted_html, ris
    from otkb.site.structured_data import json_ld

    root = fixture_copy(tmp_path)
    path = root / "data/research/smith-2020-pegs.yml"
    card = yaml.safe_load(path.read_text())
    card["citation"]["doi"] = doi
    path.write_text(yaml.safe_dump(card, allow_unicode=True))
    library, errors = build_library(root)
    assert errors == []
    record = library.records["research/smith-2020-pegs"]
    assert f'<a href="{url}">' in formatted_html(record.data.citation)
    ld = json.loads(json_ld(record, library, "https://x.org/p/", "otkb", "https://x.org/"))
    assert ld["citation"]["url"] == url and ld["citation"]["identifier"]["value"] == doi
    assert f"  url = {{{url}}},\n" in bibtex(record)
    assert f"UR  - {url}\r\n" in ris(record)


# --- names the site uses itself --------------------------------------------------------

@pytest.mark.parametrize("kind", ["articles", "research", "activities"])
def test_a_record_called_index_is_an_error(tmp_path, kind):
    root = fixture_copy(tmp_path)
    source = next((root / "data" / kind).glob("*.yml"))
    shutil.copy(source, root / "data" / kind / "index.yml")
    source.unlink()
    assert f"data/{kind}/index.yml: the name 'index' is taken by the listing page of its folder, which would " \
           "replace this record; rename the file" in messages(root)


def test_a_topic_called_index_is_an_error(tmp_path):
    root = fixture_copy(tmp_path)
    lines = len((root / "data/topics.yml").read_text().splitlines())
    add_topics(root, "index:\n  name: Index\n  description: D.\n")
    assert messages(root) == [f"data/topics.yml:{lines + 1}:1: index: the id 'index' is taken by the list of all "
                              "topics (topics/), which would replace this topic's page; choose another id"]


def test_a_record_called_index_fails_the_build_naming_its_file(project):
    shutil.move(project / "data/articles/hand-skills-at-home.yml", project / "data/articles/index.yml")
    result = build(project, timeout=120)
    assert result.returncode == 1 and "data/articles/index.yml: the name 'index' is taken" in result.stderr


# --- positions ----------------------------------------------------------------------------

COMMENTS = "# yaml-language-server: $schema=../../schemas/activities.schema.json\n# a note for editors\n\n"


def test_a_problem_of_the_whole_record_points_at_its_first_line_of_content(tmp_path):
    root = fixture_copy(tmp_path)
    peg = root / "data/activities/peg-game.yml"
    text = peg.read_text()
    peg.write_text(COMMENTS + "\n".join(line for line in text.splitlines() if not line.startswith("title:")) + "\n")
    assert messages(root) == ["data/activities/peg-game.yml:4:1: title: 'title' is required but missing"]


def test_a_file_that_is_not_a_set_of_fields_points_at_its_first_line_of_content(tmp_path):
    path = write(tmp_path / "x.yml", COMMENTS + "- a list\n")
    from otkb.content.load import read_yaml
    assert [str(e) for e in read_yaml(path, "data/activities/x.yml")[2]] == [
        "data/activities/x.yml:4:1: the file must be a set of fields (title: ..., summary: ...), but it is a list"]


def test_a_missing_required_topic_points_at_the_first_line_of_content(tmp_path):
    root = fixture_copy(tmp_path)
    topics = root / "data/topics.yml"
    text = topics.read_text().replace("cerebral-palsy:", "cerebral-palsy-x:")
    topics.write_text(COMMENTS + text)
    assert "data/topics.yml:4:1: the vocabulary must define 'cerebral-palsy': records everywhere use it" \
           in messages(root)


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


# --- third parties and headers --------------------------------------------------------------

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


def test_the_hosts_send_the_policy_the_pages_carry():
    """docs/_headers (Netlify, Cloudflare Pages) and netlify.toml send the same security headers, and the
    <meta> policy is the header's less frame-ancestors, which a <meta> policy cannot carry."""
    import tomllib
    from conftest import PROJECT
    from conftest import header_rules
    from otkb.site.security import HEADERS, meta_policy

    rules = header_rules((PROJECT / "docs/_headers").read_text(encoding="utf-8"))
    everywhere = {name: value for pattern, headers in rules if pattern.pattern == "^/.*$"
                  for name, value in headers.items()}
    assert {name: everywhere.get(name) for name in HEADERS} == HEADERS
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    assert [rule["values"] for rule in netlify["headers"] if rule["for"] == "/*"] == [HEADERS]
    assert HEADERS["Content-Security-Policy"] == meta_policy() + "; frame-ancestors 'none'"
    assert not any("workers/search" in pattern.pattern for pattern, _ in rules)


# --- what else a newcomer trips on ------------------------------------------------------------

def test_the_editors_guide_shows_commands_as_code_blocks_and_links_to_no_local_address(sample_site):
    page = (sample_site / "editors/index.html").read_text(encoding="utf-8")
    assert page.count("<pre>") >= 5 and "<code>sh" not in page and "```" not in page
    assert 'href="http://127.0.0.1' not in page and "<code>http://127.0.0.1:8000/activities/button-hunt/</code>" in page


def test_json_ld_keeps_the_months_of_an_age_range_and_types_a_team_as_an_organisation():
    import json
    from conftest import PROJECT
    from otkb.site.structured_data import json_ld

    library, errors = build_library(PROJECT)
    assert errors == []

    def data(record_id):
        return json.loads(json_ld(library.records[record_id], library, "https://x.org/p/", "otkb", "https://x.org/"))

    toddlers = [r for r in library.of_kind("activities") if r.data.ages.min.months == 18
                and r.data.ages.max.months == 72]
    assert toddlers and all(data(r.id)["typicalAgeRange"] == "1.5-6" for r in toddlers)
    article = data("articles/how-occupational-therapy-helps-fine-motor-skills")
    article = article.get("@graph", [article])[0]
    assert article["author"] == {"@type": "Organization", "name": "otkb editorial team"}


def test_materials_inline_scripts_served_as_files_are_the_installed_materials():
    """overrides/partials/javascripts/ serve Material's inline scripts from files (for the policy): after an
    upgrade of Material they must be copied again (the scope is the one part read from the page)."""
    import re
    from importlib.resources import files
    from conftest import PROJECT

    partials = files("material") / "templates/partials/javascripts"
    ours = PROJECT / "overrides/assets/javascripts"

    def inline(name: str, index: int = -1) -> str:
        return re.findall(r"<script>(.*?)</script>", (partials / name).read_text(encoding="utf-8"), re.S)[index]

    scope = ('new URL("{{ config.extra.scope | d(base_url) }}",location)',
             'new URL(document.currentScript.getAttribute("data-md-scope"),location)')
    assert inline("base.html").replace(*scope) in (ours / "material-base.js").read_text(encoding="utf-8")
    assert inline("palette.html") in (ours / "material-palette.js").read_text(encoding="utf-8")
    assert inline("content.html") in (ours / "material-content.js").read_text(encoding="utf-8")

"""Records an editor might send that set traps for the load and validate stages: YAML that PyYAML
would silently rewrite, hidden and control characters, Markdown that stalls or crashes Python-Markdown
(refused) or stays fast (accepted), look-alike titles, topic hierarchies that never end, links, pipes
and devices in place of files, length limits, records called index and positions after comments.
Each is an error naming the file, line and field, or text kept exactly as typed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, build, fixture_copy, validate_one, write
from live_markup import live_payloads
from otkb.content.load import RawRecord, load_records, read_yaml
from otkb.content.markup import MAX_NESTING, heading_html, markdown_problem, markdown_to_html
from otkb.content.pipeline import build_library
from otkb.content.validate import validate_topics


def messages(root: Path) -> list[str]:
    return [str(e) for e in build_library(root)[1]]


# --- YAML that PyYAML would silently rewrite, or that crashes loaders -----

def load(tmp_path: Path, text: str):
    path = tmp_path / "record.yml"
    path.write_text(text, encoding="utf-8")
    data, _, errors = read_yaml(path, "data/activities/record.yml")
    return data, [str(e) for e in errors]


@pytest.mark.parametrize("text, expected", [
    ("title: Week #2 tips\n", "data/activities/record.yml:1:8: title: YAML reads ' #' as the start of a "
     "comment, so '#2 tips' would be dropped from the value; put the whole value in quotes, or put a note "
     "for editors on a line of its own"),
    ("steps:\n  - Cut # then glue\n", "data/activities/record.yml:2:5: steps[1]: YAML reads ' #'"),
    ("summary: a long\n  value # cut\n", "data/activities/record.yml:1:10: summary: YAML reads ' #'"),
    ("citation:\n  authors:\n    - {name: a, name: b}\n", "data/activities/record.yml:3:17: "
     "citation.authors[1].name: 'name' is given twice (first on line 3)"),
    ("findings:\n  - text: a\n    details:\n      - &x b\n", "data/activities/record.yml:4:9: "
     "findings[1].details[1]: YAML anchors and aliases"),
    ("ages:\n  min: !!int 3\n", "data/activities/record.yml:2:8: ages.min: YAML tags such as "
     "'tag:yaml.org,2002:int' are not allowed"),
    ("title: a\nsummary: b\u2029hidden: c\n", "data/activities/record.yml:2:11: summary: an invisible U+2029 "
     "PARAGRAPH SEPARATOR"),
    ("title: a\nsummary: b\x85hidden: c\n", "data/activities/record.yml:2:11: summary: an invisible U+0085 "
     "NEXT LINE"),
    ("title: a\n...\n---\ntitle: b\n", "data/activities/record.yml:3:1: title: a record file holds one record"),
    ("? [a, b]\n: c\n", "data/activities/record.yml:1:3: a field name must be plain text"),
    ("title: ok\nsteps:\n  - Cut\x07 out\n", "data/activities/record.yml:3:8: steps: contains an invisible "
     "character that YAML does not allow (U+0007); delete it"),
    ("---\n", "data/activities/record.yml:1:1: the file must be a set of fields"),
    ("just some text\n", "data/activities/record.yml:1:1: the file must be a set of fields (title: ..., "
     "summary: ...), but it is a single value"),
])
def test_yaml_traps_are_errors_with_line_and_field(tmp_path, text, expected):
    data, errors = load(tmp_path, text)
    assert data is None and len(errors) == 1 and errors[0].startswith(expected), errors


def test_yaml_11_values_stay_text(tmp_path):
    """Octal, base-60, hex, infinity, booleans and dates in every spelling: the text as typed."""
    values = ["0o12", "012", "1:30:00", "0x1F", "+12", ".inf", "-.Inf", ".NaN", "y", "n", "off", "ON",
              "2026-06-01", "2026-06-01 10:00", "1e3", "1_000"]
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values)) + "quoted: 'a # b'\nhash: a#b\n" \
           "flow: [a, b] # a note after the list\nblock: |\n  keeps # this\n"
    data, errors = load(tmp_path, text)
    assert errors == []
    assert [data[f"k{i}"] for i in range(len(values))] == values
    assert (data["quoted"], data["hash"], data["flow"], data["block"]) == ("a # b", "a#b", ["a", "b"],
                                                                            "keeps # this\n")


def test_files_that_would_be_silently_skipped_or_read_from_elsewhere_are_reported(tmp_path):
    data = tmp_path / "data"
    write(data / "topics.yml", "fine-motor: {name: F, description: D}\n")
    write(data / "activities/peg-game.YML", "title: a\n")
    write(tmp_path / "secret.yml", "title: from outside the data folder\n")
    (data / "activities").joinpath("linked.yml").symlink_to(tmp_path / "secret.yml")
    records, _, errors = load_records(data, tmp_path)
    assert records == []
    assert [str(e) for e in errors] == [
        "data/activities/linked.yml: records must be ordinary files, not links to other files; copy the "
        "record here instead",
        "data/activities/peg-game.YML: record files end in .yml; rename it to 'peg-game.yml'",
    ]


# --- text traps in single-line fields ----------------------------------------

ACTIVITY = {"title": "Peg game", "summary": "Clip pegs.", "reviewed": "2026-06-01", "skills": ["fine-motor"],
            "ages": {"min": "3 years", "max": "6 years"}, "materials": ["Pegs"], "steps": ["Clip."]}


@pytest.mark.parametrize("change, expected", [
    ({"materials": ["Pegs\u200b"]}, "materials[1]: contains an invisible character (ZERO WIDTH SPACE, U+200B)"),
    ({"materials": ["Peg\u00adgame"]}, "materials[1]: contains an invisible character (SOFT HYPHEN, U+00AD)"),
    ({"title": "Peg \u2066game\u2069"}, "title: contains an invisible character (LEFT-TO-RIGHT ISOLATE, U+2066)"),
    ({"title": "Peg\x07game"}, "title: contains a control character (U+0007); delete it"),
    ({"steps": ["Clip\x1b[31m."]}, "steps[1]: contains a control character (U+001B); delete it"),
    ({"materials": ["x" * 201]}, "materials[1]: is 201 characters long; the limit is 200 characters"),
])
def test_hidden_and_control_characters_are_refused(change, expected):
    _, errors = validate_one({**ACTIVITY, **change})
    assert len(errors) == 1 and errors[0].startswith(f"data/activities/x.yml:1:1: {expected}"), errors


def test_nested_single_line_fields_are_checked_too():
    card = {"title": "T", "summary": "S", "reviewed": "2026-06-01",
            "citation": {"authors": ["Bos, A.\u202eF."], "year": "2013", "title": "t", "journal": "j"},
            "study": {"design": "rct", "population": "x" * 1001},
            "source": {"name": "Example", "url": "https://example.org/\u202egpj.exe"},
            "findings": ["F"], "takeaways": {"therapists": ["a"], "parents": ["b"]}}
    _, errors = validate_one(card, "research")
    assert sorted(errors) == [
        "data/research/x.yml:1:1: citation.authors[1]: contains an invisible character (RIGHT-TO-LEFT "
        "OVERRIDE, U+202E); delete it and retype the text around it",
        "data/research/x.yml:1:1: source.url: contains an invisible character (RIGHT-TO-LEFT OVERRIDE, "
        "U+202E); delete it and retype the text around it",
        "data/research/x.yml:1:1: study.population: is 1,001 characters long; the limit is 1,000 characters",
    ]
    topics, errors = validate_topics(RawRecord("topics", "topics", "data/topics.yml",
                                               {"grasp": {"name": "Gr\u200dasp", "description": "D"}}, {}))
    assert any(e.field == "grasp.name" and "ZERO WIDTH JOINER" in e.message for e in errors)


@pytest.mark.parametrize("hidden, name", [
    ("\u202e", "RIGHT-TO-LEFT OVERRIDE, U+202E"), ("\u2066", "LEFT-TO-RIGHT ISOLATE, U+2066"),
    ("\u2069", "POP DIRECTIONAL ISOLATE, U+2069"), ("\u200b", "ZERO WIDTH SPACE, U+200B"),
    ("\u00ad", "SOFT HYPHEN, U+00AD"), ("\u2060", "WORD JOINER, U+2060"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE, U+FEFF"),
])
def test_markdown_fields_refuse_hidden_characters_with_file_line_and_field(project, hidden, name):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - Clip a peg onto each dot.",
                                                             f"  - Clip a peg{hidden} onto each dot."),
                    encoding="utf-8")
    path = project / "data/articles/hand-skills-at-home.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Short games", f"Short{hidden} games"), encoding="utf-8")
    _, errors = build_library(project)
    assert [str(e) for e in errors] == [
        f"data/activities/peg-game.yml:16:5: steps[2]: contains an invisible character ({name}) after 'Clip a "
        "peg'; delete it and retype the text around it",
        f"data/articles/hand-skills-at-home.yml:10:1: body: contains an invisible character ({name}) after "
        "'Short'; delete it and retype the text around it"]


def test_markdown_keeps_tabs_and_is_normalised_to_nfc():
    records, errors = validate_one({**ACTIVITY, "steps": ["Cafe\u0301\tplay."]})
    assert errors == [] and records[0].data.steps == ["Caf\u00e9\tplay."]


# --- Markdown that stalls or crashes Python-Markdown ----------------------

REFUSED_MARKDOWN = {  # measured in SECURITY.md: each takes Python-Markdown seconds to minutes, or crashes it
    "a run of '['": ("[" * 20_000, "has 20,000 '[' in one paragraph (the one starting '[[[["),
    "images that never close": ("![" * 5_000, "has 5,000 '[' in one paragraph"),
    "links that never close": ("[a](" * 5_000, "has 5,000 '[' in one paragraph"),
    "raw tags that never close": ("<a " * 10_000, "has 10,000 '<' in one paragraph"),
    "list markers in a row": ("- " * 1_000 + "a", "line 1 of the text is nested 1000 levels deep"),
    "numbered markers in a row": ("1. " * 1_000 + "a", "line 1 of the text is nested 1000 levels deep"),
    "quotes and lists": ("> - " * 500 + "a", "line 1 of the text is nested 1000 levels deep"),
    "deep indentation": ("\n".join("    " * i + "- a" for i in range(12)),
                         f"line 11 of the text is nested 11 levels deep (lists, quotes and indentation); "
                         f"at most {MAX_NESTING} are allowed"),
    "headings without blank lines": ("a\n===\n" * 6_000, "has 12,000 lines without a blank line between them"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_MARKDOWN))
def test_markdown_that_would_stall_or_crash_is_refused_naming_the_field(name):
    text, expected = REFUSED_MARKDOWN[name]
    # Time budgets here count this process's CPU time, which other work on a busy machine does not
    # inflate (wall-clock budgets failed under load without the code getting slower).
    started = time.process_time()
    _, errors = validate_one({**ACTIVITY, "steps": ["Clip.", text]}, positions={("steps", 1): (12, 5)})
    assert time.process_time() - started < 1
    assert len(errors) == 1 and errors[0].startswith(f"data/activities/x.yml:12:5: steps[2]: {expected}"), errors


ACCEPTED_MARKDOWN = {  # within the limits, and fast: the worst cases we found
    "thousands of nested emphasis markers": "*" * 20_000 + "a" + "*" * 19_999,
    "mixed emphasis": "_*" * 10_000 + "a" + "*_" * 9_999,
    "fifty unclosed '[' in 40,000 characters": ("[" + "a" * 799) * 50,
    "fifty unclosed '<a ' ": ("<a " + "b" * 797) * 50,
    "a wall of backticks": "`" * 39_999,
    "a wide table": "|".join(["a"] * 13_000) + "\n" + "|".join(["-"] * 13_000),
    "ten levels of lists": "\n".join("    " * i + "- a" for i in range(MAX_NESTING)),
    "many short headings": ("## h\n\n" * 6_000)[:39_999],
    "entities": "&#" * 19_999,
    "a line across is not nesting": "* * * * * * * * * * * * * * * *",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_MARKDOWN))
def test_pathological_markdown_within_the_limits_renders_quickly(name):
    text = ACCEPTED_MARKDOWN[name]
    assert markdown_problem(text) is None
    started = time.process_time()
    html = markdown_to_html(text)
    assert time.process_time() - started < 3, "Python-Markdown got slower on this input: lower the limits"
    assert live_payloads(html, marker=None) == []


def test_a_deeply_nested_list_fails_the_build_without_a_traceback(project):
    write(project / "data/articles/deep.yml", "title: Deep\nsummary: S\nreviewed: 2026-06-01\n"
          "published: 2026-06-01\nbody: |\n  Fine.\n\n  " + "- " * 1_000 + "a\n")
    result = build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert ("data/articles/deep.yml:5:1: body: line 3 of the text is nested 1000 levels deep (lists, quotes "
            "and indentation); at most 10 are allowed") in result.stderr


def test_headings_cannot_carry_attribute_lists():
    """An article heading goes through MkDocs' Markdown (with attr_list) a second time."""
    heading = heading_html("Safety {: onclick=\"alert(1)\" } \\[x\\](javascript:alert(2)) *ok*")
    assert "{" not in heading and "[" not in heading and "(" not in heading
    assert heading.endswith("<em>ok</em>")
    import markdown
    second_pass = markdown.markdown(f"## {heading}", extensions=["attr_list", "toc"])
    assert live_payloads(second_pass, marker=None) == []
    assert " onclick=" not in second_pass and "<a " not in second_pass


# --- collisions ----------------------------------------------------------------

@pytest.mark.parametrize("title", ["PEG GAME", "Peg  game", "Ｐｅｇ ｇａｍｅ", "Р\u0435g game"])
def test_look_alike_titles_of_one_kind_cannot_coexist(tmp_path, title):
    """Case, width, spacing and Cyrillic look-alikes are ignored when titles are compared."""
    root = fixture_copy(tmp_path)
    source = (root / "data/activities/peg-game.yml").read_text()
    write(root / "data/activities/peg-game-copy.yml", source.replace("title: Peg game", f"title: {title}"))
    _, errors = build_library(root)
    assert [str(e) for e in errors] == [
        f"data/activities/peg-game.yml:1:1: title: 'Peg game' looks the same as the title of "
        f"data/activities/peg-game-copy.yml ('{' '.join(title.split())}'); give one of them a different title"]


def test_records_of_different_kinds_may_share_a_title(tmp_path):
    root = fixture_copy(tmp_path)
    article = root / "data/articles/hand-skills-at-home.yml"
    article.write_text(article.read_text().replace("title: Hand skills at home", "title: Peg game"))
    assert build_library(root)[1] == []


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

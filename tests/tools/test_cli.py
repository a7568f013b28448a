"""The `otkb` command: every subcommand's exit code and exact output."""

import datetime as dt
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, copy_project, write
from otkb.tools.cli import main
from otkb.content.kinds import KINDS

OTKB = Path(sys.executable).parent / "otkb"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def inside(project, monkeypatch):
    """The fixture project, as the current folder."""
    monkeypatch.chdir(project)
    return project


# --- the console script and --help ----------------------------------------------------

def test_the_console_script_is_installed():
    result = subprocess.run([str(OTKB), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: otkb [-h] [--project FOLDER] [--version] COMMAND ...")
    for command in ("check", "new", "schema", "list", "review"):
        assert f"\n    {command} " in result.stdout


@pytest.mark.parametrize("command", ["check", "new", "schema", "list", "review"])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exit.value.code == 0
    assert out.startswith(f"usage: otkb {command} ")
    assert len(out.splitlines()) > 6


def test_no_command_prints_the_help(capsys):
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("usage: otkb [-h] [--project FOLDER] [--version] COMMAND ...\n")
    assert "\n    check           check records exactly as the build does, without building\n" in out
    assert out.endswith("Run 'otkb COMMAND --help' for the details of one command.\n"
                        "More help: the editor's guide on the site (/editors/).\n")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr() == (f"otkb {importlib.metadata.version('otkb')}\n", "")


def test_outside_a_project(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "list") == (1, "", "otkb list: cannot find the project; run otkb inside the otkb folder "
                                   "(the one with mkdocs.yml and data/), or pass --project FOLDER\n")


# --- otkb check ---------------------------------------------------------------------------

def test_check_a_clean_project(capsys, inside):
    assert run(capsys, "check") == (0, "", "otkb check: no problems (5 files checked).\n")


def test_check_a_file_says_it_checked_that_file_and_the_records_it_links_to(capsys, inside):
    assert run(capsys, "check", "data/activities/peg-game.yml") == (
        0, "", "otkb check: no problems in data/activities/peg-game.yml, nor in the 2 records it links to.\n")
    assert run(capsys, "check", "data/research", "data/articles") == (
        0, "", "otkb check: no problems in data/research and data/articles (3 files), nor in the 1 record they "
               "link to.\n")
    assert run(capsys, "check", "data/research/jones-2019-preterm-grip.yml") == (
        0, "", "otkb check: no problems in data/research/jones-2019-preterm-grip.yml.\n")  # links to none


def test_editor_slips_get_the_right_names(capsys, inside):
    """A vocabulary value in the wrong case and a tab before a field: each named as the
    editor would look for it."""
    card = inside / "data/research/smith-2020-pegs.yml"
    card.write_text(card.read_text().replace("design: rct", "design: RCT"))
    article = inside / "data/articles/hand-skills-at-home.yml"
    article.write_text(article.read_text().replace("\nsummary:", "\n\tsummary:"))
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.splitlines() == [
        "data/articles/hand-skills-at-home.yml:2:1: summary: a tab is used for indentation; use spaces, not tabs",
        "data/research/smith-2020-pegs.yml:16:3: study.design: expected one of: meta-analysis, systematic-review, "
        "narrative-review, rct, non-randomised-trial, cohort, case-control, cross-sectional, case-series, qualitative, expert-opinion but "
        "received: 'RCT' (did you mean 'rct'?)"]


def test_check_from_a_subfolder_finds_the_project(capsys, inside, monkeypatch):
    monkeypatch.chdir(inside / "data" / "activities")
    assert run(capsys, "check", "peg-game.yml")[0] == 0


def break_two_records(project: Path):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("setting: [home, school]", "setting: [home, shcool]"))
    write(project / "data/articles/more-hands.yml", "title: More hands\nsummary: S\nreviewed: 2026-13-01\n"
          "published: 2026-06-01\nbody: Text.\nrelated: [activities/peg-gme]\n")


def test_check_lists_every_problem_and_exits_1(capsys, inside):
    break_two_records(inside)
    # more-hands' unknown link comes in the same run as its own field error, not after it is fixed
    assert run(capsys, "check") == (1, (
        "data/activities/peg-game.yml:9:17: setting[2]: expected one of: home, school, clinic, outdoors but "
        "received: 'shcool' (did you mean 'school'?)\n"
        "data/articles/more-hands.yml:3:1: reviewed: '2026-13-01' is not a real date\n"
        "data/articles/more-hands.yml:6:11: related[1]: unknown record 'activities/peg-gme'; add "
        "data/activities/peg-gme.yml or fix the reference\n"),
        "otkb check: 3 errors. Each line says the file, line, column and field; fix them and run otkb check "
        "again.\n")


def test_a_reference_field_with_an_error_of_its_own_is_not_reported_twice(capsys, inside):
    write(inside / "data/articles/more-hands.yml", "title: More hands\nsummary: S\nreviewed: 2026-06-01\n"
          "published: 2026-06-01\nbody: Text.\nrelated: [Activities/Peg-Gme]\ntopics: [fine-motr]\n")
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.splitlines() == [
        "data/articles/more-hands.yml:6:11: related[1]: 'Activities/Peg-Gme' is not a valid reference; expected "
        "kind/slug, like 'activities/shoe-tying' or 'research/bos-2013-preterm-motor'",
        "data/articles/more-hands.yml:7:10: topics[1]: unknown topic 'fine-motr' (did you mean 'fine-motor'?)"]


def test_check_one_file_is_still_linked_against_the_rest(capsys, inside):
    break_two_records(inside)
    (inside / "data/articles/more-hands.yml").write_text(
        "title: More hands\nsummary: S\nreviewed: 2026-06-01\npublished: 2026-06-01\nbody: Text.\n"
        "related: [activities/peg-gme, activities/peg-game, research/smith-2020-pegs]\n")
    # peg-game has an error of its own, so a reference to it is not reported again as unknown
    assert run(capsys, "check", "data/articles/more-hands.yml") == (1, (
        "data/articles/more-hands.yml:6:11: related[1]: unknown record 'activities/peg-gme'; add "
        "data/activities/peg-gme.yml or fix the reference\n"),
        "otkb check: 1 error. Each line says the file, line, column and field; fix them and run otkb check "
        "again. 1 more problem in other files; run 'otkb check' without a path to see every one.\n")
    path = inside / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("shcool", "school"))
    assert run(capsys, "check", "data/articles/more-hands.yml") == (1, (
        "data/articles/more-hands.yml:6:11: related[1]: unknown record 'activities/peg-gme' (did you mean "
        "'activities/peg-game'?)\n"),
        "otkb check: 1 error. Each line says the file, line, column and field; fix them and run otkb check "
        "again.\n")
    assert run(capsys, "check", "data/activities")[0] == 0  # a folder: only its records are reported


def test_check_reports_only_the_given_paths(capsys, inside):
    break_two_records(inside)
    code, out, err = run(capsys, "check", "data/activities/peg-game.yml")
    assert code == 1
    assert out.startswith("data/activities/peg-game.yml:9:17: setting[2]:") and out.count("\n") == 1
    assert err.endswith("2 more problems in other files; run 'otkb check' without a path to see every one.\n")


def test_check_a_path_that_is_not_a_record(capsys, inside):
    assert run(capsys, "check", "nope.yml") == (1, "", "otkb check: there is no file or folder 'nope.yml'\n")
    assert run(capsys, "check", "mkdocs.yml") == (1, "", "otkb check: 'mkdocs.yml' is not inside data/; records "
                                                  "live in data/articles/, data/research/, data/activities/ and data/milestones/\n")


def make_overdue(project: Path):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("review_due: 2027-06-01", "review_due: 2026-11-01"))


def test_check_shows_warnings_without_failing(capsys, inside):
    make_overdue(inside)
    assert run(capsys, "check", "--today", "2026-11-21") == (0, (
        "data/activities/peg-game.yml:6:1: review_due: warning: the review was due on 1 November 2026; check the "
        "content, then set 'reviewed' to the day you checked it and move 'review_due' on\n"),
        "otkb check: no errors, 1 warning. Warnings never stop publishing, but please look at them.\n")
    assert run(capsys, "check", "--today", "2026-10-31")[1] == ""


def test_check_strict_makes_warnings_errors(capsys, inside, monkeypatch):
    make_overdue(inside)
    code, out, _ = run(capsys, "check", "--strict", "--today", "2026-11-21")
    assert code == 1 and out.startswith("data/activities/peg-game.yml:6:1: review_due: the review was due")
    monkeypatch.setenv("OTKB_STRICT_WARNINGS", "true")  # read through mkdocs.yml, as the build does
    assert run(capsys, "check", "--today", "2026-11-21")[0] == 1


def test_check_rejects_a_bad_today(capsys, inside):
    with pytest.raises(SystemExit) as exit:
        main(["check", "--today", "21/11/2026"])
    assert exit.value.code == 2
    assert "'21/11/2026' is not a date written YYYY-MM-DD, like 2026-11-21" in capsys.readouterr().err


HOSTILE = ('title: T\nsummary: S\nreviewed: 2026-06-01\npublished: 2026-06-01\nbody: Text.\n'
           '"x,y:%z": 1\naudiences: ["par\\nents <b>"]\n')


def test_check_format_github(capsys, inside):
    write(inside / "data/articles/odd.yml", HOSTILE)
    make_overdue(inside)
    code, out, err = run(capsys, "check", "--format", "github", "--today", "2026-11-21")
    assert code == 1
    assert out == (
        "::error file=data/articles/odd.yml,line=6,col=1,title=otkb check%3A x%2Cy%3A%25z::unknown field "
        "'x,y:%25z'\n"
        "::error file=data/articles/odd.yml,line=7,col=13,title=otkb check%3A audiences[1]::expected one of: "
        "parents, therapists, educators but received: 'par%0Aents <b>' (did you mean 'parents'?)\n")
    assert err.startswith("otkb check: 2 errors.")


def test_check_format_github_warnings(capsys, inside):
    make_overdue(inside)
    assert run(capsys, "check", "--format", "github", "--today", "2026-11-21")[1] == (
        "::warning file=data/activities/peg-game.yml,line=6,col=1,title=otkb check%3A review_due::the review "
        "was due on 1 November 2026; check the content, then set 'reviewed' to the day you checked it and "
        "move 'review_due' on\n")


def test_check_format_github_for_a_whole_file(capsys, inside):
    write(inside / "data/activities/Button_Hunt.yml", "title: T\n")
    assert run(capsys, "check", "--format", "github")[1] == (
        "::error file=data/activities/Button_Hunt.yml,title=otkb check::the file name 'Button_Hunt.yml' must be a "
        "slug: lower-case letters and digits joined by single hyphens, e.g. 'shoe-tying.yml'\n")


def test_check_format_json(capsys, inside):
    write(inside / "data/articles/odd.yml", HOSTILE)
    code, out, err = run(capsys, "check", "--format", "json")
    assert (code, err) == (1, "")
    assert "<" not in out and "\\u003cb\\u003e" in out
    assert json.loads(out) == {"errors": 2, "warnings": 0, "problems": [
        {"path": "data/articles/odd.yml", "line": 6, "column": 1, "field": "x,y:%z", "severity": "error",
         "message": "unknown field 'x,y:%z'"},
        {"path": "data/articles/odd.yml", "line": 7, "column": 13, "field": "audiences[1]", "severity": "error",
         "message": "expected one of: parents, therapists, educators but received: 'par\nents <b>' (did you "
                    "mean 'parents'?)"}]}


def test_check_text_keeps_one_problem_per_line(capsys, inside):
    write(inside / "data/articles/odd.yml", HOSTILE)
    out = run(capsys, "check")[1]
    assert out.splitlines()[1].endswith("but received: 'par ents <b>' (did you mean 'parents'?)") and out.count("\n") == 2


# --- otkb new --------------------------------------------------------------------------------

FILL = {  # what an editor types into the empty fields of each template
    "activities": [("summary:\n", "summary: Find buttons hidden in play dough.\n"),
                   ("topics:\n  -\n", "topics:\n  - fine-motor\n"),
                   ("skills:\n  -\n", "skills:\n  - hand-strength\n"),
                   ("  min:\n  max:\n", "  min: 3 years\n  max: 6 years\n"),
                   ("materials:\n  -\n", "materials:\n  - Play dough\n"),
                   ("steps:\n  -\n  -\n", "steps:\n  - Hide buttons in the dough.\n  - Your child finds them.\n")],
    "articles": [("summary:\n", "summary: Why buttons are hard.\n"),
                 ("topics:\n  -\n", "topics:\n  - self-care\n"),
                 ("body: |\n", "body: |\n  Buttons take two hands [1].\n\n  ## Why\n\n  Small fingers get tired [1].\n"
                  "sources:\n  - name: A guide to buttons\n    url: https://example.org/buttons\n")],
    "research": [("summary:\n", "summary: Peg games helped.\n"),
                 ("topics:\n  -\n", "topics:\n  - hand-strength\n"),
                 ("  authors:\n    -\n", "  authors:\n    - Smith, J.\n"),
                 ("  year:\n  title:\n  journal:\n", "  year: 2024\n  title: Pegs\n  journal: Hands\n"),
                 ("  design:\n  question:\n  population:\n",
                  "  design: rct\n  question: effect\n  population: Children aged 4 to 6\n  tested: Peg games\n"),
                 ("findings:\n  -\n", "findings:\n  - Pinch got stronger.\n"),
                 ("  therapists:\n    -\n  parents:\n    -\n",
                  "  therapists:\n    - Try pegs.\n  parents:\n    - Play peg games.\n")],
    "milestones": [("summary:\n", "summary: What most children do by 3 years.\n"),
                   ("topics:\n  -\n", "topics:\n  - gross-motor\n"),
                   ("\nage:\n", "\nage: 3 years\n"),
                   ("  gross-motor:\n    -\n  fine-motor:\n    -\n", "  gross-motor:\n    - Runs.\n  fine-motor:\n    - Scribbles.\n"),
                   ("seek_help:\n  -\n", "seek_help:\n  - Your child has lost skills.\n"),
                   ("  name:\n  url:\n", "  name: A checklist\n  url: https://example.org/3-years\n")],
}


def fill_in(path: Path, kind: str):
    text = path.read_text()
    for old, new in FILL[kind]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)


def test_new_writes_a_commented_record(capsys, inside):
    today = dt.date.today()
    assert run(capsys, "new", "activities", "button-hunt", "--title", "Button hunt: a game") == (0, (
        "Created data/activities/button-hunt.yml.\n"
        "Next: fill in the empty fields (the notes in the file say how), then run:\n"
        "  otkb check data/activities/button-hunt.yml\n"
        "Preview it with 'mkdocs serve', at http://127.0.0.1:8000/activities/button-hunt/\n"), "")
    text = (inside / "data/activities/button-hunt.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schemas/activities.schema.json\n"
                           "# A new activity: its page will be /activities/button-hunt/ on the site.\n")
    assert '\ntitle: "Button hunt: a game"\n' in text
    assert f"\nreviewed: {today.isoformat()}\nreview_due: {today.replace(year=today.year + 1).isoformat()}\n" in text \
        or today.month == 2 and today.day == 29
    assert "\n#   fine-motor, " in text  # the topic ids, from data/topics.yml


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_new_record_names_each_empty_field_then_passes_once_filled_in(capsys, inside, kind):
    assert run(capsys, "new", kind, "a-new-one")[0] == 0
    path = inside / "data" / kind / "a-new-one.yml"
    assert "\ntitle: A new one\n" in path.read_text()
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert out.startswith(f"data/{kind}/a-new-one.yml:")
    assert all(": expected" in line or ": must not be empty" in line for line in out.splitlines())
    fill_in(path, kind)
    code, out, err = run(capsys, "check", str(path))
    assert code == 0
    if kind == "research":  # a new card: nothing links to it yet
        assert out.startswith("data/research/a-new-one.yml:8:1: warning: no record links to this research card")
    else:
        assert (out, err) == ("", f"otkb check: no problems in {path}.\n")


def test_new_accepts_a_singular_kind(capsys, inside):
    assert run(capsys, "new", "activity", "button-hunt")[0] == 0
    assert (inside / "data/activities/button-hunt.yml").exists()


def test_new_never_overwrites(capsys, inside):
    before = (inside / "data/activities/peg-game.yml").read_text()
    assert run(capsys, "new", "activities", "peg-game") == (
        1, "", "otkb new: data/activities/peg-game.yml already exists; edit it, or choose another name\n")
    assert (inside / "data/activities/peg-game.yml").read_text() == before


@pytest.mark.parametrize("slug, reason", [
    ("Button Hunt", "it has capital letters, spaces or underscores (use hyphens); a slug is lower-case words "
                    "joined by single hyphens, like 'button-hunt'"),
    ("button_hunt", "it has spaces or underscores (use hyphens); a slug is lower-case words joined by single "
                    "hyphens, like 'button-hunt'"),
    ("button-hunt.yml", "leave out the file ending: 'button-hunt'"),
    ("button--hunt-", "it has a hyphen at the start or end, or two in a row; a slug is lower-case words joined "
                      "by single hyphens, like 'button-hunt'"),
    ("café-games", "it has characters other than a-z, 0-9 and hyphens; a slug is lower-case words joined by "
                   "single hyphens, like 'caf-games'"),
])
def test_new_rejects_a_bad_slug_with_the_reason(capsys, inside, slug, reason):
    assert run(capsys, "new", "activities", slug) == (1, "", f"otkb new: '{slug}' cannot be a file name: {reason}\n")
    assert sorted(p.name for p in (inside / "data/activities").iterdir()) == ["peg-game.yml"]


def test_new_rejects_an_unknown_kind(capsys, inside):
    assert run(capsys, "new", "recipes", "pancakes") == (
        1, "", "otkb new: unknown kind 'recipes'; choose one of: articles, research, activities, milestones\n")


# --- otkb schema, list, review -------------------------------------------------------------------

def test_schema_check_and_write(capsys, inside):
    (inside / "schemas").mkdir(exist_ok=True)
    for path in (PROJECT / "schemas").iterdir():
        (inside / "schemas" / path.name).write_text(path.read_text())
    assert run(capsys, "schema", "--check") == (0, "", "")
    (inside / "schemas/research.schema.json").write_text("{}\n")
    assert run(capsys, "schema", "--check") == (1, "", "schemas/research.schema.json is out of date with the "
                                                "models; run 'otkb schema' and commit it\n")
    assert run(capsys, "schema") == (0, "Wrote schemas/research.schema.json\n", "")
    assert run(capsys, "schema") == (0, "The schemas are up to date.\n", "")


def test_list(capsys, inside):
    assert run(capsys, "list") == (0, (
        "Articles (1)\n  articles/hand-skills-at-home  Hand skills at home\n"
        "Research (2)\n  research/jones-2019-preterm-grip  Grip in children born preterm (Jones, 2019)\n"
        "  research/smith-2020-pegs          Peg games and pinch strength (Smith et al., 2020)\n"
        "Activities (1)\n  activities/peg-game  Peg game\nMilestones (0)\n"), "")
    assert run(capsys, "list", "activities") == (0, "Activities (1)\n  activities/peg-game  Peg game\n", "")


def test_list_leaves_out_records_with_problems(capsys, inside):
    break_two_records(inside)
    assert run(capsys, "list", "activities") == (0, "Activities (0)\n", (
        "(left out, with problems: data/activities/peg-game.yml, data/articles/more-hands.yml; 'otkb check' says "
        "what they are)\n"))
    assert run(capsys, "review", "--today", "2027-06-01")[1] == (
        "2027-06-01  due      data/articles/hand-skills-at-home.yml  Hand skills at home\n")


def test_review_oldest_first(capsys, inside):
    make_overdue(inside)
    assert run(capsys, "review", "--today", "2026-11-21") == (0, (
        "2026-11-01  overdue  data/activities/peg-game.yml  Peg game\n"), "")
    assert run(capsys, "review", "--today", "2027-05-20", "--within", "400") == (0, (
        "2026-11-01  overdue  data/activities/peg-game.yml  Peg game\n"
        "2027-06-01  due      data/articles/hand-skills-at-home.yml  Hand skills at home\n"
        "2028-06-01  due      data/research/jones-2019-preterm-grip.yml  Grip in children born preterm (Jones, 2019)\n"
        "2028-06-01  due      data/research/smith-2020-pegs.yml  Peg games and pinch strength (Smith et al., "
        "2020)\n"), "")  # no review_due: two years after 'reviewed'
    assert run(capsys, "review", "--today", "2026-06-02") == (0, "Nothing is due for review in the next 30 days.\n", "")


# --- pre-commit ------------------------------------------------------------------------------------

def test_pre_commit_checks_the_changed_records(tmp_path):
    project = copy_project(tmp_path / "project")
    for name in (".pre-commit-config.yaml", ".pre-commit-hooks.yaml", *(f"schemas/{p.name}" for p in
                                                                       (PROJECT / "schemas").iterdir())):
        write(project / name, (PROJECT / name).read_text())
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "NO_COLOR": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def sh(*args):
        return subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=120)

    assert sh("pre-commit", "validate-config", ".pre-commit-config.yaml").returncode == 0
    assert sh("pre-commit", "validate-manifest", ".pre-commit-hooks.yaml").returncode == 0
    assert sh("git", "init", "-q").returncode == 0
    record = project / "data/activities/peg-game.yml"
    record.write_text(record.read_text().replace("setting: [home, school]", "setting: [home, shcool]"))
    sh("git", "add", "-A")
    result = sh("pre-commit", "run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("data/activities/peg-game.yml:9:17: setting[2]: expected one of: home, school, clinic, outdoors but "
            "received: 'shcool' (did you mean 'school'?)") in result.stdout
    record.write_text(record.read_text().replace("shcool", "school"))
    sh("git", "add", "-A")
    result = sh("pre-commit", "run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "otkb check (the changed records)" in result.stdout and "schemas/ matches the models" in result.stdout

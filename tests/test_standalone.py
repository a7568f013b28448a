"""A clone stands alone: the committed repository builds and checks with nothing beside it.

Nothing in the tests, the build or the tools may read outside the repository
(once the tests read hostile samples from ../shared/, which no one who clones
the project has). The first test clones the committed state into an empty
folder and runs the checks that matter there, so such a dependency cannot
come back unnoticed; the second looks for the usual ways of reaching out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT


def _unavailable(reason: str):
    """Without git or a git checkout this cannot run: a skip here, a failure in CI."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _git(*args: str, cwd: Path = PROJECT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _tool(name: str) -> list[str]:
    """The current environment's `name` (mkdocs, otkb): the venv's script, or the module behind it."""
    script = Path(sys.executable).parent / name
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from otkb.tools.cli import main; raise SystemExit(main())"] if name == "otkb" \
        else [sys.executable, "-m", name]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """`git clone` of the checkout's committed state (HEAD, even detached or shallow, as in CI), alone in a folder."""
    if not shutil.which("git"):
        _unavailable("git is not installed")
    try:
        head = _git("rev-parse", "HEAD")
    except subprocess.CalledProcessError:
        _unavailable(f"{PROJECT} is not a git checkout")
    room = tmp_path_factory.mktemp("alone")
    clone = room / "otkb"
    _git("clone", "--quiet", "--no-checkout", str(PROJECT), str(clone), cwd=room)
    _git("checkout", "--quiet", "--detach", head, cwd=clone)
    assert list(room.iterdir()) == [clone]  # no ../shared, nothing else beside it
    return clone


def _run(clone: Path, *command: str) -> subprocess.CompletedProcess:
    # The clone's own pipeline (hooks/), not the one the environment was installed from.
    env = {**os.environ, "PYTHONPATH": str(clone / "hooks"), "NO_MKDOCS_2_WARNING": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(list(command), cwd=clone, env=env, capture_output=True, text=True, timeout=600)


def test_a_fresh_clone_builds_strict_and_checks_clean_with_nothing_beside_it(clone):
    where = _run(clone, sys.executable, "-c", "import otkb; print(otkb.__file__)")
    assert Path(where.stdout.strip()).resolve().is_relative_to(clone.resolve()), where

    built = _run(clone, *_tool("mkdocs"), "build", "--strict")
    assert built.returncode == 0, built.stderr
    for page in ("index.html", "editors/index.html", "editors/contract/index.html",
                 "activities/index.html", "research/bos-2013-preterm-motor/index.html"):
        assert (clone / "site" / page).is_file(), page

    checked = _run(clone, *_tool("otkb"), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Editor warnings (cards awaiting a certainty rating from a clinician) are allowed; errors are not.
    assert "otkb check: no problems" in checked.stderr or "otkb check: no errors" in checked.stderr


# What reaching outside the repository has looked like: ../shared, the folder above the project.
OUTSIDE = re.compile(r"\.\./shared|\bshared/(?:bad-records|content-model)|PROJECT\.parent\b|parents\[[2-9]\]"
                     r"|parent\.parent\.parent")


def test_nothing_in_the_repository_reaches_outside_it():
    tracked = _git("ls-files", "tests", "hooks", "scripts", "benchmarks", ".ci", ".github", "docs",
                   "mkdocs.yml", "pyproject.toml", "netlify.toml", "README.md", "SECURITY.md").splitlines()
    if not tracked:
        _unavailable(f"{PROJECT} is not a git checkout")
    found = []
    for name in tracked:
        path = PROJECT / name
        if path.name == Path(__file__).name or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert found == []

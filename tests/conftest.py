"""Shared test helpers: copy the project into tmp_path, build it, read the HTML."""

from __future__ import annotations

import fcntl
import hashlib
import json
import locale
import html as html_lib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable

import pytest

PROJECT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).parent  # the tests' data (records, goldens, search tables) is here, beside the stage folders
# Hostile records an editor might send, each stating the outcome it must get (tests/host/test_build.py).
HOSTILE_RECORDS = TESTS / "hostile_records"
FIXTURE_DATA = TESTS / "fixture_site" / "data"
GOLDEN = TESTS / "golden"
PROJECT_PARTS = ("mkdocs.yml", "docs", "hooks", "overrides")


# Markers (registered in pyproject.toml), given here by rule so that tests added or moved later are
# marked too. `python -m pytest -m "not build and not slow"` runs the unit core in seconds; CI runs all.
#   build: builds a site (a fixture below that copies or builds the project, or calls build()/copy_project)
#   slow:  a browser, a server, a benchmark, external tools or a clone: seconds each even without a build
BUILD_FIXTURES = {"project", "sample_site", "fixture_site", "many_activities", "sample", "site", "sites", "guide",
                  "hostile_site", "clone", "served"}
BUILD_CALLS = {"build", "copy_project", "build_site"}  # not fixture_copy: it copies data/ and builds nothing
SLOW_MODULES = {"test_benchmark.py", "test_serve.py", "test_workflows.py", "test_reproducible.py",
                "test_standalone.py", "test_builders.py", "test_incremental.py", "test_warm.py",
                "test_properties.py"}
SLOW_TESTS = {"test_checking_links_stays_linear", "test_pathological_markdown_within_the_limits_renders_quickly",
              "test_the_console_script_is_installed",  # seconds of CPU each (budgets on big inputs, a subprocess)
              "test_a_title_edit_changes_only_its_old_and_new_letters_pages"}  # renders 150 records twice


MEMORY_FOLDER = Path("/dev/shm")  # Linux's shared memory: a tmpfs
MEMORY_NEEDED = 4 << 30  # bytes free in it, for a run's temporary files (the suite writes about 1.5 GB)


def pytest_configure(config):
    """The run's temporary files in memory when there is room (TMPDIR, for the workers and every
    process they start): the builds write thousands of small files, and on a disk each costs the
    kernel far more (on this machine's ext4, a fixture build spends 0.65 CPU s in the kernel, 0.13 s on
    tmpfs). A TMPDIR or --basetemp of your own is kept."""
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.basetemp or "TMPDIR" in os.environ:
        return
    try:
        room = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return
    if room.f_bavail * room.f_frsize >= MEMORY_NEEDED and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        os.environ["TMPDIR"] = str(MEMORY_FOLDER)
        tempfile.tempdir = None  # tempfile asks TMPDIR again


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: two workers per core. A worker spends much of a test waiting while no core is
    busy for it: for `mkdocs serve` to go quiet, for a shared site another worker builds
    (built_once), for a server or Chromium to answer; a second worker per core fills that time."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def pytest_collection_modifyitems(config, items):
    for item in items:
        function = getattr(item, "function", None)
        calls = set(function.__code__.co_names) if function else set()
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())) or BUILD_CALLS & calls:
            item.add_marker(pytest.mark.build)
        path = Path(str(item.fspath))
        if path.name in SLOW_MODULES or "browser" in path.parts or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
    # The longest tests first (the order within each group kept): spread over the xdist workers
    # (addopts in pyproject.toml), a long test started last would leave the other workers idle.
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, item.get_closest_marker("build") is None))


def pytest_sessionfinish(session):
    BuildServer.stop()


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


def build_in_this_process(project: Path) -> None:
    """`mkdocs build` of `project` in this process, as the command runs it (startup, build, shutdown):
    for a test that changes a value of our modules (a monkeypatch), which `build`'s process never sees."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        config = load_config(str(project / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()


def copy_project(dest: Path, data: Path | None = FIXTURE_DATA) -> Path:
    """A copy of the project in `dest` with the records of `data` (the fixture site by default)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT / part
        if source.is_dir():
            # __pycache__ too: its .pyc files stay valid for the copied sources (same times and sizes),
            # so a build of the copy does not compile every module again (0.08 CPU s, ~150 builds)
            shutil.copytree(source, dest / part)
        else:
            shutil.copy2(source, dest / part)
    shutil.copytree(data or PROJECT / "data", dest / "data")
    return dest


def fixture_copy(tmp_path: Path) -> Path:
    """A project folder holding only a copy of the fixture site's data/."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path


def leftovers(project: Path) -> list[str]:
    """What builds left beside `project`'s site: staging folders and old sites (.site.*)."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


def build(project: Path, *args: str, timeout: int = 240, builder: str = "mkdocs",
          fresh: bool = False) -> subprocess.CompletedProcess:
    """Run `mkdocs build` (or `properdocs build`) in `project` as an editor or CI would: in a process
    that starts with nothing of a build in it. An MkDocs build is a fork of this worker's build server
    (tests/buildserver.py: the imports are done once), unless `fresh` asks for a new interpreter."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", builder, "build", *args]
    if builder == "mkdocs" and not fresh:
        forked = BuildServer.run(command, project, env, timeout)
        if forked is not None:
            return forked
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout)


def as_text(output: bytes) -> str:
    """A process's output as subprocess.run(text=True) gives it: the locale's encoding, universal newlines."""
    return output.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


class BuildServer:
    """This worker's tests/buildserver.py, started on the first build; `run` is None when the build
    needs a fresh interpreter after all (the server is busy in another thread, or the environment
    sets the interpreter up differently: PYTHONPATH, PYTHONHASHSEED...)."""

    process: subprocess.Popen | None = None
    startup: dict[str, str] = {}  # the PYTHON* variables the server started with
    lock = threading.Lock()

    @classmethod
    def stop(cls) -> None:
        """End the server and wait for it (so that its builds' CPU time counts in the run's)."""
        if cls.process is not None:
            cls.process.stdin.close()
            cls.process.wait()
            cls.process = None

    @classmethod
    def run(cls, command: list[str], project: Path, env: dict[str, str], timeout: float):
        startup = {name: value for name, value in env.items() if name.startswith("PYTHON")}
        if not cls.lock.acquire(blocking=False):
            return None
        try:
            if cls.process is None or cls.process.poll() is not None:
                cls.process = subprocess.Popen([sys.executable, str(TESTS / "buildserver.py")], env=env,
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                cls.startup = startup
                assert cls.process.stdout.readline() == b"ready\n", "the build server did not start"
            if startup != cls.startup:
                return None
            with tempfile.TemporaryDirectory(prefix="build-") as folder:
                out, err = Path(folder, "stdout"), Path(folder, "stderr")
                request = {"cwd": os.path.abspath(project), "env": env, "args": command[4:], "stdout": str(out), "stderr": str(err)}
                cls.process.stdin.write(json.dumps(request).encode() + b"\n")
                cls.process.stdin.flush()
                pid = int(cls.process.stdout.readline())
                ready, _, _ = select.select([cls.process.stdout], [], [], timeout)
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                status = int(cls.process.stdout.readline())
                output, errors = (as_text(path.read_bytes()) for path in (out, err))
                if not ready:
                    raise subprocess.TimeoutExpired(command, timeout, output, errors)
                return subprocess.CompletedProcess(command, status, output, errors)
        finally:
            cls.lock.release()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_milestone(project: Path, slug: str, age: str) -> Path:
    """A small milestone checklist for `age` (like '30 months') in `project`'s data/milestones/."""
    return write(project / f"data/milestones/{slug}.yml",
                 f"title: Milestones at {age}\nsummary: What most children do by {age}.\ntopics: [fine-motor]\n"
                 f"reviewed: 2026-06-01\nage: {age}\nskills:\n  fine-motor: [Holds a crayon with fingers and thumb.]\n"
                 "seek_help: [Your child has lost skills they had.]\n"
                 "source: {name: A checklist, url: 'https://example.org/checklist'}\n")


def add_neighbours(project: Path) -> None:
    """Four milestone checklists (each page links the ages before and after it) and a second
    activity like the fixture's peg game, for edits of records that other pages show."""
    for slug, age in [("2-years", "2 years"), ("30-months", "30 months"), ("3-years", "3 years"),
                      ("4-years", "4 years")]:
        write_milestone(project, slug, age)
    peg = (project / "data/activities/peg-game.yml").read_text(encoding="utf-8")
    write(project / "data/activities/bead-game.yml",
          peg.replace("title: Peg game", "title: Bead game").replace("min: 30 months", "min: 4 years"))


def make_warnings(project: Path) -> None:
    """Two editor warnings in the fixture project (a review date past, an activity that cites no study)."""
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("review_due: 2027-06-01", "review_due: 2020-01-01")
                    .replace("supports: [research/smith-2020-pegs]\n", ""))


def header_rules(text: str) -> list[tuple[re.Pattern, dict[str, str]]]:
    """Netlify / Cloudflare Pages _headers: a path line (`*` matches anything), then indented headers."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((re.compile("^" + ".*".join(map(re.escape, line.strip().split("*"))) + "$"), {}))
        else:
            name, value = line.strip().split(":", 1)
            assert name not in rules[-1][1], f"{name} twice in one rule"
            rules[-1][1][name] = value.strip()
    return rules


def swap_contents(one: Path, other: Path) -> None:
    """Swap two files' bytes: each record keeps its address and takes the other's content."""
    first, second = one.read_bytes(), other.read_bytes()
    one.write_bytes(second)
    other.write_bytes(first)


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the project holding the small fixture site."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def faketime() -> str:
    """libfaketime's `faketime` command, to run a process at another time (a failure in CI when missing)."""
    path = shutil.which("faketime")
    if path is None:
        message = "libfaketime is not installed (apt-get install faketime)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_folder(tmp_path_factory) -> Path:
    """The test run's temporary folder, which every xdist worker shares."""
    run = tmp_path_factory.getbasetemp()
    return run.parent if os.environ.get("PYTEST_XDIST_WORKER") else run  # above each worker's own


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory) -> None:
    """Every build the run starts shares one folder of compiled templates (otkb.host.templatecache),
    the run's own: the user's cache folder is left alone, and each run starts cold."""
    folder = run_folder(tmp_path_factory) / "templates"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.environ["OTKB_TEMPLATE_CACHE"] = str(folder)


def built_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` once per test run, however many xdist workers run it: the first worker to ask
    makes `folder` where all of them can read it, the others wait for it (a lock) and reuse it.
    For sites that tests only read; a test that changes files builds its own copy."""
    run = run_folder(tmp_path_factory)
    folder, done = run / name, run / f"{name}.done"
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if `make` fails
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


def build_strict(root: Path, *args: str, builder: str = "mkdocs") -> None:
    """Build `root` --strict; its log is kept in `root`/build.log for the tests that read it."""
    result = build(root, "--strict", *args, builder=builder)
    assert result.returncode == 0, result.stderr
    (root / "build.log").write_text(result.stderr, encoding="utf-8")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The real sample content, built once with --strict; returns the site folder."""
    def make(root: Path) -> None:
        build_strict(copy_project(root, data=PROJECT / "data"))
    return built_once(tmp_path_factory, "sample", make) / "site"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture site, built once with --strict; returns the site folder."""
    return built_once(tmp_path_factory, "fixture", lambda root: build_strict(copy_project(root))) / "site"


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The fixture site with the hostile record set (tests/hostile.py), built once with --strict; returns
    the site folder (tests/site/test_hostile_output.py reads it, tests/browser/test_hostile_records.py
    opens it in Chromium)."""
    from hostile import write_hostile_records

    def make(project: Path) -> None:
        write_hostile_records(copy_project(project))
        build_strict(project)
    return built_once(tmp_path_factory, "hostile", make) / "site"


@pytest.fixture(scope="session")
def exported_sample(tmp_path_factory) -> Path:
    """The sample content exported with `otkb export` and built --strict by MkDocs with no hooks, once;
    returns the folder holding project/, the export in out/ (its site in out/site/) and what the
    export said in export.log."""
    import contextlib
    import io

    from otkb.tools.cli import main as otkb

    def make(root: Path) -> None:
        project = copy_project(root / "project", data=PROJECT / "data")
        said = io.StringIO()
        with contextlib.redirect_stderr(said):
            assert otkb(["--project", str(project), "export", str(root / "out")]) == 0, said.getvalue()
        (root / "export.log").write_text(said.getvalue(), encoding="utf-8")
        build_strict(root / "out")
    return built_once(tmp_path_factory, "exported", make)


@pytest.fixture(scope="session")
def many_activities(tmp_path_factory) -> Path:
    """A project of 150 synthetic records (120 activities: three listing pages), built once; returns its root."""
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    from synthetic import generate

    def make(root: Path) -> None:
        copy_project(root, data=PROJECT / "data")
        generate(150, root / "data", PROJECT / "data/topics.yml")
        result = build(root)
        assert result.returncode == 0, result.stderr
    return built_once(tmp_path_factory, "many", make)


def text_of(page: str) -> str:
    """A page's visible text, roughly: tags dropped, references decoded, whitespace squeezed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes under `folder`: equal digests, identical trees."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def library():
    """The fixture site's records, loaded, validated and linked."""
    from otkb.content.pipeline import build_library

    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return library


def validate_one(data: dict, kind: str = "activities", positions: dict | None = None):
    """Validate one record given as data: (records, error messages), as `data/<kind>/x.yml`."""
    from otkb.content.load import RawRecord
    from otkb.content.validate import validate_records

    records, errors = validate_records([RawRecord(kind, "x", f"data/{kind}/x.yml", data, positions or {})])
    return records, [str(e) for e in errors]


_BUILD_STAMP = re.compile(r'<div class="otkb-build">.*?</div>', re.S)


def visible_pages(site: Path) -> dict[str, str]:
    """{page path: its visible text} for every HTML page of a built site, the build stamp left out
    (it names the commit and the day, which differ between builds of the same content)."""
    return {path.relative_to(site).as_posix(): text_of(_BUILD_STAMP.sub("", path.read_text(encoding="utf-8")))
            for path in sorted(site.rglob("*.html"))}


def search_pages(site: Path) -> dict[str, list[dict]]:
    """{page location: its search entries (the page's, then its sections')}, from a built site's index."""
    chunks = sorted((site / "search/d").glob("*.json"), key=lambda path: int(path.stem))
    return {page[0]["location"]: page for chunk in chunks for page in json.loads(chunk.read_text(encoding="utf-8"))}

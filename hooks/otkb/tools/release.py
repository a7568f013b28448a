"""`otkb release-check`: do on your own machine what CI does before the site is published.

    otkb release-check [--skip-tests] [--keep]

Four steps, in the order of .github/workflows/publish.yml: `otkb check`,
the tests (python -m pytest), `mkdocs build --strict` into a fresh temporary
folder, and a check of every internal link in the built HTML
(otkb.site.linkcheck). Each step runs even when an earlier one failed (except the
link check, which needs the build), so one run shows everything to fix; each
is printed as it finishes. Then a short summary: pages, records per kind,
warnings, size. Exit status 0 means CI would publish it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..content.pipeline import check_library
from ..content.kinds import KINDS, kind_of
from ..content.models import Activity
from .project import CommandError, find_project

DESCRIPTION = (
    "Do what CI does before the site is published: otkb check, the tests, a strict build into\n"
    "a fresh temporary folder and a check of every internal link in the built pages; then print a\n"
    "short summary (pages, records per kind, warnings, size). Exits 0 when CI would publish.\n\n"
    "examples:\n  otkb release-check\n  otkb release-check --skip-tests --keep")
SHOWN_LINES = 40  # of a failed step's output


@dataclass
class Step:
    """One step's result: `status` is PASS, FAIL or SKIP; `output` (what to look at) is shown under it."""

    name: str
    status: str
    detail: str
    output: str = ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--skip-tests", action="store_true",
                        help="do not run the tests (CI still does); the other steps take seconds")
    parser.add_argument("--keep", action="store_true",
                        help="keep the built site and print where it is, to look at it")


def run(args, project: Path) -> int:
    """Run the steps on `project` and print the report; 0 when every step passed."""
    print("otkb release-check: doing what CI does before publishing", flush=True)
    workspace = Path(tempfile.mkdtemp(prefix="otkb-release-"))
    site = workspace / "site"
    steps = []

    def done(step: Step) -> Step:
        steps.append(step)
        print(shown(step), flush=True)
        return step

    try:
        done(run_check(project))
        done(Step("tests", "SKIP", "--skip-tests given (CI runs them)") if args.skip_tests else run_tests(project))
        if done(run_build(project, site)).status == "PASS":
            done(run_linkcheck(site))
        else:
            done(Step("internal links", "SKIP", "needs a successful build"))
        print(summary(steps, project, site))
        if args.keep and site.is_dir():
            print(f"The built site is in {site}")
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0 if all(step.status != "FAIL" for step in steps) else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m otkb.tools.release`: the same as `otkb release-check`."""
    parser = argparse.ArgumentParser(prog="otkb release-check", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", metavar="FOLDER", help="the otkb folder (default: found from here upwards)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args, find_project(args.project))
    except CommandError as e:
        print(f"otkb release-check: {e}", file=sys.stderr)
        return 1


# --- the steps ---------------------------------------------------------------------

def run_tests(project: Path) -> Step:
    result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    last = _last_line(result.stdout) or "no output"  # pytest's: "339 passed in 75.35s (0:01:15)"
    if result.returncode != 0:
        return Step("tests", "FAIL", last, result.stdout + result.stderr)
    return Step("tests", "PASS", last)


def run_check(project: Path) -> Step:
    """`otkb check`, as CI runs it (CI adds --format github)."""
    result = _run([sys.executable, "-m", "otkb.tools.cli", "--project", str(project), "check"], project)
    summary = _last_line(result.stderr).removeprefix("otkb check: ").split(". ")[0]
    return Step("otkb check", "FAIL" if result.returncode else "PASS", summary, result.stdout)


def run_build(project: Path, site: Path) -> Step:
    started = time.monotonic()
    result = _run([sys.executable, "-m", "mkdocs", "build", "--strict",
                   "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)], project)
    problems = [line for line in result.stderr.splitlines() if line.startswith(("ERROR", "WARNING", "Error", "Aborted"))]
    if result.returncode != 0 or not (site / "index.html").is_file():
        return Step("strict build", "FAIL", f"{len(problems)} problem(s) in the build log", "\n".join(problems)
                    or result.stderr)
    return Step("strict build", "PASS", f"{_count(_pages(site), 'page')} in {time.monotonic() - started:.1f} s")


def run_linkcheck(site: Path) -> Step:
    from ..site.linkcheck import check_site_links

    broken = check_site_links(site)
    if broken:
        lines = [f"{b.page_url}: {b.href} ({b.reason})" for b in broken]
        return Step("internal links", "FAIL", f"{_count(len(broken), 'broken link')}", "\n".join(lines))
    return Step("internal links", "PASS", "no broken links")


# --- the report -----------------------------------------------------------------------

def shown(step: Step) -> str:
    """The step's line, then the end of its output, indented."""
    lines = [f"  {step.status}  {step.name:<15} {step.detail}"]
    output = step.output.strip().splitlines()
    if len(output) > SHOWN_LINES:
        lines.append(f"        ... {len(output) - SHOWN_LINES} earlier lines not shown")
    lines += [f"        {line}" for line in output[-SHOWN_LINES:]]
    return "\n".join(lines)


def summary(steps: list[Step], project: Path, site: Path) -> str:
    library, _, warnings = check_library(project)
    lines = ["Summary"]
    lines.append(f"  pages     {_pages(site) if site.is_dir() else 'not built'}")
    if library:
        lines.append("  records   " + ", ".join(f"{KINDS[k].label.lower()} {len(library.of_kind(k))}" for k in KINDS))
        activities = library.of_kind(kind_of(Activity))
        tested = sum(library.tested_level(a) is not None for a in activities)
        lines.append(f"  evidence  {tested} of {len(activities)} activities tested in research "
                     "(under 'supports:'); the others say that no study has tested them")
    lines.append(f"  warnings  {len(warnings)}" + (" (listed under otkb check; they never stop publishing)"
                                                   if warnings else ""))
    if site.is_dir():
        files = [p for p in site.rglob("*") if p.is_file()]
        lines.append(f"  size      {_size(sum(p.stat().st_size for p in files))} in {_count(len(files), 'file')}")
    if all(step.status != "FAIL" for step in steps):
        lines.append("Ready to publish: CI would accept this change and deploy it.")
    else:
        lines.append("Not ready: fix what the FAIL lines above say, then run otkb release-check again.")
    return "\n".join(lines)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def _pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} KB" if size < 1024 ** 2 else f"{size / 1024 ** 2:.1f} MB"

if __name__ == "__main__":
    sys.exit(main())

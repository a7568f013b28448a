"""Reproducible builds: one commit gives a byte-identical site on any day, in any folder.

The two builds of each test differ in everything that should not matter:
the clock (libfaketime moves it by years; `apt-get install faketime`, which
.ci/run does), the time zone, Python's hash seed (set and dict-of-set order)
and the folder the project sits in.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, copy_project

EPOCH = 1_767_225_600  # 2026-01-01 00:00:00 UTC
BUILDS = [  # (fake clock, time zone, hash seed)
    ("2031-03-04 05:06:07", "UTC", "1"),
    ("2033-11-12 23:59:59", "Pacific/Auckland", "2"),
]


def build_on(faketime: str, project: Path, when: str, tz: str, seed: str, **env: str) -> Path:
    environ = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    environ.update(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", TZ=tz, PYTHONHASHSEED=seed, **env)
    result = subprocess.run([faketime, when, sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project,
                            env=environ, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return project / "site"


def differences(a: Path, b: Path) -> list[str]:
    """Files that are missing on one side or differ in a byte."""
    names_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(names_a ^ names_b) + sorted(n for n in names_a & names_b
                                              if (a / n).read_bytes() != (b / n).read_bytes())


def test_two_builds_on_two_days_are_byte_identical(tmp_path, faketime):
    sites = []
    for index, (when, tz, seed) in enumerate(BUILDS):
        project = copy_project(tmp_path / f"checkout-{index}", data=PROJECT / "data")
        sites.append(build_on(faketime, project, when, tz, seed, SOURCE_DATE_EPOCH=str(EPOCH)))
    assert len(list(sites[0].rglob("*.html"))) > 20
    assert differences(*sites) == []
    # MkDocs' own dates come from SOURCE_DATE_EPOCH, not the (fake) clock.
    sitemap = (sites[0] / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", sitemap)) == {"2026-01-01"}
    header = (sites[0] / "sitemap.xml.gz").read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == EPOCH  # the gzip header's mtime
    assert gzip.decompress((sites[0] / "sitemap.xml.gz").read_bytes()).decode() == sitemap


def test_sitemap_and_search_index_follow_a_stable_order(tmp_path, faketime):
    site = build_on(faketime, copy_project(tmp_path / "project", data=PROJECT / "data"), *BUILDS[0],
                    SOURCE_DATE_EPOCH=str(EPOCH))
    urls = re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text())
    records = [u for u in urls if re.search(r"/(articles|research|activities)/[^/]+/$", u)
               and not u.endswith("/research/map/")]  # the evidence map is no record
    assert records == sorted(records)  # the generated pages go in by id
    assert len(urls) == len(set(urls))


def test_a_git_checkout_without_source_date_epoch_uses_the_commit_date(tmp_path, faketime):
    """Locally nobody sets SOURCE_DATE_EPOCH: the last commit's date stands in for it."""
    sites = []
    for index, (when, tz, seed) in enumerate(BUILDS):
        project = copy_project(tmp_path / f"checkout-{index}", data=PROJECT / "data")
        git = {"GIT_AUTHOR_DATE": "2026-02-03T04:05:06Z", "GIT_COMMITTER_DATE": "2026-02-03T04:05:06Z",
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path)}
        for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "content"]):
            subprocess.run(["git", *command], cwd=project, env={**os.environ, **git}, check=True)
        sites.append(build_on(faketime, project, when, tz, seed))
    assert differences(*sites) == []
    lastmod = set(re.findall(r"<lastmod>(.*?)</lastmod>", (sites[0] / "sitemap.xml").read_text()))
    assert lastmod == {dt.date(2026, 2, 3).isoformat()}

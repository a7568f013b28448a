"""Build stamp: which commit a published site was built from, and that commit's date.

Shown in the footer of every page so a reader (or a maintainer chasing a
report) can tell which version of the content they are looking at.

The commit comes from OTKB_COMMIT, then GITHUB_SHA (set by GitHub
Actions), then `git rev-parse HEAD`. The date comes from SOURCE_DATE_EPOCH,
then the commit's own date (`git log -1 --format=%ct`): never the wall
clock, so building the same commit twice gives the same pages.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_COMMIT = re.compile(r"[0-9a-f]{7,40}")


@dataclass(frozen=True)
class BuildStamp:
    """`commit` is a full or abbreviated hex id, `epoch` seconds since 1970 (UTC); either may be None."""

    commit: str | None
    epoch: int | None

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None

    @property
    def date(self) -> dt.date | None:
        return dt.datetime.fromtimestamp(self.epoch, dt.timezone.utc).date() if self.epoch is not None else None

    @property
    def date_label(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}" if self.date else ""


def build_stamp(project_dir: Path, environ: dict[str, str] | None = None) -> BuildStamp:
    """The stamp for a build of `project_dir`, from the environment or, failing that, git."""
    environ = os.environ if environ is None else environ
    commit = _commit(environ.get("OTKB_COMMIT") or environ.get("GITHUB_SHA") or _git(project_dir, "rev-parse", "HEAD"))
    epoch = _epoch(environ.get("SOURCE_DATE_EPOCH"))
    return BuildStamp(commit, commit_epoch(project_dir) if epoch is None else epoch)


def commit_epoch(project_dir: Path) -> int | None:
    """The last commit's time, for SOURCE_DATE_EPOCH; None outside a git checkout."""
    return _epoch(_git(project_dir, "log", "-1", "--format=%ct"))


def _commit(value: str | None) -> str | None:
    """Only a hex commit id is shown: the value lands in HTML and a URL."""
    value = (value or "").strip().lower()
    return value if _COMMIT.fullmatch(value) else None


def _epoch(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _git(project_dir: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, text=True,
                                timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def pin_source_date(stamp: BuildStamp, environ: dict[str, str] | None = None) -> None:
    """Give MkDocs' own dates (sitemap lastmod, the sitemap.xml.gz header) the commit date too.

    MkDocs reads SOURCE_DATE_EPOCH and otherwise uses the wall clock; an
    explicit SOURCE_DATE_EPOCH is left alone.
    """
    environ = os.environ if environ is None else environ
    if stamp.epoch is not None:
        environ.setdefault("SOURCE_DATE_EPOCH", str(stamp.epoch))

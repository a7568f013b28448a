"""Atomic builds: build into a staging folder, then swap it in for `site/`.

MkDocs cleans `site/` first and writes into it page by page, so a build that
fails half-way leaves a broken site. We point MkDocs at a sibling staging
folder instead; only a build that finished (and, under --strict, logged no
warning) replaces `site/`, with two renames on one filesystem. A failed
build removes the staging folder and leaves `site/` exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from mkdocs.utils import CountHandler


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")


def begin(site_dir: Path) -> Path:
    """Return a fresh, empty staging folder beside `site_dir`."""
    staging = staging_dir(site_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def strict_warnings_logged() -> bool:
    """True when `mkdocs build --strict` has counted warnings and will abort after post_build."""
    for handler in logging.getLogger("mkdocs").handlers:
        if isinstance(handler, CountHandler) and handler.get_counts():
            return True
    return False


def commit(staging: Path, site_dir: Path) -> None:
    """Replace `site_dir` with `staging`."""
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)

"""Atomic builds: build into a staging folder, then swap it in for `site/`.

MkDocs cleans `site/` first and writes into it page by page, so a build that
fails half-way leaves a broken site. We point MkDocs at a sibling staging
folder instead; only a build that finished (and, under --strict, logged no
warning) replaces `site/`. On Linux the swap is one `renameat2` call with
RENAME_EXCHANGE, so there is no moment without a `site/`; elsewhere it is two
renames. The previous site is kept (under the staging name) until the build
has really ended, so a failure after the swap can still swap it back.

A build that is killed leaves its staging folder behind; the next build
removes the leftovers of builds that are no longer running and, if a kill
came between the two renames of the fallback, puts the last good site back.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")


def _old_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")


def begin(site_dir: Path) -> Path:
    """Return a fresh, empty staging folder beside `site_dir`, after clearing up killed builds."""
    staging = staging_dir(site_dir)
    try:
        recover(site_dir)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    except OSError as e:
        raise unwritable(site_dir, e) from None
    return staging


class SiteDirError(Exception):
    """The site folder cannot be written: one line for the build's log (otkb.host.steps makes it a PluginError,
    which MkDocs prints without a traceback)."""


def unwritable(site_dir: Path, error: OSError) -> SiteDirError:
    return SiteDirError(f"cannot write the site to {site_dir}: {error.strerror or error} (it is built beside it, in "
                       f"{site_dir.parent}, then swapped in); build into a folder you can write to, for example "
                       "'mkdocs build --site-dir <folder>'")


def recover(site_dir: Path) -> None:
    """Remove staging and old folders of builds that are not running; restore a lost `site/`."""
    pattern = re.compile(rf"\.{re.escape(site_dir.name)}\.(building|old)-(\d+)")
    leftovers = []
    if site_dir.parent.is_dir():
        for path in site_dir.parent.iterdir():
            match = pattern.fullmatch(path.name)
            if match and not _running(int(match.group(2))):
                leftovers.append((match.group(1), path))
    old_sites = sorted((p for kind, p in leftovers if kind == "old"), key=lambda p: p.stat().st_mtime)
    if not site_dir.exists() and old_sites:
        old_sites.pop().rename(site_dir)
    for _, path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether another build with this pid may still be running (one we cannot check counts as running)."""
    if pid == os.getpid():
        return False  # an earlier build in this process
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def commit(staging: Path, site_dir: Path) -> Path | None:
    """Put `staging` in place of `site_dir`; returns where the previous site now is (or None).

    Keep the returned folder until the build has ended (`rollback` needs it),
    then `discard` it.
    """
    if site_dir.exists() and _exchange(staging, site_dir):
        return staging
    old = _old_dir(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    try:
        if site_dir.exists():
            site_dir.rename(old)
        staging.rename(site_dir)
    except OSError as e:
        if old.exists() and not site_dir.exists():
            old.rename(site_dir)
        raise unwritable(site_dir, e) from None
    return old if old.exists() else None


def rollback(previous: Path | None, site_dir: Path) -> None:
    """Undo `commit` after a later failure: the previous site goes back, the new one away."""
    if previous is None:
        shutil.rmtree(site_dir, ignore_errors=True)
    elif not _exchange(previous, site_dir):
        failed = site_dir.with_name(f".{site_dir.name}.failed-{os.getpid()}")
        site_dir.rename(failed)
        previous.rename(site_dir)
        previous = failed
    discard(previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where that is not possible."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def discard(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)

"""The warm cache's folder and files: where a build may keep them, and how they are checked when read.

A warm build copies pages from the cache into the site without MkDocs
seeing them, so nothing read from the cache is taken on trust:

- the folder must be a real folder inside the project that git does not
  track (`cache_dir`): a `.cache` that arrives in a pull request, a symbolic
  link anywhere on the way, or a folder that resolves outside the project is
  not used, and nothing is written there;
- its files are read and written without following links (`open_file`, `open_new`);
- the index (state.json) carries a checksum of itself (`seal`, `unseal`),
  and it holds the length and digest of every page in the pack and of the
  parsed records (`page_digest`, `digest`), each checked before use.

A damaged or swapped file therefore costs a cold build of what it held,
never a wrong page (tests/host/test_warm.py damages each file). See SECURITY.md,
"The warm cache".
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("otkb")


def cache_dir(project_dir: Path) -> Path | None:
    """Where warm builds keep their pages (`.cache/otkb/` beside mkdocs.yml, or OTKB_CACHE_DIR);
    None when OTKB_CACHE_DIR is set to nothing, or when the folder may not be trusted (logged)."""
    value = os.environ.get("OTKB_CACHE_DIR")
    if value == "":
        return None
    folder = Path(os.path.abspath(project_dir / ".cache" / "otkb" if value is None else value))
    problem = untrusted(folder, Path(os.path.abspath(project_dir)))
    if problem:
        log.info(f"otkb: the warm cache {folder} is not used ({problem}): the build is cold and writes no cache")
        return None
    return folder


def untrusted(folder: Path, project: Path) -> str | None:
    """Why the cache `folder` may not be used for the project at `project` (both absolute), or None."""
    try:
        inside = folder.relative_to(project)
    except ValueError:
        return "it is outside the project"
    if not inside.parts:
        return "it is the project folder itself"
    place = project
    for part in inside.parts:
        place = place / part
        try:
            mode = place.lstat().st_mode
        except FileNotFoundError:
            break  # made by the first build
        except OSError as e:
            return f"cannot look at {place}: {e.strerror}"
        if stat.S_ISLNK(mode):
            return f"{place} is a symbolic link"
        if not stat.S_ISDIR(mode):
            return f"{place} is not a folder"
    if not folder.resolve().is_relative_to(project.resolve()):
        return "it resolves outside the project"
    if tracked := _tracked(project, inside.parts[0]):
        return f"git tracks {tracked}: a cache never comes from the repository"
    return None


def _tracked(project: Path, top: str) -> str | None:
    """A file under `top` (a folder of `project`) that git tracks; None outside a git work tree."""
    try:
        result = subprocess.run(["git", "-C", str(project), "ls-files", "-z", "--", top],
                                capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    names = result.stdout.split(b"\0") if result.returncode == 0 else []
    return names[0].decode("utf-8", "replace") if names and names[0] else None


def open_file(path: Path):
    """The ordinary file at `path` opened for reading, never through a link; None when there is none."""
    try:
        file = open(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)), "rb")
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
        file.close()
        return None
    return file


def open_checked(path: Path, expected: str | None):
    """The file at `path` opened for reading (`open_file`) if its bytes have the digest `expected`;
    else None."""
    file = open_file(path)
    if file is not None and hashlib.file_digest(file, "sha256").hexdigest() == expected:
        return file
    if file is not None:
        file.close()
    return None


def read_file(path: Path) -> bytes | None:
    """The bytes of the ordinary file at `path`, never through a link; None when there is none."""
    file = open_file(path)
    if file is None:
        return None
    with file:
        return file.read()


def checked_lines(file, check):
    """The lines of `file`, each added to the digest `check` as it is read."""
    for line in file:
        check.update(line)
        yield line


def open_to_append(path: Path):
    """The ordinary file at `path` opened to add to its end, never through a link, nor when another name
    links to its bytes (a hard link); None when it cannot be."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        return None
    return open(fd, "ab")


def open_new(path: Path):
    """`path` opened to be written afresh (a link in its place is removed, never followed)."""
    path.unlink(missing_ok=True)
    return open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb")


def digest(data: bytes = b"") -> str:
    """The digest a cache file or index is checked against (SHA-256: the fastest here, with SHA-NI)."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """`digest` of the file at `path`, read a piece at a time."""
    file = open_file(path)
    if file is None:
        return ""
    with file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def hasher():
    """A digest to feed piece by piece; its hexdigest() equals `digest` of the whole."""
    return hashlib.sha256()


def page_digest(dest_path: str, *parts) -> str:
    """A page's digest, bound to its output path: two pages' entries swapped do not check. The page's
    bytes may come in `parts` (buffers), digested as one: no copy of a page of megabytes is made."""
    check = hashlib.sha256(dest_path.encode("utf-8") + b"\0")
    for part in parts:
        check.update(part)
    return check.hexdigest()


def seal(body: bytes) -> bytes:
    """The index as written: its checksum on the first line, then `body`."""
    return digest(body).encode("ascii") + b"\n" + body


def unseal(data: bytes) -> bytes | None:
    """The body of a sealed index, or None when its checksum does not match."""
    checksum, _, body = data.partition(b"\n")
    return body if checksum == digest(body).encode("ascii") else None

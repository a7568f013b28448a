"""`python -m mkdocs build` without a fresh interpreter's imports: a fork of a process that has them.

The tests run about 150 builds. A fresh `python -m mkdocs build` spends about 0.45 CPU s importing
MkDocs, Click, Markdown, pydantic and otkb (building otkb's pydantic models) before it reads a file.
This server imports them once, runs no build, and forks a child per build; each child starts from the
same state, as a fresh process would, and then runs MkDocs' command line as `python -m mkdocs` does.

Run as a script (tests/conftest.py starts one per xdist worker): each line on stdin is a request
(JSON: cwd, env, args, stdout and stderr file paths); the server answers with the child's pid, then,
when the child has ended, its exit status (as subprocess reports it: minus the signal if one killed it).

What differs from a fresh process, and why it does not change a build:
- otkb is imported from the project the tests run (PROJECT/hooks), not from the copy being built.
  A child whose project's hooks/otkb differs from it byte for byte drops the preloaded otkb and
  imports the copy's, as a fresh process would (tests that edit the code or templates of a copy).
- every child has the server's hash seed: output must not depend on it, and tests/host/test_reproducible.py
  still builds in separate processes (under faketime) and compares them byte for byte.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import os
import runpy
import sys
import time
import traceback
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[1] / "hooks"


def code_digest(hooks: Path) -> str:
    """One hash of the paths and bytes of hooks/otkb (compiled files left out)."""
    digest = hashlib.sha256()
    package = hooks / "otkb"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def preload() -> str:
    """Import what every build imports, and nothing a build would do; returns the otkb code digest."""
    import click  # noqa: F401  MkDocs' command line (mkdocs.__main__ itself runs in the child, as `-m` runs it)
    import mkdocs.commands.build  # noqa: F401  MkDocs' build, config, plugins and Markdown
    import mkdocs.config.defaults  # noqa: F401
    from importlib import metadata
    metadata.entry_points(group="mkdocs.plugins")  # installed packages are scanned (a cache keyed on mtimes)
    # What every build imports later: mkdocs.yml's plugins and Markdown extensions, Pygments under them,
    # the log's colours (0.04 CPU s a build). A name no build uses any more costs only its import here.
    for name in ("material.plugins.search.plugin", "mkdocs.contrib.search", "pymdownx.superfences",
                 "pymdownx.highlight", "pymdownx.quotes", "markdown.extensions.admonition",
                 "markdown.extensions.attr_list", "markdown.extensions.md_in_html", "markdown.extensions.codehilite",
                 "markdown.extensions.fenced_code", "pygments.formatters.html", "pygments.lexers.special",
                 "pygments.styles.default", "urllib.request", "colorama", "pydantic.type_adapter"):
        importlib.import_module(name)
    # otkb as hooks/main.py imports it: run the hooks file as MkDocs loads it, then forget the module
    # (MkDocs loads it again in each build, under its own name; nothing in it holds state).
    spec = importlib.util.spec_from_file_location("otkb_preloaded_hooks", HOOKS / "main.py")
    module = importlib.util.module_from_spec(spec)
    saved = sys.path.copy()
    sys.path.insert(0, str(HOOKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return code_digest(HOOKS)


def run_build(request: dict, preloaded: str) -> None:
    """In the forked child: become `python -m mkdocs build ARGS` run in `cwd` with `env`; never returns."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()  # a fresh process reads TZ when it starts
        for fd, path, flags in [(0, os.devnull, os.O_RDONLY),
                                (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]:
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        if (Path(request["cwd"]) / "hooks" / "otkb").is_dir() and code_digest(Path("hooks")) != preloaded:
            for name in [name for name in sys.modules if name == "otkb" or name.startswith("otkb.")]:
                del sys.modules[name]
        sys.path[0] = os.getcwd()  # `python -m` puts the working folder first
        sys.argv = ["-m", "build", *request["args"]]
        try:
            runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exit:
            if exit.code is None or isinstance(exit.code, int):
                code = exit.code or 0
            else:
                print(exit.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        import atexit
        atexit._run_exitfuncs()  # what the interpreter runs when a process ends
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


def serve() -> None:
    preloaded = preload()
    gc.freeze()  # the preloaded objects out of the children's collections: no copy-on-write of every page
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    answers.write(b"ready\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_build(request, preloaded)
        answers.write(f"{pid}\n".encode())
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(f"{os.waitstatus_to_exitcode(status)}\n".encode())
        answers.flush()


if __name__ == "__main__":
    serve()

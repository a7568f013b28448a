"""A real `mkdocs serve` in its own process, for the preview's tests (tests/host/test_serve.py and
tests/browser/test_preview.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

STARTUP_SECONDS = 90
CHANGE_SECONDS = 45
QUIET_SECONDS = 10  # how long serve must stay silent after an update to count as settled


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """(status, body); a short timeout, so a stuck server fails the test instead of hanging it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"waited {seconds}s for {what}; serve said:\n{log.read_text()}")


def wait_for_quiet(log: Path, seconds: float) -> str:
    """Wait until the log has not grown for QUIET_SECONDS; fail if that never happens within `seconds`."""
    deadline = time.monotonic() + seconds
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET_SECONDS:
            return log.read_text()
        time.sleep(0.5)
    output = log.read_text()
    pytest.fail(f"serve never went quiet for {QUIET_SECONDS}s in {seconds}s "
                f"({output.count('Detected file changes')} rebuilds); it said:\n{output[-3000:]}")


def interruptible() -> None:
    """Run in a child before it starts (`preexec_fn`): Ctrl+C (SIGINT) reaches it even where the
    parent ignores or blocks the signal, as a job started with `&` by a shell without job control
    does, and its children with it. Such a `mkdocs serve` never hears the SIGINT that stops it: in
    a CI run, five serve tests each waited 30 s for it, then killed it."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def mkdocs_serve(project: Path, log: Path):
    """`mkdocs serve` of `project` in its own process on a free loopback port, its output in `log`;
    yields (project, base URL, log, process) once the first build answers, and stops it with Ctrl+C."""
    port = free_port()
    scratch = log.parent / "serve-tmp"  # serve's temporary site, removed with the test's folder
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(scratch)}
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  preexec_fn=interruptible)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: fetch(f"{base}/activities/peg-game/")[0] == 200, STARTUP_SECONDS, "the first build", log)
        yield project, base, log, server
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl+C sends; serve shuts down cleanly
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)

"""The garbage collector in a build: paused while the records are checked and their pages added, and
left out of the process's end (otkb.host.steps.add_pages, otkb.host.session)."""

import gc
import subprocess
import sys
from types import SimpleNamespace

from otkb.host import session, steps

from conftest import PROJECT


def collector_states(monkeypatch, tmp_path, cache) -> list[bool]:
    """Whether automatic collection was on while a build with the warm cache `cache` checked its records
    and added its pages."""
    enabled = []
    monkeypatch.setattr(steps, "_page_cache", lambda *args: cache)
    monkeypatch.setattr(steps, "_check", lambda *args: enabled.append(gc.isenabled()) or ("library", []))
    monkeypatch.setattr(steps, "_publish", lambda *args: enabled.append(gc.isenabled()) or [])
    files = object()
    assert steps.add_pages(session.Build(), files, SimpleNamespace(), tmp_path) is files
    assert gc.isenabled()
    return enabled


def test_a_warm_build_checks_its_records_and_adds_its_pages_with_the_collector_paused(monkeypatch, tmp_path):
    assert collector_states(monkeypatch, tmp_path, SimpleNamespace(previous={"index.md": ["key", "index.html"]})
                            ) == [False, False]


def test_a_cold_build_collects_as_it_goes(monkeypatch, tmp_path):
    assert collector_states(monkeypatch, tmp_path, None) == [True, True]
    assert collector_states(monkeypatch, tmp_path, SimpleNamespace(previous={})) == [True, True]


def test_the_process_end_leaves_what_is_left_to_the_system(tmp_path):
    """Python's last collection, which frees every object one by one, is skipped once the hooks are
    imported: an object in a reference cycle is never finalized."""
    script = tmp_path / "cycle.py"
    script.write_text("import os, sys\n"
                      "if sys.argv[1] == 'hooks':\n"
                      "    import otkb.host.session\n"
                      "class Cycle:\n"
                      "    def __del__(self, write=os.write):\n"
                      "        write(1, b'finalized')\n"
                      "cycle = Cycle()\n"
                      "cycle.me = cycle\n")
    env = {"PYTHONPATH": str(PROJECT / "hooks")}
    runs = {which: subprocess.run([sys.executable, str(script), which], capture_output=True, env=env, timeout=60)
            for which in ("plain", "hooks")}
    assert runs["plain"].stdout == b"finalized"  # the check itself works
    assert runs["hooks"].returncode == 0 and runs["hooks"].stdout == b""

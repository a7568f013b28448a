"""The garbage collector in a build: paused while the records are checked and their pages added, and
left out of the process's end (otkb.host.steps.add_pages, otkb.host.session); in `mkdocs serve`, a
save's collection runs once the server is idle (otkb.host.preview.IdleCollection)."""

import gc
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from otkb.host import preview, session, steps

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


def tracked_after_adding_pages(monkeypatch, tmp_path, cache) -> bool:
    """Whether what a build with the warm cache `cache` made while checking its records is still walked
    by the collector's collections once its pages are added."""
    made = []
    monkeypatch.setattr(steps, "_page_cache", lambda *args: cache)
    monkeypatch.setattr(steps, "_check", lambda *args: made.append([]) or ("library", []))
    monkeypatch.setattr(steps, "_publish", lambda *args: [])
    try:
        steps.add_pages(session.Build(), object(), SimpleNamespace(), tmp_path)
        return any(thing is made[0] for thing in gc.get_objects())
    finally:
        gc.unfreeze()


def test_what_a_warm_build_checked_is_left_out_of_later_collections(monkeypatch, tmp_path):
    """It lives to the build's end: the collections after the pause walked it for nothing."""
    assert not tracked_after_adding_pages(monkeypatch, tmp_path, SimpleNamespace(previous={"index.md": ["k", "i"]}))
    assert tracked_after_adding_pages(monkeypatch, tmp_path, None)


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


@pytest.fixture
def collections(monkeypatch) -> list[threading.Thread]:
    """The threads the idle collection ran on (gc.collect and gc.freeze stubbed out)."""
    ran: list[threading.Thread] = []
    monkeypatch.setattr(preview.gc, "collect", lambda generation=2: ran.append(threading.current_thread()))
    monkeypatch.setattr(preview.gc, "freeze", lambda: None)
    return ran


def test_the_collection_that_ends_a_save_runs_after_it_is_served(collections):
    """`later` returns at once (the saved page is served); the collection runs on a timer's thread."""
    idle = preview.IdleCollection(delay=0.01)
    idle.later()
    assert idle.done.wait(timeout=30)
    assert len(collections) == 1 and collections[0] is not threading.current_thread()


def test_a_save_before_the_server_was_idle_runs_the_collection_due_first(collections, monkeypatch):
    idle = preview.IdleCollection(delay=3600)
    monkeypatch.setattr(preview, "idle_collection", idle)
    monkeypatch.setattr(preview, "check_library", lambda *args, **kwargs: (None, ["a problem"], []))
    idle.later()
    timer = idle._due
    preview.keep_last_good(lambda: None, PROJECT, strict_warnings=False)()
    assert collections == [threading.current_thread()] and idle.done.is_set()
    timer.join(timeout=30)
    idle.now()  # nothing due any more: the timer was cancelled, and a second call is a no-op
    assert len(collections) == 1


def test_a_dirty_rebuild_drops_the_collection_due(collections):
    """gc.unfreeze follows, handing everything back to the collector: nothing is left to freeze."""
    idle = preview.IdleCollection(delay=0.01)
    idle.later()
    timer = idle._due
    idle.drop()
    timer.join(timeout=30)
    idle.now()
    assert collections == []


def test_automatic_collection_resumes_with_the_idle_collection_not_before(collections, monkeypatch):
    """Turned on as the save ends, the collector would walk every object the save made at its next
    allocation: it stays off until the collection due has run."""
    idle = preview.IdleCollection(delay=3600)
    monkeypatch.setattr(preview, "idle_collection", idle)
    assert gc.isenabled()
    try:
        with preview.collector_paused():
            pass
        assert gc.isenabled()  # nothing due: on at once
        with preview.collector_paused():
            idle.later()  # as Incremental.seal does
        assert not gc.isenabled()
        idle.now()
        assert gc.isenabled() and collections == [threading.current_thread()]
        with preview.collector_paused():
            idle.later()
        idle.drop()  # a dirty rebuild
        assert gc.isenabled()
    finally:
        gc.enable()

"""A one-off build renders its generated pages in a second process (otkb.host.pagerender), and whatever
that process does not give back, the build renders itself: a page that fails fails the build as before,
a page that logs is logged (and counted by --strict) once, and a process that dies costs nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import build, leftovers, tree_digest, write

# A hook that wraps the topic pages' render: `{action}` runs for the topic 'grasp', given `forked`
# (whether the render runs in another process than the build's).
PROBE = """\
import logging, os
import otkb.site.render as render

def on_config(config):
    build_pid, plain = os.getpid(), render.render_topic
    def render_topic(topic_id, *args):
        forked = os.getpid() != build_pid
        with open({log!r}, "a") as out:
            out.write(f"{{topic_id}} {{forked}} {{os.getpid()}}\\n")
        if topic_id == "grasp":
            {action}
        return plain(topic_id, *args)
    render.render_topic = render_topic
"""


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    """Every build cold: a warm build would render only what changed (tests/host/test_warm.py builds
    warm from caches that the second process's renders wrote)."""
    monkeypatch.setenv("OTKB_CACHE_DIR", "")


def add_probe(project: Path, action: str = "pass", before: str = "") -> Path:
    """The PROBE hook, after `before` (a line at the top of the hook's file)."""
    log = project.parent / "renders.log"
    write(project / "hooks/probe.py", before + "\n" + PROBE.format(log=str(log), action=action))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - hooks/main.py\n", "  - hooks/main.py\n  - hooks/probe.py\n"))
    return log


def renders(log: Path) -> list[tuple[str, bool]]:
    return [(topic, forked == "True") for topic, forked, _ in (line.split() for line in log.read_text().splitlines())]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_pages_are_rendered_by_a_second_process(project):
    log = add_probe(project)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    rendered = renders(log)
    assert len(rendered) > 5 and all(forked for _, forked in rendered)
    assert "spent" in result.stderr and "on their" in result.stderr and "(rendered by a second process meanwhile)" in result.stderr
    fork = int(log.read_text().split()[2])
    assert not alive(fork)  # waited for by the build, not left behind


def test_otkb_render_fork_0_keeps_the_build_in_one_process(project, monkeypatch):
    monkeypatch.setenv("OTKB_RENDER_FORK", "0")
    log = add_probe(project)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert renders(log) and not any(forked for _, forked in renders(log))
    assert "rendered by a second process" not in result.stderr


def test_a_build_short_of_memory_for_a_fork_renders_in_one_process(project):
    log = add_probe(project, before="import otkb.host.pagerender; otkb.host.pagerender.room_for_a_fork = lambda: False")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert renders(log) and not any(forked for _, forked in renders(log))
    assert "rendered by a second process" not in result.stderr


@pytest.mark.parametrize("free_kib, cgroup, room", [
    (1_000_000, None, True),
    (40_000, None, False),  # less free than the 50,000 KiB the process holds
    (1_000_000, ("max", "0"), True),
    (1_000_000, (str(60_000 * 1024), str(20_000 * 1024)), False),  # the container's limit is nearer
    (1_000_000, (str(600_000 * 1024), str(20_000 * 1024)), True),
])
def test_room_for_a_fork_is_the_memory_free_against_the_process_size(tmp_path, free_kib, cgroup, room):
    from otkb.host.pagerender import room_for_a_fork

    pages = 50_000 * 1024 // os.sysconf("SC_PAGE_SIZE")
    write(tmp_path / "proc/self/statm", f"{pages * 3} {pages} 100 1 0 200 0\n")
    write(tmp_path / "proc/meminfo", f"MemTotal: 9000000 kB\nMemFree: 10 kB\nMemAvailable: {free_kib} kB\n")
    if cgroup:
        write(tmp_path / "cgroup/memory.max", cgroup[0] + "\n")
        write(tmp_path / "cgroup/memory.current", cgroup[1] + "\n")
    assert room_for_a_fork(str(tmp_path / "proc"), str(tmp_path / "cgroup")) is room
    assert room_for_a_fork(str(tmp_path / "nowhere"), str(tmp_path / "nowhere")) is True  # not Linux


def test_a_page_that_fails_in_the_second_process_fails_the_build_as_before(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    log = add_probe(project, "raise RuntimeError(f'no page for grasp (forked: {forked})')")
    result = build(project)
    assert result.returncode == 1
    assert "no page for grasp (forked: False)" in result.stderr  # raised again by the build itself
    assert ("grasp", True) in renders(log)
    assert tree_digest(project / "site") == before and leftovers(project) == []


def test_a_page_that_logs_in_the_second_process_is_logged_by_the_build_once(project):
    log = add_probe(project, "logging.getLogger('mkdocs.plugins.probe').warning(f'grasp rendered (forked: {forked})')")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("grasp rendered") == 1 and "grasp rendered (forked: False)" in result.stderr
    rendered = renders(log)  # the second process stopped at grasp; the build rendered the pages after it
    assert ("grasp", True) in rendered and rendered[-1][1] is False
    result = build(project, "--strict")
    assert result.returncode == 1 and "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr


def test_a_second_process_that_dies_half_way_costs_nothing(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert build(project, "--strict").returncode == 0
    expected = tree_digest(project / "site")
    log = add_probe(project, "if forked:\n                os._exit(3)")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert tree_digest(project / "site") == expected
    assert ("grasp", True) in renders(log) and ("grasp", False) in renders(log)


def test_a_warm_build_renders_its_few_changed_pages_itself(project, monkeypatch):
    monkeypatch.delenv("OTKB_CACHE_DIR")  # the project's own cache
    log = add_probe(project)
    assert build(project, "--strict").returncode == 0  # cold: every page, by the second process
    assert renders(log) and all(forked for _, forked in renders(log))
    article = project / "data/articles/hand-skills-at-home.yml"  # its body is on its own page only
    article.write_text(article.read_text().replace("body: |\n", "body: |\n  A new first paragraph.\n\n", 1))
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert "generated pages are unchanged" in result.stderr and "spent" in result.stderr
    assert "rendered by a second process" not in result.stderr


def test_the_fork_hands_each_page_back_once_with_what_rendering_it_read_and_kept():
    from otkb.content.cache import Memo, decompressed
    from otkb.host.pagerender import RenderProcess
    from otkb.site.reads import Reads

    kept_here: list[tuple[str, bytes]] = []
    memo, reads = Memo(keep=lambda key, blob: kept_here.append((key, blob))), Reads(packed=True)

    def render(src_uri: str) -> tuple[str, bytes]:
        with reads.page(src_uri):
            reads.note(("records", src_uri))
        memo.get(f"card {src_uri}", lambda: {"card of": src_uri})
        return f"# {src_uri}", src_uri.encode()

    def taken(src_uri: str) -> tuple[str, bytes] | None:
        made = process.take(src_uri)
        if made is None:
            return None
        markdown, (file, offset, length) = made  # the blocks stay in the fork's file
        return markdown, os.pread(file.fileno(), length, offset)

    process = RenderProcess(render, ["a", "b", "c"], reads, {"cards": memo})
    try:
        assert taken("b") == ("# b", b"b")  # asked out of order: a waits for its turn
        assert taken("elsewhere") is None  # not the fork's: the build renders it
        assert taken("a") == ("# a", b"a")
        assert taken("b") is None  # asked again: the build renders it, without waiting for the rest
        assert "c" not in process.waiting
        assert taken("c") == ("# c", b"c")
    finally:
        process.stop()
    assert [(key, decompressed(blob)) for key, blob in kept_here] == [
        ("card b", {"card of": "b"}), ("card a", {"card of": "a"}), ("card c", {"card of": "c"})]
    assert reads.take("a") == {("records", "a"): None} and reads.take("c") == {("records", "c"): None}

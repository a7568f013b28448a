"""Live preview: `mkdocs serve` rebuilds on every save, and a broken record never takes it down."""

import logging
import os
import re
import signal
import threading

import pytest

from conftest import copy_project
from serving import CHANGE_SECONDS, STARTUP_SECONDS, fetch, mkdocs_serve, wait_for, wait_for_quiet


@pytest.fixture
def served(tmp_path):
    """The fixture project served on a free loopback port; yields (project, base URL, log file, process)."""
    with mkdocs_serve(copy_project(tmp_path / "project"), tmp_path / "serve.log") as running:
        yield running


def test_serve_stops_on_ctrl_c_when_started_with_the_signal_blocked(tmp_path):
    """A test worker may start serve with SIGINT blocked or ignored (in full runs five serve tests each
    waited 30 s for a serve that never stopped): serve still hears Ctrl+C (serving.interruptible)."""
    project = copy_project(tmp_path / "project")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with mkdocs_serve(project, tmp_path / "serve.log") as (_, _, log, server):
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=15) == 0, log.read_text()
            assert "Shutting down" in log.read_text()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def test_serve_reloads_survives_a_broken_record_and_recovers(served):
    project, base, log, server = served
    page = f"{base}/activities/peg-game/"
    record = project / "data/activities/peg-game.yml"
    original = record.read_text()

    record.write_text(original.replace("title: Peg game", "title: Peg game, edited"))
    wait_for(lambda: "Peg game, edited" in fetch(page)[1], CHANGE_SECONDS, "the edit to show", log)

    record.write_text(original.replace("title: Peg game", "title: Peg game, edited")
                      .replace("setting: [home, school]", "setting: [home, shcool]"))
    wait_for(lambda: "the last good pages are still served" in log.read_text(), CHANGE_SECONDS,
             "the error to show", log)
    output = log.read_text()
    assert ("ERROR   -  otkb: data/activities/peg-game.yml:9:17: setting[2]: expected one of: home, school, "
            "clinic, outdoors but received: 'shcool' (did you mean 'school'?)") in output
    assert ("ERROR   -  otkb: 1 problem in the records; the preview was not updated; fix the problems above and "
            "save again (the last good pages are still served)") in output
    assert "Traceback" not in output
    assert server.poll() is None
    status, body = fetch(page)  # not stuck: the last good page answers at once
    assert status == 200 and "Peg game, edited" in body

    record.write_text(original.replace("title: Peg game", "title: Peg game, fixed"))
    wait_for(lambda: "Peg game, fixed" in fetch(page)[1], CHANGE_SECONDS, "the recovery", log)


def test_one_save_gives_one_update_and_then_serve_is_quiet(served):
    """Each rebuild reads every file under data/; a watcher that heard files being opened or read
    rebuilt again at once, forever (issue 24)."""
    project, base, log, _ = served
    wait_for_quiet(log, STARTUP_SECONDS)  # idle after the first build: nothing to hear
    assert "Detected file changes" not in log.read_text()
    record = project / "data/activities/peg-game.yml"  # one save: a comment added, as `echo '# c' >>`
    record.write_text(record.read_text().replace("title: Peg game", "title: Peg game, saved once") + "# c\n")
    wait_for(lambda: "Peg game, saved once" in fetch(f"{base}/activities/peg-game/")[1], CHANGE_SECONDS,
             "the edit to show", log)
    output = wait_for_quiet(log, 60)
    assert output.count("Detected file changes") == 1
    assert output.count("Reloading browsers") == 1


def test_serve_rebuilds_on_templates_and_overrides(served):
    project, base, log, _ = served
    template = project / "hooks/otkb/site/templates/activity.md.j2"
    original = template.read_text()
    template.write_text("{% if %}\n" + original)  # a typo: the server says so and keeps answering
    wait_for(lambda: "TemplateSyntaxError" in log.read_text(), CHANGE_SECONDS, "the template error", log)
    assert "the preview was not updated; fix the problems above and save again" in log.read_text()
    assert fetch(f"{base}/activities/peg-game/")[0] in (200, 404)  # answers at once, stuck it is not
    template.write_text("Marker from the template test.\n\n" + original)
    wait_for(lambda: "Marker from the template test." in fetch(f"{base}/activities/peg-game/")[1],
             CHANGE_SECONDS, "the template change to show", log)
    css = project / "overrides/assets/stylesheets/otkb.css"
    css.write_text(css.read_text() + "\n/* marker from the overrides test */\n")
    wait_for(lambda: "marker from the overrides test" in fetch(f"{base}/assets/stylesheets/otkb.css")[1],
             CHANGE_SECONDS, "the override change to show", log)


class HeardEvents(logging.Handler):
    """The file events `mkdocs serve` rebuilds for: MkDocs logs each one (debug) as it asks for a rebuild."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.events: list[str] = []
        self.arrived = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        message = re.sub(r"^\[[\d:]+\] ", "", record.getMessage())  # MkDocs' serve prefixes the time
        if not message.startswith("Watching"):
            with self.arrived:
                self.events.append(message)
                self.arrived.notify_all()

    def wait_for(self, kind: str, name: str) -> list[str]:
        """Every event heard until one of `kind` about `name` (the system delivers them in order)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: any(e.startswith(kind) and name in e for e in self.events),
                                         timeout=10), self.events
            return list(self.events)


@pytest.fixture
def heard():
    logger = logging.getLogger("mkdocs.livereload")
    handler, level = HeardEvents(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_serve_hears_a_save_from_the_system_at_once(tmp_path, heard):
    """MkDocs polls every half second; on_serve swaps in the system's file events (inotify here)."""
    from mkdocs.livereload import LiveReloadServer
    from otkb.host.preview import NATIVE_BUILD_DELAY, watch_natively

    (tmp_path / "data").mkdir()
    record = tmp_path / "data/a.yml"
    record.write_text("title: A\n")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path / "data"))
    server.watch(str(tmp_path / "data"))  # asked twice: one unwatch leaves it watched
    assert server.build_delay == 0.1  # MkDocs' wait after a save's last event, for polled changes
    watch_natively(server)
    assert "Polling" not in type(server.observer).__name__
    assert server.build_delay == NATIVE_BUILD_DELAY < 0.1  # one save's events come within milliseconds
    server.unwatch(str(tmp_path / "data"))
    server.observer.start()
    try:
        record.read_text()  # reading is not a change
        record.write_text("title: B\n")
        # the write's last event, from the system (no half-second poll in between); a read's would come first
        events = heard.wait_for("FileClosedEvent", "a.yml")
        assert events and all(e.startswith(("FileModifiedEvent", "FileClosedEvent")) for e in events), events
    finally:
        server.observer.stop()


def test_serve_shows_an_edit_saved_with_touch_r(served):
    """The same edit end to end: the page changes although the file's size and mtime did not."""
    project, base, log, _ = served
    record = project / "data/activities/peg-game.yml"
    before = record.stat()
    record.write_text(record.read_text().replace("title: Peg game", "title: Gep game"))  # same size
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r the old file
    assert (record.stat().st_size, record.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    wait_for(lambda: "<h1" in (body := fetch(f"{base}/activities/peg-game/")[1]) and "Gep game" in body,
             CHANGE_SECONDS, "the edit to show", log)


def test_the_preview_sees_an_edit_that_keeps_the_size_and_modification_time(tmp_path):
    """`touch -r`: the same size and mtime; the preview's check reused its last result (issue 24, item 8)."""
    from otkb.content.pipeline import PipelineCache, check_library

    project = copy_project(tmp_path / "project")
    long_ago = 1_700_000_000_000_000_000  # no file counts as just saved (those are always read again)
    for path in (project / "data").rglob("*.yml"):
        os.utime(path, ns=(long_ago, long_ago))
    record = project / "data/activities/peg-game.yml"
    cache = PipelineCache()  # what `mkdocs serve` keeps between rebuilds
    assert check_library(project, cache=cache)[0].records["activities/peg-game"].title == "Peg game"
    record.write_text(record.read_text().replace("title: Peg game", "title: Gep game"))  # same size
    os.utime(record, ns=(long_ago, long_ago))
    library, errors, _ = check_library(project, cache=cache)
    assert errors == [] and library.records["activities/peg-game"].title == "Gep game"
    record.write_text(record.read_text().replace("title: Gep game", "title: Peg game"))
    assert check_library(project, cache=cache)[0].records["activities/peg-game"].title == "Peg game"
    assert cache.last_check[0] is None  # just saved: on a coarse clock the next save could keep every time


def test_the_banner_shows_each_problem_as_text():
    from otkb.content.errors import RecordError
    from otkb.host.banner import add_to_page, banner_html

    hostile = RecordError("data/activities/<b>x</b>.yml", 9, 17, "setting[2]<i>",
                          "expected one of: home, school but received: '<img src=x onerror=alert(1)>' (did you mean 'school'?)")
    banner = banner_html([hostile, "The rebuild failed: TemplateSyntaxError: <script>"])
    assert banner.startswith('<div class="otkb-preview-problems" role="alert">')
    assert "The preview is out of date: 2 problems." in banner
    assert ("<li><code>data/activities/&lt;b&gt;x&lt;/b&gt;.yml:9:17</code> "
            '<code class="otkb-preview-problems__field">setting[2]&lt;i&gt;</code>: expected one of: home, school '
            "but received: &#x27;&lt;img src=x onerror=alert(1)&gt;&#x27; (did you mean &#x27;school&#x27;?)</li>"
            ) in banner
    assert "<li>The rebuild failed: TemplateSyntaxError: &lt;script&gt;</li>" in banner
    assert banner_html([]) == ""

    page = b'<html><head><title>t</title></head><body class="x"><p>hi</p></body></html>'
    shown = add_to_page(page, 7, [hostile]).decode()
    assert shown.startswith('<html><head><title>t</title><link rel="stylesheet" href="/livereload/otkb-preview.css">'
                            '</head><body class="x"><div class="otkb-preview-problems" role="alert">')
    assert shown.endswith('<script src="/livereload/otkb-preview.js" data-epoch="7" data-request="'
                          + shown.split('data-request="')[1].split('"')[0] + '"></script></body></html>')
    quiet = add_to_page(page, 8, []).decode()  # no problems: only the live-reload script, from a file
    assert "otkb-preview-problems" not in quiet and "otkb-preview.css" not in quiet
    assert '<script src="/livereload/otkb-preview.js" data-epoch="8"' in quiet


def test_serve_hears_a_folder_moved_out_but_not_files_read(tmp_path, heard):
    """A folder moved out of data/ takes its records with it and inotify says so only of the folder,
    an event MkDocs ignores; reading every record (what a rebuild does) is no change at all."""
    from mkdocs.livereload import LiveReloadServer
    from otkb.host.preview import watch_natively

    (tmp_path / "data/activities").mkdir(parents=True)
    (tmp_path / "data/activities/a.yml").write_text("title: A\n")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path / "data"))
    watch_natively(server)
    server.observer.start()
    try:
        for _ in range(20):
            (tmp_path / "data/activities/a.yml").read_bytes()
        (tmp_path / "data/activities").rename(tmp_path / "elsewhere")
        # the move, heard as the folder's deletion; the reads before it would have come first
        assert heard.wait_for("FileDeletedEvent", "activities") == [
            f"FileDeletedEvent(src_path='{tmp_path / 'data/activities'}', dest_path='', event_type='deleted', "
            "is_directory=False, is_synthetic=False)"]
    finally:
        server.observer.stop()

"""Live preview: while `mkdocs serve` runs, a broken record leaves the last good pages up.

On a rebuild MkDocs empties the site folder before our on_files hook can
find a bad record, and then holds every page request until a build
succeeds ("The server will appear stuck"). So each rebuild first checks the
records (the build's own check_library); when that fails, the errors are
listed in the terminal and in a banner on the pages served (otkb.host.banner),
the old pages stay up, and the next save rebuilds.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import Abort
from mkdocs.plugins import get_plugin_logger
from watchdog.events import (DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent,
                             FileModifiedEvent, FileMovedEvent, FileSystemEventHandler)
from watchdog.observers import Observer

from ..content.pipeline import PipelineCache, check_library, collection_paused
from .banner import Problems

log = get_plugin_logger("otkb")
AFTER_FAILURE = "the preview was not updated; fix the problems above and save again"


# What the preview hears: a file written (each write, and its close after writing), created,
# deleted or moved, and a folder deleted or moved. Not a file opened, read or closed without
# writing: each rebuild reads every file under data/, and hearing that would start the next
# rebuild, forever. Not a change of attributes alone (chmod, or times set without opening the
# file to write, as `touch -r` does after an edit, whose write was heard): the content is the same.
HEARD = (FileModifiedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileMovedEvent,
         DirDeletedEvent, DirMovedEvent)


class _Writes(FileSystemEventHandler):
    """Pass on the events in HEARD; a folder deleted or moved (its files may have gone with it, with
    no event of their own) as a file event, since MkDocs ignores folders' events."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event) -> None:
        if not isinstance(event, HEARD):
            return
        if event.is_directory:
            event = FileDeletedEvent(event.src_path)
        self.handler.dispatch(event)


class WritesObserver(Observer):
    """The system's file events (inotify, FSEvents, ...), only those in HEARD: with inotify the
    kernel is not even asked for the others."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **options):
        return super().schedule(_Writes(event_handler), path, recursive=recursive,
                                event_filter=list(HEARD) if event_filter is None else event_filter, **options)


def watch_natively(server) -> None:
    """Have `mkdocs serve` hear of a save from the system (inotify, FSEvents, ...) at once, and
    only of writes, creations, deletions and moves (HEARD).

    MkDocs polls the watched folders every half second, reading the whole
    tree each time (10,000 records: a tenth of a second of each poll), so a
    save waited a quarter of a second on average before the rebuild began.
    Where the system gives no file events, or refuses more watches, the
    polling stays (it compares sizes and times, which reading never changes).
    With the system's events, the rebuild waits `NATIVE_BUILD_DELAY` after a
    save's last event instead of MkDocs' 0.1 s: one save's events (a write
    and its close, or an editor's write then rename) come within a few
    milliseconds of each other, so 0.05 s still gathers them into one rebuild.
    MkDocs internals used: LiveReloadServer's `observer`, `_watched_paths`
    (the paths it watches, with how many asked for each) and `build_delay`.
    """
    if not hasattr(server, "observer") or not hasattr(server, "_watched_paths") or "Polling" in Observer.__name__:
        return
    watched = dict(server._watched_paths)
    trial = WritesObserver()
    try:  # a dry run: the system may refuse (its limit of watches)
        for path in watched:
            trial.schedule(FileSystemEventHandler(), path, recursive=True)
    except OSError as e:
        log.info(f"watching for changes by polling ({e})")
        return
    finally:
        trial.unschedule_all()
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = WritesObserver()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)
    if hasattr(server, "build_delay"):
        server.build_delay = NATIVE_BUILD_DELAY


NATIVE_BUILD_DELAY = 0.05
"""Seconds without a file event before a rebuild starts, when the system reports events (MkDocs: 0.1)."""


@contextmanager
def collector_paused():
    """No automatic garbage collection inside this block: the check and the update in place of a
    save. What the last save left is frozen out of the collector's reach (Incremental.seal), so
    its collections walk only this save's objects, again and again as they pile up (at 10,000
    records 0.3 to 0.5 s of a step edit); they are collected once, when the server is idle
    (IdleCollection), which also turns the collector back on: turned on at once, it collected every
    object the save made at its next allocation. A dirty rebuild (10,000 pages) runs with the
    collector on."""
    with collection_paused(resume=idle_collection.resume):
        yield


class IdleCollection:
    """The garbage collection that ends a save (Incremental.seal), run once the server has been idle
    for `delay` seconds rather than before the saved page is served: at 10,000 records it walks the
    save's young objects for about 0.06 CPU s, then freezes what is left out of the collector's reach.

    A save that comes sooner runs the collection still due first (`now`); a dirty rebuild, which hands
    every frozen object back to the collector, and the session's end drop it (`drop`). Automatic
    collection, paused for the save, resumes with the collection (`resume`)."""

    def __init__(self, delay: float = 0.5) -> None:
        self.delay = delay
        self.done = threading.Event()  # set by each collection: what a test waits on
        self._due: threading.Timer | None = None
        self._resume = False  # whether to turn automatic collection on again after the one due
        self._lock = threading.Lock()

    def resume(self) -> None:
        """Turn automatic collection on again: at once, or after the collection due."""
        with self._lock:
            if self._due is None:
                gc.enable()
            else:
                self._resume = True

    def later(self) -> None:
        with self._lock:
            if self._due is not None:
                self._due.cancel()
            self.done.clear()
            self._due = threading.Timer(self.delay, self.now)
            self._due.daemon = True
            self._due.start()

    def now(self) -> None:
        with self._lock:
            if self._due is None:
                return
            self._due.cancel()
            self._due = None
            gc.collect(1)  # the save's young garbage goes; what is left lives until the next save at least
            gc.freeze()
            self._resumed()
            self.done.set()

    def drop(self) -> None:
        with self._lock:
            if self._due is not None:
                self._due.cancel()
                self._due = None
            self._resumed()

    def _resumed(self) -> None:
        if self._resume:
            gc.enable()
            self._resume = False


idle_collection = IdleCollection()


def keep_last_good(rebuild: Callable[[], None], project_dir: Path, strict_warnings: bool,
                   cache: PipelineCache | None = None,
                   update: Callable[[object], bool] = lambda library: False,
                   problems: Problems | None = None) -> Callable[[], None]:
    """Wrap `mkdocs serve`'s rebuild: check the records first (with the session's `cache`, which
    the build that follows reuses), try `update(library)` (the pages updated in place, see
    otkb.host.incremental), else rebuild, and never leave the server stuck. What went wrong is
    kept in `problems` (the pages' banner) until a rebuild succeeds."""
    problems = problems if problems is not None else Problems()

    def checked_rebuild() -> None:
        idle_collection.now()  # the last save's, if the server was not idle long enough to run it
        try:
            with collector_paused():  # one pause: resuming between the two collected all the check made
                library, errors, _ = check_library(project_dir, strict_warnings=strict_warnings, cache=cache)
                updated = not errors and update(library)
            if errors:
                for error in errors:
                    log.error(str(error))
                log.error(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the records; {AFTER_FAILURE} "
                          "(the last good pages are still served)")
                problems.show(errors)
                return
            if not updated:
                rebuild()
        except Abort:  # a later stage failed; MkDocs has logged why
            log.error(AFTER_FAILURE)
            problems.show(["The rebuild failed; the terminal running mkdocs serve says why."])
            return
        except Exception as e:  # e.g. a template with a typo: say what, and keep answering requests
            log.debug("the rebuild failed", exc_info=True)
            log.error(f"{type(e).__name__}: {e}; {AFTER_FAILURE}")
            problems.show([f"The rebuild failed: {type(e).__name__}: {e}"])
            return
        problems.clear()

    return checked_rebuild

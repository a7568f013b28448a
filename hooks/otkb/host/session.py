"""Sessions: what one MkDocs command (`build` or `serve`) keeps, and the one place that holds it.

MkDocs loads mkdocs.yml afresh for every build, including each rebuild of
`mkdocs serve`, and only the first build of a command gets `on_startup`
(hooks/main.py itself is loaded once per process: MkDocs' Hooks option
caches the module). So the state that must outlive one build lives here, in
`SESSIONS`, keyed by the config file: `on_startup` starts a new session
(dropping the last one's caches), the serve rebuilds find it again, and
`on_shutdown` ends it. A `mkdocs build` session keeps nothing worth reusing:
two builds in one process share nothing but the declared on-disk cache
(otkb.host.warm), whose key is written beside it.
"""

from __future__ import annotations

import atexit
import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..content.pipeline import PipelineCache
from ..content.cache import files_fingerprint
from ..site import finder
from ..site.render import TEMPLATES, TemplateBytecode, make_environment
from .incremental import Incremental
from .logs import DIRTY_BUILD_LOGGERS, QuietDirtyWarning
from .preview import idle_collection
from .templatecache import SharedTemplateBytecode, template_cache_dir


@dataclass
class Session:
    """One MkDocs command. `serve` keeps the parsed records, the compiled templates and the last
    build's pages between rebuilds; `build` gets fresh ones each time."""

    command: str = "build"
    pipeline: PipelineCache | None = None  # set while serving: parsed files and the last check
    # ours and the theme's, also on disk for every build of this user (templatecache.py)
    bytecode: TemplateBytecode = field(default_factory=lambda: SharedTemplateBytecode(template_cache_dir()))
    incremental: Incremental | None = None  # set while serving: the last build's pages, for rebuilds
    rebuilding: bool = False  # set by on_serve: the builds after the first are serve's rebuilds
    _filter: QuietDirtyWarning | None = None
    _cards: tuple = ("", None)  # serve: (the templates' fingerprint, the rendered cards)

    def environment(self):
        """A new Jinja environment for our templates (each build's own: imported templates keep the
        library they first saw); while serving, with the cards the session rendered before, as
        long as the templates are unchanged."""
        if not self.serving:
            return make_environment(self.bytecode)
        templates = files_fingerprint(TEMPLATES)
        if self._cards[0] != templates:
            self._cards = (templates, {})
        return make_environment(self.bytecode, cards=self._cards[1])

    @property
    def serving(self) -> bool:
        return self.command == "serve"

    def start_rebuilds(self) -> None:
        """Called by on_serve: from now on, builds are serve's incremental rebuilds (quiet about
        dirty mode)."""
        self.rebuilding = True
        self._filter = QuietDirtyWarning()
        for name in DIRTY_BUILD_LOGGERS:
            logging.getLogger(name).addFilter(self._filter)

    def end(self) -> None:
        if self.serving:
            idle_collection.drop()
            gc.unfreeze()  # what the preview kept out of the collector's reach (Incremental.seal)
            finder.forget_last()  # what the saves would have reused
        if self._filter is not None:
            for name in DIRTY_BUILD_LOGGERS:
                logging.getLogger(name).removeFilter(self._filter)
            self._filter = None


# When the process ends, Python's last garbage collection walks and frees, one by one, every object the
# command left: 1.6 CPU s after a 10,000-record build. Frozen, they are left to the system, which takes
# the memory back at once. Files are closed by then; nothing of ours waits for a collection to finish.
atexit.register(gc.freeze)

SESSIONS: dict[Path, Session] = {}  # config file -> its session: the only state that outlives a build


def start(config_file: str, command: str) -> Session:
    """A new session for `command` (on_startup), replacing any earlier one for this config file."""
    end(config_file)
    serving = command == "serve"
    if serving:
        finder.keep_for_saves()
    session = SESSIONS[Path(config_file).resolve()] = Session(
        command=command, pipeline=PipelineCache() if serving else None, incremental=Incremental() if serving else None)
    return session


def of(config_file: str) -> Session:
    """The running session for this config file; a build without `on_startup` (MkDocs used as a
    library) gets a fresh `build` session, so it inherits nothing."""
    session = SESSIONS.get(Path(config_file).resolve())
    return session if session is not None else Session()


def end(which: str | Session) -> None:
    """The command is over (on_shutdown): its caches go. `which` is a config file or a session."""
    if isinstance(which, Session):
        for key in [key for key, value in SESSIONS.items() if value is which]:
            del SESSIONS[key]
        which.end()
    elif (session := SESSIONS.pop(Path(which).resolve(), None)) is not None:
        session.end()


@dataclass
class Build:
    """One build's state, from on_config to on_shutdown (otkb.host.steps.begin makes one in every on_config)."""

    command: str | None = None  # from on_startup, which only the first build of a command gets
    session: Session | None = None
    site_dir: Path | None = None  # where the finished site goes
    staging: Path | None = None  # where it is built (otkb.host.sitedir)
    previous: Path | None = None  # the site it replaced, until the build has ended
    committed: bool = False
    stamp: object = None  # otkb.host.stamp.BuildStamp
    library: object = None  # otkb.content.link.Library
    pages: object = None  # otkb.host.publish.GeneratedPages
    checking: float = 0.0  # the seconds the check of the records took (logged with the pages')
    files: object = None  # MkDocs' Files
    warm: object = None  # otkb.host.warm.PageCache, when the build reuses cached pages
    sitemap: list | None = None  # every page file for the sitemap, when some are reused
    stamp_html: str = ""  # the build stamp as pages print it (otkb.host.warm)
    reads: object = None  # otkb.site.reads.Reads: what each page reads of the library, when pages are keyed
    env: object = None  # the theme's environment, and the navigation (for otkb.host.incremental)
    nav: object = None
    downloads: dict = field(default_factory=dict)  # generated files: feeds, finder data, citation files
    filled: dict = field(default_factory=dict)  # hand-written pages that show records: (Markdown, filled)

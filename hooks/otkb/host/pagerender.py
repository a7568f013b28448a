"""The generated pages rendered in a second process, ahead of MkDocs reading them (one-off builds).

MkDocs reads and converts every page before it writes any, on one core. Rendering our pages' Markdown
from the records was a sixth of that at 10,000 records (9 to 11 of 62 CPU s). A fork of the build
renders them in the order MkDocs reads them, while the build converts the ones before: the build
takes each page's Markdown from a temporary file the fork writes, and leaves its stashed HTML there
until the page is written (otkb.host.publish.GeneratedPages).

The fork is only a shortcut: what it does not give, the build renders itself, as it would without
it. A page whose render raises, or logs (MkDocs counts warnings for --strict in the build's own
process), ends the fork there, and the build renders that page, raising or logging as it would. So
does every page after it, and every page once the fork is gone (killed, out of memory).

What rendering a page changes besides the page, the fork sends with it: what the page read of the
library (otkb.site.reads) and the values a warm build keeps for the next (otkb.content.cache.Memo).
The build keeps them as if it had made them. Anything else rendering works out (the cards' memo,
badges, the finder's index) stays in the fork, and the build works it out again where it needs it.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import struct
import tempfile
from typing import Callable


def forking() -> bool:
    """Whether builds render in a fork: where the system forks (not Windows), `OTKB_RENDER_FORK` is not
    "0", and the host has memory for it (`room_for_a_fork`)."""
    return hasattr(os, "fork") and os.environ.get("OTKB_RENDER_FORK") != "0" and room_for_a_fork()


def room_for_a_fork(proc: str = "/proc", cgroup: str = "/sys/fs/cgroup") -> bool:
    """Whether the memory still free could hold a copy of all of this process's: rendering touches
    nearly every record, and the kernel copies each page of memory the fork or the build then writes
    to (at 10,000 records the two together peaked about 190 MiB above the build alone). The free
    memory is Linux's MemAvailable, or what the process's cgroup (a container's limit) has left if
    that is less. Where neither can be read (not Linux), there is room."""
    try:
        with open(f"{proc}/self/statm") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"{proc}/meminfo") as meminfo:
            free = next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, ValueError, IndexError, StopIteration):
        return True
    try:
        with open(f"{cgroup}/memory.max") as limit, open(f"{cgroup}/memory.current") as used:
            allowed = limit.read().strip()
            if allowed != "max":
                free = min(free, int(allowed) - int(used.read()))
    except (OSError, ValueError):
        pass
    return free >= resident


class RenderProcess:
    """A fork rendering `order`'s pages with `render(src_uri)` -> (markdown, blocks); `take` gives
    each back. `reads` (a Reads, or None) and `memos` ({table: Memo}) are those rendering adds to.

    The fork writes each page to a temporary file (`spool`) and only the lengths to a pipe, so that it
    runs as far ahead of the build as it can: through a pipe it stayed a few pages ahead, and the
    build waited for each of the slow pages MkDocs reads last (listings, topics, the evidence map: a
    second at 10,000 records)."""

    def __init__(self, render: Callable[[str], tuple[str, bytes]], order: list[str], reads, memos: dict) -> None:
        self.reads, self.memos = reads, memos
        self.coming = set(order)  # the pages the fork renders and the build has not taken yet
        self.waiting: dict[str, tuple] = {}  # pages the fork sent before the build asked for them
        self.spool, self.offset = tempfile.TemporaryFile(), 0  # where the next page starts in `spool`
        read_end, write_end = os.pipe()
        # Until the fork ends, the build's own collections leave what the two share alone: a full
        # collection writes to every object it walks, and the kernel would copy each page it writes.
        gc.freeze()
        try:
            self.pid = os.fork()
        except OSError:  # no memory or processes left for it: the build renders every page
            gc.unfreeze()
            os.close(read_end)
            os.close(write_end)
            raise
        if self.pid == 0:
            os.close(read_end)
            _render_in_fork(render, order, write_end, self.spool, reads, memos)  # never returns
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

    def take(self, src_uri: str) -> tuple[str, tuple] | None:
        """The page's markdown and where its blocks are, (file, offset, length), as the fork rendered
        them, its reads and kept values kept here; None when the fork did not render it (the build
        renders it)."""
        if src_uri not in self.coming:  # not the fork's, or taken already: never wait for it
            return None
        self.coming.discard(src_uri)
        while src_uri not in self.waiting and self.pipe is not None:
            lengths = self.pipe.read(_LENGTHS.size)
            if len(lengths) < _LENGTHS.size or lengths == STOPPED:  # the fork is gone, or stopped at a page
                self.stop()
                break
            meta, blocks = _LENGTHS.unpack(lengths)
            # Read without moving the file's offset, which the fork writes at (the two share it).
            page, markdown, read, kept = pickle.loads(os.pread(self.spool.fileno(), meta, self.offset))
            self.waiting[page] = (markdown, (self.spool, self.offset + meta, blocks), read, kept)
            self.offset += meta + blocks
        made = self.waiting.pop(src_uri, None)
        if made is None:
            return None
        markdown, where, read, kept = made
        if read is not None:
            self.reads.pages[src_uri] = read
        for table, key, blob in kept:
            self.memos[table].adopt(key, blob)
        return markdown, where

    def stop(self) -> None:
        """End the fork, if it has not ended, and wait for it. The spool stays: the pages' blocks."""
        if self.pipe is None:
            return
        self.pipe.close()  # a fork still writing gets a broken pipe
        self.pipe = None
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        gc.unfreeze()


_LENGTHS = struct.Struct("=QQ")  # of a page's pickled markdown, reads and kept values, and of its blocks
STOPPED = _LENGTHS.pack(0, 0)


def _render_in_fork(render, order: list[str], fd: int, spool, reads, memos: dict) -> None:
    """The fork's whole life: write each page of `order` to `spool`, (src_uri, markdown, reads, kept
    values) pickled, then its blocks, and their lengths to the pipe; STOPPED if it stopped at a page.
    It exits without running anything of the build's (no atexit, no flushing of its buffers)."""
    try:
        gc.freeze()  # the build's objects: never walked by this process's collections (nor copied for them)
        logging.Logger.handle = _refuse_to_log
        kept: list[tuple[str, str, bytes]] = []
        for table, memo in memos.items():
            memo.divert(lambda key, blob, table=table: kept.append((table, key, blob)))
        with os.fdopen(fd, "wb", buffering=0) as pipe:
            for src_uri in order:
                try:
                    markdown, blocks = render(src_uri)
                except BaseException:  # _Logged too: the build renders this page itself
                    pipe.write(STOPPED)
                    break
                read = reads.pages.pop(src_uri, None) if reads is not None else None
                meta = pickle.dumps((src_uri, markdown, read, kept), pickle.HIGHEST_PROTOCOL)
                spool.write(meta)
                spool.write(blocks)
                spool.flush()  # in the file before the build hears of it
                pipe.write(_LENGTHS.pack(len(meta), len(blocks)))
                kept.clear()
    finally:
        os._exit(0)


class _Logged(Exception):
    """A render in the fork logged something: the build renders the page, so that its log has it."""


def _refuse_to_log(logger, record) -> None:
    raise _Logged(record.getMessage())

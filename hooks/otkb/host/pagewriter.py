"""Copy the pages a warm build reuses from the cache's pack into the site, with this build's stamp.

otkb.host.warm runs this file as a script, in a process of its own, while
the build goes on (`PageCache.start_writing_reused`): 10,000 new folders
and files are mostly the kernel's work (0.7 to 9 s of system time on an
ext4 disk), which then takes a second core rather than the build's time. A
forked copy of the build did the same at first, but every page of the
build's memory it then wrote to was copied for it: 1.5 s more of system
time at 10,000 records. Standard library only: the file is run by path,
without otkb.

    python pagewriter.py PACK_FD SITE_DIR BUILD_PID < {"stamp": ..., "mark": ..., "pages": [[path, offset, length], ...]}

The pack comes open on PACK_FD (checked by the build, otkb.host.cachefiles). It stops when the build
(BUILD_PID, its parent) is gone, killed outright.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def write_pages(pack, site_dir: Path, stamp: bytes, mark: bytes, pages, build: int | None = None) -> None:
    """Write each of `pages` ([output path, offset, length] in the open `pack`) under `site_dir`, its
    stamp's `mark` replaced by `stamp` (as bytes: the pages are copied, never decoded). Stop when the
    process `build` (this one's parent) is gone: its staging folder is then the next build's to clear."""
    for dest_path, offset, length in pages:
        if build is not None and os.getppid() != build:
            raise SystemExit("the build is gone")
        pack.seek(offset)
        data = pack.read(length)
        if len(data) != length:
            raise OSError(f"the warm cache's pack ends before {dest_path}")
        out = site_dir / dest_path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data.replace(mark, stamp, 1))


if __name__ == "__main__":
    order = json.load(sys.stdin)
    with os.fdopen(int(sys.argv[1]), "rb") as pack:
        write_pages(pack, Path(sys.argv[2]), order["stamp"].encode("utf-8", errors="xmlcharrefreplace"),
                    order["mark"].encode("utf-8"), order["pages"], build=int(sys.argv[3]))

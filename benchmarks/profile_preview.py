"""Profile the serve preview in one process: build as `mkdocs serve` does, then save one record and
time (and optionally profile) the rebuild the save starts.

    .venv/bin/python benchmarks/profile_preview.py PROJECT [--edit step|title] [--profile FILE] [--rebuild]
    .venv/bin/python benchmarks/profile_preview.py PROJECT --rounds 4   # least and median of 8 saves per edit

PROJECT is a project folder (benchmarks/run.py's synthetic sites, or the repository). The record
edited is the first activity; it is changed back afterwards. Prints wall and CPU seconds of the
rebuild (CPU: user + system of this process), and with --profile writes cProfile's figures.
With --rebuild every save takes serve's other path, a MkDocs build in dirty mode, instead of the
update in place (otkb.host.incremental), to compare the two. With --rounds N, each edit is made and
undone N times (a title edit moves the record to another letter and back) and the least and median
CPU and wall seconds of its 2N saves are printed: the figures to compare two versions by on a busy
machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

EDITS = {"step": "steps:\n- ", "title": "title: "}


class FakeServer:
    """Just what on_serve sets: the rebuild (`builder`)."""

    def __init__(self, builder) -> None:
        self.builder = builder


class GcTime:
    """Seconds the garbage collector ran, by generation (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self._start = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._start

    def reset(self) -> str:
        text = " + ".join(f"{s:.2f}" for s in self.seconds)
        self.seconds = [0.0, 0.0, 0.0]
        return text


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--edit", choices=sorted(EDITS), nargs="+", default=["step", "title"])
    parser.add_argument("--profile", type=Path, help="write cProfile stats here (one file per edit: FILE.EDIT)")
    parser.add_argument("--top", type=int, default=40, help="profile lines to print")
    parser.add_argument("--rebuild", action="store_true", help="rebuild in dirty mode, never update in place")
    parser.add_argument("--rounds", type=int, default=0, help="make and undo each edit this many times; "
                        "print the least and median seconds")
    args = parser.parse_args()
    if args.rebuild:
        from otkb.host.incremental import Incremental
        Incremental.update_in_place = lambda *_: False
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")
    os.chdir(args.project)
    site_dir = tempfile.mkdtemp(prefix="otkb-profile-")
    config = load_config(config_file="mkdocs.yml", site_dir=site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = "http://127.0.0.1:8000/"
    start, start_cpu = time.perf_counter(), cpu()
    build(config, serve_url=config.site_url)
    print(f"first build: {time.perf_counter() - start:.2f} s ({cpu() - start_cpu:.2f} CPU s)")
    server = config.plugins.on_serve(FakeServer(None), config=config, builder=None)
    collector = GcTime()
    record = args.project / "data/activities/activity-00000.yml"
    original = record.read_text()
    try:
        if args.rounds:
            rounds(server.builder, record, original, args.edit, args.rounds)
            return
        for edit in args.edit:
            time.sleep(2.1)  # past the racy window (load.files_state)
            record.write_text(record.read_text().replace(EDITS[edit], f"{EDITS[edit]}Edited{time.time_ns()} ", 1))
            profile = cProfile.Profile() if args.profile else None
            collector.reset()
            start, start_cpu = time.perf_counter(), cpu()
            if profile:
                profile.enable()
            server.builder()
            if profile:
                profile.disable()
            print(f"{edit} edit: {time.perf_counter() - start:.2f} s ({cpu() - start_cpu:.2f} CPU s; "
                  f"garbage collector by generation: {collector.reset()} s)")
            if profile:
                path = args.profile.with_suffix(f".{edit}")
                profile.dump_stats(path)
                pstats.Stats(str(path)).sort_stats("cumulative").print_stats(args.top)
    finally:
        record.write_text(original)
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)  # 416 MB at 10,000 records, left in /tmp each run before


def rounds(builder, record: Path, original: str, edits: list[str], count: int) -> None:
    """Each edit made and undone `count` times; the least and median (CPU s, wall s) of its saves."""
    for edit in edits:
        seconds = []
        for _ in range(count):
            for text in (original.replace(EDITS[edit], f"{EDITS[edit]}Edited{time.time_ns()} ", 1), original):
                time.sleep(2.1)  # past the racy window (load.files_state)
                record.write_text(text)
                start, start_cpu = time.perf_counter(), cpu()
                builder()
                seconds.append((cpu() - start_cpu, time.perf_counter() - start))
        cpus, walls = sorted(s for s, _ in seconds), sorted(w for _, w in seconds)
        print(f"{edit} edit, {len(seconds)} saves: {cpus[0]:.2f} CPU s least, {statistics.median(cpus):.2f} median; "
              f"{walls[0]:.2f} s least, {statistics.median(walls):.2f} median")


if __name__ == "__main__":
    main()

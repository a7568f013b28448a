"""The otkb benchmark: build time, pipeline share, memory, output size and preview latency.

    .venv/bin/python benchmarks/run.py                 # N = 100, 1000, 10000, 3 runs each
    .venv/bin/python benchmarks/run.py --sizes 100 --repeat 1   # CI's smoke run
    .venv/bin/python benchmarks/run.py --sizes 10000 --only-preview   # the serve preview alone

For each N it generates N synthetic records (benchmarks/synthetic.py, seeded;
valid, with about 1.5 editor warnings a record since the checks grew in
December 2026: see its docstring)
into a temporary copy of the project, then measures, as medians over the runs:

- build: wall time of a cold `mkdocs build` in a fresh process (no cache),
  its CPU time (user + system: the figure to trust on a busy machine, the
  fork's included), its peak RSS (of the build or its fork, the larger)
  and the peak of both together (proportional set sizes);
- cache: a cold build that writes the cache (.cache/otkb/): CPU time and peak RSS;
- warm: the same build after changing one record, from that cache and
  without the site/ folder, as CI runs it (a fresh checkout, the cache
  restored): wall and CPU time, peak RSS;
- pipeline: the cold build's own time checking the records (load, validate,
  link) and on their pages, from its log, and its share of the build; a
  one-off build has its pages rendered by a fork meanwhile
  (otkb.host.pagerender), so the build spends little time on them. Beside
  it, the pipeline's whole work in CPU seconds: load + validate + link +
  render of the same records in this one process;
- output: HTML bytes per record page, total site size, search index size;
- preview: time from saving one record to `mkdocs serve` serving the change:
  an edit of an activity's first step, then of its title (which moves it
  within the sorted listings and changes its card on every page that shows
  it).

It prints a table and writes benchmarks/results.json. It is not a test: the
figures depend on the machine, so targets are checked by reading the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:0] = [str(PROJECT / "hooks"), str(HERE), str(PROJECT / "tests")]

from conftest import copy_project  # noqa: E402
from serving import interruptible  # noqa: E402
from synthetic import generate  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"}


def make_project(root: Path, n: int) -> dict[str, int]:
    copy_project(root, data=PROJECT / "data")  # the tests' copy of the project; the records are replaced
    return generate(n, root / "data", PROJECT / "data/topics.yml")


class BuildRun(NamedTuple):
    wall_s: float
    cpu_s: float  # the build's and its forks' (a fork renders the pages: otkb.host.pagerender)
    peak_rss_bytes: int  # of the largest of them
    peak_together_bytes: int  # of all of them at once, as proportional set sizes (0 where /proc has none)
    pipeline_s: float  # the build's own time checking the records and on their pages, from its log


def timed_build(root: Path, cache: bool = False) -> BuildRun:
    """One `mkdocs build` in a fresh process; without `cache`, a cold build that neither reads nor
    writes .cache/otkb."""
    log = root / "build.log"
    env = ENV if cache else {**ENV, "OTKB_CACHE_DIR": ""}
    with log.open("wb") as stderr:  # a file, not a pipe: a full pipe would stall the build
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        with TreeMemory(process.pid) as memory:
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {root}:\n{text[-5000:]}")
    spent = re.search(r"checked \d+ records in ([\d.]+) s; spent ([\d.]+) s on", text)
    return BuildRun(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, memory.peak,
                    float(spent[1]) + float(spent[2]))


class TreeMemory(threading.Thread):
    """The peak of a process's and its children's memory together, sampled every 0.2 s: the sum of
    their proportional set sizes (a page two of them share counts half in each; Linux only)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def __enter__(self) -> "TreeMemory":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.join()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, sum(_pss(pid) for pid in (self.pid, *_children(self.pid))))


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def warm_build(root: Path) -> dict[str, float]:
    """A cold build that writes the cache (CPU seconds, peak RSS), then a build after changing one
    record from that cache, in a checkout without site/ as in CI (wall and CPU seconds, peak RSS)."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    cache_build = timed_build(root, cache=True)  # leaves .cache/otkb/, as the last CI run would
    record = root / "data/activities/activity-00001.yml"
    record.write_text(record.read_text().replace("title: ", "title: Changed ", 1))
    # Out of the way, deleted after the build: on an ext4 disk without a journal (this machine's), the
    # kernel skips inodes freed in the last minutes when it makes new ones, so a build that follows
    # the deletion of a site's 25,000 files paid up to 9 s of system time for them, which CI's fresh
    # checkout never does (README, "Warm builds, ... seventh session").
    (root / "site").rename(root / "site.before")
    warm = timed_build(root, cache=True)
    shutil.rmtree(root / "site.before")
    return {"cache_build_cpu_s": cache_build.cpu_s, "cache_peak_rss_bytes": cache_build.peak_rss_bytes,
            "cache_peak_together_bytes": cache_build.peak_together_bytes, "warm_s": warm.wall_s,
            "warm_cpu_s": warm.cpu_s, "warm_peak_rss_bytes": warm.peak_rss_bytes}


def timed_pipeline(root: Path) -> float:
    """CPU seconds of the pipeline's whole work in this one process: load, validate, link and render."""
    from otkb.content.pipeline import check_library
    from otkb.site.render import render_pages

    start = time.process_time()
    library, errors, _ = check_library(root)  # load, validate, link and the editor warnings
    if errors:
        raise SystemExit(f"synthetic records are invalid: {errors[:3]}")
    render_pages(library)
    return time.process_time() - start


def output_sizes(site: Path) -> dict[str, float]:
    pages = [p for kind in ("articles", "research", "activities") for p in (site / kind).glob("*/index.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {"html_bytes_per_record_page": statistics.mean(p.stat().st_size for p in pages),
            "site_bytes": total, "search_index_bytes": sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file())}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process so far (Linux: /proc/PID/stat); 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def preview_latency(root: Path, timeout: float = 600) -> dict[str, float | None]:
    """Seconds from saving a record to `mkdocs serve` serving the edited page, for a step and for the
    title, and the CPU seconds the server spent meanwhile (`preview_cpu_s`, `preview_title_cpu_s`).

    The server holds a page request while a rebuild runs, so the edited page
    shows the marker only once every page the save changed is written."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                               ], cwd=root, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, preexec_fn=interruptible)
    url = f"http://127.0.0.1:{port}/activities/activity-00000/"
    record = root / "data/activities/activity-00000.yml"
    try:
        deadline = time.monotonic() + timeout
        while _fetch(url) is None:
            if time.monotonic() > deadline or server.poll() is not None:
                return dict.fromkeys(PREVIEW_FIGURES)
            time.sleep(0.2)
        times, cpu = [], []
        for field in ("steps:\n- ", "title: "):
            marker = f"Edited{time.time_ns()}"
            time.sleep(2.5)  # let the watcher settle, and the file age past the racy window
            start, start_cpu = time.perf_counter(), _cpu_seconds(server.pid)
            record.write_text(record.read_text().replace(field, f"{field}{marker} ", 1))
            while marker not in (_fetch(url) or ""):
                if time.monotonic() > deadline:
                    return dict.fromkeys(PREVIEW_FIGURES)
                time.sleep(0.02)
            times.append(time.perf_counter() - start)
            cpu.append(_cpu_seconds(server.pid) - start_cpu)
        return dict(zip(PREVIEW_FIGURES, (times[0], times[1], cpu[0], cpu[1])))
    finally:  # Ctrl-C, as a user stops it: on SIGTERM `mkdocs serve` would leave its temporary site behind
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


PREVIEW_FIGURES = ("preview_s", "preview_title_s", "preview_cpu_s", "preview_title_cpu_s")


def measure(n: int, repeat: int, preview: bool) -> dict:
    runs = []
    with tempfile.TemporaryDirectory(prefix=f"otkb-bench-{n}-") as tmp:
        root = Path(tmp)
        counts = make_project(root, n)
        if repeat == 0:  # --only-preview
            return {"records": n, "per_kind": counts, **preview_latency(root)}
        for _ in range(repeat):
            cold = timed_build(root)
            runs.append({"build_s": cold.wall_s, "build_cpu_s": cold.cpu_s, "peak_rss_bytes": cold.peak_rss_bytes,
                         "peak_together_bytes": cold.peak_together_bytes, "pipeline_s": cold.pipeline_s})
        sizes = output_sizes(root / "site")
        warm = warm_build(root)
        # In-process, after every build: a child's peak RSS includes this process's at the fork.
        for run in runs:
            run["pipeline_cpu_s"] = timed_pipeline(root)
        result = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        result |= {"records": n, "per_kind": counts, "runs": repeat,
                   "pipeline_share": result["pipeline_s"] / result["build_s"], **sizes, **warm}
        result |= preview_latency(root) if preview else dict.fromkeys(PREVIEW_FIGURES)
    return result


def preview_table(results: list[dict]) -> str:
    rows = [("records", "step edit s (CPU s)", "title edit s (CPU s)")]
    for r in results:
        rows.append((f"{r['records']:,}", *("-" if r[wall] is None else f"{r[wall]:.2f} ({r[cpu]:.2f})"
                                             for wall, cpu in (("preview_s", "preview_cpu_s"),
                                                               ("preview_title_s", "preview_title_cpu_s")))))
    return markdown_table(rows)


def table(results: list[dict]) -> str:
    if "build_s" not in results[0]:
        return preview_table(results)
    rows = [("records", "build s", "build CPU s", "warm s", "warm CPU s", "pipeline s", "share", "pipeline CPU s",
             "peak MiB (cold/cache/warm)", "together (cold/cache)", "KB/page", "site MB", "index MB",
             "preview s (title)")]
    for r in results:
        peaks = "/".join(f"{r[key] / 2**20:.0f}" for key in ("peak_rss_bytes", "cache_peak_rss_bytes",
                                                              "warm_peak_rss_bytes"))
        together = "/".join(f"{r[key] / 2**20:.0f}" for key in ("peak_together_bytes", "cache_peak_together_bytes"))
        rows.append((f"{r['records']:,}", f"{r['build_s']:.1f}", f"{r['build_cpu_s']:.1f}", f"{r['warm_s']:.1f}",
                     f"{r['warm_cpu_s']:.1f}", f"{r['pipeline_s']:.2f}", f"{r['pipeline_share']:.1%}",
                     f"{r['pipeline_cpu_s']:.2f}", peaks, together,
                     f"{r['html_bytes_per_record_page'] / 1024:.1f}", f"{r['site_bytes'] / 2**20:.1f}",
                     f"{r['search_index_bytes'] / 2**20:.2f}",
                     "-" if r["preview_s"] is None else f"{r['preview_s']:.2f} ({r['preview_title_s']:.2f})"))
    return markdown_table(rows)


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    """Rows of cells (the first is the header) as a Markdown table, right-aligned, for the README."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.rjust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; medians are reported")
    parser.add_argument("--no-preview", action="store_true", help="skip the mkdocs serve latency measurement")
    parser.add_argument("--only-preview", action="store_true",
                        help="measure only the mkdocs serve latency (step and title edit, wall and CPU s)")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        results.append(measure(n, 0 if args.only_preview else args.repeat, preview=not args.no_preview))
        print(table(results[-1:]).splitlines()[-1], flush=True)
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    if not args.only_preview and len(results) > 1 and {100, 1000, 10000} <= {r["records"] for r in results}:
        by_n = {r["records"]: r for r in results}
        machine["ratio_10000_over_1000"] = by_n[10000]["build_s"] / by_n[1000]["build_s"]
    args.output.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print()
    print(table(results))
    if "ratio_10000_over_1000" in machine:
        print(f"\n10,000 / 1,000 build time ratio: {machine['ratio_10000_over_1000']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How light and fast search is on a big site: bytes fetched and time to the first result.

    .venv/bin/python benchmarks/search_latency.py                     # 1,000 and 10,000 records, 5 runs
    .venv/bin/python benchmarks/search_latency.py --records 1000 --keep /tmp/otkb-1000
    .venv/bin/python benchmarks/search_latency.py --site /tmp/otkb-1000/site    # reuse a built site

For each size it builds a synthetic N-record site (benchmarks/synthetic.py,
as run.py does) unless --site names one, serves it on loopback and opens a
record page in Debian's Chromium (/usr/bin/chromium, or $OTKB_CHROMIUM), each
run in a fresh browser context (nothing cached, as for a new visitor). Once
the page has loaded it enters each query in the search box in one go (as if
pasted) and measures, as medians:

- page open: what the page fetched for search before any query (the worker
  and Material's search_index.json), gzipped, as a host sends it;
- first result: the time from entering the query to the first item in
  Material's result list, and the search files fetched for it, gzipped;
- index build: the CPU seconds writing the sharded index takes (in-process,
  from the same records), against the whole build's, and the build's peak RSS.

The synthetic records draw on 85 words, so every word is on almost every
page: each shard holds postings for all pages, a worst case for bytes.
Prints a table and writes benchmarks/search-latency.json. It is a benchmark,
not a test: the issue's target is, at 10,000 records, a first result within
1 s that fetched at most 300 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "scripts")]

from run import PROJECT, make_project, timed_build  # noqa: E402
from screenshots import served_browser  # noqa: E402

PAGE = "activities/activity-00000/"
QUERIES = ("scissors", "4 year old")  # a word of the synthetic records, and an age

# The time of the first result item after the query.
PROBE = """
window.__otkbWatchResults = () => {
  window.__otkbSearch = {};
  const list = document.querySelector(".md-search-result__list");
  new MutationObserver((_, observer) => {
    if (list.querySelector(".md-search-result__item")) {
      window.__otkbSearch.result = performance.now();
      observer.disconnect();
    }
  }).observe(list, {childList: true});
  window.__otkbSearch.query = performance.now();
};
"""


def build_site(root: Path, records: int) -> dict:
    """Generate the records into a copy of the project and build it: build seconds and peak RSS."""
    root.mkdir(parents=True, exist_ok=True)
    make_project(root, records)
    cold = timed_build(root)
    return {"build_s": cold.wall_s, "build_cpu_s": cold.cpu_s, "build_peak_rss_bytes": cold.peak_rss_bytes,
            "index_cpu_s": index_seconds(root)}


def index_seconds(root: Path) -> float:
    """CPU seconds `write_index` takes for the project's records (into a scratch folder), less the
    making of the entries, which the one-file index made too (a busy machine's wall time says little)."""
    sys.path.insert(0, str(PROJECT / "hooks"))
    from otkb.content.pipeline import build_library
    from otkb.host.search_index import write_index
    from otkb.site.search import generated_locations, index_extras, iter_search_entries
    library, errors = build_library(root)
    assert not errors, errors[:3]
    entries = list(iter_search_entries(library))
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(root / "site/search/search_index.json", scratch)
        start = time.process_time()
        write_index(Path(scratch), iter(entries), generated_locations(library), index_extras(library))
        return time.process_time() - start


@lru_cache(maxsize=None)
def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def search_bytes(site: Path, base: str, urls: list[str]) -> int:
    """Gzipped bytes of the search files among `urls` (the loopback server sends them uncompressed)."""
    paths = [site / url.removeprefix(base).split("?")[0] for url in urls]
    return sum(gzipped(path) for path in paths if "search" in path.name or "search" in path.parent.parts
               or path.parent.parent.name == "search")


def one_run(browser, site: Path, base: str, query: str, timeout_ms: float) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(base + PAGE, wait_until="load")
        page.wait_for_load_state("networkidle")
        on_open = search_bytes(site, base, fetched)
        fetched.clear()
        page.locator(".md-search__input").click()
        page.evaluate("window.__otkbWatchResults()")
        page.fill(".md-search__input", query)
        page.keyboard.press("End")  # Material reads the box on keyup
        page.wait_for_function("() => window.__otkbSearch.result", timeout=timeout_ms)  # a function: the CSP forbids eval
        times = page.evaluate("window.__otkbSearch")
        return {"open_bytes": on_open, "first_result_bytes": search_bytes(site, base, fetched),
                "first_result_files": len(fetched), "first_result_ms": times["result"] - times["query"]}
    finally:
        context.close()


def measure(site: Path, queries: list[str], repeat: int, timeout_s: float) -> dict:
    results = {}
    with served_browser(site) as (browser, base):
        one_run(browser, site, base, queries[0], timeout_s * 1000)  # warm-up: the OS file cache, Chromium
        for query in queries:
            runs = [one_run(browser, site, base, query, timeout_s * 1000) for _ in range(repeat)]
            results[query] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    return results


def report(result: dict) -> str:
    lines = [f"records            {result['records']:,}"]
    for query, figures in result["queries"].items():
        lines.append(f"  {query!r:16} page open {figures['open_bytes'] / 1024:.1f} KB; first result "
                     f"{figures['first_result_ms']:.0f} ms, {figures['first_result_bytes'] / 1024:.1f} KB gzipped "
                     f"in {figures['first_result_files']:.0f} files")
    if result.get("build_s"):
        lines.append(f"  build {result['build_s']:.1f} s ({result['build_cpu_s']:.1f} s CPU), of which the index "
                     f"{result['index_cpu_s']:.1f} s CPU ({100 * result['index_cpu_s'] / result['build_cpu_s']:.0f} %); "
                     f"peak RSS {result['build_peak_rss_bytes'] / 2**20:.0f} MiB")
    lines.append(f"  index on disk      {result['index_bytes'] / 2**20:.1f} MiB in {result['index_files']:,} files")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--site", type=Path, help="a built site to measure instead of building one")
    parser.add_argument("--keep", type=Path, help="build the project here and keep it (one size)")
    parser.add_argument("--query", action="append", help="a query to time (repeatable); default: %(default)s")
    parser.add_argument("--repeat", type=int, default=5, help="runs; medians are reported")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for a result")
    parser.add_argument("--output", type=Path, default=HERE / "search-latency.json")
    args = parser.parse_args(argv)
    queries = args.query or list(QUERIES)
    results = []
    for records in ([None] if args.site else args.records):
        with tempfile.TemporaryDirectory(prefix="otkb-search-") as tmp:
            result: dict = {}
            site = args.site
            if site is None:
                root = args.keep or Path(tmp)
                result |= build_site(root, records)
                site = root / "site"
            result["records"] = sum(1 for kind in ("articles", "research", "activities")
                                    for _ in (site / kind).glob("*/index.html"))
            files = [f for f in (site / "search").rglob("*.json")]
            result["index_bytes"], result["index_files"] = sum(f.stat().st_size for f in files), len(files)
            result["queries"] = measure(site, queries, args.repeat, args.timeout)
            results.append(result)
            print(report(result), flush=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast search answers on a big site: index size, index-ready time, first-result time.

    .venv/bin/python benchmarks/search_latency.py                       # 5,000 records, 5 runs
    .venv/bin/python benchmarks/search_latency.py --records 1000 --keep /tmp/otkb-1000
    .venv/bin/python benchmarks/search_latency.py --site /tmp/otkb-1000/site    # reuse a built site

It builds a synthetic N-record site (benchmarks/synthetic.py, as run.py
does) unless --site names one, serves it on loopback and opens a record page
in Debian's Chromium (/usr/bin/chromium, or $OTKB_CHROMIUM), each run in a
fresh browser context (nothing cached, as for a new visitor). Right after the
load event it enters a query in the search box in one go (as if pasted, so
every result shown answers the whole query) and measures, as medians:

- index ready: from the start of navigation to the search worker's READY
  message (Material's worker protocol; any worker that speaks it is timed);
- first result: from entering the query to the first item in Material's
  result list.

It also reports the index's size on disk and gzipped (what a host sends),
prints a table and writes benchmarks/search-latency.json. It is a benchmark,
not a test: the issue's target is a first result within 1 s at 5,000 records.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from run import ENV, PROJECT, make_project  # noqa: E402

CHROMIUM = os.environ.get("OTKB_CHROMIUM", "/usr/bin/chromium")
PAGE = "activities/activity-00000/"
QUERY = "scissors"  # a word of the synthetic records' text and titles

# Times the READY message of whatever search worker the page starts (message type 1 in Material's
# protocol: SETUP 0, READY 1, QUERY 2, RESULT 3), and the first result item after the query.
PROBE = """
window.__otkbSearch = {};
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", event => {
      if (event.data && event.data.type === 1 && !window.__otkbSearch.ready)
        window.__otkbSearch.ready = performance.now();
    });
  }
};
window.__otkbWatchResults = () => {
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


def build_site(root: Path, records: int) -> float:
    """Generate the records into a copy of the project and build it; the build's wall seconds."""
    root.mkdir(parents=True, exist_ok=True)
    make_project(root, records)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{result.stderr[-5000:]}")
    return time.perf_counter() - start


def index_sizes(site: Path) -> dict[str, int]:
    files = sorted((site / "search").glob("*.json"))
    return {"index_bytes": sum(f.stat().st_size for f in files),
            "index_gzip_bytes": sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)}


def one_run(browser, url: str, query: str, timeout_ms: float) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        page.goto(url, wait_until="load")
        page.locator(".md-search__input").click()
        page.evaluate("window.__otkbWatchResults()")
        page.fill(".md-search__input", query)
        page.keyboard.press("End")  # Material reads the box on keyup
        page.wait_for_function("window.__otkbSearch.result && window.__otkbSearch.ready", timeout=timeout_ms)
        times = page.evaluate("({...window.__otkbSearch, "
                              "load: performance.getEntriesByType('navigation')[0].loadEventEnd})")
        return {"load_ms": times["load"], "index_ready_ms": times["ready"],
                "first_result_ms": times["result"] - times["query"]}
    finally:
        context.close()


def measure(site: Path, query: str, repeat: int, timeout_s: float) -> dict:
    sys.path.insert(0, str(PROJECT / "scripts"))
    from playwright.sync_api import sync_playwright
    from screenshots import BROWSER_ARGS, serve

    server = serve(site)
    url = f"http://127.0.0.1:{server.server_port}/{PAGE}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            one_run(browser, url, query, timeout_s * 1000)  # warm-up: the OS file cache, Chromium's startup
            runs = [one_run(browser, url, query, timeout_s * 1000) for _ in range(repeat)]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]} | {"runs": runs}


def report(result: dict) -> str:
    return "\n".join([
        f"records            {result['records']:,}",
        f"search index       {result['index_bytes'] / 2**20:.2f} MB ({result['index_gzip_bytes'] / 2**20:.2f} MB gzipped), "
        f"{result['index_bytes_per_record'] / 1024:.2f} KB per record",
        f"page load          {result['load_ms']:.0f} ms",
        f"index ready        {result['index_ready_ms']:.0f} ms after navigation start",
        f"first result       {result['first_result_ms']:.0f} ms after the query (median of {len(result['runs'])})",
    ] + ([f"build              {result['build_s']:.1f} s"] if result.get("build_s") else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--site", type=Path, help="a built site to measure instead of building one")
    parser.add_argument("--keep", type=Path, help="build the project here and keep it (reuse with --site DIR/site)")
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--repeat", type=int, default=5, help="runs; medians are reported")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for a result")
    parser.add_argument("--output", type=Path, default=HERE / "search-latency.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="otkb-search-") as tmp:
        result: dict = {"query": args.query}
        site = args.site
        if site is None:
            root = args.keep or Path(tmp)
            result["build_s"] = build_site(root, args.records)
            site = root / "site"
        result["records"] = sum(1 for kind in ("articles", "research", "activities")
                                for _ in (site / kind).glob("*/index.html"))
        result |= index_sizes(site)
        result["index_bytes_per_record"] = result["index_bytes"] / result["records"]
        result |= measure(site, args.query, args.repeat, args.timeout)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How light and quick the activity finder is on a big site: bytes the listing transfers, filter-change time.

    .venv/bin/python benchmarks/finder_latency.py                     # 1,250 and 10,000 records (1,000 and 8,000 activities)
    .venv/bin/python benchmarks/finder_latency.py --records 1250 --keep /tmp/otkb-1250
    .venv/bin/python benchmarks/finder_latency.py --site /tmp/otkb-1250/site   # reuse a built site

It builds synthetic sites (benchmarks/synthetic.py, as run.py and
search_latency.py do) unless --site names one, serves each on loopback and
opens /activities/ in Debian's Chromium, a fresh browser context each run:

- transferred: every file the page loads until the finder is ready (HTML,
  theme CSS and JS, finder.json), each counted gzipped at level 6 as a host
  would send it (images and fonts as they are); the listing's HTML and the
  finder's data alone; and finder-materials.json, fetched only when a visitor
  filters by a material. The search index and the sitemap, which every page
  of the site loads, are reported apart;
- ready: from navigation start until the finder has its data and shows the list;
- filter change: from setting a control (age, skill, where, time, then a
  material once its file is loaded) to the next frame after the list was
  updated, medians and the slowest over every change of every run; measured
  once the page is idle (the search worker every page starts has parsed the
  search index, which at 10,000 records takes seconds of CPU).

It writes benchmarks/finder-latency.json. The goals (issue 16): at most 300 KB
transferred at 8,000 activities, and a filter change answered in 100 ms.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from run import markdown_table  # noqa: E402
from search_latency import build_site, served_browser  # noqa: E402

SITE_WIDE = ("/search/", "/sitemap.xml")
"""Loaded by every page, not by the listing: the search index (issue 15's) and the sitemap Material's instant
navigation reads. Reported apart."""
PRECOMPRESSED = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".woff", ".woff2"}

# Set a control, let the finder answer, and wait for the next frame: the time a visitor waits.
CHANGE = """async ([name, value]) => {
  const control = document.getElementById("otkb-finder").elements[name];
  const start = performance.now();
  control.value = value;
  control.dispatchEvent(new Event(control.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - start;
}"""


def sent_bytes(site: Path, path: str) -> tuple[int, int]:
    """A file's size on disk and as a host sends it (gzip level 6 unless it is compressed already)."""
    file = site / path.lstrip("/")
    if file.is_dir() or path.endswith("/"):
        file = file / "index.html"
    data = file.read_bytes()
    return len(data), len(data) if file.suffix in PRECOMPRESSED else len(gzip.compress(data, 6))


def changes(page) -> list[tuple[str, str]]:
    """Filter changes a visitor might make, from the form's own choices."""
    def values(name):
        return page.eval_on_selector_all(f"#otkb-finder [name={name}] option", "os => os.map(o => o.value).filter(Boolean)")
    ages, skills, settings, times = values("age"), values("skill"), values("setting"), values("time")
    return [("age", "4y"), ("skill", skills[len(skills) // 2]), ("setting", settings[0]), ("time", times[0]),
            ("age", "10y"), ("skill", ""), ("setting", ""), ("age", ages[0]), ("time", ""), ("age", "")]


def one_run(browser, base: str, site: Path) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        loaded: list[str] = []
        page.on("requestfinished", lambda request: loaded.append(urlsplit(request.url).path))
        page.goto(base + "activities/")
        page.wait_for_selector("#otkb-finder[data-state=ready]")
        ready = page.evaluate("performance.now()")
        at_ready = list(loaded)
        # Every page also starts the search worker, which parses the site's search index (issue 15's):
        # let it finish, so the figures are the finder's own.
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        steps = changes(page)
        times = [page.evaluate(CHANGE, list(change)) for change in steps]
        page.evaluate(CHANGE, ["material", "a"])  # the first material fetches the materials file
        page.wait_for_selector("#otkb-finder[data-state=ready]")
        for word in ("pe", "peg", "tape", "", "cup"):
            steps.append(("material", word))
            times.append(page.evaluate(CHANGE, ["material", word]))
        sizes = {path: sent_bytes(site, path) for path in set(at_ready)}
        own = [path for path in sizes if not path.startswith(SITE_WIDE)]
        return {"ready_ms": ready, "change_ms": times, "steps": [f"{n}={v}" for n, v in steps], "files": sorted(set(at_ready)),
                "page_bytes": sum(sizes[path][0] for path in own),
                "page_gzip_bytes": sum(sizes[path][1] for path in own),
                "site_wide_gzip_bytes": sum(sent for path, (_, sent) in sizes.items() if path not in own)}
    finally:
        context.close()


def measure(site: Path, repeat: int) -> dict:
    with served_browser(site) as (browser, base):
        one_run(browser, base, site)  # warm-up: the OS file cache, Chromium's startup
        runs = [one_run(browser, base, site) for _ in range(repeat)]
    every_change = [t for run in runs for t in run["change_ms"]]
    listing = {name: sent_bytes(site, path) for name, path in
               (("html", "activities/"), ("index", "activities/finder.json"),
                ("materials", "activities/finder-materials.json"))}
    return {"activities": len(json.loads((site / "activities/finder.json").read_text())["activities"]),
            "page_gzip_bytes": statistics.median(r["page_gzip_bytes"] for r in runs),
            "page_bytes": statistics.median(r["page_bytes"] for r in runs),
            "site_wide_gzip_bytes": statistics.median(r["site_wide_gzip_bytes"] for r in runs),
            "listing_html_gzip_bytes": listing["html"][1], "finder_index_gzip_bytes": listing["index"][1],
            "finder_index_bytes": listing["index"][0], "materials_gzip_bytes": listing["materials"][1],
            "ready_ms": statistics.median(r["ready_ms"] for r in runs),
            "change_median_ms": statistics.median(every_change), "change_max_ms": max(every_change),
            "change_ms_by_step": {step: [run["change_ms"][i] for run in runs] for i, step in enumerate(runs[0]["steps"])},
            "files": runs[0]["files"], "runs": repeat}


def table(results: list[dict]) -> str:
    rows = [("activities", "listing KB gz", "HTML KB gz", "finder.json KB gz", "materials KB gz", "ready ms",
             "change ms (median)", "change ms (max)", "search index + sitemap KB gz")]
    for r in results:
        rows.append((f"{r['activities']:,}", f"{r['page_gzip_bytes'] / 1000:.0f}",
                     f"{r['listing_html_gzip_bytes'] / 1000:.0f}", f"{r['finder_index_gzip_bytes'] / 1000:.0f}",
                     f"{r['materials_gzip_bytes'] / 1000:.0f}", f"{r['ready_ms']:.0f}",
                     f"{r['change_median_ms']:.0f}", f"{r['change_max_ms']:.0f}",
                     f"{r['site_wide_gzip_bytes'] / 1000:.0f}"))
    return markdown_table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1250, 10000])
    parser.add_argument("--site", type=Path, help="a built site to measure instead of building them")
    parser.add_argument("--keep", type=Path, help="build the project here and keep it (one size only)")
    parser.add_argument("--repeat", type=int, default=5, help="runs; medians are reported")
    parser.add_argument("--output", type=Path, default=HERE / "finder-latency.json")
    args = parser.parse_args(argv)
    results = []
    if args.site:
        results.append(measure(args.site, args.repeat))
    for records in [] if args.site else args.records:
        with tempfile.TemporaryDirectory(prefix=f"otkb-finder-{records}-") as tmp:
            root = args.keep or Path(tmp)
            build_s = build_site(root, records)
            results.append({"records": records, "build_s": build_s, **measure(root / "site", args.repeat)})
        print(table(results[-1:]).splitlines()[-1], flush=True)
    args.output.write_text(json.dumps({"results": results}, indent=2) + "\n")
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The road not taken, measured: Pagefind over the same pages, against our sharded index.

    .venv/bin/pip install 'pagefind[bin]'       # not a dependency of the site: only for this comparison
    .venv/bin/python benchmarks/search_pagefind.py /tmp/otkb-10000/site   # a site search_latency.py --keep built

It indexes the built site's pages from our index's entries (search/d/*.json,
made from the records: Pagefind never parses the 10,000 pages) with
Pagefind's Python API into site/pagefind/, then in Chromium, for each query,
opens a record page, loads pagefind.js, searches and loads the first result's
data (what its UI needs to show it), and reports the seconds indexing took,
the bytes fetched (gzipped, as a host sends them; Pagefind's own files are
compressed already) and the time to the first result, as search_latency.py
does for ours.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from search_latency import PAGE, QUERIES, gzipped, served_browser  # noqa: E402

FIRST_RESULT = """async query => {
  const start = performance.now();
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const first = await search.results[0].data();
  return {ms: performance.now() - start, count: search.results.length, url: first.url};
}"""


async def index(site: Path) -> float:
    from pagefind.index import PagefindIndex
    start = time.perf_counter()
    async with PagefindIndex(config={"output_path": str(site / "pagefind")}) as pagefind:
        for chunk in sorted((site / "search/d").glob("*.json"), key=lambda path: int(path.stem)):
            await asyncio.gather(*(  # a chunk's pages at once: one at a time is a round trip to the service each
                pagefind.add_custom_record(url="/" + page[0]["location"], language="en",
                                           meta={"title": page[0]["title"]},
                                           content=" ".join(f"{entry['title']}. {entry.get('text', '')} "
                                                            f"{' '.join(entry.get('tags', []))}" for entry in page))
                for page in json.loads(chunk.read_text(encoding="utf-8"))))
        await pagefind.write_files(output_path=str(site / "pagefind"))
    return time.perf_counter() - start


def transferred(site: Path, base: str, urls: list[str]) -> int:
    paths = [site / url.removeprefix(base).split("?")[0] for url in urls if "/pagefind/" in url]
    return sum(min(path.stat().st_size, gzipped(path)) for path in paths)


def measure(site: Path, repeat: int = 3) -> dict:
    results = {}
    with served_browser(site) as (browser, base):
        for query in QUERIES:
            runs = []
            for _ in range(repeat + 1):  # the first warms the OS file cache
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + PAGE, wait_until="load")
                fetched: list[str] = []
                page.on("request", lambda request: fetched.append(request.url))
                answer = page.evaluate(FIRST_RESULT, query)
                runs.append({"first_result_ms": answer["ms"], "bytes": transferred(site, base, fetched),
                             "files": len(fetched), "results": answer["count"]})
                context.close()
            results[query] = {key: statistics.median(run[key] for run in runs[1:]) for key in runs[1]}
    return results


def main(site: str) -> int:
    site_dir = Path(site)
    seconds = asyncio.run(index(site_dir))
    files = list((site_dir / "pagefind").rglob("*"))
    print(f"Pagefind: indexed {site_dir} in {seconds:.1f} s; {sum(f.stat().st_size for f in files if f.is_file()) / 2**20:.1f} MB "
          f"in {len(files)} files")
    for query, figures in measure(site_dir).items():
        print(f"  {query!r:16} first result {figures['first_result_ms']:.0f} ms, {figures['bytes'] / 1024:.1f} KB "
              f"in {figures['files']:.0f} files ({figures['results']:.0f} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

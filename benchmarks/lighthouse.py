"""Lighthouse 12 (mobile, its default throttling) on the home page, a listing, an activity and a
research card of a built site.

    mkdocs build && .venv/bin/python benchmarks/lighthouse.py [--site site] [--lighthouse PATH]

Lighthouse is not a dependency of the project: install it where you like
(`npm install lighthouse@12`) and pass its binary with --lighthouse, or have
`lighthouse` on PATH. It drives the Chromium at CHROME_PATH (default
/usr/bin/chromium). The site is served from a local HTTP server without
compression, so "enable text compression" is flagged although every host in
Publishing compresses. Prints one row per page: the four category scores,
first and largest contentful paint, total blocking time and the failed
checks.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PAGES = {"home": "", "listing": "activities/", "activity": "activities/animal-walks/",
         "research card": "research/bos-2013-preterm-motor/"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def audit(lighthouse: str, url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([lighthouse, url, "--output=json", f"--output-path={report}", "--quiet",
                        "--chrome-flags=--headless --no-sandbox"], check=True, timeout=300,
                       env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
        data = json.loads(report.read_text())
    audits = data["audits"]
    return {"scores": {name: round(c["score"] * 100) for name, c in data["categories"].items()},
            "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "failed": sorted(k for k, a in audits.items()
                             if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    args = parser.parse_args(argv)
    handler = functools.partial(_QuietHandler, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        print("| page | performance | accessibility | best practices | SEO | FCP s | LCP s | TBT ms | failed |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, path in PAGES.items():
            try:
                r = audit(args.lighthouse, f"http://127.0.0.1:{server.server_port}/{path}")
            except subprocess.CalledProcessError:  # e.g. Chromium too slow to answer on a busy machine
                print(f"| {name} | Lighthouse failed; run it again |", flush=True)
                continue
            s = r["scores"]
            print(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} | "
                  f"{r['fcp_s']:.1f} | {r['lcp_s']:.1f} | {r['tbt_ms']:.0f} | {', '.join(r['failed']) or '-'} |",
                  flush=True)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

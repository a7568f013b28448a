"""Lighthouse 12 (mobile, its default throttling) on the home page, a listing, an activity, a
research card, the milestone chart, a milestone page (with its checklist) and the evidence map of a
built site.

    mkdocs build && .venv/bin/python benchmarks/lighthouse.py [--site site] [--lighthouse PATH] [--runs N]

Lighthouse is not a dependency of the project: install it where you like
(`npm install lighthouse@12`) and pass its binary with --lighthouse, or have
`lighthouse` on PATH. It drives the Chromium at CHROME_PATH (default
/usr/bin/chromium). Prints one row per page: the four category scores,
first and largest contentful paint, total blocking time and the failed
checks, and the machine's load average before and after: Lighthouse's
simulated phone scales the CPU time it observes, so a busy machine gives
worse figures. With --runs N each row is the median of N runs; --save DIR
keeps each report (JSON) for a closer look.

The site is served from a local HTTP server that answers the way the hosts
in README.md's Publishing section do, not the way Python's bare
`http.server` does: over HTTP/1.1 with keep-alive (every host serves HTTP/2,
one connection for the page and its files; `http.server` closes the
connection after each response, and Lighthouse's simulation then charges a
new connection for each file), and with text (HTML, CSS, JavaScript, JSON,
SVG, XML) gzipped at level 6 for a browser that accepts it (GitHub Pages
gzips; Netlify and Cloudflare also offer brotli, which is smaller still).
Images are sent as they are, as the hosts do.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PAGES = {"home": "", "listing": "activities/", "activity": "activities/animal-walks/",
         "research card": "research/bos-2013-preterm-motor/", "milestone chart": "milestones/",
         "milestone page": "milestones/2-years/", "evidence map": "research/map/"}


# What the hosts compress; anything else (images, fonts) goes as it is.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
                    "application/rss+xml", "application/feed+json", "image/svg+xml")


class _HostLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as a static host does: persistent connections and gzipped text."""

    protocol_version = "HTTP/1.1"  # keep-alive; http.server's default (HTTP/1.0) closes every connection

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if (not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not self.guess_type(str(path)).startswith(COMPRESSED_TYPES)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def audit(lighthouse: str, url: str, save: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([lighthouse, url, "--output=json", f"--output-path={report}", "--quiet",
                        "--chrome-flags=--headless --no-sandbox"], check=True, timeout=300,
                       env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
        if save:
            shutil.copyfile(report, save)
        data = json.loads(report.read_text())
    audits = data["audits"]
    return {"scores": {name: round(c["score"] * 100) for name, c in data["categories"].items()},
            "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "failed": sorted(k for k, a in audits.items()
                             if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0)}


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    """`site` on a free loopback port, in a thread, answering as a host does (_HostLikeHandler)."""
    handler = functools.partial(_HostLikeHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def median_run(runs: list[dict]) -> dict:
    """The run in the middle by performance score, then LCP (Lighthouse advises the median of several runs)."""
    return sorted(runs, key=lambda r: (r["scores"]["performance"], -r["lcp_s"]))[len(runs) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the row is the median run")
    parser.add_argument("--save", type=Path, metavar="DIR",
                        help="keep each page's Lighthouse report (JSON) in DIR, to see what costs time")
    args = parser.parse_args(argv)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    server = serve(args.site)
    # Lighthouse's simulation scales the CPU time it observes: on a busy machine the figures are worse.
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        print("| page | performance | accessibility | best practices | SEO | FCP s | LCP s | TBT ms | failed |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, path in PAGES.items():
            runs = []
            for run in range(args.runs):
                save = args.save / f"{name.replace(' ', '-')}{f'-{run + 1}' if args.runs > 1 else ''}.json" \
                    if args.save else None
                try:
                    runs.append(audit(args.lighthouse, f"http://127.0.0.1:{server.server_port}/{path}", save))
                except subprocess.CalledProcessError:  # e.g. Chromium too slow to answer on a busy machine
                    pass
            if not runs:
                print(f"| {name} | Lighthouse failed; run it again |", flush=True)
                continue
            r = median_run(runs)
            s = r["scores"]
            print(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} | "
                  f"{r['fcp_s']:.1f} | {r['lcp_s']:.1f} | {r['tbt_ms']:.0f} | {', '.join(r['failed']) or '-'} |",
                  flush=True)
    finally:
        server.shutdown()
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshot one page of each kind, desktop and phone, light and dark.

    python scripts/screenshots.py SITE_DIR OUT_DIR [PATH ...]

A PATH such as `?q=my 2 year old isnt talking` shows the search results (and note) for that query.

Serves SITE_DIR on a free loopback port and drives Debian's chromium
(/usr/bin/chromium, or $OTKB_CHROMIUM) through Playwright. For looking at
what we build; the browser tests live in tests/.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = ["", "activities/", "activities/peg-pinch-game/", "research/bos-2013-preterm-motor/",
         "articles/how-occupational-therapy-helps-fine-motor-skills/", "topics/fine-motor/"]
CHROMIUM = os.environ.get("OTKB_CHROMIUM", "/usr/bin/chromium")
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path, handler_class: type = _QuietHandler) -> http.server.ThreadingHTTPServer:
    """`site` on a free loopback port, in a thread; the tests pass handlers that act like a host."""
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextlib.contextmanager
def served_browser(site: Path):
    """Headless Chromium and `site` served on a free loopback port: yields (browser, base URL);
    the benchmarks drive the site through it too."""
    server = serve(Path(site))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                yield browser, f"http://127.0.0.1:{server.server_port}/"
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def main(site: str, out: str, *paths: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with served_browser(Path(site)) as (browser, base):
        for size, (width, height) in SIZES.items():
            for scheme in ("light", "dark"):
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                for path in paths or PAGES:
                    page.goto(base + path)
                    if "?q=" in path:  # Material opens search with the query: wait for the worker's answer
                        page.wait_for_selector(".md-search-result__item, .otkb-search-note")
                        page.wait_for_timeout(500)
                    name = (path.strip("/").replace("/", "_").replace("?q=", "search-").replace(" ", "-")
                            or "home") + f"-{size}-{scheme}.png"
                    page.screenshot(path=str(out_dir / name), full_page=os.environ.get("OTKB_FULL_PAGE", "1") == "1")
                page.close()


if __name__ == "__main__":
    main(*sys.argv[1:])

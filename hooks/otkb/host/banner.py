"""The preview's problems banner: while `mkdocs serve` runs, a save that broke a record shows each
problem (file, line, field, message and suggestion) at the top of every page served, until the
next good save.

Nothing of it is written to the site folder: the server adds it to each HTML page as it sends the
page, where MkDocs adds its live-reload script, so a built site never carries it. Every part of a
problem is HTML-escaped (a broken record's values are the editor's text, and may be hostile), and
it runs under the site's Content-Security-Policy: no inline script or style. MkDocs' own
live-reload script is inline, which that policy refuses, so the same protocol comes from a file
here (assets/preview.js), served with the banner's stylesheet under MkDocs' `/livereload/` path,
which no page of the site uses.

MkDocs internals used: LiveReloadServer's `_inject_js_into_html(content, epoch)`, its WSGI app
(`get_app`, `set_app`) and the `/livereload/<epoch>/<request>` long poll the script speaks.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

from ..content.errors import RecordError

ASSETS = Path(__file__).parent / "assets"
SCRIPT, STYLES = "/livereload/otkb-preview.js", "/livereload/otkb-preview.css"
_SERVED = {SCRIPT: ("preview.js", "text/javascript"), STYLES: ("preview.css", "text/css")}
_BODY = re.compile(rb"<body\b[^>]*>")


class Problems:
    """What the last rebuild found wrong: RecordErrors, or sentences for problems outside the
    records (a template error). Empty after a good rebuild."""

    def __init__(self) -> None:
        self.items: tuple = ()

    def show(self, items) -> None:
        self.items = tuple(items)

    def clear(self) -> None:
        self.items = ()


def banner_html(items) -> str:
    """The banner for these problems ("" for none); every part escaped."""
    if not items:
        return ""
    count = f"{len(items)} problem{'s' if len(items) != 1 else ''}"
    listed = "".join(f"<li>{_problem_html(item)}</li>" for item in items)
    return (f'<div class="otkb-preview-problems" role="alert"><p><strong>The preview is out of date: '
            f'{count}.</strong> These pages are the last good version; fix the problems and save again.</p>'
            f'<ul>{listed}</ul></div>')


def _problem_html(item) -> str:
    if not isinstance(item, RecordError):
        return html.escape(str(item))
    where = f"{item.path}:{item.line}:{item.column}" if item.line else item.path
    field = f' <code class="otkb-preview-problems__field">{html.escape(item.field)}</code>:' if item.field else ""
    return f"<code>{html.escape(where)}</code>{field} {html.escape(item.message)}"


def add_to_page(content: bytes, epoch: int, items) -> bytes:
    """An HTML page as served: the banner first in <body> (with its stylesheet) when there are
    problems, and the live-reload script before </body>."""
    if items:
        content = content.replace(b"</head>", f'<link rel="stylesheet" href="{STYLES}"></head>'.encode(), 1)
        body = _BODY.search(content)
        at = body.end() if body else 0
        content = content[:at] + banner_html(items).encode("utf-8") + content[at:]
    script = (f'<script src="{SCRIPT}" data-epoch="{int(epoch)}" '
              f'data-request="{time.monotonic_ns() // 1_000_000}"></script>').encode()
    end = content.rfind(b"</body>")
    end = len(content) if end < 0 else end
    return content[:end] + script + content[end:]


def show_in_pages(server, problems: Problems) -> None:
    """Have `mkdocs serve` show `problems` on every page it sends, and serve the banner's files."""
    if not hasattr(server, "_inject_js_into_html") or not hasattr(server, "set_app"):
        return  # another server: the problems are still listed in the terminal
    site = server.get_app()

    def app(environ, start_response):
        served = _SERVED.get(environ.get("PATH_INFO", ""))
        if served is None:
            return site(environ, start_response)
        body = (ASSETS / served[0]).read_bytes()
        start_response("200 OK", [("Content-Type", f"{served[1]}; charset=utf-8"),
                                  ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]

    server.set_app(app)
    server._inject_js_into_html = lambda content, epoch: add_to_page(content, epoch, problems.items)

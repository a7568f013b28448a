"""What keeps the pages fast on a phone (README.md, Performance: Lighthouse): the first paint waits for the
screen stylesheets and two small scripts of Material's only, nothing comes from another site, every other
script is asked for without holding up the page, and the Lighthouse benchmark serves the site as a host does."""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PROJECT, build

# The pages benchmarks/lighthouse.py measures, and a topic page.
PAGES = ["index.html", "activities/index.html", "activities/animal-walks/index.html",
         "research/bos-2013-preterm-motor/index.html", "topics/fine-motor/index.html"]


class _Resources(HTMLParser):
    """Every <link>, <script> and <style> of a page, in order, each with its attributes and where it is."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, dict]] = []
        self.where = "head"

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.where = "body"
        if tag in ("link", "script", "style"):
            self.found.append((self.where, tag, dict(attrs)))


def resources(site: Path, page: str) -> list[tuple[str, str, dict]]:
    parser = _Resources()
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser.found


def name(url: str) -> str:
    """A file's name with Material's fingerprint left out: main.57a0d79d.min.css -> main.*.min.css."""
    return re.sub(r"\.[0-9a-f]{8}\.min\.", ".*.min.", url.rsplit("/", 1)[-1])


def blocking(attrs: dict) -> bool:
    return "src" in attrs and not {"defer", "async"} & attrs.keys() and attrs.get("type") != "module"


@pytest.mark.parametrize("page", PAGES)
def test_the_first_paint_waits_for_the_screen_stylesheets_only_and_nothing_from_another_site(sample_site, page):
    found = resources(sample_site, page)
    sheets = [(name(a["href"]), a.get("media")) for _, tag, a in found if tag == "link" and a.get("rel") == "stylesheet"]
    # Print styles are fetched without holding up the paint (media="print"), and come last: they override.
    assert sheets == [("main.*.min.css", None), ("palette.*.min.css", None), ("otkb.css", None), ("tools.css", None),
                      ("print.css", "print")]
    assert not [a for _, tag, a in found if tag == "style"]  # no inline styles (the policy allows none either)
    # No theme fonts from Google (theme.font: false), no preconnect: every file is the site's own.
    addresses = [a.get("href") or a.get("src") or "" for _, tag, a in found
                 if tag == "script" or a.get("rel") in ("stylesheet", "preload", "preconnect", "modulepreload")]
    assert addresses and not [url for url in addresses if urlsplit(url).netloc]


@pytest.mark.parametrize("page", PAGES)
def test_only_materials_small_scripts_block_the_page_and_the_palette_is_asked_for_with_the_stylesheets(
        sample_site, page):
    found = resources(sample_site, page)
    scripts = [(where, name(a["src"]), blocking(a)) for where, tag, a in found if tag == "script" and "src" in a]
    assert scripts == [
        ("head", "material-base.js", True),       # Material's storage helpers; tiny
        ("body", "material-palette.js", True),    # the visitor's light or dark choice, before the page shows
        ("body", "search-config.js", True),       # must run before the bundle reads #__config
        ("body", "bundle.*.min.js", True),        # Material's bundle, after the content
        ("body", "otkb.js", False), ("body", "finder.js", False), ("body", "audience.js", False),  # deferred
    ]  # and no material-content.js: the site uses no content tabs (pymdownx.tabbed)
    # The <meta> policy turns off Chromium's preload scanner: the palette script, which blocks where the
    # header is, is preloaded in the head, before the head's own script holds up the parser.
    head = [(tag, a) for where, tag, a in found if where == "head"]
    preload = next(i for i, (tag, a) in enumerate(head) if a.get("rel") == "preload")
    assert head[preload][1]["as"] == "script" and name(head[preload][1]["href"]) == "material-palette.js"
    assert preload < next(i for i, (tag, a) in enumerate(head) if tag == "script")
    assert [a for tag, a in head if a.get("rel") == "preload"] == [head[preload][1]]


def test_a_site_with_content_tabs_gets_materials_content_script(project):
    """The content script (it opens the content tab an address names) comes back with pymdownx.tabbed."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - pymdownx.superfences\n", "  - pymdownx.superfences\n  - pymdownx.tabbed\n", 1),
                      encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    found = resources(project / "site", "index.html")
    scripts = [(name(a["src"]), blocking(a)) for _, tag, a in found if tag == "script" and "src" in a]
    assert ("material-content.js", True) in scripts
    assert scripts.index(("material-content.js", True)) < scripts.index(("search-config.js", True))


def test_the_print_styles_hold_no_rule_for_the_screen():
    """print.css is linked with media="print"; a rule outside @media print would be lost on screen."""
    css = re.sub(r"/\*.*?\*/", "", (PROJECT / "overrides/assets/stylesheets/print.css").read_text(encoding="utf-8"),
                 flags=re.S)
    depth, text, top_level = 0, "", []
    for char in css:
        if char == "{":
            top_level += [text.strip()] if depth == 0 else []
            depth, text = depth + 1, ""
        elif char == "}":
            depth, text = depth - 1, ""
        else:
            text += char
    assert top_level and set(top_level) == {"@media print"}


# --- benchmarks/lighthouse.py serves the site as the hosts in Publishing do ---

@pytest.fixture
def host(tmp_path):
    spec = importlib.util.spec_from_file_location("otkb_lighthouse", PROJECT / "benchmarks/lighthouse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "page").mkdir()
    (tmp_path / "page/index.html").write_text("<!doctype html><title>x</title>" + "<p>Peg game</p>" * 200)
    (tmp_path / "main.css").write_text(".md-typeset { color: red }\n" * 200)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    server = module.serve(tmp_path)
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    yield tmp_path, connection
    connection.close()
    server.shutdown()
    server.server_close()


def test_the_benchmark_gzips_text_and_keeps_the_connection(host):
    site, connection = host
    for path, file, compressed in [("/page/", "page/index.html", True), ("/main.css", "main.css", True),
                                   ("/picture.png", "picture.png", False)]:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200 and response.version == 11 and not response.will_close
        assert (response.getheader("Content-Encoding") == "gzip") is compressed, path
        assert (gzip.decompress(body) if compressed else body) == (site / file).read_bytes()
    connection.request("GET", "/main.css")  # a client that does not accept gzip gets the file as it is
    response = connection.getresponse()
    assert response.getheader("Content-Encoding") is None and response.read() == (site / "main.css").read_bytes()

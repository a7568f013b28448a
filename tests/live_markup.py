"""Find editor payloads that a browser would run: the XSS oracle of the tests.

A payload is "live" when the HTML parser sees it as markup: a script or style
element, an event-handler attribute, a javascript:/data:/vbscript: URL, an
iframe/object/embed/form/meta refresh. Text that merely *shows* the payload
(escaped) is fine, and is what we want.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "frame",
                  "frameset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster", "background"}
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.I)


class _Finder(HTMLParser):
    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.found, self.open = marker, [], []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        text = " ".join(f"{k}={v}" for k, v in attrs)
        if tag in DANGEROUS_TAGS and self.marker in text:
            self.found.append(f"<{tag} {text}>")
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs) and self.marker in text:
            self.found.append(f"<meta {text}>")
        for name, value in attrs:
            value = value or ""
            squeezed = re.sub(r"[\x00-\x20]", "", value)
            if name.startswith("on") and self.marker in value:
                self.found.append(f"{tag} {name}={value}")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(squeezed) and self.marker in value:
                self.found.append(f"{tag} {name}={value}")
            if name == "srcdoc" and self.marker in value:
                self.found.append(f"{tag} srcdoc={value}")

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.open and self.open[-1] in ("script", "style") and self.marker in data:
            self.found.append(f"<{self.open[-1]}>{data[:80]}")


def live_payloads(html: str, marker: str = "OTXSS") -> list[str]:
    finder = _Finder(marker)
    finder.feed(html)
    finder.close()
    return finder.found


def live_payloads_in_site(site: Path, marker: str = "OTXSS") -> dict[str, list[str]]:
    """Every live payload in the built site, by file; the search index counts as HTML
    because Material inserts its titles and texts with innerHTML."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml"):
            hits = live_payloads(path.read_text(encoding="utf-8"), marker)
        elif path.name == "search_index.json":
            docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
            hits = [h for d in docs for key in ("title", "text") for h in live_payloads(d.get(key, ""), marker)]
        else:
            continue
        if hits:
            found[path.relative_to(site).as_posix()] = hits
    return found

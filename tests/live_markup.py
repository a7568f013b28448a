"""Find editor payloads that a browser (or a feed reader) would run: the XSS oracle of the tests.

A payload is "live" when a parser sees it as markup: a script or style
element, an event-handler or style attribute, a javascript:/data:/vbscript:
URL however it is spelt (entities, tabs, newlines, mixed case), an
iframe/object/embed/form/base/link/meta refresh, or anything inside editor
SVG or MathML. Text that merely *shows* the payload (escaped) is fine, and is
what we want. Every payload carries a marker (OTXSS); with `marker=None`
everything counts, for fragments that hold nothing but editor text.

Where editor text can end up, and how it is read:
- .html/.htm/.svg files: as HTML. JSON in <script type="application/ld+json">
  is data, and live only if it breaks out (stops being JSON, or holds
  `<!--` or `<script`, which change how the HTML parser ends the element).
- .xml files (feeds, sitemap): the markup itself, plus the text of elements
  that feed readers render as HTML: RSS <description> and
  <content:encoded>, Atom text constructs of type="html" or "xhtml".
- search/search_index.json and the search index's files (search/d/*.json,
  the pages' entries): every text value, since Material inserts the results
  with innerHTML; JSON Feed `content_html` likewise.
- .js files: editor text in JavaScript is live by definition.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "form", "base", "frame", "frameset",
                  "link", "applet", "portal", "noembed"}
FOREIGN_TAGS = {"svg", "math"}  # the theme's icons are SVG, so only a marker inside one counts
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
                  "srcset", "ping", "cite", "longdesc", "lowsrc", "dynsrc", "codebase", "archive",
                  "manifest", "to", "from", "values", "content"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
BAD_SCHEME = re.compile(r"^(javascript|data|vbscript|livescript):", re.I)
_REFRESH_URL = re.compile(r"url=['\"]?(javascript|data|vbscript|livescript):", re.I)
_BREAKOUT = re.compile(r"<!--|<script|</script", re.I)
ATOM = "{http://www.w3.org/2005/Atom}"
RSS_HTML_ELEMENTS = {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}


def bad_url(attribute: str, value: str) -> bool:
    """Whether a browser would follow a script URL in this attribute (spaces and controls are ignored)."""
    squeezed = re.sub(r"[\x00-\x20]", "", value)
    if attribute == "content":  # <meta http-equiv="refresh" content="0;url=...">
        return bool(_REFRESH_URL.search(squeezed))
    if attribute in ("srcset", "values", "archive"):
        return any(BAD_SCHEME.match(part) for part in re.split(r"[,;]", squeezed))
    return bool(BAD_SCHEME.match(squeezed))


class _Finder(HTMLParser):
    def __init__(self, marker: str | None):
        super().__init__(convert_charrefs=True)
        self.marker, self.found, self.open, self.data_script = marker, [], [], None

    def _has_marker(self, text: str) -> bool:
        return self.marker is None or self.marker in text

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        text = " ".join(f"{k}={v}" for k, v in attrs)
        types = {v.strip().lower() for k, v in attrs if k == "type" and v}
        self.data_script = [] if tag == "script" and types & DATA_SCRIPT_TYPES else None
        if tag in DANGEROUS_TAGS and tag != "script" and self._has_marker(text):
            self.found.append(f"<{tag} {text}>")
        if tag == "script" and self.data_script is None and self._has_marker(text):
            self.found.append(f"<script {text}>")
        if (tag in FOREIGN_TAGS or set(self.open) & FOREIGN_TAGS) and self._has_marker(text) and text:
            self.found.append(f"<{tag} {text}> (inside svg/math)")
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs) and self._has_marker(text):
            self.found.append(f"<meta {text}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and self._has_marker(value):
                self.found.append(f"{tag} {name}={value}")
            elif name in ("style", "srcdoc") and self._has_marker(value):
                self.found.append(f"{tag} {name}={value}")
            elif name in URL_ATTRIBUTES and bad_url(name, value) and self._has_marker(value):
                if not (name == "content" and not any(k == "http-equiv" for k, _ in attrs)):
                    self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self.data_script is not None:
            self._check_data_script("".join(self.data_script))
            self.data_script = None
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.data_script is not None:
            self.data_script.append(data)
        elif self.open and self.open[-1] in ("script", "style") and self._has_marker(data):
            self.found.append(f"<{self.open[-1]}>{data[:80]}")
        elif set(self.open) & FOREIGN_TAGS and self.marker is not None and self.marker in data:
            self.found.append(f"{data[:80]} (inside svg/math)")

    def _check_data_script(self, data: str):
        if not self._has_marker(data):
            return
        try:
            json.loads(data)
        except ValueError:
            self.found.append(f"<script type=json> that is not JSON: {data[:80]}")
            return
        if _BREAKOUT.search(data):
            self.found.append(f"<script type=json> holding {_BREAKOUT.search(data).group(0)}: {data[:80]}")

    def close(self):
        super().close()
        if self.data_script is not None:  # an unclosed data script swallowed the rest of the page
            self.found.append("<script type=json> never closed")


def live_payloads(html: str, marker: str | None = "OTXSS") -> list[str]:
    finder = _Finder(marker)
    finder.feed(html)
    finder.close()
    return finder.found


def live_payloads_in_xml(text: str, marker: str | None = "OTXSS") -> list[str]:
    """The markup of an XML file, plus the element texts feed readers render as HTML."""
    found = live_payloads(text, marker)
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as e:
        return found + ([f"not well-formed XML ({e}), so a reader's parser is unpredictable"]
                        if marker is None or marker in text else [])
    for element in root.iter():
        kind = element.get("type", "text") if element.tag.startswith(ATOM) else None
        if element.tag in RSS_HTML_ELEMENTS or kind == "html":
            found += live_payloads(element.text or "", marker)
        elif kind == "xhtml":
            found += live_payloads("".join(ElementTree.tostring(child, encoding="unicode") for child in element),
                                   marker)
        for name, value in element.attrib.items():
            if name in ("href", "src") and bad_url(name, value) and (marker is None or marker in value):
                found.append(f"<{element.tag} {name}={value}>")
    return found


def _html_strings_in_json(data, html_keys: set[str] | None) -> list[str]:
    """String values of `data` (all of them when `html_keys` is None) that a page inserts as HTML."""
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in
                ([v] if isinstance(v, str) and (html_keys is None or k in html_keys) else
                 _html_strings_in_json(v, html_keys) if not isinstance(v, str) else [])]
    if isinstance(data, list):
        return [s for item in data for s in ([item] if isinstance(item, str) and html_keys is None
                                             else _html_strings_in_json(item, html_keys))]
    return []


def live_payloads_in_file(path: Path, marker: str | None = "OTXSS") -> list[str]:
    """Live payloads in one built file, read the way browsers and feed readers read it."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".svg"):
        return live_payloads(path.read_text(encoding="utf-8"), marker)
    if suffix == ".xml":
        return live_payloads_in_xml(path.read_text(encoding="utf-8"), marker)
    if suffix == ".js":
        text = path.read_text(encoding="utf-8", errors="replace")
        return [f"editor text in JavaScript: {text[max(0, text.find(marker) - 40):][:120]}"] \
            if marker is not None and marker in text else []
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "search_index.json" or path.parent.parent.name == "search":  # and its shards
            docs = data.get("docs", []) if isinstance(data, dict) and path.name == "search_index.json" else data
            strings = _html_strings_in_json(docs, None)
        else:
            strings = _html_strings_in_json(data, {"content_html"})
        return [hit for s in strings for hit in live_payloads(s, marker)]
    return []


def live_payloads_in_site(site: Path, marker: str = "OTXSS") -> dict[str, list[str]]:
    """Every live payload in the built site, by file."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            hits = live_payloads_in_file(path, marker)
            if hits:
                found[path.relative_to(site).as_posix()] = hits
    return found

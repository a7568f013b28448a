"""Check every internal link and anchor of a built site.

MkDocs checks the links written in Markdown, but our pages carry raw HTML
links: templates write them, and editor Markdown is converted to HTML before
MkDocs sees it. So this reads the built HTML instead. Every `href`/`src`
that stays inside the site must name a built file, and its `#fragment` an
`id` on that page. Each page is parsed once and every lookup is a set
membership, so the check grows linearly with the site; links that lead to
the same place (the navigation's, '../x/' from every page of a folder) are
resolved once.

`check_site_links` needs only the site folder (the release check calls it);
`broken_link_messages` words the result for editors, naming the YAML record
(and, where it can tell, the field and line) a broken link came from. The
build gives it the pages' sources from MkDocs' files (otkb.host.linkcheck).
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..content.errors import field_name
from ..content.cache import Memo
from ..content.digest import digest

LINK_ATTRIBUTES = {("a", "href"), ("area", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                   ("source", "src"), ("iframe", "src"), ("video", "src"), ("audio", "src"),
                   ("track", "src"), ("embed", "src")}
# Fragments a browser handles without an element of that id.
_BUILT_IN_FRAGMENTS = {"", "top"}


@dataclass(frozen=True, order=True)
class BrokenLink:
    """A link on the page at `page_url` (like 'articles/x/') that leads nowhere.

    `href` is the link as written in the page; `reason` says what is missing.
    """

    page_url: str
    href: str
    reason: str


@dataclass
class _Page:
    """A page's links and the ids its anchors can point at (sorted)."""

    links: list[str]
    ids: list[str]


# A regular scanner rather than html.parser: on 10,000 pages html.parser alone
# took a fifth of the build. Comments, scripts and styles are skipped first;
# a start tag's attribute values may be double-, single- or un-quoted.
_SKIPPED = re.compile(r"<!--.*?-->|<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_START_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _scan(text: str, tags: dict[str, tuple] | None = None) -> _Page:
    """The page's links and ids. `tags` keeps each start tag's (links, ids) across pages: most tags
    repeat on every page of a folder (the navigation's), and parsing their attributes was half the
    scan. The strings are interned: at 10,000 pages the scans took 55 MB with a copy of each, 18 MB
    interned."""
    links, ids, tags = [], set(), {} if tags is None else tags
    for match in _START_TAG.finditer(_SKIPPED.sub(" ", text)):
        found = tags.get(match.group(0))
        if found is None:
            if len(tags) > _MAX_KEPT:
                tags.clear()
            found = tags[match.group(0)] = _attributes(match.group(1).lower(), match.group(2))
        links += found[0]
        ids.update(found[1])
    return _Page(links, sorted(ids))


# The start tags parsed, and the places resolved, kept between clearings: pages come folder by folder, so
# the navigation's tags and a folder's links are kept again within a few pages; 20,000 tags (about 4 MB at
# 10,000 pages, at the build's peak) and 200,000 scanned no faster.
_MAX_KEPT = 4_000


def _scan_file(path: Path, tags: dict[str, tuple], memo: Memo | None, key: str | None = None,
               stamp: tuple[str, _Page] | None = None) -> _Page:
    """The page's scan, from `memo` when it has the page's `key` (else the digest of its bytes). A page
    with a `key` is scanned without the build stamp (`stamp`: its HTML, which the page holds once, and
    its scan), whose ids are added after (and whose links the caller adds): a new commit's stamp then
    scans no page again."""
    if memo is None:
        return _scan(path.read_text(encoding="utf-8", errors="replace"), tags)

    def scan() -> list[list[str]]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if key and stamp:
            at = text.rfind(stamp[0])
            text = text[:at] + text[at + len(stamp[0]):] if at >= 0 else text
        page = _scan(text, tags)
        return [page.links, page.ids]

    links, ids = memo.get(key or digest(path.read_bytes()), scan)
    if key and stamp:
        ids = sorted({*ids, *stamp[1].ids})
    return _Page([sys.intern(link) for link in links], [sys.intern(i) for i in ids])  # as `_scan` keeps them


def _attributes(tag: str, attributes: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The links and ids in one start tag's attributes."""
    links, ids = [], []
    for attribute in _ATTRIBUTE.finditer(attributes):
        name = attribute.group(1).lower()
        value = attribute.group(2) if attribute.group(2) is not None else (
            attribute.group(3) if attribute.group(3) is not None else attribute.group(4))
        if value is None:
            continue
        value = html.unescape(value)
        if name == "id" or (name == "name" and tag == "a"):
            ids.append(sys.intern(value))
        elif (tag, name) in LINK_ATTRIBUTES:
            links.append(sys.intern(value.strip()))
    return tuple(links), tuple(ids)


def check_site_links(site_dir: Path, memo: Memo | None = None, keys: dict[str, str] | None = None,
                     stamp: str = "", results: Memo | None = None) -> list[BrokenLink]:
    """Every broken internal link and anchor in the HTML pages of a built site, sorted by page.

    Links to other sites and non-web schemes (mailto:, tel:) are not checked.
    Root-relative and absolute links count as internal when they fall under
    the site's own address, read from its sitemap.xml (otherwise '/').
    Every page is read from the site as built, a warm build's reused pages too; a warm build's `memo`
    keeps each page's links and ids by the digest of its bytes, so only a page whose bytes changed is
    scanned again; `keys` gives some pages' keys for the memo ({path: a digest of its bytes without the
    build stamp `stamp`, known already}), so those are not even read unless the memo lacks them.
    `results` (a warm build's, with `keys`) keeps each keyed page's result (`_KeptResults`): a page
    whose links were fine, and whose key, the site's files and the ids of the pages its links to an
    anchor lead to are as they were in the last build, is neither scanned nor are its links resolved
    again.
    """
    site_dir = Path(site_dir)
    files = _files_in(site_dir)
    origin, base = _site_address(site_dir)
    tags: dict[str, tuple] = {}
    keys = keys or {}
    stamped = (stamp, _scan(stamp)) if stamp else None
    html = sorted(f for f in files if f.endswith(".html"))
    kept = _KeptResults(results, files, origin, base, stamped) if results is not None and memo is not None else None
    pages = _Ids(lambda rel: _scan_file(site_dir / rel, tags, memo, keys.get(rel), stamped).ids, html)
    # A page's links are checked once it is scanned, but those to an anchor, which may be on a page not
    # scanned yet: holding every page's links to the end was 5 of the check's 28 MB at 10,000 pages.
    anchored: list[tuple[str, list[str], list]] = []
    broken, reasons = [], {}

    def check(rel: str, links: list[str], found: list) -> None:
        """Check `links` of the page at `rel`; its broken ones go to `broken` and, as [href, reason], to `found`."""
        page_url = _page_url(rel)
        folder = posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/")
        parent = posixpath.dirname(folder) if folder else None
        ids = set(pages[rel]) if any(href[:1] == "#" for href in links) else set()  # a kept page's stamp: not scanned
        for href in links:
            key = _place_key(href, page_url, parent, ids)
            if key not in reasons:
                if len(reasons) > _MAX_KEPT:  # pages come folder by folder: a place's links are near each other
                    reasons.clear()
                reasons[key] = _problem(href, page_url, files, pages, origin, base)
            if reasons[key]:
                broken.append(BrokenLink(page_url, href, reasons[key]))
                found.append([href, reasons[key]])

    def scan_and_check(rel: str) -> None:
        key = keys.get(rel)
        page = _scan_file(site_dir / rel, tags, memo, key, stamped)
        pages[rel] = page.ids
        now, later = [], []
        for href in page.links:
            (later if _to_an_anchor(href) else now).append(href)
        found: list = []
        check(rel, now, found)
        if key and stamped:  # the stamp's links, which a keyed page's kept result leaves out
            check(rel, stamped[1].links, [])
        if kept is not None and key:  # kept once its links to an anchor are checked too
            kept.scanned(rel, key, page.links, found, [_target(href, _page_url(rel), files, origin, base)
                                                       for href in later])
        if later:
            anchored.append((rel, later, found))

    candidates = []
    for rel in html:
        if kept is not None and kept.may_reuse(rel, keys.get(rel)):
            candidates.append(rel)
        else:
            scan_and_check(rel)
    changed = kept.changed_ids(pages) if kept is not None else set()
    for rel in candidates:
        if not kept.reuse(rel, keys[rel], changed):
            scan_and_check(rel)
        elif stamped:
            check(rel, stamped[1].links, [])
    for rel, links, found in anchored:
        check(rel, links, found)
    if kept is not None:
        kept.keep(memo, keys, pages)
    return sorted(set(broken))


class _Ids(dict):
    """Each HTML page's ids (sorted), a page's scanned when first asked for: a page whose result is
    kept (`_KeptResults`) is scanned only when a link leads to one of its anchors."""

    def __init__(self, scan, html: list[str]) -> None:
        super().__init__()
        self._scan, self._html = scan, set(html)

    def __contains__(self, rel) -> bool:
        return rel in self._html

    def __missing__(self, rel: str) -> list[str]:
        ids = self[rel] = self._scan(rel)
        return ids


class _KeptResults:
    """A warm build's link check results, kept from one build to the next in the memo `results`: under
    a keyed page's key, that its links (the build stamp's left out) were fine, and the pages its links
    to an anchor lead to; under SITE, the digest of the site's files, address and stamp ids (`world`)
    and each page's ids' digest. A page's result holds while its key (its links and ids), the world
    (whether each link's page exists) and the ids of the pages its anchors are on are those of the
    build that kept it: at 10,000 pages, checking every page's links again was 1.3 CPU s of a warm
    build.

    The world leaves out the search index's files (UNLINKED), whose names come from the words the
    pages hold, so that an edit adding a word does not check every page again; a page that may link
    there, or that has a broken link (to a file that may be there next time), keeps no result."""

    SITE = "site"
    UNLINKED = "search/"
    INTO_UNLINKED = re.compile(r"(?:^|[/\0])" + re.escape(UNLINKED))  # in the text of a page's links

    def __init__(self, results: Memo, files: set[str], origin: str, base: str, stamped) -> None:
        self.results = results
        self.world = digest("\n".join([origin, base, *(stamped[1].ids if stamped else ()), "",
                                       *sorted(f for f in files if not f.startswith(self.UNLINKED))]))
        last = results.take(self.SITE)
        self.usable = last is not None and last["world"] == self.world
        self.last_ids: dict[str, str] = last["ids"] if self.usable else {}
        self.ids: dict[str, str] = {}  # this build's pages' ids' digests
        self.reused: list[str] = []  # the pages whose result was kept
        self.checked: list[tuple[str, list, list[str]]] = []  # (key, broken links, anchors' pages) of pages checked

    def may_reuse(self, rel: str, key: str | None) -> bool:
        return bool(key) and self.usable and rel in self.last_ids and self.results.known(key)

    def changed_ids(self, pages: _Ids) -> set[str]:
        """The pages scanned so far whose ids are not those of the last build."""
        self._digest_ids(pages)
        return {rel for rel, ids in self.ids.items() if self.last_ids.get(rel) != ids}

    def _digest_ids(self, pages: _Ids) -> None:
        for rel, ids in pages.items():
            if rel not in self.ids:
                self.ids[rel] = digest("\0".join(ids))

    def reuse(self, rel: str, key: str, changed: set[str]) -> bool:
        """Whether the page at `rel` keeps its result (its links are fine): no page its anchors are on
        changed its ids."""
        if changed.intersection(self.results.peek(key)):
            return False
        self.reused.append(rel)
        return True

    def scanned(self, rel: str, key: str, links: list[str], found: list, targets: list) -> None:
        """Note a checked page's result, kept at the end (`keep`): `found`, its broken links (those to an
        anchor are added to the same list when checked), and the pages its links to an anchor lead to;
        none for a page at or with a link that may lead into UNLINKED (the text of its `links`)."""
        if not rel.startswith(self.UNLINKED) and not self.INTO_UNLINKED.search(unquote("\0".join(links))):
            self.checked.append((key, found, sorted({target for target in targets if target})))

    def keep(self, memo: Memo, keys: dict[str, str], pages: _Ids) -> None:
        """Keep this build's results, world and ids, and the scans of the pages not scanned (for a build
        whose world changes)."""
        for key, found, targets in self.checked:
            if not found:
                self.results.put(key, targets)
        self._digest_ids(pages)
        for rel in self.reused:
            self.ids.setdefault(rel, self.last_ids[rel])
        reused = {keys[rel] for rel in self.reused}
        self.results.carry(lambda key: key in reused)
        memo.carry(lambda key: key in reused)
        self.results.put(self.SITE, {"world": self.world, "ids": self.ids})


def _to_an_anchor(href: str) -> bool:
    """Whether `href` names an anchor that `_problem` looks for among another page's ids."""
    return "#" in href and href[0] != "#" and href.split("#", 1)[1] not in _BUILT_IN_FRAGMENTS


def _files_in(site_dir: Path) -> set[str]:
    """Every file of the site, relative to it ('articles/x/index.html')."""
    files, top = set(), os.path.join(site_dir, "")
    for folder, _, names in os.walk(site_dir):  # strings, not paths: 10,000 folders' Paths took 2 profiled s
        prefix = os.path.join(folder, "")[len(top):].replace(os.sep, "/")
        files.update(prefix + name for name in names)
    return files


_WITH_HOST_OR_ROOT = re.compile(r"/|[a-zA-Z][a-zA-Z0-9+.-]*://")


def _place_key(href: str, page_url: str, parent: str | None, ids: set[str]) -> tuple:
    """A key that links leading to the same place share, so `_problem` runs once per place: '../x/'
    means the same on every page of a folder (`parent`: the folder above the page's own, None at the
    top), a link from the site's root or with a host the same on every page, and every link to an
    anchor the page has (`ids`) is fine."""
    if href.startswith("../") and parent is not None:
        return ("folder", parent, href)
    if href[:1] == "#" and "%" not in href and href[1:] in ids:
        return ("fine",)
    if _WITH_HOST_OR_ROOT.match(href):
        return ("site", href)
    return ("page", page_url, href)


def _page_url(rel: str) -> str:
    """'articles/x/index.html' -> 'articles/x/'; 'index.html' -> ''; '404.html' stays."""
    return rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel


def _site_address(site_dir: Path) -> tuple[str, str]:
    """('https://host', '/base/') from the first <loc> of sitemap.xml, else ('', '/')."""
    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        text = sitemap.read_text(encoding="utf-8", errors="replace")
        start = text.find("<loc>")
        if start >= 0:
            url = urlsplit(text[start + 5: text.find("</loc>", start)].strip())
            return f"{url.scheme}://{url.netloc}", url.path if url.path.endswith("/") else url.path + "/"
    return "", "/"


def _problem(href: str, page_url: str, files: set[str], pages: dict[str, list[str]],
             origin: str, base: str) -> str | None:
    """Why `href` on `page_url` is broken, or None (fine, or not ours to check)."""
    target, reason = _resolved(href, page_url, files, origin, base)
    if target is None:
        return reason
    fragment = unquote(urlsplit(href).fragment)
    if fragment not in _BUILT_IN_FRAGMENTS and target in pages and fragment not in pages[target]:
        return f"no anchor '#{fragment}' on {_page_url(target) or 'the home page'}"
    return None


def _target(href: str, page_url: str, files: set[str], origin: str, base: str) -> str | None:
    """The site's file `href` on `page_url` leads to (None: not ours, or no such file)."""
    return _resolved(href, page_url, files, origin, base)[0]


def _resolved(href: str, page_url: str, files: set[str], origin: str, base: str) -> tuple[str | None, str | None]:
    """(the site's file `href` on `page_url` leads to, None) or (None, why it is broken, or None when
    it is not ours to check)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if f"{parts.scheme}://{parts.netloc}" != origin or not origin:
            return None, None  # another site, or mailto:, tel: and the like
    if parts.path.startswith("/") or parts.netloc:
        if not (parts.path + "/").startswith(base):
            return None, f"outside the site (it does not start with {base})"
        path = parts.path[len(base):]
    else:
        path = posixpath.join(posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/"),
                              parts.path) if parts.path else page_url
    path = unquote(path)
    trailing = path.endswith("/") or path == ""
    path = posixpath.normpath(path) if path else "."
    if path.startswith(".."):
        return None, "outside the site"
    path = "" if path == "." else path
    if trailing or path == "" or path + "/index.html" in files:
        target = f"{path}/index.html" if path else "index.html"
    else:
        target = path
    if target not in files:
        return None, "no such page"
    return target, None


def broken_link_messages(broken: list[BrokenLink], records: dict, sources: dict[str, str],
                         project_dir: Path | None = None) -> list[str]:
    """One line per broken link, naming where it came from.

    `records` maps a page URL to the Record it shows: the message names the
    YAML file, and the field and line where the editor typed the link when
    it can be found there. `sources` maps the other pages' URLs to what
    they were made from (a docs/ file, a generated listing).
    """
    messages = []
    for link in broken:
        record = records.get(link.page_url)
        if record is None:
            where = sources.get(link.page_url, link.page_url or "the home page")
            messages.append(f"{where}: broken link '{link.href}' ({link.reason})")
            continue
        loc = _field_with(record.data.model_dump(), link.href)
        if loc is None:
            messages.append(f"{record.path}: broken link '{link.href}' ({link.reason})")
        else:
            line, column = record.line_of(loc)
            line, column = _line_with(project_dir, record.path, line, link.href) or (line, column)
            messages.append(f"{record.path}:{line}:{column}: {field_name(loc)}: broken link '{link.href}' "
                            f"({link.reason})")
    return messages


def _line_with(project_dir: Path | None, path: str, start: int, href: str) -> tuple[int, int] | None:
    """The line (from the field's own line on) where the editor typed `href`, in a multi-line field."""
    if project_dir is None:
        return None
    try:
        lines = (project_dir / path).read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    for number in range(max(start, 1), len(lines) + 1):
        column = lines[number - 1].find(href)
        if column >= 0:
            return number, column + 1
    return None


def _field_with(data, href: str, loc: tuple = ()) -> tuple | None:
    """The path of the first text value in `data` that contains `href`."""
    if isinstance(data, str):
        return loc if href in data or unquote(href) in data else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _field_with(value, href, loc + (key,))
        if found is not None:
            return found
    return None

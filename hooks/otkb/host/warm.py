"""Warm builds: `mkdocs build` reuses the pages of the previous build whose inputs did not change.

A cold build converts and renders every page with MkDocs and the theme
(about 4 ms a page: 40 s at 10,000 records), although a pull request
usually changes one or two records. So each build leaves, in the cache
folder (`.cache/otkb/` beside mkdocs.yml, or OTKB_CACHE_DIR; CI restores it
with actions/cache), every generated page's finished HTML and its key: the
content of everything the page shows (otkb.host.incremental.page_keys).
The next build gives MkDocs only the pages whose key changed, the
hand-written pages and the listings (they are in the navigation, which
every page prints); the others are copied from the cache, with this build's
stamp in their footer. The sitemap still lists every page.

The records' parsed YAML is kept too (records.json), so only changed files
are parsed again. The link check reads every page of the finished site,
reused or not. The whole cache is void (`fingerprint`) when anything else that shapes a
page changes: otkb's code and templates, the theme overrides, the
hand-written docs (every page prints the navigation), mkdocs.yml and the
settings it resolves, and the installed packages. The key file is deleted
when a build starts and written only when it succeeds, so a failed or
killed build leaves a cold start, never a stale page. tests/test_warm.py
proves a warm build byte-identical to a cold one.

MkDocs internals used here: none beyond public events and `Page(None, file,
config)`, which gives the sitemap the pages MkDocs did not build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from ..content.load import RecordCache
from ..site.render import TEMPLATES
from ..site.urls import listing_sources
from . import incremental

log = get_plugin_logger("otkb")

STATE = "state.json"
RECORDS = "records.json"
PACK = "pages.pack"  # the pages' HTML, one after the other (PageCache)
OLD_SCANS = "links.json"  # an older build's link scans: the link check now reads every page
_STAMP_OPEN = '<div class="otkb-build">'
_STAMP_MARK = "<!--otkb-build-stamp-->"


def cache_dir(project_dir: Path) -> Path | None:
    """Where warm builds keep their pages; None when OTKB_CACHE_DIR is set to nothing (no cache)."""
    value = os.environ.get("OTKB_CACHE_DIR")
    if value is None:
        return project_dir / ".cache" / "otkb"
    return Path(value).resolve() if value else None


def fingerprint(places: list[Path], settings: object) -> str:
    """A digest of the bytes of every file in `places`, the resolved `settings` and the installed
    packages: the key of the whole cache."""
    digest = hashlib.blake2b(digest_size=16)
    for number, place in enumerate(places):  # names relative to each place: the project may be anywhere
        for path in sorted(place.rglob("*")) if place.is_dir() else [place]:
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(place).as_posix() if place.is_dir() else place.name
                digest.update(f"{number}:{name}\0".encode())
                digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update(repr((sys.version, packages, settings)).encode())
    return digest.hexdigest()


def build_fingerprint(config, stamp, hooks_dir: Path) -> str:
    """The key of the whole cache for a build with MkDocs settings `config`: code, theme, docs,
    the settings a page shows, packages."""
    import otkb
    places = [Path(config.config_file_path), hooks_dir, Path(otkb.__file__).parent,
              Path(config.theme.custom_dir), Path(config.docs_dir)]
    settings = (config.site_url, config.repo_url, config.edit_uri, config.site_name, config.copyright,
                config.use_directory_urls, repr(config.extra), bool(stamp.commit or stamp.date))
    return fingerprint(places, settings)


def drop_unchanged_pages(cache: "PageCache", sources: dict, library, files, env) -> None:
    """Take the pages whose inputs are unchanged since the cached build out of MkDocs' `files`;
    `write_reused` copies them from the cache after the build."""
    # MkDocs resolves a hand-written page's link to a page's source ('topics/x.md') among its files,
    # so a page a hand-written page may link to that way is always built.
    handwritten = "".join(f.content_string for f in files.documentation_pages() if f.generated_by is None)
    listings = listing_sources()
    keys = incremental.page_keys(sources, library, TEMPLATES, env)
    # A digest of each key: a listing's key names every record (160 KB each at 10,000 records).
    pages = {src: (hashlib.blake2b(key.encode(), digest_size=16).hexdigest(), files.get_file_from_path(src).dest_uri)
             for src, key in keys.items() if src not in listings and src.rsplit("/", 1)[-1] not in handwritten}
    reuse = cache.reusable(pages)
    for src in reuse:
        files.remove(files.get_file_from_path(src))
    if reuse:
        log.info(f"{len(reuse)} of {len(pages)} generated pages are unchanged: copied from {cache.folder}")


class PageCache:
    """The previous build's generated pages, as one build sees them.

    The pages' HTML is one file (PACK), each page's bytes after the other, and state.json says where
    each is: 10,000 small files and their folders took 5 CPU seconds to create on an ext4 disk.
    Each build writes a new pack with the pages it built and those it reused.
    """

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder, self.fingerprint = folder, fingerprint
        state = _read_state(folder / STATE)
        valid = state.get("fingerprint") == fingerprint and (folder / PACK).is_file()
        self.previous: dict[str, list[str]] = state["pages"] if valid else {}
        self.packed: dict[str, list[int]] = state["packed"] if valid else {}  # output path -> [offset, length]
        (folder / STATE).unlink(missing_ok=True)  # written back only if this build succeeds
        self.records = RecordCache.load(folder / RECORDS, fingerprint)  # the last build's parsed files
        self.pages: dict[str, list[str]] = {}  # src_uri -> [key, output path], of this build
        self.reused: list[str] = []  # output paths of the pages copied from the cache
        self.pack = None  # the new pack, opened by the first page kept
        self.packing: dict[str, list[int]] = {}  # output path -> [offset, length] in the new pack

    def reusable(self, pages: dict[str, tuple[str, str]]) -> set[str]:
        """Of `pages` ({src_uri: (key, output path under site_dir)}), those whose key is unchanged
        and whose HTML is in the cache."""
        self.pages = {src: list(page) for src, page in pages.items()}
        reuse = {src for src, page in self.pages.items() if self.previous.get(src) == page and page[1] in self.packed}
        self.reused = [self.pages[src][1] for src in sorted(reuse)]
        return reuse

    def keep(self, dest_path: str, html: str) -> None:
        """Keep a page this build wrote, its stamp replaced by a mark; encoded as MkDocs writes it."""
        self._pack(dest_path, _unstamp(html).encode("utf-8", errors="xmlcharrefreplace"))

    def _pack(self, dest_path: str, data: bytes) -> None:
        pack = self._new_pack()
        self.packing[dest_path] = [pack.tell(), len(data)]
        pack.write(data)

    def _new_pack(self):
        if self.pack is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.pack = (self.folder / (PACK + ".new")).open("wb")
        return self.pack

    def write_reused(self, site_dir: Path, stamp_html: str) -> None:
        """Copy the reused pages into the site, with this build's stamp, and into the new pack (as
        bytes: the pages are copied, never decoded)."""
        if not self.reused:
            return
        mark, stamp = _STAMP_MARK.encode(), stamp_html.encode("utf-8", errors="xmlcharrefreplace")
        with (self.folder / PACK).open("rb") as pack:
            for dest_path in self.reused:
                offset, length = self.packed[dest_path]
                pack.seek(offset)
                data = pack.read(length)
                self._pack(dest_path, data)
                out = site_dir / dest_path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data.replace(mark, stamp, 1))

    def set_records_aside(self) -> None:
        """Write the parsed records (for the next build) and let go of them: held to the end of a
        10,000-record build they cost a few hundred MB. `commit` puts the file in place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.records.dump(self.folder / (RECORDS + ".new"), self.fingerprint)
        self.records = None

    def commit(self) -> None:
        """The build succeeded: put the new pack and records in place, and record the keys."""
        self._new_pack().close()
        (self.folder / (PACK + ".new")).replace(self.folder / PACK)
        shutil.rmtree(self.folder / "pages", ignore_errors=True)  # one file a page, before the pack
        if self.records is not None:
            self.records.dump(self.folder / RECORDS, self.fingerprint)
        else:
            (self.folder / (RECORDS + ".new")).replace(self.folder / RECORDS)
        (self.folder / OLD_SCANS).unlink(missing_ok=True)
        state = {"fingerprint": self.fingerprint, "pages": self.pages, "packed": self.packing}
        (self.folder / STATE).write_text(json.dumps(state), encoding="utf-8")


def stamp_of(html: str) -> str:
    """The build stamp's HTML in a finished page ('' when the page has none)."""
    start = html.rfind(_STAMP_OPEN)
    return html[start: html.index("</div>", start) + 6] if start >= 0 else ""


def _unstamp(html: str) -> str:
    stamp = stamp_of(html)
    if not stamp:
        return html
    start = html.rfind(_STAMP_OPEN)
    return html[:start] + _STAMP_MARK + html[start + len(stamp):]


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


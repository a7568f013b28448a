"""Publish: generated Markdown -> virtual MkDocs files (never written into docs/).

A generated page is Markdown headings between blocks of finished HTML. Left
in the Markdown, that HTML is re-read character by character by
Python-Markdown's raw-HTML parser, the largest cost of a build; so each
block is swapped for a placeholder paragraph here, and `restore_html_blocks`
puts it back into the converted page just before the theme writes it. Only the headings
go through Markdown, which is all the table of contents and search need.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from typing import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..content.errors import RecordError
from ..content.link import Library
from ..site.admin import config_file as admin_config
from ..site.citations import citation_files
from ..site.feeds import Site, feed_files
from ..site.finder import finder_files
from ..site.urls import listing_sources, source_of, topic_of, url_of
from .pagerender import RenderProcess, forking

# Template headings are the only lines of a generated page that start with '#'
# (markup.py writes '#' at the start of an editor's line as a reference).
_HEADING_LINE = re.compile(r"^(#{1,6} .*)$", re.M)
_PLACEHOLDER = re.compile(r"<p>OTKBHTML(\d+)X</p>")


def stash_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """Swap the HTML between a generated page's headings for placeholders: (markdown, blocks)."""
    front, _, body = markdown.partition("---\n\n") if markdown.startswith("---\n") else ("", "", markdown)
    out, blocks = [], []
    for index, part in enumerate(_HEADING_LINE.split(body)):
        if index % 2:  # a heading line
            out.append(part)
        elif part.strip():
            out.append(f"OTKBHTML{len(blocks)}X")
            blocks.append(part.strip())
    return (front + "---\n\n" if front else "") + "\n\n".join(out) + "\n", blocks


def restore_html_blocks(html: str, blocks: list[str]) -> str:
    """Put the stashed blocks back into the converted page."""
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)


class GeneratedPages:
    """The generated pages' Markdown, rendered when MkDocs reads a page, and their stashed HTML.

    Nothing is rendered up front: MkDocs reads each page's source once,
    converts it and keeps only the HTML, so at no time is the Markdown of
    every page in memory (hundreds of megabytes at 10,000 records). MkDocs
    converts every page before it writes any, so the stashed HTML waits in a
    temporary file until its page is written (at 10,000 records, 92 MB; kept
    in memory compressed, it took 25 MB and 0.9 s of zlib). A one-off build
    has them rendered by a second process meanwhile (`render_ahead`).
    """

    def __init__(self, sources: dict[str, Callable[[], str]]):
        self.sources = sources
        self.spill = tempfile.TemporaryFile()  # deleted when closed, or when the process ends
        self.blocks: dict[str, tuple] = {}  # src_uri -> (file, offset, length): in `spill`, or the fork's
        self.process: RenderProcess | None = None
        self.reading = [0, 0.0]  # pages read and the seconds it took (taken from the fork, or rendered)

    def render_ahead(self, files: Files, reads=None, memos: dict | None = None) -> None:
        """Have the pages MkDocs will read of `files` rendered by a fork of the build meanwhile
        (otkb.host.pagerender), in the order it reads them: a one-off build's, when it renders at least
        half of its pages (a warm build renders only those that changed). `reads` and `memos` are what
        rendering adds to."""
        order = [file.src_uri for file in files.documentation_pages() if getattr(file, "pages", None) is self]
        if forking() and order and len(order) * 2 >= len(self.sources):
            try:
                self.process = RenderProcess(self.render, order, reads, memos or {})
            except OSError:  # no memory or processes left for it: every page is rendered here
                self.process = None

    def render(self, src_uri: str) -> tuple[str, bytes]:
        """The page's Markdown, with placeholders for its HTML blocks, and the blocks as stored."""
        markdown, blocks = stash_html_blocks(self.sources[src_uri]())
        return markdown, "\0".join(blocks).encode("utf-8")

    def read(self, src_uri: str) -> str:
        started = time.perf_counter()
        made = self.process.take(src_uri) if self.process is not None else None
        if made is None:
            markdown, data = self.render(src_uri)
            self.blocks[src_uri] = (self.spill, self.spill.seek(0, os.SEEK_END), len(data))
            self.spill.write(data)
        else:  # the blocks stay in the fork's file
            markdown, self.blocks[src_uri] = made
        self.reading[0] += 1
        self.reading[1] += time.perf_counter() - started
        return markdown

    def close(self) -> None:
        """Every page is read: the sources can go, and so can the fork, if one rendered them."""
        self.sources = {}
        if self.process is not None:
            self.process.stop()

    def restore(self, src_uri: str, html: str) -> str:
        """The page's HTML blocks back in place of its placeholders (on_page_context, just before
        the theme writes the page)."""
        where = self.blocks.pop(src_uri, None)
        if where is None:
            return html
        file, offset, length = where
        if file is self.spill:
            file.seek(offset)
            data = file.read(length)
        else:  # the fork's file (otkb.host.pagerender), read without moving the offset the fork wrote at
            data = os.pread(file.fileno(), length, offset)
        return restore_html_blocks(html, data.decode("utf-8").split("\0"))


class GeneratedFile(File):
    """A generated page: its source comes from `GeneratedPages`; `modified` is for incremental
    rebuilds (MkDocs' dirty mode asks `is_modified`)."""

    pages: GeneratedPages
    modified = True

    def is_modified(self) -> bool:
        return self.modified

    @property
    def content_string(self) -> str:
        return self.pages.read(self.src_uri)


def publish_pages(sources: dict[str, Callable[[], str]], library: Library, files: Files,
                  config: MkDocsConfig) -> tuple[GeneratedPages, list[RecordError]]:
    """Add a file for each page to `files`; returns the pages' sources and the errors.

    A page whose path a hand-written file already has is an error.
    """
    errors, pages = [], GeneratedPages(sources)
    records = {source_of(url_of(r)): r.path for r in library.records.values()}
    listings = listing_sources()
    for src_uri in sources:
        if files.get_file_from_path(src_uri) is not None:
            errors.append(RecordError(records.get(src_uri, "data/topics.yml" if topic_of(src_uri)
                                                  else src_uri), 0, 0, "",
                                      f"its page {src_uri} would replace the hand-written docs/{src_uri}; "
                                      "rename one of them"))
            continue
        inclusion = InclusionLevel.INCLUDED if src_uri in listings else InclusionLevel.NOT_IN_NAV
        file = GeneratedFile.generated(config, src_uri, content="", inclusion=inclusion)
        file.pages = pages
        if src_uri in records:
            file.edit_uri = f"../{records[src_uri]}"
        elif topic_of(src_uri):
            file.edit_uri = "../data/topics.yml"
        else:
            file.edit_uri = None
        files.append(file)
    return pages, errors


def let_go_of(page) -> None:
    """Free what MkDocs keeps of a page it has written and no later page shows: its HTML and, for a
    page outside the navigation, its table of contents and front matter but its title (at 10,000
    pages, 100 MB, 20 MB and, with the record pages' JSON-LD, 45 MB)."""
    page.content = None
    page.meta.pop("otkb_jsonld", None)
    if page.file.inclusion.is_not_in_nav():
        page.toc = []  # what MkDocs holds before it converts the page
        page.meta = {"title": page.meta["title"]} if "title" in page.meta else {}


# Material's lunr search worker and its language packs (1.2 MB): our own worker answers search.
UNUSED_THEME_FILES = re.compile(r"^assets/javascripts/(workers/search\.|lunr/)")


def drop_unused_theme_files(files: Files) -> None:
    """Leave Material's files that no page loads out of the site."""
    for file in [f for f in files if UNUSED_THEME_FILES.match(f.src_uri)]:
        files.remove(file)


class Download(File):
    """A generated file copied to the site as it is. Unless `kept`, it lets go of its bytes once
    copied: MkDocs copies files before it builds the pages, and at 10,000 records the downloads (the
    web editor's configuration, the finder's data, citation files) held 17 MB to the end of a build."""

    kept = True

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        if not self.kept:
            self._content = None  # read again, it fails loudly (MkDocs asserts a source path)


def publish_files(contents: dict[str, str], files: Files, config: MkDocsConfig, keep: bool = True) -> None:
    """Add generated downloads (citation files, feeds) that are copied to the site as they are;
    `keep`: their bytes stay after the copy (serve copies them again in a dirty rebuild)."""
    for src_uri, content in contents.items():
        file = Download.generated(config, src_uri, content=content.encode("utf-8"), inclusion=InclusionLevel.NOT_IN_NAV)
        file.kept = keep
        files.append(file)


def generated_files(library: Library, config: MkDocsConfig, admin_choices: dict | None = None) -> dict[str, str]:
    """The generated files copied to the site as they are: citation files, feeds, finder data, the web
    editor's configuration (`admin_choices`: its choices as a serve session dumped them before)."""
    return {**citation_files(library), **feed_files(library, Site.of(config)), **finder_files(library),
            **admin_config(library, config.repo_url, config.site_url, config.extra, admin_choices)}

"""Publish: generated Markdown -> virtual MkDocs files (never written into docs/).

A generated page is Markdown headings between blocks of finished HTML. Left
in the Markdown, that HTML is re-read character by character by
Python-Markdown's raw-HTML parser, the largest cost of a build; so each
block is swapped for a placeholder paragraph here, and `restore_html_blocks`
puts it back into the converted page (on_page_content). Only the headings
go through Markdown, which is all the table of contents and search need.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from .errors import RecordError
from .incremental import GeneratedFile
from .link import Library

LISTINGS = {"articles/index.md", "research/index.md", "activities/index.md", "topics/index.md"}
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


def publish_pages(pages: dict[str, str], library: Library, files: Files,
                  config: MkDocsConfig) -> tuple[dict[str, list[str]], list[RecordError]]:
    """Add each page to `files`; returns the stashed HTML blocks per page and the errors.

    A page whose path a hand-written file already has is an error.
    """
    errors, stashed = [], {}
    sources = {f"{r.kind}/{r.slug}.md": r.path for r in library.records.values()}
    for src_uri, markdown in pages.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            errors.append(RecordError(sources.get(src_uri, "data/topics.yml" if src_uri.startswith("topics/")
                                                  else src_uri), 0, 0, "",
                                      f"its page {src_uri} would replace the hand-written docs/{src_uri}; "
                                      "rename one of them"))
            continue
        inclusion = InclusionLevel.INCLUDED if src_uri in LISTINGS else InclusionLevel.NOT_IN_NAV
        content, stashed[src_uri] = stash_html_blocks(markdown)
        file = GeneratedFile.generated(config, src_uri, content=content, inclusion=inclusion)
        if src_uri in sources:
            file.edit_uri = f"../{sources[src_uri]}"
        elif src_uri.startswith("topics/") and src_uri not in LISTINGS:
            file.edit_uri = "../data/topics.yml"
        else:
            file.edit_uri = None
        files.append(file)
    return stashed, errors


def publish_files(contents: dict[str, str], files: Files, config: MkDocsConfig) -> None:
    """Add generated downloads (citation files, feeds) that are copied to the site as they are."""
    for src_uri, content in contents.items():
        files.append(File.generated(config, src_uri, content=content.encode("utf-8"),
                                    inclusion=InclusionLevel.NOT_IN_NAV))

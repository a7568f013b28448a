"""Publish: generated Markdown -> virtual MkDocs files (never written into docs/)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from .errors import RecordError
from .link import Library

LISTINGS = {"articles/index.md", "research/index.md", "activities/index.md", "topics/index.md"}


def publish_pages(pages: dict[str, str], library: Library, files: Files,
                  config: MkDocsConfig) -> list[RecordError]:
    """Add each page to `files`; a page whose path a hand-written file already has is an error."""
    errors = []
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
        file = File.generated(config, src_uri, content=markdown, inclusion=inclusion)
        if src_uri in sources:
            file.edit_uri = f"../{sources[src_uri]}"
        elif src_uri.startswith("topics/") and src_uri not in LISTINGS:
            file.edit_uri = "../data/topics.yml"
        else:
            file.edit_uri = None
        files.append(file)
    return errors


def publish_files(contents: dict[str, str], files: Files, config: MkDocsConfig) -> None:
    """Add generated downloads (citation files, feeds) that are copied to the site as they are."""
    for src_uri, content in contents.items():
        files.append(File.generated(config, src_uri, content=content.encode("utf-8"),
                                    inclusion=InclusionLevel.NOT_IN_NAV))

"""Incremental preview: after the first build, `mkdocs serve` rebuilds only what an edit touched.

A full rebuild converts and renders every page (about 6 s at 1,000
records). Each generated page shows only what its inputs hold: the records
it prints (itself, the records it links to or is linked from, a listing's
or topic's records), the topic vocabulary and the templates. A key made of
those inputs' content hashes tells which pages an edit touched: the record,
its listing, its topic pages and every page that links to it. Only those
are rendered again and rebuilt with MkDocs' dirty mode; the rest stay on
disk as they were. A change to the theme or mkdocs.yml rebuilds every page.
Parsed YAML is reused while its bytes are unchanged.

This module keeps state for the life of the `mkdocs serve` process (MkDocs
re-runs main.py on every rebuild, but imports otkb once).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from ..content import load
from ..content.load import files_fingerprint
from ..site.urls import source_of, topic_of, url_of

_previous: dict[str, str] = {}  # src_uri -> its inputs' key as last built
_fingerprint: list[str] = [""]  # theme and config, as last built
active = [False]  # True while serve runs incremental rebuilds


def start() -> None:
    """Called by on_serve: from now on, rebuilds are incremental and parsed YAML is reused."""
    active[0] = True
    load.enable_parse_cache()


def render_changed(sources: dict, library, templates: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Every generated page's Markdown, rendering only pages whose inputs changed since the last build.

    A page's inputs are the records it shows (a record page: itself and the
    records it links to or is linked from, whose cards it prints, and whose
    fields its JSON-LD uses; a listing: its kind; a topic page: its
    records), the topic vocabulary and the templates. Anything else a page
    shows comes from those, so the inputs' key also tells `mark_changes`
    whether the page must be written again. Returns (markdown, keys).
    """
    digests = {rid: _digest(r.data.model_dump_json()) for rid, r in library.records.items()}
    base = _digest(repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items()))
                   + files_fingerprint(templates))
    keys = {}
    for record in library.records.values():
        shown = [record, *library.neighbours(record)]
        keys[source_of(url_of(record))] = base + "".join(digests[r.id] for r in shown)
    everything = base + "".join(digests[rid] for rid in sorted(digests))
    for src_uri in sources:
        if topic_of(src_uri):
            groups = library.by_topic.get(topic_of(src_uri), {})
            keys[src_uri] = base + "".join(digests[r.id] for group in groups.values() for r in group)
        keys.setdefault(src_uri, everything)  # listings and the topics index
    rendered = {}
    for src_uri, render in sources.items():
        cached = _rendered.get(src_uri)
        rendered[src_uri] = cached[1] if cached and cached[0] == keys[src_uri] else render()
    _rendered.clear()
    _rendered.update((src_uri, (keys[src_uri], markdown)) for src_uri, markdown in rendered.items())
    return rendered, {src_uri: keys[src_uri] for src_uri in sources}


_rendered: dict[str, tuple[str, str]] = {}  # src_uri -> (its inputs' key, its Markdown), as last built


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def mark_changes(files: Files, keys: dict[str, str], fingerprint: str, site_dir: Path) -> None:
    """Tell MkDocs which generated pages changed since the last build (their inputs' `keys` from
    `render_changed`), and delete removed ones.

    `fingerprint` stands for mkdocs.yml and the theme overrides (`files_fingerprint`): when it
    changes, every page is rebuilt.

    Hand-written pages are always rebuilt (there are few), so their search
    entries and their look follow the theme.
    """
    full = fingerprint != _fingerprint[0]
    for file in files.documentation_pages():
        if file.src_uri in keys:
            file.modified = full or _previous.get(file.src_uri) != keys[file.src_uri]
        else:  # a hand-written page may show records (the editor's guide does), and the index needs it
            file.is_modified = _always
    for src_uri in set(_previous) - set(keys):
        _remove_output(site_dir, src_uri)
    _previous.clear()
    _previous.update(keys)
    _fingerprint[0] = fingerprint


def _always() -> bool:
    return True


def _remove_output(site_dir: Path, src_uri: str) -> None:
    folder = site_dir / src_uri.removesuffix(".md")
    shutil.rmtree(folder, ignore_errors=True)


def rebuilder(config_file: str, site_dir: str, serve_url: str):
    """A `mkdocs serve` rebuild that runs MkDocs in dirty mode (`mark_changes` decides what is dirty)."""

    def rebuild() -> None:
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = serve_url
        build(config, serve_url=serve_url, dirty=True)

    return rebuild


class _QuietDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale; ours is not, so say nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build is being performed" not in record.getMessage()


logging.getLogger("mkdocs.commands.build").addFilter(_QuietDirtyWarning())

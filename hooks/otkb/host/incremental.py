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

The state of the last build (each page's key and Markdown) lives in an
`Incremental` that the serve session owns (otkb.host.session).

MkDocs internals used here: `commands.build.build(dirty=True)` as the
rebuild, and `File.is_modified`, which dirty mode asks of every page.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from ..content.kinds import KINDS
from ..site.urls import source_of, topic_of, url_of


class Incremental:
    """What the last build of a serve session made: each generated page's key and Markdown."""

    def __init__(self) -> None:
        self.previous: dict[str, str] = {}  # src_uri -> its inputs' key as last built
        self.rendered: dict[str, tuple[str, str]] = {}  # src_uri -> (its inputs' key, its Markdown)
        self.fingerprint = ""  # theme and config, as last built

    def render_changed(self, sources: dict, library, templates: Path) -> tuple[dict[str, str], dict[str, str]]:
        """Every generated page's Markdown, rendering only pages whose inputs changed since the last
        build (`page_keys`). Returns (markdown, keys)."""
        keys = page_keys(sources, library, templates)
        rendered = {}
        for src_uri, render in sources.items():
            cached = self.rendered.get(src_uri)
            rendered[src_uri] = cached[1] if cached and cached[0] == keys[src_uri] else render()
        self.rendered = {src_uri: (keys[src_uri], markdown) for src_uri, markdown in rendered.items()}
        return rendered, keys

    def mark_changes(self, files: Files, keys: dict[str, str], fingerprint: str, site_dir: Path) -> None:
        """Tell MkDocs which generated pages changed since the last build (their inputs' `keys` from
        `render_changed`), and delete removed ones.

        `fingerprint` stands for mkdocs.yml and the theme overrides (`files_fingerprint`): when it
        changes, every page is rebuilt.

        Hand-written pages are always rebuilt (there are few), so their search
        entries and their look follow the theme.
        """
        full = fingerprint != self.fingerprint
        for file in files.documentation_pages():
            if file.src_uri in keys:
                file.modified = full or self.previous.get(file.src_uri) != keys[file.src_uri]
            else:  # a hand-written page may show records (the editor's guide does), and the index needs it
                file.is_modified = _always
        for src_uri in set(self.previous) - set(keys):
            _remove_output(site_dir, src_uri)
        self.previous = dict(keys)
        self.fingerprint = fingerprint


def page_keys(sources: dict, library, templates: Path) -> dict[str, str]:
    """{src_uri: a key of everything the generated page shows}.

    A page's inputs are the records it shows (a record page: itself and the
    records it links to or is linked from, whose cards it prints, and whose
    fields its JSON-LD uses; a listing: its kind; a topic page: its
    records), the topic vocabulary and the templates. Anything else a page
    shows comes from those, so the inputs' key also tells `mark_changes`
    whether the page must be written again.
    """
    digests = {rid: _digest(r.data.model_dump_json()) for rid, r in library.records.items()}
    base = _digest(repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items()))
                   + "".join(p.name + _digest(p.read_text(encoding="utf-8")) for p in sorted(templates.rglob("*.j2"))))
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
    return {src_uri: keys[src_uri] for src_uri in sources}


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


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

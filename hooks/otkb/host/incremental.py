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

An edit that changes records and nothing else (no page added or removed,
no topic, theme, config or hand-written page changed) goes faster still:
`update_in_place` renders the touched pages through the last build's own
MkDocs objects (its config, files, navigation and theme environment), as
MkDocs' build would, and updates the search index, the feeds, the finder
data and the citation files in place, without a MkDocs build.

The state of the last build (each page's key and Markdown) lives in an
`Incremental` that the serve session owns (otkb.host.session).

MkDocs internals used here: `commands.build.build(dirty=True)` as the
rebuild, `File.is_modified`, which dirty mode asks of every page, and
`commands.build._populate_page` and `_build_page`, the two steps of a
page's build, for `update_in_place`.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page, build
from mkdocs.config import load_config
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from ..content.evidence import evidence_key
from ..content.kinds import KINDS
from ..content.load import files_fingerprint
from ..site.guide import fill_guide
from ..site.search import ages_of, index_extras, page_entries
from ..site.render import TEMPLATES, collection_meta, listing_shown, page_sources
from ..site.search_shards import ShardIndex
from ..site.urls import listing_page_urls, source_of, topic_of, topic_url, url_of
from .publish import generated_files
from .search_index import material_entries


log = get_plugin_logger("otkb")


@dataclass
class Retained:
    """What the last successful build of a serve session leaves for `update_in_place`."""

    config: object  # MkDocs' config, files, navigation and theme environment of that build
    files: Files
    nav: object
    env: object
    library: object  # otkb.content.link.Library
    index: ShardIndex | None  # the search index it wrote
    downloads: dict[str, str]  # the feeds, finder data and citation files it wrote
    filled: dict[str, tuple[str, str]]  # hand-written pages that show records (the editor's guide): (Markdown, filled)
    docs: str  # docs_fingerprint: mkdocs.yml, the theme overrides, docs/ and our templates


class Incremental:
    """What the last build of a serve session made: each generated page's key and Markdown."""

    def __init__(self) -> None:
        self.previous: dict[str, str] = {}  # src_uri -> its inputs' key as last built
        self.rendered: dict[str, tuple[str, str]] = {}  # src_uri -> (its inputs' key, its Markdown)
        self.fingerprint = ""  # theme and config, as last built
        self.retained: Retained | None = None  # set when a build succeeds; None while one runs

    def update_in_place(self, library, env, build) -> bool:
        """Update the pages an edit of records touched without a MkDocs build; False (having changed
        nothing) when the edit needs a build: pages added or removed, the topics (every page shows
        them), data/search.yml, what search/meta.json holds of the records (the milestone checklists),
        the theme, mkdocs.yml or docs/ changed. However many pages an
        edit touches, this costs less than a build, which walks every page. A hand-written page
        that shows records (the editor's guide) is built again when what it shows changed.

        `env` renders the new library's pages; `build` (otkb.host.session.Build) gets the new library,
        which the hooks read while a page is built.
        """
        kept = self.retained
        if (kept is None or kept.index is None or library.search_words != kept.library.search_words
                or library.topics != kept.library.topics):
            return False
        config = kept.config
        downloads = generated_files(library, config)
        if set(downloads) != set(kept.downloads):
            return False
        if _meta_extras(library) != _meta_extras(kept.library):  # search/meta.json (a checklist re-aged)
            return False
        if docs_fingerprint(config) != kept.docs:
            return False
        sources = page_sources(library, env)
        keys = page_keys(sources, library, TEMPLATES, env)
        if set(keys) != set(self.previous):
            return False
        changed = [src_uri for src_uri, key in keys.items() if self.previous[src_uri] != key]
        handwritten = [src_uri for src_uri, (markdown, filled) in kept.filled.items()
                       if fill_guide(markdown, library) != filled]
        build.library = library  # on_page_context reads it while a page is built
        doc_files = kept.files.documentation_pages()
        for src_uri in changed:
            markdown = sources[src_uri]()
            self.rendered[src_uri] = (keys[src_uri], markdown)
            file = kept.files.get_file_from_path(src_uri)
            file.pages.sources[src_uri] = partial(str, markdown)
            _populate_page(file.page, config, kept.files)
            _build_page(file.page, config, doc_files, kept.nav, kept.env)
        for record in library.records.values():
            if kept.library.records.get(record.id) is not record:  # a file that changed
                kept.index.update(page_entries(record, library), ages_of(record))
        for src_uri in handwritten:  # its Markdown is filled again by on_page_markdown
            page = kept.files.get_file_from_path(src_uri).page
            _populate_page(page, config, kept.files)
            entries = material_entries(config, partial(_build_page, page, config, doc_files, kept.nav, kept.env))
            if entries:
                kept.index.update(entries, None)
        site_dir = Path(config.site_dir)
        for name, content in downloads.items():
            if kept.downloads[name] != content:
                (site_dir / name).write_text(content, encoding="utf-8")
        self.previous.update(keys)
        kept.library, kept.downloads = library, downloads
        count = len(changed) + len(handwritten)
        log.info(f"updated {count} page{'s' if count != 1 else ''} in place")
        return True

    def render_changed(self, sources: dict, library, templates: Path, env) -> tuple[dict[str, str], dict[str, str]]:
        """Every generated page's Markdown, rendering only pages whose inputs changed since the last
        build (`page_keys`). Returns (markdown, keys)."""
        keys = page_keys(sources, library, templates, env)
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


def page_keys(sources: dict, library, templates: Path, env) -> dict[str, str]:
    """{src_uri: a key of everything the generated page shows}.

    A page's inputs are the records it shows, each by its address and the
    digest of its file (a record page: itself and `Library.neighbours`, the
    records it links to or is linked from, whose cards it prints, the
    milestones before and after it, and whose fields its JSON-LD uses; a listing's pages: their records, the count and
    the span of review dates, and the first page every record of its kind
    and the milestones (the finder, the milestones chart); a topic page: its
    records' cards, as `env` renders them (most edits leave a card as it
    was, and a topic page shows thousands at 10,000 records); the topics
    index: every record), the topic vocabulary and the templates; and for
    each record shown as a card, the level its studies give it. A listing's
    and a topic page's front matter (`render.collection_meta`: the span of
    review dates) counts too. Anything else a page shows comes from those,
    so the inputs' key also tells `mark_changes` whether the page must be
    written again.
    """
    base = _digest(repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items()))
                   + "".join(p.name + _digest(p.read_text(encoding="utf-8")) for p in sorted(templates.rglob("*.j2"))))

    cards: dict[str, str] = {}

    def shown(records) -> str:
        """The key of pages showing `records`' cards: a card also shows the level of evidence the
        studies its record cites give it."""
        for r in records:  # its address too: a renamed or swapped file shows the same content elsewhere
            if r.id not in cards:
                cards[r.id] = f"{url_of(r)}:{r.digest}{evidence_key(r, library.records)}"
        return base + "".join(cards[r.id] for r in records)

    keys = {}
    for record in library.records.values():
        keys[source_of(url_of(record))] = shown([record, *library.neighbours(record)])
    for kind in KINDS:
        records = library.of_kind(kind)
        count = f"{len(records)}:{collection_meta(records)}:"  # every page of a listing shows both
        urls = listing_page_urls(kind, len(records))
        # The first page may show every record of its kind (the finder, the milestones chart), and
        # those its kind shows by age (the finder links the milestones).
        by_age = KINDS[kind].shows_by_age
        keys[source_of(urls[0])] = count + shown(records + (library.of_kind(by_age.kind) if by_age else []))
        for page, url in enumerate(urls[1:], start=2):
            keys[source_of(url)] = count + shown(listing_shown(records, page))
    everything = shown(sorted(library.records.values(), key=lambda r: r.id))
    card, topic_cards = env.globals["card"], {}  # topic pages share a folder, so a record's card on them
    for src_uri in sources:
        if topic_id := topic_of(src_uri):
            records = [r for group in library.by_topic.get(topic_id, {}).values() for r in group]
            for r in records:
                if r.id not in topic_cards:
                    topic_cards[r.id] = _digest(card(r, topic_url(topic_id)))
            keys[src_uri] = base + f"{collection_meta(records)}:" + "".join(topic_cards[r.id] for r in records)
        keys.setdefault(src_uri, everything)  # the topics index
    return {src_uri: keys[src_uri] for src_uri in sources}


def docs_fingerprint(config) -> str:
    """What a page shows besides records and topics: mkdocs.yml, the theme overrides, the
    hand-written docs (the navigation) and our templates."""
    return files_fingerprint(Path(config.config_file_path), Path(config.theme.custom_dir), Path(config.docs_dir),
                             TEMPLATES)


def _meta_extras(library) -> dict:
    """What search/meta.json holds from the records (the milestone checklists by age): the index's
    `update` rewrites a page's entries and ages, not these."""
    return {name: value for name, value in index_extras(library).items() if name != "page_ages"}


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

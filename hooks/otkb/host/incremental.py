"""Incremental preview: after the first build, `mkdocs serve` rebuilds only what an edit touched.

A full rebuild converts and renders every page (about 6 s at 1,000
records). Each generated page notes what it reads of the library while it
is rendered (otkb.site.reads: the record by id, `targets`, a listing
page's records ...); after an edit those queries are asked again of the new
library, and a page whose every answer is unchanged (and the topic
vocabulary and templates with them) is unchanged. Only the others are
rendered again and rebuilt with MkDocs' dirty mode; the rest stay on disk
as they were. A change to the theme or mkdocs.yml rebuilds every page.
Parsed YAML is reused while its bytes are unchanged.

An edit that changes records and nothing else (no page added or removed,
no topic, theme, config or hand-written page changed) goes faster still:
`update_in_place` renders the touched pages through the last build's own
MkDocs objects (its config, files, navigation and theme environment), as
MkDocs' build would, and updates the search index, the feeds, the finder
data and the citation files in place, without a MkDocs build.

The state of the last build (each page's reads, key and Markdown) lives in an
`Incremental` that the serve session owns (otkb.host.session).

MkDocs internals used here: `commands.build.build(dirty=True)` as the
rebuild, `File.is_modified`, which dirty mode asks of every page, and
`commands.build._populate_page` and `_build_page`, the two steps of a
page's build, for `update_in_place`.
"""

from __future__ import annotations

import gc
import shutil
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page, build
from mkdocs.config import load_config
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from ..content.cache import files_fingerprint
from ..content.digest import digest
from ..site.guide import fill_guide
from ..site.search import ages_of, meta_extras, page_entries
from ..site.reads import (ANY_KIND, LibraryView, Reads, answer_digest, base_key, kind_it_hangs_on,
                          named_in, touched_by)
from ..site.render import TEMPLATES, page_sources
from ..site.search_shards import ShardIndex
from ..site.structured_data import json_ld
from .preview import idle_collection
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


class Incremental:
    """What the last build of a serve session made: each generated page's Markdown, what it read of
    the library (otkb.site.reads) and the key of those reads' answers."""

    def __init__(self) -> None:
        self.reads = Reads()  # what each generated page read of the library when last rendered
        self.built: set[str] = set()  # the pages as last built (`seal`): their reads' answers are in `answers`
        self.answers: dict[tuple, str] = {}  # each query's answer (reads.answer_digest) from `library`
        self.naming: dict[str, set[tuple]] = {}  # an id (or name) -> the queries in `answers` naming it
        # the queries in `answers` an edit may change without naming them, by the kind it must touch
        # (reads.kind_it_hangs_on): a step edit looked at each of 10,000, 8,000 of them an activity's `beside`
        self.unnamed: dict[str, set[tuple]] = {}
        self.library = None  # the library of the last build (`seal`)
        self.askers: dict[tuple, set[str]] = {}  # query -> the built pages that asked it
        self.asked: dict[str, tuple] = {}  # src_uri -> the queries `askers` holds for it
        self.rendered: dict[str, str] = {}  # src_uri -> its Markdown as last built
        self.fingerprint = ""  # docs_fingerprint as last built: a change rebuilds every page
        self.retained: Retained | None = None  # set when a build succeeds; None while one runs
        self.admin_choices: dict = {}  # the web editor's choices as dumped (otkb.site.admin.config_file)
        self.renewed: list[str] = []  # the pages this build rendered again, for `seal`
        self.changed: list[str] = []  # those of them to build: their Markdown changed, or their HTML reads more
        self.same_markdown: set[str] = set()  # those of them whose Markdown is as last built
        self.base = ""  # this build's reads.base_key
        self.json_ld: dict[str, tuple[str, str]] = {}  # a record page's src_uri -> (its record, its JSON-LD's digest)

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
        downloads = generated_files(library, config, self.admin_choices)
        if set(downloads) != set(kept.downloads):
            return False
        if _meta_extras(library) != _meta_extras(kept.library):  # search/meta.json (a checklist re-aged)
            return False
        if docs_fingerprint(config) != self.fingerprint:
            return False
        sources = page_sources(library, env, self.reads)
        if set(sources) != self.built:
            return False
        handwritten = [src_uri for src_uri, (markdown, filled) in kept.filled.items()
                       if fill_guide(markdown, library) != filled]
        build.library, build.reads = library, self.reads  # on_page_context reads them while a page is built
        self._render_stale(sources, library)
        self.changed = [src_uri for src_uri in self.changed
                        if src_uri not in self.same_markdown or not self._same_json_ld(src_uri, library, kept)]
        doc_files = kept.files.documentation_pages()
        for src_uri in self.changed:
            file = kept.files.get_file_from_path(src_uri)
            file.pages.sources[src_uri] = partial(str, self.rendered[src_uri])
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
        count = len(self.changed) + len(handwritten)  # before `seal`, which empties `changed`
        self.seal(library)
        kept.library, kept.downloads = library, downloads
        log.info(f"updated {count} page{'s' if count != 1 else ''} in place")
        return True

    def stale(self, library, base: str) -> set[str] | None:
        """The built pages some of whose queries `library` answers otherwise than the last build's
        library did; None: every page may be (the first build, or the topics or templates changed).

        Only the queries an edit may change are asked again (reads.may_change: those naming a record
        it touched, or about a kind it touched); every other answer is the same as before. At 10,000
        records pages ask 66,000 distinct queries; a step edit asks a few hundred of them again, found
        by the ids they name (`naming`) and, of those an edit may change without naming them, by the
        kind it must touch (`unnamed`).
        `base`: `library`'s reads.base_key."""
        if self.library is None or base != self.base:
            return None
        touched, kinds = touched_by(self.library, library)
        asked = {query for rid in touched for query in self.naming.get(rid, ())}
        if touched:
            asked.update(query for kind in (ANY_KIND, *kinds) for query in self.unnamed.get(kind, ()))
        changed = {query for query in asked if answer_digest(library, query) != self.answers[query]}
        # Every other answer is the last library's: `seal` and the pages rendered again find them there
        # (reads.answer_digest), and `seal` adds only this library's own (a copy of all 66,000 took 6 ms).
        library.derived["kept_answers"] = self.answers
        return {src_uri for query in changed for src_uri in self.askers.get(query, ())}

    def render_changed(self, sources: dict, library) -> dict[str, str]:
        """Every generated page's Markdown, rendering only pages whose reads' answers changed since
        the last build (`stale`): `sources` note what they read in `self.reads` (page_sources)."""
        self._render_stale(sources, library)
        for src_uri in set(self.rendered) - set(sources):
            del self.rendered[src_uri]
        return {src_uri: self.rendered[src_uri] for src_uri in sources}

    def _render_stale(self, sources: dict, library) -> None:
        """Render again the pages whose reads' answers changed (`stale`) and those not built yet.
        Those whose Markdown changed too, or whose HTML shows more than their Markdown (a record
        page's JSON-LD), are the pages to build (`changed`): a topic page whose record changed a
        step shows the same cards and is not built again (at 10,000 records it shows a thousand)."""
        base = base_key(library, TEMPLATES)  # reads every template: once a save
        stale = self.stale(library, base)
        self.renewed, self.changed, self.base = [], [], base
        self.same_markdown = set()
        for src_uri in sources:
            if src_uri in self.built and (stale is not None and src_uri not in stale):
                continue
            built = src_uri in self.built
            self.built.discard(src_uri)  # until `seal`: a build that fails renders it again
            before = self.rendered.get(src_uri)
            self.rendered[src_uri] = sources[src_uri]()
            self.renewed.append(src_uri)
            same = built and self.rendered[src_uri] == before
            if same:
                self.same_markdown.add(src_uri)
            if not (same and src_uri not in self.reads.extended):
                self.changed.append(src_uri)

    def note_json_ld(self, src_uri: str, record_id: str, text: str) -> None:
        """A record page was built with this JSON-LD (otkb.host.steps.page_context)."""
        self.json_ld[src_uri] = (record_id, digest(text))

    def _same_json_ld(self, src_uri: str, library, kept: Retained) -> bool:
        """Whether a record page rendered again to the same Markdown also has the JSON-LD it was built
        with, so need not be built again: at 10,000 records a step edit renders 39 pages, of which 3
        change, and 34 were built (11 ms each) since their JSON-LD reads the edited record. Its JSON-LD's
        reads are noted again, as the page's build would."""
        record_id, before = self.json_ld.get(src_uri, (None, None))
        page = kept.files.get_file_from_path(src_uri).page
        text = record_json_ld(record_id, page, library, self.reads, kept.config)
        return text is not None and digest(text) == before

    def mark_changes(self, files: Files, config) -> None:
        """Tell MkDocs which generated pages changed since the last build (`render_changed`), and
        delete removed ones.

        When `docs_fingerprint` changed (mkdocs.yml, the theme overrides, docs/, which make the
        navigation every page shows, or the templates), every page is rebuilt: the same fingerprint
        `update_in_place` checks.

        Hand-written pages are always rebuilt (there are few), so their search
        entries and their look follow the theme.
        """
        fingerprint = docs_fingerprint(config)
        full = fingerprint != self.fingerprint
        changed = set(self.changed)
        for file in files.documentation_pages():
            if file.src_uri in self.rendered:
                file.modified = full or file.src_uri in changed
            else:  # a hand-written page may show records (the editor's guide does), and the index needs it
                file.is_modified = _always
        for src_uri in self.built - set(self.rendered):
            _remove_output(Path(config.site_dir), src_uri)
            self.built.discard(src_uri)
            self.reads.pages.pop(src_uri, None)
            for query in self.asked.pop(src_uri, ()):
                self.askers[query].discard(src_uri)
        self.fingerprint = fingerprint

    def seal(self, library) -> None:
        """The pages rendered again are built (their JSON-LD noted its reads too): note their
        queries' answers, with those `stale` asked again, as the answers of `library`.

        Then what the build leaves for the next save (the library, the pages' reads and Markdown,
        MkDocs' pages) is moved out of the garbage collector's reach (gc.freeze): at 10,000 records
        a full collection walks millions of objects, and one came every few saves (a second or more
        of the save it fell in). A dirty rebuild, which replaces MkDocs' pages, hands them back
        (`rebuilder`), and so does the end of the session. The collection and the freeze run once
        the server is idle, after the saved page is served (preview.IdleCollection)."""
        kept = library.derived.get("kept_answers", {})  # those `stale` did not ask again (none: it asked none)
        for src_uri in self.renewed:
            asked = tuple(self.reads.pages.get(src_uri, ()))
            if asked != self.asked.get(src_uri):  # a topic page asks the same 1,800 queries again
                for query in self.asked.get(src_uri, ()):
                    self.askers[query].discard(src_uri)
                for query in asked:
                    self.askers.setdefault(query, set()).add(src_uri)
                self.asked[src_uri] = asked
            for query in asked:
                if query not in kept:
                    answer_digest(library, query)
        answers = library.derived.get("answers", {})
        for query in answers.keys() - self.answers.keys():  # indexed for `stale`, by what they name
            for name in named_in(query):
                self.naming.setdefault(name, set()).add(query)
            if (kind := kind_it_hangs_on(query)) is not None:
                self.unnamed.setdefault(kind, set()).add(query)
        self.answers.update(answers)
        self.built.update(self.renewed)
        self.renewed, self.changed, self.library = [], [], library
        idle_collection.later()


def record_json_ld(record_id: str | None, page, library, reads: Reads | None, config) -> str | None:
    """The JSON-LD of the page of the record `record_id` (None for another page), noting what it reads
    as the page's reads (`reads`, when pages are keyed): overrides/main.html prints it in <head>."""
    if not library or record_id not in library.records:
        return None
    with reads.page(page.file.src_uri, fresh=False) if reads else nullcontext():
        seen = LibraryView(library, reads) if reads else library
        return json_ld(library.records[record_id], seen, page.canonical_url or page.abs_url, config.site_name,
                       config.site_url)


def docs_fingerprint(config) -> str:
    """What a page shows besides records and topics: mkdocs.yml, the theme overrides, the
    hand-written docs (the navigation) and our templates."""
    return files_fingerprint(Path(config.config_file_path), Path(config.theme.custom_dir), Path(config.docs_dir),
                             TEMPLATES)


def _meta_extras(library) -> dict:
    """What search/meta.json holds from the records (the milestone checklists by age): the index's
    `update` rewrites a page's entries and ages, not these. Worked out once per library: the next
    save compares its library's with this one's."""
    if "meta_extras" not in library.derived:
        library.derived["meta_extras"] = meta_extras(library)
    return library.derived["meta_extras"]


def _always() -> bool:
    return True


def _remove_output(site_dir: Path, src_uri: str) -> None:
    folder = site_dir / src_uri.removesuffix(".md")
    shutil.rmtree(folder, ignore_errors=True)


def rebuilder(config_file: str, site_dir: str, serve_url: str):
    """A `mkdocs serve` rebuild that runs MkDocs in dirty mode (`mark_changes` decides what is dirty)."""

    def rebuild() -> None:
        idle_collection.drop()
        gc.unfreeze()  # the last build's pages, which this one replaces, may be collected (`seal`)
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = serve_url
        build(config, serve_url=serve_url, dirty=True)

    return rebuild

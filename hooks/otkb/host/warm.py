"""Warm builds: `mkdocs build` reuses the pages of the previous build whose inputs did not change.

A cold build converts and renders every page with MkDocs and the theme
(about 4 ms a page: 40 s at 10,000 records), although a pull request
usually changes one or two records. So each build leaves, in the cache
folder (`.cache/otkb/` beside mkdocs.yml, or OTKB_CACHE_DIR; CI restores
main's), every generated page's finished HTML, what it read of the library and its
key: the answers to those queries (otkb.site.reads).
Nothing read back is used unchecked (otkb.host.cachefiles: where a cache
may be, and the digests of its pages and records).
The next build gives MkDocs only the pages whose key changed, the
hand-written pages and the listings (they are in the navigation, which
every page prints); the others are copied from the cache, with this build's
stamp in their footer. The sitemap still lists every page.

The records' parsed YAML is kept too (records.json), so only changed files
are parsed again, and so is what the build worked out by content (memo.json,
otkb.content.cache.Memo: record pages' search postings and the search files,
what each page read of the library, pages' links and ids, records' cards,
the finder's rows and the web editor's choices). The link check reads every page of the
finished site, reused or not (a page's scan is kept by the digest of its bytes). The whole cache is void (`fingerprint`) when anything else that shapes a
page changes: otkb's code and templates, the theme overrides, the
hand-written docs (every page prints the navigation), mkdocs.yml and the
settings it resolves, and the installed packages. The key file is deleted
when a build starts and written only when it succeeds, so a failed or
killed build leaves a cold start, never a stale page. tests/host/test_warm.py
proves a warm build byte-identical to a cold one.

MkDocs internals used here: none beyond public events and `Page(None, file,
config)`, which gives the sitemap the pages MkDocs did not build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from array import array
from functools import partial
from importlib import metadata
from pathlib import Path

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

from ..content.cache import Memo, RecordCache, json_value
from ..content.digest import digest, hasher
from ..content.link import named_by, naming
from ..site import finder
from ..site.reads import Reads, base_key, from_json, may_change, page_key, to_json
from ..site.render import TEMPLATES
from ..site.urls import listing_sources
from . import cachefiles, pagewriter

log = get_plugin_logger("otkb")

STATE = "state.json"
RECORDS = "records.json"
MEMO = "memo.json"  # what a build worked out from pages' and records' content, by a key of that content
PACK = "pages.pack"  # the pages' HTML, one after the other (PageCache)
OLD_SCANS = "links.json"  # an older build's link scans: the link check now reads every page
_STAMP_OPEN = '<div class="otkb-build">'
_STAMP_OPEN_BYTES = _STAMP_OPEN.encode()
_STAMP_MARK = "<!--otkb-build-stamp-->"
_STAMP_MARK_BYTES = _STAMP_MARK.encode()


def fingerprint(places: list[Path], settings: object) -> str:
    """A digest of the bytes of every file in `places`, the resolved `settings` and the installed
    packages: the key of the whole cache."""
    digest = hasher()
    for number, place in enumerate(places):  # names relative to each place: the project may be anywhere
        for path in sorted(place.rglob("*")) if place.is_dir() else [place]:
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(place).as_posix() if place.is_dir() else place.name
                digest.update(f"{number}:{name}\0".encode())
                digest.update(hasher(path.read_bytes()).digest())
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


def drop_unchanged_pages(cache: "PageCache", sources: dict, library, files) -> None:
    """Take the pages whose reads' answers are unchanged since the cached build out of MkDocs'
    `files` (otkb.site.reads); `write_reused` copies them from the cache after the build."""
    # MkDocs resolves a hand-written page's link to a page's source ('topics/x.md') among its files,
    # so a page a hand-written page may link to that way is always built.
    handwritten = "".join(f.content_string for f in files.documentation_pages() if f.generated_by is None)
    listings = listing_sources()
    cache.base = base_key(library, TEMPLATES)
    cache.seed_answers(library)
    asked: set[int] = set()
    by_source = files.src_uris
    pages = {src: (cache.previous_key(src, library, asked), by_source[src].dest_uri)
             for src in sources if src not in listings and src.rsplit("/", 1)[-1] not in handwritten}
    answers, numbers = library.derived.get("answers", {}), cache.numbers
    for query in [query for query in answers if numbers.get(query) not in asked]:  # a page no longer asks it
        del answers[query]
    reuse = cache.reusable(pages)
    for src in reuse:
        files.remove(by_source[src])
    if reuse:
        log.info(f"{len(reuse)} of {len(pages)} generated pages are unchanged: copied from {cache.folder}")


class PageCache:
    """The previous build's generated pages, as one build sees them.

    The pages' HTML is one file (PACK), each page's bytes after the other, and state.json says where
    each is: 10,000 small files and their folders took 5 CPU seconds to create on an ext4 disk.
    A build adds the pages it built to the end of the pack, where the pages it reused stay, while
    they are at least half of it; else it writes a new pack with both (at 10,000 records a new pack
    was 300 MB written and the old one's 300 MB freed, for a build that changed 150 pages). Every page and the
    parsed records are checked against the length and digest state.json holds, and state.json
    against its own checksum (otkb.host.cachefiles): what fails is built cold, with a line in the log.
    """

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder, self.fingerprint = folder, fingerprint
        state = _read_state(folder / STATE)
        valid = state.get("fingerprint") == fingerprint
        self.previous: dict[str, list[str]] = state["pages"] if valid else {}
        self.packed: dict[str, list] = state["packed"] if valid else {}  # output path -> [offset, length, digest]
        (folder / STATE).unlink(missing_ok=True)  # written back only if this build succeeds
        self.records_read = state["records"] if valid else None  # the digest of the records file read
        self.records = _read_records(folder / RECORDS, fingerprint, self.records_read)
        memo = _read_memo(folder / MEMO, fingerprint, state.get("memo") if valid else None)
        # record pages' search postings, what pages read of the library, pages' links and ids and their
        # broken links (otkb.site.linkcheck), cards, answers and the numbers of each page's queries, the web
        # editor's choices, the search files, the finder's rows (otkb.content.cache.Memo)
        self.memo = {table: Memo(previous=memo.get(table, {}), keep=partial(self._keep_memo, table))
                     for table in ("search", "reads", "links", "checked", "cards", "answers", "admin",
                                   "search_files", "finder")}
        self.memo_file = None  # the next build's memo.json, written as values come (`_keep_memo`)
        self.reads = Reads(packed=True)  # what the pages this build renders read of the library
        self.base = ""  # this build's reads.base_key, set by drop_unchanged_pages
        self.records_digest = ""  # of the records file this build writes
        self.pages: dict[str, list[str]] = {}  # src_uri -> [key, output path], of this build
        self.written: list[str] = []  # the pages this build wrote, in order, until they are keyed (`key_pages`)
        self.reused: list[str] = []  # output paths of the pages copied from the cache
        self.pack = None  # the new pack, opened by the first page kept; or the last one, `appending` to it
        self.appending = False
        self.packing: dict[str, list] = {}  # output path -> [offset, length, digest] in the new pack
        self.stamped: set[str] = set()  # output paths of the packed pages with the stamp's mark
        self.writer: subprocess.Popen | None = None  # the process writing the reused pages (`start_writing_reused`)
        # Every query a page asked, by a number: the last build's answers' order, then the new ones in
        # the order they came. Each page's queries are kept as their numbers (`asks`, by the answers'
        # order as `keep_answers` writes them), so a page none of whose queries may change keeps its
        # last key unasked (`previous_key`).
        self.numbers: dict[tuple, int] = {}
        self.numbered: list[tuple] = []  # the queries by their number
        self.changing: set[int] = set()  # the numbers of the last build's queries an edit may change
        self.asked_last: dict[str, list[int]] = {}  # src_uri -> its queries' numbers, of the last build
        self.asks: dict[str, array] = {}  # src_uri -> its queries' numbers, of this build
        self.last_records: dict[str, list] = {}  # the last build's `_record_table`, if it had the same base

    def previous_key(self, src_uri: str, library, asked: set[int]) -> str:
        """The page's key from what it read in the cached build (the numbers of its queries added to
        `asked`), asked again of `library`; '' when that build left no reads for it (it is built).
        When none of its queries may change (`seed_answers`), its key is the last build's, and its
        queries are neither decoded nor asked (at 10,000 records, 0.5 CPU s for every page)."""
        last, key = self.asked_last.pop(src_uri, None), self.previous.get(src_uri, ("",))[0]
        if last is not None and key:
            last = array("I", bytes.fromhex(last))
            if self.changing.isdisjoint(last):
                asked.update(last)
                self.asks[src_uri] = last
                return key
        queries = self.memo["reads"].get(src_uri, lambda: None)  # kept for the next build if reused
        if queries is None:
            return ""
        queries = from_json(queries)
        key = page_key(queries, library, self.base)
        asked.update(self._number(src_uri, queries))
        return key

    def _number(self, src_uri: str, queries) -> array:
        """Note the numbers of the page's `queries` (new ones get the next), and return them."""
        numbers, numbered = self.numbers, self.numbered
        for query in queries:
            if query not in numbers:
                numbers[query] = len(numbered)
                numbered.append(query)
        self.asks[src_uri] = asked = array("I", [numbers[query] for query in queries])
        return asked

    def seed_answers(self, library) -> None:
        """Give `library` the last build's answers (reads.answer_digest) to the queries that an edit from
        that build's records to these cannot change (reads.may_change, as the preview asks them), so
        only the others are asked again: at 10,000 records the pages ask 66,000 distinct queries, and
        asking them all was most of the page keys' time. The last build's table of its records
        (`_record_table`) stands in for its library; with other topics or templates, nothing is given."""
        last, answers = self.memo["answers"].take("records"), self.memo["answers"].take("answers")
        table = _record_table(library, last["records"] if last is not None and last["base"] == self.base else {})
        self.memo["answers"].put("records", {"base": self.base, "records": table})
        if last is None or answers is None or last["base"] != self.base:
            return
        self.last_records = last["records"]
        touched, kinds = _touched(last["records"], table, library)
        seeded = library.derived.setdefault("answers", {})
        self.numbered = list(from_json([query for query, _ in answers]))
        self.numbers = {query: number for number, query in enumerate(self.numbered)}
        for number, (query, (_, answer)) in enumerate(zip(self.numbered, answers)):
            if may_change(query, touched, kinds):
                self.changing.add(number)
            else:
                seeded[query] = answer
        asks = self.memo["answers"].take("asks")
        valid = isinstance(asks, dict) and asks.pop("", None) == [len(self.numbered), sys.byteorder]
        self.asked_last = asks if valid else {}
        log.info(f"{len(seeded)} of {len(answers)} queries the pages asked keep the last build's answers")

    def keep_answers(self, library) -> None:
        """Keep the answers to the queries this build's pages asked, for the next (`seed_answers`), with
        the numbers of each page's queries in their order, and let go of them: every page is keyed,
        and the search index and the link check that follow need none (15 MB at 10,000 records).
        The last build's reads of a page whose key was not asked again are kept as they were.
        The answers go in the order of their numbers, so that a query keeps its number while no query
        before it went; each page's numbers are kept as the hex of their bytes (JSON's numbers took
        0.1 CPU s)."""
        answers = library.derived.pop("answers", {})
        moved = not answers.keys() >= self.numbers.keys()  # a query went: those after it move up
        order = [query for query in self.numbered if query in answers] if moved else self.numbered
        if moved or len(answers) != len(order):  # (none: each answered query is numbered)
            order = order + [query for query in answers if query not in self.numbers]
        self.memo["answers"].put_list("answers", ((query, answers[query]) for query in order))
        at = array("i", [-1]) * len(self.numbered)  # a query's number -> its place in `order`, if `moved`
        for place, query in enumerate(order) if moved else ():
            if query in self.numbers:
                at[self.numbers[query]] = place
        asks: dict = {"": [len(order), sys.byteorder]}  # what `seed_answers` checks the answers it reads against
        del answers, order
        for src_uri, page in self.asks.items():
            if src_uri not in self.pages:
                continue
            if moved:
                places = [at[number] for number in page]
                if -1 in places:
                    continue
                page = array("I", places)
            asks[src_uri] = page.tobytes().hex()
        self.memo["answers"].put("asks", asks)
        self.memo["reads"].carry(lambda src_uri: src_uri in self.asks and src_uri in self.pages)
        self.numbers, self.numbered, self.asks = {}, [], {}

    def reusable(self, pages: dict[str, tuple[str, str]]) -> set[str]:
        """Of `pages` ({src_uri: (key, output path under site_dir)}), those whose key is unchanged
        and whose HTML in the cache has the length and digest state.json gives it. Their HTML goes
        into the new pack now, so what `write_reused` copies into the site is what was checked."""
        self.pages = {src: list(page) for src, page in pages.items()}
        wanted = {page[1]: src for src, page in self.pages.items()
                  if page[0] and self.previous.get(src) == page and page[1] in self.packed}
        checked = set()
        old = cachefiles.open_file(self.folder / PACK) if wanted else None
        if old and 2 * sum(self.packed[dest][1] for dest in wanted) >= os.fstat(old.fileno()).st_size:
            self.pack = cachefiles.open_to_append(self.folder / PACK)
            self.appending = self.pack is not None
        for dest in sorted(wanted, key=lambda dest: self.packed[dest][0]) if old else ():  # as written
            offset, length, digest = self.packed[dest]
            old.seek(offset)
            data = old.read(length)
            if len(data) == length and cachefiles.page_digest(dest, data) == digest:
                if self.appending:  # where it is
                    self.packing[dest] = [offset, length, digest]
                    self._note_stamp(dest, data)
                else:
                    self._pack(dest, data, checked=digest)
                checked.add(wanted[dest])
        if old:
            old.close()
        if len(checked) < len(wanted):
            log.info(f"otkb: {len(wanted) - len(checked)} cached pages failed their check (length or digest): "
                     "built anew")
        self.reused = [self.pages[src][1] for src in sorted(checked)]
        return checked

    def keep(self, src_uri: str, dest_path: str, html: str) -> None:
        """Keep a page this build wrote, its stamp replaced by a mark; encoded as MkDocs writes it. It is
        keyed once every page is written (`key_pages`)."""
        self._pack(dest_path, *_unstamped(html.encode("utf-8", errors="xmlcharrefreplace")))
        self.written.append(src_uri)

    def key_pages(self, library) -> None:
        """Key each page this build wrote by what it read of `library` (its Markdown and its JSON-LD), and
        keep those reads for the next build. Done once every page is written, not as each is: the
        answers the keys are made of (66,000 at 10,000 records, worked out once for every page) are then
        made into the room the written pages' HTML left, and let go of just after (`keep_answers`);
        made page by page, they were spread among the pages' writing, and the build's peak rose
        with them (by about 10 MiB at 10,000 records)."""
        for src_uri in self.written:
            queries = self.reads.take(src_uri)  # let go of once the page is keyed
            self.pages[src_uri][0] = page_key(queries, library, self.base) if queries is not None else ""
            self.memo["reads"].put(src_uri, to_json(queries) if queries is not None else None)
            if queries is not None:
                self._number(src_uri, queries)
            else:
                self.asks.pop(src_uri, None)
        self.written = []

    def _pack(self, dest_path: str, *parts, checked: str = "") -> None:
        """Pack a page's bytes, given whole or in `parts` (`_unstamped`); `checked`: their page_digest,
        when known already."""
        pack = self._new_pack()
        self.packing[dest_path] = [pack.tell(), sum(map(len, parts)),
                                   checked or cachefiles.page_digest(dest_path, *parts)]
        self._note_stamp(dest_path, *parts)
        for part in parts:
            pack.write(part)

    def _note_stamp(self, dest_path: str, *parts) -> None:
        if len(parts) > 1 or _STAMP_MARK_BYTES in parts[0]:  # `_unstamped` cut it at the mark
            self.stamped.add(dest_path)

    def _new_pack(self):
        if self.pack is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.pack = cachefiles.open_new(self._pack_path())
        return self.pack

    def _pack_path(self) -> Path:
        return self.folder / (PACK if self.appending else PACK + ".new")

    def start_writing_reused(self, site_dir: Path, stamp_html: str) -> None:
        """Start copying the reused pages into the site in a process of its own (otkb.host.pagewriter),
        where a system can pass it the pack open (POSIX), while this one builds the other pages and
        writes the search index. `write_reused` waits for it; `stop_writing_reused` stops it when the
        build fails. `stamp_html` must be the stamp every page of the build prints."""
        if self.writer is not None or not self.reused or os.name != "posix":
            return
        self.pack.flush()
        pack = cachefiles.open_file(self._pack_path())
        if pack is None:
            return  # `write_reused` fails the build
        with pack:
            self.writer = subprocess.Popen([sys.executable, "-I", "-S", pagewriter.__file__, str(pack.fileno()),
                                            str(site_dir), str(os.getpid())], stdin=subprocess.PIPE,
                                           pass_fds=[pack.fileno()])
        with self.writer.stdin as order:
            order.write(json.dumps({"stamp": stamp_html, "mark": _STAMP_MARK, "pages": self._reused_pages()}
                                   ).encode("utf-8"))

    def write_reused(self, site_dir: Path, stamp_html: str) -> None:
        """Copy the reused pages (checked and packed anew by `reusable`) into the site, with this
        build's stamp, or wait for the process that does (`start_writing_reused`)."""
        if self.writer is not None:
            status, self.writer = self.writer.wait(), None
            if status != 0:
                raise OSError(f"otkb: the pages copied from the cache could not all be written into {site_dir}")
        elif self.reused:
            self.pack.flush()
            with cachefiles.open_file(self._pack_path()) as pack:  # the build fails if it went
                pagewriter.write_pages(pack, site_dir, stamp_html.encode("utf-8", errors="xmlcharrefreplace"),
                                       _STAMP_MARK_BYTES, self._reused_pages())

    def _reused_pages(self) -> list[list]:
        """[output path, offset, length] in the pack of each reused page, for otkb.host.pagewriter."""
        return [[dest, *self.packing[dest][:2]] for dest in self.reused]

    def stop_writing_reused(self) -> None:
        """The build failed: stop the process writing the reused pages, before its folder goes."""
        if self.writer is not None:
            self.writer.kill()
            self.writer.wait()
            self.writer = None

    def card(self, record: str, shown: str, make) -> str:
        """A card's meta, what it shows under its summary (render._card_renderer): the last build's for the
        same `record` (its id and digest), what the card shows besides (`shown`) and this build's base key
        (the topic vocabulary and the templates), else `make()`'s. A title edit rebuilds every topic page
        that lists the record: at 10,000 records that was about 5,700 cards rendered again."""
        if not self.base:  # before drop_unchanged_pages worked the base key out: not kept
            return str(make())
        return self.memo["cards"].get(f"{record} {digest(self.base + shown)}", lambda: str(make()))

    def admin_choices(self) -> dict:
        """The web editor's choices as the last build dumped them, each by its label, value and column
        (otkb.site.admin.config_file's `items`): only new or changed ones are dumped again (at 10,000
        records, dumping 11,000 took 0.2 CPU s)."""
        return _Used({(label, value, column): text
                      for label, value, column, text in self.memo["admin"].take("choices") or ()})

    def keep_choices_and_rows(self, choices: "_Used") -> None:
        """Keep for the next build the choices this build's web editor configuration holds
        (`admin_choices`) and the finder's rows (`finder_rows`)."""
        self.memo["admin"].put_list("choices", ([*key, choices[key]] for key in choices.used
                                                if len(key) == 3 and isinstance(choices[key], str)))
        self.memo["finder"].put("rows", finder.rows_made())

    def finder_rows(self, library) -> None:
        """Give the activity finder the last build's rows (otkb.site.finder.start_from), if it had the same
        topics and templates: only those of changed activities, and of those naming a changed
        record, are made again."""
        rows = self.memo["finder"].take("rows")
        if rows is not None and self.last_records:
            unchanged = {rid: None for rid in self.last_records.keys() - library.records.keys()}
            for rid, record in library.records.items():
                last = self.last_records.get(rid)
                if last is not None and last[0] == record.digest:
                    unchanged[rid] = record
            finder.start_from(library, unchanged, rows)

    def carry_cards(self, library) -> None:
        """Keep for the next build the last build's cards this one did not ask for (those of pages it
        reused), of the records the library still holds with the same content."""
        current = {f"{r.id}|{r.digest}" for r in library.records.values()}
        self.memo["cards"].carry(lambda key: key.split(" ", 1)[0] in current)

    def page_keys(self) -> dict[str, str]:
        """{output path: the digest of its packed bytes} for every page packed (built or reused) with
        the build stamp's mark: the link check's memo keys, so it need not read 10,000 pages to digest
        them. The packed bytes leave the stamp out, and so does the link check's scan of a page with a
        key: a new commit's stamp changes every page, but none of the links a page had besides."""
        return {dest: f"packed {entry[2]}" for dest, entry in self.packing.items() if dest in self.stamped}

    def _keep_memo(self, table: str, key: str, blob: bytes) -> None:
        """Write one memo value: the file starts with `fingerprint` on its line, then for each value a
        line [table, key, length] and its `length` bytes (compressed JSON)."""
        self._memo_file().write(json.dumps([table, key, len(blob)]).encode("utf-8") + b"\n" + blob)

    def _memo_file(self):
        if self.memo_file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.memo_file = cachefiles.open_new(self.folder / (MEMO + ".new"))
            self.memo_file.write(json.dumps(self.fingerprint).encode("utf-8") + b"\n")
        return self.memo_file

    def set_records_aside(self) -> None:
        """Write the parsed records (for the next build) and let go of them: held to the end of a
        10,000-record build they cost a few hundred MB. `commit` puts the file in place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._dump_records(self.folder / (RECORDS + ".new"))
        self.records = None

    def _dump_records(self, path: Path) -> None:
        """Write the parsed records to `path`, copying the lines of unchanged files from the records
        file read (RecordCache.dump), if it still has the digest it was read with."""
        path.unlink(missing_ok=True)  # never written through a link
        previous = cachefiles.open_checked(self.folder / RECORDS, self.records_read) if path.name != RECORDS else None
        try:
            self.records.dump(path, self.fingerprint, previous)
        finally:
            if previous is not None:
                previous.close()
        self.records_digest = cachefiles.file_digest(path)

    def commit(self) -> None:
        """The build succeeded: put the new pack and records in place, and record the keys and the
        pages' and records' digests in the sealed index."""
        self._new_pack().close()
        if not self.appending:
            (self.folder / (PACK + ".new")).replace(self.folder / PACK)
        shutil.rmtree(self.folder / "pages", ignore_errors=True)  # one file a page, before the pack
        (self.folder / OLD_SCANS).unlink(missing_ok=True)
        if self.records is not None:
            self._dump_records(self.folder / RECORDS)
        else:
            (self.folder / (RECORDS + ".new")).replace(self.folder / RECORDS)
        self._memo_file().close()
        (self.folder / (MEMO + ".new")).replace(self.folder / MEMO)
        state = {"fingerprint": self.fingerprint, "pages": self.pages, "packed": self.packing,
                 "records": self.records_digest, "memo": cachefiles.file_digest(self.folder / MEMO)}
        with cachefiles.open_new(self.folder / STATE) as out:
            out.write(cachefiles.seal(json.dumps(state).encode("utf-8")))


class _Used(dict):
    """A dict that notes the keys read from it with `[]` (`used`)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.used: set = set()

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.used.add(key)
        return value


def _record_table(library, last: dict[str, list]) -> dict[str, list]:
    """{id: [its digest, its kind, the ids of the records and topics it names]} of every record: what
    `_touched` needs of the last build's library. A record with the digest and kind it had in `last`
    (the last build's table, with the same topics) keeps its entry: what it names is in its content."""
    table = {}
    for rid, record in library.records.items():
        kept = last.get(rid)
        table[rid] = (kept if kept is not None and kept[:2] == [record.digest, record.kind]
                      else [record.digest, record.kind, library.topics_of(record) + named_by(record)])
    return table


def _touched(last: dict[str, list], table: dict[str, list], library) -> tuple[set[str], set[str]]:
    """reads.touched_by from the last build's `_record_table` (`last`) to `library` (whose table is
    `table`): the ids of the records changed, added or removed, with the records and topics each
    names in either build and the records naming it; and their kinds. The records that named one in
    the last build name it still (`naming`) or changed themselves."""
    touched, kinds = set(), set()
    for rid in last.keys() | table.keys():
        old, new = last.get(rid), table.get(rid)
        if old is not None and new is not None and old[0] == new[0]:
            continue
        touched.add(rid)
        for entry in (old, new):
            if entry is not None:
                kinds.add(entry[1])
                touched.update(entry[2])
        touched.update(record.id for record in naming(library, rid))
    return touched, kinds


def sitemap_pages(files: list, config) -> list:
    """Every page file for the sitemap, the ones copied from the cache too: MkDocs lists only pages
    it built, so each copied one gets a `Page` (MkDocs' own constructor, which sets `file.page`)."""
    for file in files:
        if file.page is None:
            Page(None, file, config)
    return files


def stamp_of(html: str) -> str:
    """The build stamp's HTML in a finished page ('' when the page has none)."""
    start = html.rfind(_STAMP_OPEN)
    return html[start: html.index("</div>", start) + 6] if start >= 0 else ""


def _unstamped(data: bytes) -> tuple:
    """A finished page's bytes with the build stamp replaced by its mark, in parts: views of `data`
    around the mark, not a copy (at 10,000 records the last pages written are of 1 to 1.7 MB, and
    their copies were the peak of the build that writes the cache)."""
    start = data.rfind(_STAMP_OPEN_BYTES)
    if start < 0:
        return (data,)
    view = memoryview(data)
    return view[:start], _STAMP_MARK_BYTES, view[data.index(b"</div>", start) + 6:]


def _read_state(path: Path) -> dict:
    """The index of the previous build: {} when there is none, or (with a line in the log) when it
    fails its checksum or is not what `commit` writes."""
    data = cachefiles.read_file(path)
    if data is None:
        return {}
    body = cachefiles.unseal(data)
    try:
        state = json.loads(body) if body is not None else None
        if _well_formed(state):
            return state
    except (ValueError, TypeError):
        pass
    log.info(f"otkb: the warm cache's index ({path}) failed its check: every page is built cold")
    return {}


def _well_formed(state) -> bool:
    return (isinstance(state, dict) and isinstance(state.get("fingerprint"), str)
            and isinstance(state.get("records"), str) and isinstance(state.get("pages"), dict)
            and isinstance(state.get("memo", ""), str)
            and isinstance(state.get("packed"), dict)
            and all(isinstance(page, list) and len(page) == 2 and all(isinstance(v, str) for v in page)
                    for page in state["pages"].values())
            and all(isinstance(entry, list) and len(entry) == 3 and type(entry[0]) is int and type(entry[1]) is int
                    and entry[0] >= 0 and entry[1] >= 0 and isinstance(entry[2], str)
                    for entry in state["packed"].values()))


def _read_records(path: Path, fingerprint: str, expected: str | None) -> RecordCache:
    """The last build's parsed files, if the file has the digest the index gives it (a line in the
    log when it has not: every record is read again)."""
    if expected is None:
        return RecordCache()
    file, check = cachefiles.open_file(path), cachefiles.hasher()
    if file is not None:  # parsed while read (the whole file at once would double its memory), checked after
        with file:
            lines = cachefiles.checked_lines(file, check)
            records = RecordCache.from_lines(lines, fingerprint)
            for _ in lines:  # the rest, if parsing stopped early
                pass
        if check.hexdigest() == expected:
            return records
    log.info(f"otkb: the warm cache's parsed records ({path}) failed their check: every file is read again")
    return RecordCache()


def _read_memo(path: Path, fingerprint: str, expected: str | None) -> dict[str, dict[str, bytes]]:
    """What `PageCache._keep_memo` wrote ({table: {key: compressed JSON}}; of a key written twice, the
    later value), if the file has the digest the index gives it and the same `fingerprint` (a line in the log when it has not: {}, and what it held is
    worked out again)."""
    if expected is None:
        return {}
    data = cachefiles.read_file(path)
    if data is not None and cachefiles.digest(data) == expected:
        tables: dict[str, dict[str, bytes]] = {}
        try:
            at = data.index(b"\n") + 1
            if json.loads(data[:at]) == fingerprint:
                while at < len(data):
                    end = data.index(b"\n", at) + 1
                    table, key, length = json_value(data[at:end])
                    tables.setdefault(table, {})[key] = data[end:end + length]
                    at = end + length
            return tables
        except (ValueError, TypeError):
            pass
    log.info(f"otkb: the warm cache's {path.name} failed its check: what it held is worked out again")
    return {}

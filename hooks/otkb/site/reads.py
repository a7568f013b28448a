"""Pages know what they read: the library as templates see it, noting each page's queries.

A page is rendered from the `Library` (otkb.content.link) through a
`LibraryView`, which answers as the library does and notes each query in
`Reads`: a method with its arguments (`of_kind('activities')`,
`targets(<a record>, 'supports')`), a mapping's entry (`records['research/x']`,
`by_topic['grasp']`) or a whole mapping. A page's key is the digest of the
answers to its queries, asked again of the current library: when every
answer is unchanged, so is the page. An answer counts whole (every record in
it, by address and content digest), since what a page shows may hang on what
is absent (a listing's count, the record after it). Answers are worked out
once per library (`answer_digest`), so 10,000 pages asking the same listing
cost one digest.

The warm build (otkb.host.warm) and the preview (otkb.host.incremental) key
pages on `page_key`. The topic vocabulary and the templates are in every
key (`base_key`): every page may show a topic's name.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from ..content.cache import compressed, decompressed
from ..content.digest import digest
from ..content.kinds import KINDS
from ..content.link import named_by, naming
from ..content.validate import Record

MAPPINGS = ("records", "related", "by_topic", "linked_from", "supported_by")
"""The Library's mappings a page reads by key; any other attribute that is not a method (the topics,
which every key holds, the search words) is handed out as it is."""


class Reads:
    """The queries each page asked of the library, in the order asked: {src_uri: {query: None}}.

    A query is a tuple of its name and its arguments; a record argument is `(its id,)`."""

    def __init__(self, pages: dict[str, dict] | None = None, packed: bool = False) -> None:
        self.pages: dict[str, dict[tuple, None] | bytes] = pages or {}
        self.current: dict[tuple, None] | None = None  # the queries of the page being rendered
        self.extended: set[str] = set()  # pages whose HTML read more than their Markdown (JSON-LD)
        # Each page's queries held as compressed JSON between its pages' renders (`take` gives them
        # back): a one-off build that writes the cache holds every page's from its Markdown to its
        # writing, since MkDocs converts every page before it writes any (25 MB as tuples at 10,000
        # pages, about 3 packed).
        self.packed = packed

    @contextmanager
    def page(self, src_uri: str, fresh: bool = True):
        """Note the queries asked inside this block as `src_uri`'s; `fresh`: forget what it read before
        (it is rendered again), else add to it (its JSON-LD, made after its Markdown)."""
        outer = self.current
        if fresh:
            self.current = {}
        else:  # added to what it asked before: in place, unless packed
            self.extended.add(src_uri)
            self.current = (self.take(src_uri) or {}) if self.packed else self.pages.setdefault(src_uri, {})
        try:
            yield
            self.pages[src_uri] = compressed(to_json(self.current)) if self.packed else self.current
        finally:
            self.current = outer

    def take(self, src_uri: str) -> dict[tuple, None] | None:
        """The page's queries (None if it asked none yet), no longer held here."""
        queries = self.pages.pop(src_uri, None)
        return from_json(decompressed(queries)) if isinstance(queries, bytes) else queries

    @contextmanager
    def paused(self):
        """Note nothing inside this block (a card: the page notes what the card is keyed by instead)."""
        outer, self.current = self.current, None
        try:
            yield
        finally:
            self.current = outer

    def note(self, query: tuple) -> None:
        if self.current is not None:
            self.current[query] = None


def to_json(queries: dict[tuple, None]) -> list:
    return [list(q) for q in queries]


def from_json(queries: list) -> dict[tuple, None]:
    """A page's queries as `to_json` wrote them."""
    return {tuple(tuple(a) if isinstance(a, list) else a for a in q): None for q in queries}


class LibraryView:
    """The library, noting in `reads` each query a page asks of it."""

    def __init__(self, library, reads: Reads) -> None:
        self._library, self._reads = library, reads
        self._memo = _NotedMemo(library.derived, reads)

    def __getattr__(self, name: str):
        """The library's attribute as the view hands it out; a mapping or a method is handed out the
        same way every time, so it is kept on the view (Python asks here only for what the view lacks):
        a topic page at 10,000 records asks `evidence_of` of 1,800 cards."""
        value = getattr(self._library, name)
        if name == "derived":
            return self._memo
        if name in MAPPINGS:
            value = _NotedMapping(value, name, self._reads)
        elif callable(value):
            value = self._noted(name, value)
        else:
            return value
        setattr(self, name, value)
        return value

    def _noted(self, name: str, method):
        note = self._reads.note

        def asked(*args):
            note((name, *map(_argument, args)))
            return method(*map(_unwrap, args))
        return asked

    @property
    def reads(self) -> Reads:
        return self._reads


class _NotedMemo:
    """A helper's memo of values it works out once per library (`Library.derived`: the finder's
    index), as a page sees it: a value worked out through a view keeps the queries it asked, and a
    page that finds it notes them. Of one worked out without a view (the finder's data files, made
    first) the page notes every record: what a library holds comes from its records and its topics,
    which every key holds. Helpers use it as `if key in derived: return derived[key]` ...
    `derived[key] = value`."""

    def __init__(self, derived: dict, reads: Reads) -> None:
        self._derived, self._asked = derived, derived.setdefault("asked", {})
        self._reads, self._outer = reads, {}

    def __contains__(self, key) -> bool:
        if key in self._derived:
            for query in self._asked.get(key, [("records",)]):
                self._reads.note(query)
            return True
        self._outer[key], self._reads.current = self._reads.current, {}  # note what working it out asks
        return False

    def __getitem__(self, key):
        return self._derived[key]

    def __setitem__(self, key, value) -> None:
        asked, self._reads.current = self._reads.current, self._outer.pop(key)
        for query in asked:
            self._reads.note(query)
        self._asked[key], self._derived[key] = tuple(asked), value


class _NotedMapping:
    """A mapping of the library (`records`, `related` ...): each entry read is a query, and so is
    reading it whole."""

    def __init__(self, mapping: dict, name: str, reads: Reads) -> None:
        self._mapping, self._name, self._reads = mapping, name, reads

    def get(self, key, default=None):
        self._reads.note((self._name, key))
        return self._mapping.get(key, default)

    def __getitem__(self, key):
        self._reads.note((self._name, key))
        return self._mapping[key]

    def __contains__(self, key) -> bool:
        self._reads.note((self._name, key))
        return key in self._mapping

    def _whole(self) -> dict:
        self._reads.note((self._name,))
        return self._mapping

    def __iter__(self):
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self):
        return self._whole().keys()

    def values(self):
        return self._whole().values()

    def items(self):
        return self._whole().items()


def _argument(value):
    return (value.id,) if isinstance(value, Record) else value


def _unwrap(value):
    return value._library if isinstance(value, LibraryView) else value


def answer_digest(library, query: tuple) -> str:
    """The digest of `query`'s answer from `library`, worked out once per library, or the last
    library's (`kept_answers`: `mkdocs serve` hands over those an edit cannot change, Incremental.stale)."""
    answers = library.derived.setdefault("answers", {})
    if query in answers:
        return answers[query]
    kept = library.derived.get("kept_answers", {})
    if query in kept:
        return kept[query]
    answer = answers[_interned(query)] = digest(_shape(_ask(library, query)))
    return answer


def _interned(query: tuple) -> tuple:
    """`query` with its names and ids interned: a build that writes the cache holds the answers to
    every query the pages asked until the last page is keyed (66,000 at 10,000 records), and their
    queries name the same records, kinds and relations (a third of the answers' memory)."""
    return tuple(sys.intern(a) if type(a) is str else
                 tuple(sys.intern(x) if type(x) is str else x for x in a) if type(a) is tuple else a for a in query)


_GONE = object()  # a record named by a query is no longer in the library


def _ask(library, query: tuple):
    name, *args = query
    if name in MAPPINGS:
        mapping = getattr(library, name)
        return mapping if not args else mapping.get(args[0], _GONE)
    values = []
    for arg in args:
        if isinstance(arg, tuple):
            arg = library.records.get(arg[0], _GONE)
            if arg is _GONE:
                return _GONE
        values.append(arg)
    return getattr(library, name)(*values)


def _shape(value) -> str:
    """An answer as text: records by id (their address) and content digest, containers item by item."""
    if isinstance(value, Record):
        return f"{value.id}={value.digest}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(_shape, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{key!r}:{_shape(item)}" for key, item in value.items()) + "}"
    return "<gone>" if value is _GONE else repr(value)


def base_key(library, templates: Path) -> str:
    """What every page may show besides its queries' answers: the topic vocabulary and the templates.
    Worked out once per build: serve keeps an unchanged library while a template is edited."""
    if "topics_key" not in library.derived:
        library.derived["topics_key"] = digest(repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items())))
    return digest(library.derived["topics_key"]
                  + "".join(p.name + digest(p.read_text(encoding="utf-8")) for p in sorted(templates.rglob("*.j2"))))


def page_key(queries, library, base: str) -> str:
    """A page's key: the digest of `base` (`base_key`) and of its `queries`' answers from `library`."""
    answers = library.derived.setdefault("answers", {})
    return digest(base + "".join(answers[q] if q in answers else answer_digest(library, q) for q in queries))


# What an edit of records can change in a query's answer (`may_change`), by the query's name: the
# answers of the queries below hang on the records, topics and kinds their arguments name, and on
# nothing else but the topic vocabulary (which every key holds, `base_key`). A query of any other
# name (a whole mapping, `linked_from` by relation) may change with any edit.
BY_ARGUMENTS = frozenset({"records", "related", "by_topic", "supported_by", "targets", "backlinks", "topics_of",
                          "evidence_of", "supports_of", "tested_level", "broader"})
OF_A_KIND = frozenset({"of_kind", "count_of", "of_kind_between", "reviewed_span",  # the kind's records
                       "initials", "of_initial_between", "pages_of_initial"})
BESIDE = "beside"  # the records of its record's kind
BY_AGE = frozenset({"shown_by_age", "activities_for", "activities_by_area", "milestones_for"})  # and the kind it shows


def touched_by(before, after) -> tuple[set[str], set[str]]:
    """What an edit from library `before` to `after` touched: (the ids of the records it changed,
    added or removed, with every record and topic one of them names or is named by, in either
    library; the kinds of those records). A query that names none of these ids (`may_change`) has
    the same answer from both: a record that changed shows in an answer only through a record it
    names or is named by (an activity's card shows its studies' evidence), through its topics, or
    through its kind's lists."""
    touched, kinds = set(), set()
    for rid in before.records.keys() | after.records.keys():
        old, new = before.records.get(rid), after.records.get(rid)
        if old is new or (old is not None and new is not None and old.digest == new.digest):
            continue
        touched.add(rid)
        for library, record in ((before, old), (after, new)):
            if record is not None:
                kinds.add(record.kind)
                touched.update(library.topics_of(record), named_by(record), (r.id for r in naming(library, rid)))
    return touched, kinds


def named_in(query: tuple) -> list[str]:
    """The ids (and other names) a query's arguments name."""
    return [arg[0] if isinstance(arg, tuple) else arg for arg in query[1:] if isinstance(arg, (str, tuple))]


def may_change(query: tuple, touched: set[str], kinds: set[str]) -> bool:
    """Whether `query`'s answer may differ after an edit that touched `touched` and `kinds` (`touched_by`)."""
    if not touched.isdisjoint(named_in(query)):
        return True
    kind = kind_it_hangs_on(query)
    return kind is ANY_KIND or kind in kinds


ANY_KIND = "*"
"""`kind_it_hangs_on`: an edit of any kind may change the answer."""


def kind_it_hangs_on(query: tuple) -> str | None:
    """The kind an edit that touches no record `query` names must touch to change its answer
    (`may_change`): ANY_KIND for any edit, None for none (its answer hangs on what it names only)."""
    name, *args = query
    if name in OF_A_KIND:
        return args[0] if args else ANY_KIND  # reviewed_span(): every record's
    if name == BESIDE:  # (None, None) for a kind whose pages do not step through it, whatever the edit
        kind = _kind_of_id(named_in(query)[0])
        return kind if KINDS[kind].steps_through else None
    if name in BY_AGE:
        match = KINDS[_kind_of_id(named_in(query)[0])].shows_by_age
        return ANY_KIND if match is None else match.kind
    return ANY_KIND if name not in BY_ARGUMENTS or not args else None  # `records` read whole: every record's


def _kind_of_id(rid: str) -> str:
    return rid.split("/", 1)[0]  # a record's id is its kind's folder and its slug

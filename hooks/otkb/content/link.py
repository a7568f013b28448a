"""Link: resolve references between records (each kind's declared relations) and topic ids into
objects, with backlinks.

An unknown id is an error naming the line and the nearest known ids.
`related` is shown both ways; the target of any other relation lists the
records that point at it (a research card, the activities whose `supports`
or `background` cite it). `supports` only takes studies that tested an
approach: a card that asked another question there is an error.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

from .errors import RecordError
from .evidence import evidence_errors, evidence_key
from .kinds import KINDS, ids_in, kind_of, relations_of
from .notes import cited_cards, marker_errors
from .models import QUESTIONS, ResearchCard, SearchWords, Topic, age_span, evidence_level
from .load import RawRecord
from .validate import Record, position, suggest


@dataclass
class Library:
    """Every valid record and topic, with the links between them."""

    records: dict[str, Record]
    topics: dict[str, Topic]
    related: dict[str, list[Record]] = field(default_factory=dict)
    linked_from: dict[str, dict[str, list[Record]]] = field(default_factory=dict)
    """{relation field: {target id: the records whose field names it}}, for relations other than
    `related`."""
    by_topic: dict[str, dict[str, list[Record]]] = field(default_factory=dict)
    _of_kind: dict[str, list[Record]] = field(default_factory=dict, repr=False)
    search_words: SearchWords = field(default_factory=SearchWords)
    """`data/search.yml`: age words and words search leaves out."""
    derived: dict = field(default_factory=dict, repr=False)
    """What later stages work out once from the whole library (the finder's index)."""

    def of_kind(self, kind: str) -> list[Record]:
        """The kind's records in order; sorted once (each activity page asks for the milestones)."""
        if kind not in self._of_kind:
            self._of_kind[kind] = sorted((r for r in self.records.values() if r.kind == kind), key=kind_key)
        return list(self._of_kind[kind])

    def count_of(self, kind: str) -> int:
        """How many records of the kind there are (what a listing's pages say)."""
        return len(self._kind(kind))

    def of_kind_between(self, kind: str, start: int, stop: int) -> list[Record]:
        """The kind's records from `start` to `stop` in order: a listing's page, which shows no other."""
        return self._kind(kind)[start:stop]

    def initials(self, kind: str) -> tuple[str, ...]:
        """The first letters of the kind's titles (`initial`), "#" first, then A to Z: the pages of a
        long listing. A page that shows only these changes only when a letter gains its first record or
        loses its last."""
        return tuple(self._by_initial(kind))

    def of_initial_between(self, kind: str, initial: str, start: int, stop: int) -> list[Record]:
        """The kind's records whose title starts with `initial`, from `start` to `stop` in order: a page
        of a long listing, which a title edit elsewhere in the alphabet leaves as it was."""
        return self._by_initial(kind).get(initial, [])[start:stop]

    def pages_of_initial(self, kind: str, initial: str, size: int) -> int:
        """How many pages of `size` records the letter's records fill (what its pages' pager shows)."""
        return -(-len(self._by_initial(kind).get(initial, [])) // size)

    def _by_initial(self, kind: str) -> dict[str, list[Record]]:
        groups = self.derived.setdefault("by_initial", {})
        if kind not in groups:
            by_initial: dict[str, list[Record]] = {}
            for record in self._kind(kind):
                by_initial.setdefault(initial(record.title), []).append(record)
            groups[kind] = {letter: by_initial[letter] for letter in sorted(by_initial)}  # "#" sorts first
        return groups[kind]

    def reviewed_span(self, kind: str | None = None) -> tuple | None:
        """The earliest and latest review dates of the kind's records (of every record without a
        `kind`); None when there are none. Worked out once per library: each of a listing's 160 pages asks."""
        spans = self.derived.setdefault("reviewed_span", {})
        if kind not in spans:
            spans[kind] = review_span(self._kind(kind) if kind else self.records.values())
        return spans[kind]

    def _kind(self, kind: str) -> list[Record]:
        if kind not in self._of_kind:
            self.of_kind(kind)
        return self._of_kind[kind]

    def beside(self, record: Record) -> tuple[Record | None, Record | None]:
        """The records before and after `record` in its kind's order, for a kind whose pages step
        through it (`Kind.steps_through`: the milestones' ages); (None, None) for other kinds."""
        if not KINDS[record.kind].steps_through:
            return None, None
        records = self.of_kind(record.kind)
        i = records.index(record)
        return (records[i - 1] if i > 0 else None), (records[i + 1] if i + 1 < len(records) else None)

    def topics_of(self, record: Record) -> list[str]:
        """The record's topic ids; an activity's skills count too."""
        ids = []
        for name in KINDS[record.kind].topic_fields:
            ids += [t for t in getattr(record.data, name) if t not in ids]
        return ids

    def targets(self, record: Record, relation: str) -> list[Record]:
        """The records that `record`'s field `relation` names (empty for a kind without it)."""
        return [self.records[ref] for ref in dict.fromkeys(ids_in(record.data, relation))]

    def backlinks(self, relation: str, record: Record | str) -> list[Record]:
        """The records whose field `relation` names `record` (a record or its id)."""
        return self.linked_from.get(relation, {}).get(getattr(record, "id", record), [])

    def broader(self, topic_id: str) -> list[str]:
        """The topic and every broader topic above it: `grasp`, `fine-motor`."""
        ids = []
        while topic_id and topic_id not in ids:
            ids.append(topic_id)
            topic_id = self.topics[topic_id].parent
        return ids

    def shown_by_age(self, record: Record) -> list[Record]:
        """The records of the kind `record`'s kind shows by age (`Kind.shows_by_age`) whose ages
        overlap its own, and, where the kind asks, whose skills (or the broader topics above them)
        share an area with its skills: a milestone checklist's activities, an activity's checklists."""
        match, own = KINDS[record.kind].shows_by_age, age_span(record.data)
        if match is None or own is None:
            return []
        youngest, oldest = own
        areas = set(record.data.skills) if match.same_skill_area else None
        return [other for other in self.of_kind(match.kind)
                if (span := age_span(other.data)) and span[0] <= oldest and youngest <= span[1]
                and (areas is None or any(areas.intersection(self.broader(s)) for s in other.data.skills))]

    def activities_for(self, milestone: Record) -> list[Record]:
        """The activities a milestone checklist shows (`shown_by_age`)."""
        return self.shown_by_age(milestone)

    def activities_by_area(self, milestone: Record) -> dict[str, list[Record]]:
        """`activities_for` split by the milestone's skill areas (an activity can serve several), in the
        page's order of areas: what the checklist suggests for the areas a parent has not ticked yet."""
        activities = self.activities_for(milestone)
        return {area: [a for a in activities if any(area in self.broader(s) for s in a.data.skills)]
                for area, _ in milestone.data.areas()}

    def milestones_for(self, activity: Record) -> list[Record]:
        """The milestone checklists for the ages an activity suits (`shown_by_age`)."""
        return self.shown_by_age(activity)

    def evidence_of(self, record: Record) -> str:
        """What the record's card shows from the studies it cites (evidence.evidence_key)."""
        return evidence_key(record, self.records)

    def supports_of(self, record: Record) -> list[Record]:
        return self.targets(record, "supports")

    def tested_level(self, record: Record) -> tuple[int, str] | None:
        """The strongest evidence level among the studies that tested this activity (None: untested)."""
        levels = [level for card in self.targets(record, "supports") if (level := evidence_level(card.data))]
        return min(levels, default=None)

    @property
    def supported_by(self) -> dict[str, list[Record]]:
        return self.linked_from.get("supports", {})


def review_span(records) -> tuple | None:
    """The earliest and latest review dates of `records`; None when there are none."""
    dates = [r.data.reviewed for r in records]
    return (min(dates), max(dates)) if dates else None


def initial(title: str) -> str:
    """The letter a title is listed under: its first letter or digit without accents, in capitals
    ("Élan" under E, "'Tummy time'" under T); "#" for a digit or any other script."""
    for char in unicodedata.normalize("NFKD", title):
        if char.isalnum():
            return char.upper() if char.isascii() and char.isalpha() else "#"
    return "#"


def sort_key(record: Record):
    return (record.title.casefold(), record.slug)


def kind_key(record: Record):
    """Records of one kind in the order of its `order_by` field (milestones by age), else by title."""
    order = KINDS[record.kind].order_by
    return (getattr(record.data, order), *sort_key(record)) if order else sort_key(record)


def link_records(records: list[Record], topics: dict[str, Topic], invalid_ids: frozenset[str] = frozenset(),
                 unvalidated: tuple[Unvalidated, ...] = (), previous: Library | None = None,
                 ) -> tuple[Library, list[RecordError]]:
    """`invalid_ids`: records and topics that exist but failed validation; a reference to one is
    not reported as unknown (its own errors say what is wrong). `unvalidated`: those records, whose
    references are checked too, so an editor sees every problem in one run. `previous`: a library
    linked without errors before (`mkdocs serve`'s last check), whose unchanged records (the same
    objects) need not be checked again (`_errors_since`)."""
    library = Library({r.id: r for r in records}, topics)
    if previous is not None and (invalid_ids or unvalidated or previous.topics != topics):
        previous = None
    changed = _changed_since(previous, library) if previous is not None else {}
    if previous is not None:
        errors = _errors_since(previous, library, changed)
    else:
        errors = _link_errors(records, records, library, invalid_ids, unvalidated)
    if errors or invalid_ids:  # links to an invalid record cannot be made
        return library, errors
    if previous is not None and len(changed) <= max(len(records) // 10, 100):
        _link_since(previous, library, changed)
        return library, errors
    for record in sorted(records, key=lambda r: r.id):
        for ref in record.data.related:
            _add_once(library.related, record.id, library.records[ref])
            _add_once(library.related, ref, record)
        for field_name, refs in _backlinked(record).items():
            for ref in refs:
                _add_once(library.linked_from.setdefault(field_name, {}), ref, record)
        for topic_id in library.topics_of(record):
            library.by_topic.setdefault(topic_id, {k: [] for k in KINDS})[record.kind].append(record)
    for links in library.related.values():
        links.sort(key=_related_key)
    for index in library.linked_from.values():
        for links in index.values():
            links.sort(key=_backlink_key)
    for groups in library.by_topic.values():
        for group in groups.values():
            group.sort(key=kind_key)
    return library, errors


def _backlinked(record: Record) -> dict[str, list[str]]:
    """{`linked_from` index: the ids `record` adds to it}: each relation of its kind but `related`, and
    the cards an article cites (`cited_by`: a card an article cites is not an orphan)."""
    return {**{relation.field: ids_in(record.data, relation.field) for relation in KINDS[record.kind].relations},
            "cited_by": cited_cards(record)}


def _related_key(record: Record):
    return *sort_key(record), record.kind  # two kinds' records may share a title and a slug


def _backlink_key(record: Record):
    return record.kind, kind_key(record)  # grouped by kind, each in its own order


def _changed_since(previous: Library, library: Library) -> dict[str, Record]:
    """{id: record} of `library`'s records that are not `previous`'s (changed or added)."""
    return {r.id: r for r in library.records.values() if previous.records.get(r.id) is not r}


def _link_since(previous: Library, library: Library, changed: dict[str, Record]) -> None:
    """Link `library` as `link_records` would from scratch, from `previous` (with the same topics, linked
    without errors) and the records `changed` (or added) since: only the entries naming a record
    changed, added or removed, or holding one, are worked out again. At 10,000 records linking
    everything took 0.3 s of each preview. The work grows with the changes times the entries they
    touch, so a change of more than a tenth of the records (and more than 100) is linked from scratch. The mappings
    are copied, never changed in place: the last library stays as it was."""
    edited = [*changed, *(previous.records.keys() - library.records.keys())]
    versions = [r for rid in edited for r in (previous.records.get(rid), changed.get(rid)) if r is not None]
    library.related = dict(previous.related)
    keys = set(edited) | {ref for r in versions for ref in r.data.related}
    keys.update(r.id for rid in edited for r in previous.related.get(rid, ()))
    for key in keys:  # `related` goes both ways: a record's entry holds every record naming it or named by it
        own = library.records.get(key)
        members = {r.id for r in previous.related.get(key, ())} | changed.keys()
        members = {rid for rid in members if rid in library.records and key in library.records[rid].data.related}
        members.update(own.data.related if own is not None else ())
        _set_entry(library.related, key, members - {key}, library, _related_key)
    indexes = {name: dict(index) for name, index in previous.linked_from.items()}
    for record in versions:
        for name, refs in _backlinked(record).items():
            for ref in refs:
                index = indexes.setdefault(name, {})
                members = {r.id for r in index.get(ref, ())} | changed.keys()
                members = {rid for rid in members if rid in library.records
                           and ref in _backlinked(library.records[rid]).get(name, ())}
                _set_entry(index, ref, members - {ref}, library, _backlink_key)
    library.linked_from = {name: index for name, index in indexes.items() if index}
    library.by_topic = {topic_id: dict(groups) for topic_id, groups in previous.by_topic.items()}
    for record in versions:
        for topic_id in previous.topics_of(record):
            groups = library.by_topic.setdefault(topic_id, {k: [] for k in KINDS})
            groups[record.kind] = _placed(groups[record.kind], changed, library, record.kind,
                                          lambda new: topic_id in library.topics_of(new))
            if not any(groups.values()):
                del library.by_topic[topic_id]
    for kind, ordered in previous._of_kind.items():  # each kind's order, sorted once per save before
        library._of_kind[kind] = _placed(ordered, changed, library, kind)


def _placed(ordered: list[Record], changed: dict[str, Record], library: Library, kind: str,
            belongs=lambda record: True) -> list[Record]:
    """`ordered` (records of `kind` in `kind_key` order, from the last library) with the records
    `changed` since in their places: the others keep their order, and keys are unique within a kind,
    so this is what sorting again gives (a kind or a topic's group holds thousands: sorting them again
    was most of linking a save)."""
    placed = [r for r in ordered if r.id not in changed and r.id in library.records]
    for new in changed.values():
        if new.kind == kind and belongs(new):
            bisect.insort(placed, new, key=kind_key)
    return placed


def _set_entry(index: dict[str, list[Record]], key: str, ids: set[str], library: Library, order) -> None:
    """Set `index[key]` to the records `ids`, in `order`; no entry when there are none (as linking from
    scratch leaves none)."""
    if ids:
        index[key] = sorted((library.records[rid] for rid in ids), key=order)
    else:
        index.pop(key, None)


def _link_errors(records: list[Record], checked: list[Record], library: Library, invalid_ids: frozenset[str] = frozenset(),
                 unvalidated: tuple[Unvalidated, ...] = (), by_kind: Mapping[str, Mapping[str, Record]] | None = None,
                 ) -> list[RecordError]:
    """What linking finds wrong in `checked` (and `unvalidated`), with `records` the ones a duplicate id,
    look-alike title or second record for one value is looked for among, `library` every record
    (`by_kind`: its records by kind, if not `records_by_kind(library)`)."""
    errors = _duplicate_slugs(records) + _look_alike_titles(records) + _one_per_value(records)
    by_kind = records_by_kind(library) if by_kind is None else by_kind
    for record in (*checked, *unvalidated):
        errors += _check_references(record, library, invalid_ids, by_kind)
    for record in checked:
        errors += _untested_supports(record, library) + evidence_errors(record, library.topics)
        errors += marker_errors(record, by_kind.get(kind_of(ResearchCard), {}), invalid_ids)
    return errors


def errors_of_new(new: list[Record], library: Library) -> list[RecordError]:
    """The errors `link_records` would find in `new` records added to a valid `library`, without linking
    it again: only the records `new` ones could clash with (same id, a look-alike title, one value of
    a field a kind allows once) are compared with them (the editor's guide checks its examples so)."""
    clashing = clashing_with(new, library)
    everything = Library({**library.records, **{r.id: r for r in new}}, library.topics)
    by_kind = {kind: ChainMap({r.id: r for r in new if r.kind == kind}, known)
               for kind, known in records_by_kind(library).items()}
    return _link_errors(new + clashing, new, everything, by_kind=by_kind)


def records_by_kind(library: Library) -> dict[str, dict[str, Record]]:
    """{kind: {id: record}} of `library`, worked out once per library: a save's check and the guide's
    15 examples each asked for it (10,000 records)."""
    if "by_kind" not in library.derived:
        by_kind: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        for record in library.records.values():
            by_kind[record.kind][record.id] = record
        library.derived["by_kind"] = by_kind
    return library.derived["by_kind"]


def _errors_since(previous: Library, library: Library, changed: dict[str, Record]) -> list[RecordError]:
    """What `link_records` finds wrong in `library`, given that `previous`, with the same topics,
    had nothing wrong, and the records `changed` (or added) since: only those can clash with another
    (same id, a look-alike title, one value of a field a kind allows once), and only those and the
    records naming one changed, added or removed can name a record that is missing, of the wrong
    kind or a study of another question. At 10,000 records checking every record again was 0.7 s
    of each preview."""
    ids = changed.keys() | (previous.records.keys() - library.records.keys())
    namers = {r.id: r for rid in ids for r in naming(previous, rid) if library.records.get(r.id) is r}
    clashing = [r for r in clashing_with(list(changed.values()), previous) if library.records.get(r.id) is r]
    library.derived["clash_index"] = _clash_index_since(previous, library, ids)
    return _link_errors([*changed.values(), *clashing], [*changed.values(), *namers.values()], library)


def _clash_index_since(previous: Library, library: Library, ids) -> dict:
    """`clash_index(library)` from `previous`'s, the records `ids` changed, added or removed."""
    index = dict(clash_index(previous))
    for rid in ids:
        old, new = previous.records.get(rid), library.records.get(rid)
        for key in _clash_keys(old) if old is not None else ():
            index[key] = [r for r in index[key] if r is not old]
            if not index[key]:
                del index[key]
        for key in _clash_keys(new) if new is not None else ():
            index[key] = [*index.get(key, ()), new]
    return index


def clashing_with(records: list[Record], library: Library) -> list[Record]:
    """The records of `library` that one of `records` could clash with (`_clash_keys`), by path. The
    index of every record's keys is made once per library (`clash_index`)."""
    index = clash_index(library)
    found = {r.path: r for key in set().union(*map(_clash_keys, records)) for r in index.get(key, ())}
    return [found[path] for path in sorted(found)]


def clash_index(library: Library) -> dict:
    """{clash key (`_clash_keys`): the records that have it}, worked out once per library."""
    if "clash_index" not in library.derived:
        index: dict = {}
        for record in library.records.values():
            for key in _clash_keys(record):
                index.setdefault(key, []).append(record)
        library.derived["clash_index"] = index
    return library.derived["clash_index"]


def named_by(record: Record) -> list[str]:
    """The ids `record`'s fields name: `related`, every relation, an article's citations."""
    return [ref for relation in relations_of(record.kind) for ref in ids_in(record.data, relation.field)
            ] + cited_cards(record)


def naming(library: Library, rid: str) -> list[Record]:
    """The records whose fields name `rid` (`related`, any relation, an article's citations)."""
    naming = list(library.related.get(rid, ()))
    for index in library.linked_from.values():
        naming += index.get(rid, ())
    return naming


def changed_since(before: Mapping[str, Record], library: Library) -> set[str]:
    """The ids of the records changed, added or removed since `before` (records by id; a record
    object is one per file's bytes while `mkdocs serve` reuses an unchanged file's), and of the
    records naming one: what is worked out from a record, the records it names and the topics
    changes only for those."""
    changed = {rid for rid, record in library.records.items() if before.get(rid) is not record}
    changed.update(before.keys() - library.records.keys())
    for rid in list(changed):
        changed.update(r.id for r in naming(library, rid))
    return changed


def _clash_keys(record: Record) -> set:
    """What two records of which one `_link_errors` reports cannot share: an id, a kind's title as
    it reads (`title_key`), a kind's one value of a field it allows once (`Kind.one_per`)."""
    keys = {record.id, (record.kind, title_key(record.title))}
    if KINDS[record.kind].one_per:
        keys.add((record.kind, _one_per_key(record)))
    return keys


def _one_per_key(record: Record):
    value = getattr(record.data, KINDS[record.kind].one_per)
    return getattr(value, "months", value)  # an Age: '12 months' is '1 year'


class Unvalidated:
    """A record that failed validation, seen through its reference fields only: the ones that hold a
    list of ids (or a mapping keyed by topic id) and have no error of their own."""

    def __init__(self, raw: RawRecord, fields_with_errors: set[str]):
        self.kind, self.path, self.id, self._raw = raw.kind, raw.path, raw.id, raw
        names = KINDS[raw.kind].topic_fields + tuple(r.field for r in relations_of(raw.kind))
        self.data = SimpleNamespace(**{name: _ids(raw.data.get(name)) if name not in fields_with_errors else []
                                       for name in names})

    def line_of(self, loc: tuple) -> tuple[int, int]:
        return position(self._raw.positions, loc)


def _ids(value) -> list[str] | dict[str, object]:
    if isinstance(value, dict):
        return {key: None for key in value if isinstance(key, str)}
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _add_once(index: dict[str, list[Record]], key: str, record: Record) -> None:
    bucket = index.setdefault(key, [])
    if record.id != key and record not in bucket:
        bucket.append(record)


def _duplicate_slugs(records: list[Record]) -> list[RecordError]:
    """Two files with one id would publish to one URL; the loader's naming rules make this rare."""
    seen, errors = {}, []
    for record in records:
        if record.id in seen:
            errors.append(RecordError(record.path, *record.line_of(()), "", f"this record has the same id as {seen[record.id]}; rename one of the files"))
        seen.setdefault(record.id, record.path)
    return errors


# Letters and marks that look the same as others once case is ignored:
# Cyrillic and Greek look-alikes of Latin letters, dashes, quotes.
_LOOK_ALIKES = str.maketrans({**dict(zip("асеіјоԁрѕхуһӏԛԝοαινρ", "aceijodpsxyhlqwoaivp")),
                              **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
                              **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
                              **dict.fromkeys("\u201c\u201d\u201e\u2033", '"')})


@functools.lru_cache(maxsize=1 << 16)
def title_key(title: str) -> str:
    """What a title looks like to a reader: case, width, accents and look-alike letters ignored. Kept
    per title: linking compares every title on every `mkdocs serve` rebuild (0.2 ms each)."""
    text = unicodedata.normalize("NFKC", title).casefold().translate(_LOOK_ALIKES)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _one_per_value(records: list[Record]) -> list[RecordError]:
    """Two records of a kind that allows one record per value of a field (one milestone checklist per
    age): readers would find two pages for one age, and the chart one row."""
    first, errors = {}, []
    for record in sorted(records, key=lambda r: r.path):
        name = KINDS[record.kind].one_per
        if name is None:
            continue
        value = getattr(record.data, name)
        key = (record.kind, _one_per_key(record))
        if key in first:
            other = first[key]
            theirs, one = getattr(other.data, name), KINDS[record.kind].singular.lower()
            errors.append(RecordError(record.path, *record.line_of((name,)), name,
                                      f"'{value}' is the same {name} as {other.path} ('{theirs}'); there is one "
                                      f"{one} per {name}: merge the two files or change one {name}"))
        first.setdefault(key, record)
    return errors


def _look_alike_titles(records: list[Record]) -> list[RecordError]:
    """Two records of one kind whose titles look the same: readers could not tell them apart."""
    first, errors = {}, []
    for record in sorted(records, key=lambda r: r.path):
        key = (record.kind, title_key(record.title))
        if key in first:
            other = first[key]
            line, column = record.line_of(("title",))
            errors.append(RecordError(record.path, line, column, "title",
                                      f"'{record.title}' looks the same as the title of {other.path} "
                                      f"('{other.title}'); give one of them a different title"))
        first.setdefault(key, record)
    return errors


def _untested_supports(record: Record, library: Library) -> list[RecordError]:
    """`supports` is for studies that tested an approach: a card that asked another question is background."""
    errors = []
    for index, ref in enumerate(ids_in(record.data, "supports")):
        card = library.records.get(ref)
        question = card.data.study.question if card is not None and isinstance(card.data, ResearchCard) else None
        if question in (None, "effect"):  # no question: a warning on the card (checks.py)
            continue
        line, column = record.line_of(("supports", index))
        errors.append(RecordError(record.path, line, column, f"supports[{index + 1}]",
                                  f"'{ref}' asks {QUESTIONS[question][1]} (question: {question}), not whether "
                                  "this approach works; move it from 'supports:' to 'background:'"))
    return errors


def _check_references(record: Record, library: Library, invalid_ids: frozenset[str],
                      by_kind: Mapping[str, Mapping[str, Record]]) -> list[RecordError]:
    errors = []
    checks = [(name, library.topics, "topic") for name in KINDS[record.kind].topic_fields]
    for relation in relations_of(record.kind):
        known = library.records if relation.target is None else by_kind[relation.target]
        checks.append((relation.field, known, relation.what))
    for field_name, known, what in checks:
        values = getattr(record.data, field_name)
        for index, ref in enumerate(values if isinstance(values, dict) else ids_in(record.data, field_name)):
            if ref in known or ref in invalid_ids:
                continue
            # A mapping (a milestone's skills) is found by its key, a list by its item.
            keyed = isinstance(getattr(record.data, field_name), dict)
            line, column = record.line_of((field_name, ref if keyed else index))
            hint = suggest(ref, known) or (f"; add data/{ref}.yml or fix the reference" if what != "topic"
                                           else "; add it to data/topics.yml or fix the id")
            errors.append(RecordError(record.path, line, column, f"{field_name}.{ref}" if keyed else f"{field_name}[{index + 1}]",
                                      f"unknown {what} '{ref}'{hint}"))
        if field_name == "related" and record.id in getattr(record.data, field_name):
            line, column = record.line_of((field_name,))
            errors.append(RecordError(record.path, line, column, field_name, "a record cannot be related to itself"))
    return errors


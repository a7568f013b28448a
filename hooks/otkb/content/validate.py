"""Validate: RawRecord -> Record, or RecordError lists worded for editors.

Pydantic reports every problem of a record in one pass, with a path to the
field; we turn each into `file:line:column: field: message`, taking the line
from the loader's positions and saying what was expected.
"""

from __future__ import annotations

import difflib
import functools
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .digest import digest
from .errors import RecordError, field_name
from .cache import RecordCache
from .load import RESERVED_SLUGS, SLUG_PATTERN, RawRecord, read_yaml
from .models import KNOWN_VALID, REQUIRED_TOPICS, RecordModel, Topic, describe
from .kinds import KINDS


@dataclass(eq=False)
class Record:
    """A valid record: its model instance plus where it came from. Records compare by identity: one
    object per record and build (or per unchanged file, while `mkdocs serve` reuses them)."""

    kind: str
    slug: str
    path: str
    data: RecordModel
    positions: dict | None = field(default_factory=dict, repr=False)
    file: Path | None = field(default=None, repr=False)

    @functools.cached_property
    def id(self) -> str:  # asked 700,000 times by a 10,000-record preview rebuild
        return f"{self.kind}/{self.slug}"

    @property
    def title(self) -> str:
        return self.data.title

    def line_of(self, loc: tuple) -> tuple[int, int]:
        if self.positions is None:  # let go of by forget_positions: read the file again
            self.positions = read_yaml(self.file, self.path)[1] if self.file else {}
        return position(self.positions, loc)

    def line_of_text(self, loc: tuple, text: str, project_dir: Path | None = None,
                     lines: list[str] | None = None) -> tuple[int, int]:
        """Where `text`, a part of the long field at `loc` (a paragraph of an article's body, say),
        starts: the first line at or after the field's that holds its first line. `lines`: the file's
        (`file_lines`), read once by a caller that asks for many texts."""
        line, column = self.line_of(loc)
        first = text.strip().splitlines()[0].strip() if text.strip() else ""
        if not first:
            return line, column
        lines = self.file_lines(project_dir) if lines is None else lines
        for number in range(line, len(lines) + 1):
            found = lines[number - 1].find(first)
            if found >= 0:
                return number, found + 1
        return line, column

    def file_lines(self, project_dir: Path | None = None) -> list[str]:
        """The lines of the record's file as it is now; [] if it cannot be read."""
        path = self.file or (project_dir / self.path if project_dir else None)
        try:
            return path.read_text(encoding="utf-8-sig").splitlines() if path else []
        except OSError:
            return []

    @functools.cached_property
    def digest(self) -> str:
        """A short digest of the record's content, for the keys of the pages that show it."""
        return digest(self.data.model_dump_json())

    def forget_positions(self) -> None:
        """Free the field positions (a tenth of a 10,000-record build's memory) once every check has
        run; a later message about this record reads its file again."""
        if self.file is not None:
            self.positions = None


def validate_records(raws: list[RawRecord], cache: RecordCache | None = None
                     ) -> tuple[list[Record], list[RecordError]]:
    """With a `cache`, a file whose bytes are unchanged keeps its Record (`mkdocs serve`'s), or skips
    the checks of its text that cannot fail (a warm build's, for a file the last build found valid)."""
    records, errors = [], []
    for raw in raws:
        if cache is not None and (kept := cache.valid_record(raw)) is not None:
            records.append(kept)
            continue
        model = KINDS[raw.kind].model
        context = {KNOWN_VALID: True} if cache is not None and cache.known_valid(raw) else None
        try:
            record = Record(raw.kind, raw.slug, raw.path, model.model_validate(raw.data, context=context),
                            raw.positions, raw.file)
        except ValidationError as e:
            errors += explain(e, model, raw.data, raw.positions, raw.path)
            continue
        records.append(record)
        if cache is not None:
            cache.keep_record(record)
    return records, errors


def validate_topics(raw: RawRecord | None, path: str = "data/topics.yml") -> tuple[dict[str, Topic], list[RecordError]]:
    if raw is None:
        return {}, [RecordError(path, 0, 0, "", "the topic vocabulary is missing; create data/topics.yml")]
    topics, errors = {}, []
    for topic_id, value in raw.data.items():
        line, column = position(raw.positions, (topic_id,))
        if not isinstance(topic_id, str) or not SLUG_PATTERN.match(topic_id):
            errors.append(RecordError(raw.path, line, column, str(topic_id), "a topic id must be lower-case "
                                      "words joined by hyphens, like 'fine-motor'"))
            continue
        if topic_id in RESERVED_SLUGS:
            errors.append(RecordError(raw.path, line, column, topic_id, f"the id '{topic_id}' is taken by the "
                                      "list of all topics (topics/), which would replace this topic's page; "
                                      "choose another id"))
            continue
        try:
            topics[topic_id] = Topic.model_validate(value)
        except ValidationError as e:
            errors += explain(e, Topic, value, raw.positions, raw.path, prefix=(topic_id,))
    for topic_id, topic in topics.items():
        if topic.parent and topic.parent not in topics:
            line, column = position(raw.positions, (topic_id, "parent"))
            errors.append(RecordError(raw.path, line, column, f"{topic_id}.parent",
                                      f"unknown topic '{topic.parent}'{suggest(topic.parent, topics)}"))
    for loop in parent_loops(topics):
        line, column = position(raw.positions, (loop[0], "parent"))
        circle = " -> ".join(f"'{t}'" for t in (*loop, loop[0]))
        errors.append(RecordError(raw.path, line, column, f"{loop[0]}.parent",
                                  f"topics {circle} are each other's parents, so the hierarchy never ends; "
                                  f"give one of them another parent or none" if len(loop) > 1 else
                                  f"topic '{loop[0]}' is its own parent; give it another parent or none"))
        for topic_id in loop:  # later stages walk up the parents: only a hierarchy that ends reaches them
            topics.pop(topic_id)
    for required in REQUIRED_TOPICS:
        if required not in raw.data:
            errors.append(RecordError(raw.path, *position(raw.positions, ()), "", f"the vocabulary must define '{required}': records "
                                      "everywhere use it"))
    return topics, errors


def parent_loops(topics: dict[str, Topic]) -> list[list[str]]:
    """Every loop of `parent` links (a topic that is its own parent is a loop of one), each starting at
    its first topic in file order. One walk per topic, each link followed once: deep chains stay linear."""
    state: dict[str, int] = {}  # absent: not seen; 1: on the current walk; 2: done
    order, loops = {topic_id: i for i, topic_id in enumerate(topics)}, []
    for start in topics:
        walk, topic_id = [], start
        while topic_id in topics and topic_id not in state:
            state[topic_id] = 1
            walk.append(topic_id)
            topic_id = topics[topic_id].parent
        if state.get(topic_id) == 1:  # the walk came back to itself
            loop = walk[walk.index(topic_id):]
            first = min(range(len(loop)), key=lambda i: order[loop[i]])
            loops.append(loop[first:] + loop[:first])
        for seen in walk:
            state[seen] = 2
    return loops


def position(positions: dict, loc: tuple) -> tuple[int, int]:
    """The line of the deepest part of `loc` the loader saw (the record's first line of content if none)."""
    loc = tuple(loc)
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return positions.get((), (1, 1))


CLOSE = 0.7  # difflib's similarity for a name to count as a slip of the one typed ('gros-motor', not 'fine-motor')


def suggest(value: str, known) -> str:
    """' (did you mean 'x'?)' with up to three known names close to `value`, whatever its case
    ('RCT' -> 'rct'); '' when none is close."""
    folded: dict[str, str] = {}
    for name in known:
        folded.setdefault(str(name).casefold(), str(name))
    close = difflib.get_close_matches(str(value).casefold(), list(folded), n=3, cutoff=CLOSE)
    return f" (did you mean {' or '.join(repr(folded[c]) for c in close)}?)" if close else ""


def explain(error: ValidationError, model: type[BaseModel], data, positions: dict, path: str,
            prefix: tuple = ()) -> list[RecordError]:
    """One RecordError per pydantic error, with line, field and an editor's wording."""
    out = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if part != "[key]")  # a mapping's key: named by itself
        loc += (item["ctx"]["field"],) if "field" in (item.get("ctx") or {}) else ()
        line, column = position(positions, prefix + loc)
        out.append(RecordError(path, line, column, field_name(prefix + loc), _message(item, model, data)))
    return out


def _value_at(data, loc):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _message(item: dict, model: type[BaseModel], data) -> str:
    kind, loc, ctx = item["type"], tuple(item["loc"]), item.get("ctx") or {}
    received = _value_at(data, loc)
    if kind == "otkb":
        return item["msg"]
    if kind == "missing":
        return f"'{loc[-1]}' is required but missing"
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        return f"unknown field '{loc[-1]}'{suggest(loc[-1], known)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
        return (f"expected one of: {', '.join(choices)} but received: {describe(received)}"
                f"{suggest(received, choices) if isinstance(received, str) else ''}")
    if kind in ("string_too_long", "too_long") and isinstance(received, str):
        return f"is {len(received):,} characters long; the limit is {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"has {len(received)} items; the limit is {ctx.get('max_length')}"
    if kind == "too_short":
        return "needs at least one item"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a set of fields (key: value lines) but received {describe(received)}"
    if kind == "string_pattern_mismatch":
        return f"'{received}' does not have the expected form ({ctx.get('pattern')})"
    return f"{item['msg']}; received {describe(received)}"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names a model accepts at `loc`, for "did you mean"."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation if part in current.model_fields else None
        current = _model_in(annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None

"""The editor's guide: its field tables and error examples, generated at build time.

docs/editors/index.md is hand-written prose with markers that the build
fills in, so the lists cannot go stale:

- `<!-- otkb:fields KIND -->` (a kind, or `topics`): a table of every field,
  from the same JSON Schema editors' tools read, with an example taken from
  the site's own records where one has the field.
- `<!-- otkb:errors -->`: common mistakes, each with the message the check
  really prints, made by running the pipeline on a small record.

A marker's next line may be a note for people reading the Markdown source on
GitHub (`> **On the site** ...`): the build replaces it with the marker.

Examples come from editors' records, so they are escaped (escape_text) like
any other editor text.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Callable

from pydantic import BaseModel

from ..content.cache import PerRecord
from ..content.json_schema import kind_schema, topics_schema
from ..content.link import Library, clashing_with, errors_of_new, named_by
from ..content.load import SLUG_PATTERN, RawRecord, parse_text
from ..content.markup import escape_text, html_text
from ..content.kinds import kind_of
from ..content.models import REF, Activity
from ..content.validate import Record, validate_records

_PLAIN_FLOW = re.compile(r"[^\s\[\]{}:,#&*!|>'\"%@`-][^\[\]{},#]*(?<![\s:])|-?\d[\w.-]*")
_PLAIN = re.compile(r"[^\s\[\]{}:,#&*!|>'\"%@`-].*(?<![\s:])|-?\d[\w.-]*")
# A marker may be followed by a note for readers of the Markdown source (on GitHub, where comments are
# hidden), saying what appears there on the site: a blockquote starting "> **On the site", replaced too.
_MARKER = re.compile(r"^<!-- otkb:(fields|errors)(?: ([a-z]+))? -->(?:\n> \*\*On the site.*)?$", re.M)
MAX_EXAMPLE = 70


_LAST_FILLS: dict[str, tuple[Library | None, str]] = {}  # Markdown -> (the library it was filled from, result)


def fill_guide(markdown: str, library: Library | None) -> str:
    """Replace the guide's markers; a page without them is returned as it is. The last result for
    the same page and library is reused: `mkdocs serve` asks twice, to see whether the guide changed
    and then to build it (otkb.host.incremental)."""
    if "<!-- otkb:" not in markdown:
        return markdown
    kept = _LAST_FILLS.get(markdown)
    if kept is not None and kept[0] is library:
        return kept[1]
    for stale in [page for page, (used, _) in _LAST_FILLS.items() if used is not library]:
        del _LAST_FILLS[stale]  # one library at a time
    _LAST_FILLS[markdown] = (library, _fill(markdown, library))
    return _LAST_FILLS[markdown][1]


def _fill(markdown: str, library: Library | None) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1) == "errors":
            return error_examples(library)
        return field_table(match.group(2), library)

    return _MARKER.sub(replace, markdown)


_KEPT: dict[tuple, tuple[tuple, str]] = {}  # a part of the guide -> (what it read, its text)


def _kept(part: tuple, read: tuple, make: Callable[[], str]) -> str:
    """`make()`, or the text it made last while what it read compares equal (`read`: records, which
    compare by identity, the topics, the ids): the guide is filled again on every `mkdocs serve` save
    (otkb.host.incremental), and an edit of one record leaves most of it as it was."""
    kept = _KEPT.get(part)
    if kept is None or kept[0] != read:
        kept = _KEPT[part] = (read, make())
    return kept[1]


# --- field tables -----------------------------------------------------------------

def field_table(kind: str, library: Library | None) -> str:
    """The kind's fields, each with an example from the first record (by id) that has it: kept while
    the kind's records (the topics, for `topics`) are the same."""
    read = (None if library is None else tuple(library.topics.items()) if kind == "topics"
            else tuple(library.of_kind(kind)),)
    return _kept(("fields", kind), read, lambda: _field_table(kind, library))


def _field_table(kind: str, library: Library | None) -> str:
    schema = topics_schema() if kind == "topics" else kind_schema(kind)
    definitions = schema["definitions"]
    root = definitions["Topic"] if kind == "topics" else schema
    fields = list(_fields(root, definitions))
    examples = _examples(kind, library, [name for name, _, _ in fields])
    rows = ["| Field | What to write | Example |", "|---|---|---|"]
    for name, spec, required in fields:
        example = examples.get(name)
        shown = f"<code>{escape_text(example)}</code>" if example else "&nbsp;"
        need = '<span class="otkb-guide-required">required</span>' if required else "optional"
        rows.append(f"| <code>{name}</code><br>{need} | {_cell(_kind_of(spec, definitions))}. "
                    f"{_cell(spec.get('description', ''))} | {shown} |")
    return '<div class="otkb-guide-fields" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n"


def _cell(text: str) -> str:
    """Descriptions come from the models (ours, with `code` spans); keep a table cell one cell."""
    return text.replace("|", "&#124;").replace("\n", " ")


def _fields(model: dict, definitions: dict, prefix: str = ""):
    """(dotted name, schema, required) for every field, nested models after their parent."""
    for name, spec in model.get("properties", {}).items():
        dotted = f"{prefix}{name}"
        yield dotted, spec, name in model.get("required", [])
        nested = _model_of(spec, definitions)
        if nested is not None and nested.get("title") != "Point":
            yield from _fields(nested, definitions, dotted + ".")


def _model_of(spec: dict, definitions: dict) -> dict | None:
    """The model a field holds: itself, as an option, or as the items of its list."""
    items = spec.get("items", {})
    for option in [spec, *spec.get("anyOf", []), items, *items.get("anyOf", [])]:
        ref = option.get("$ref")
        if ref:
            return definitions[ref.rsplit("/", 1)[1]]
    return None


def _kind_of(spec: dict, definitions: dict) -> str:
    """What a field holds, in words."""
    options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
    if len(options) == 2 and {o.get("format") for o in options} == {"markdown", None}:
        return "A point: text (Markdown), or `text:` with `details:` under it"
    if len(options) == 2 and "$ref" in options[1] and "$ref" not in options[0]:
        return f"{_kind_of(options[0], definitions)}, or fields indented under it"
    spec = {**spec, **options[0]} if "anyOf" in spec else spec
    if "$ref" in spec:
        return "Fields, indented under it"
    if spec.get("type") == "array":
        item = _kind_of(spec["items"], definitions)
        at_least = " (at least one)" if spec.get("minItems") else ""
        item = item[0].lower() + item[1:] if item.startswith(("A ", "An ", "One ", "Plain", "Fields")) else item
        return f"A list{at_least}, one `- ` line per item; each: {item}"
    if spec.get("type") == "object" and "patternProperties" in spec:
        item = _kind_of(next(iter(spec["patternProperties"].values())), definitions)
        return f"Topic ids, each followed by a colon and, indented below it, {item[0].lower() + item[1:]}"
    if "enum" in spec:
        return "One of " + ", ".join(f"`{value}`" for value in spec["enum"][:12])
    if spec.get("format") == "date":
        return "A date, written YYYY-MM-DD"
    if spec.get("format") == "markdown":
        return "Markdown text"
    pattern = spec.get("pattern", "")
    if pattern == SLUG_PATTERN.pattern:
        return "A topic id from data/topics.yml"
    if pattern == REF:
        return "A record, written `kind/slug`"
    if pattern.startswith("^research/"):
        return "A research card, written `research/slug`"
    if "months" in pattern:
        return "An age: a number with `months` or `years`"
    if spec.get("type") == ["integer", "string"]:
        return "A four-digit year"
    limit = f", at most {spec['maxLength']} characters" if "maxLength" in spec else ""
    return f"Plain text{limit}"


def _examples(kind: str, library: Library | None, names: list[str]) -> dict[str, str]:
    """{dotted field: 'field: value'} for `names`, from the first record (by id) that has each field.

    Only a record that may hold a field still without an example is dumped, and each record is looked
    at only for the fields still without one: a field no record holds has every record looked at
    (at 10,000 records, for every field that was 300,000 looks).
    """
    if library is None:
        return {}
    if kind == "topics":
        models = [(topic, None) for _, topic in sorted(library.topics.items())]
    else:
        models = [(r.data, r) for r in sorted(library.of_kind(kind), key=lambda r: r.id)]
    wanted = tuple(names)  # the fields still without an example
    examples: dict[str, str] = {}
    for model, record in models:
        missing = (_may_hold(model, wanted) if record is None
                   else _FIELDS.get(record, wanted, lambda: _may_hold(model, wanted)))
        if missing:
            values = dict(_flatten(model.model_dump(mode="json", exclude_defaults=True)))
            examples.update((name, _one_line_yaml(name.rsplit(".", 1)[-1], values[name]))
                            for name in names if name in missing and name in values)
            if len(examples) == len(names):
                break
            wanted = tuple(name for name in names if name not in examples)
    return examples


_FIELDS = PerRecord()  # the fields a record may hold an example of (`_may_have`): a preview asks again each save


def _may_hold(model: BaseModel, names: tuple[str, ...]) -> frozenset[str]:
    """Records of a kind hold few different sets of fields: one copy of each is kept (`_FIELDS` kept
    a set for each of 10,000 records: 20 MB at the build's peak)."""
    held = frozenset(name for name in names if _may_have(model, name))
    return _SHAPES.setdefault(held, held)


_SHAPES: dict[frozenset[str], frozenset[str]] = {}


def _may_have(model: BaseModel, dotted: str) -> bool:
    """False when `model`'s dump (without defaults) cannot hold the dotted field: a cheap look first."""
    value = model
    for name in dotted.split("."):
        field = type(value).model_fields.get(name) if isinstance(value, BaseModel) else None
        if field is None:
            return False
        value = getattr(value, name)
        if not field.is_required() and value == field.default:
            return False
    return True


def _flatten(data: dict, prefix: str = ""):
    for key, value in data.items():
        yield prefix + key, value
        if isinstance(value, dict) and set(value) != {"text", "details"}:
            yield from _flatten(value, prefix + key + ".")


def _one_line_yaml(key: str, value) -> str:
    text = f"{key}: {_flow(value, nested=False)}"
    return text if len(text) <= MAX_EXAMPLE else text[:MAX_EXAMPLE - 1].rstrip() + "…"


def _flow(value, nested: bool = True) -> str:
    """A value in YAML's one-line (flow) style, quoted only where YAML needs it."""
    if isinstance(value, dict):
        if set(value) == {"text"}:  # a point without details is written as its text
            return _flow(value["text"])
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    text = str(value)
    plain = (_PLAIN_FLOW if nested else _PLAIN).fullmatch(text) and ": " not in text and " #" not in text
    return text if plain else json.dumps(text, ensure_ascii=False)


# --- error examples -------------------------------------------------------------------

EXAMPLE_PATH = "data/activities/my-new-activity.yml"
EXAMPLE = """\
title: My new activity
summary: Find buttons hidden in play dough.
topics:
  - fine-motor
reviewed: 2026-11-01
skills:
  - hand-strength
ages:
  min: 3 years
  max: 6 years
setting: [home, school]
materials:
  - Play dough
  - Big buttons
steps:
  - Hide the buttons in the dough.
  - Your child finds them with their fingers.
"""

# (what went wrong, line to change -> what an editor typed, how to fix it)
MISTAKES = [
    ("A field name is misspelled", "summary: Find buttons hidden in play dough.",
     "sumary: Find buttons hidden in play dough.",
     "Correct the spelling. The message suggests the nearest field name."),
    ("A colon and a space inside a value", "summary: Find buttons hidden in play dough.",
     "summary: Tip: hide buttons in play dough.",
     "Put the whole value in double quotes, as the message shows."),
    ("A tab used to indent (shown here as →)", "  - Big buttons", "\t- Big buttons",
     "Delete the tab and type two spaces. Set your editor to indent with spaces."),
    ("A list written on one line as text", "skills:\n  - hand-strength", "skills: hand-strength, grasp",
     "Write one item per line, each starting with `- `, indented under the field."),
    ("A value that is not one of the choices", "setting: [home, school]", "setting: [home, garden]",
     "Use one of the values the message lists."),
    ("A date written another way", "reviewed: 2026-11-01", "reviewed: 01/11/2026",
     "Write dates as year-month-day with hyphens: 2026-11-01."),
    ("An age the site cannot read", "  min: 3 years", "  min: three",
     "Write a number and `months` or `years`, like `18 months` or `3 years`."),
    ("The ages the wrong way round", "  min: 3 years\n  max: 6 years", "  min: 6 years\n  max: 18 months",
     "Swap them: `min` is the youngest age."),
    ("A field left empty", "summary: Find buttons hidden in play dough.", "summary:",
     "Write the value after the colon, on the same line."),
    ("A required field is missing", "steps:\n  - Hide the buttons in the dough.\n"
     "  - Your child finds them with their fingers.\n", "",
     "Add the field. The tables above say which fields are required."),
    ("A topic id that does not exist", "  - hand-strength", "  - hand-strenght",
     "Use an id from data/topics.yml; the message suggests the nearest. A new topic is added there first."),
    ("A link to a record that does not exist", "setting: [home, school]",
     "setting: [home, school]\nsupports:\n  - research/bos-2013",
     "Write the other record's `kind/slug`: its folder and its file name without `.yml`."),
    ("A study that did not test the activity, under supports", "setting: [home, school]",
     "setting: [home, school]\nsupports:\n  - research/bos-2013-preterm-motor",
     "List it under `background:` instead: `supports:` is only for studies that tested this kind of activity."),
    ("One study under both supports and background", "setting: [home, school]",
     "setting: [home, school]\nsupports:\n  - research/wick-2017-preschool-movement-skills\nbackground:\n"
     "  - research/wick-2017-preschool-movement-skills",
     "Keep it in one list: `supports:` if it tested this kind of activity, `background:` if it only explains why the "
     "skill matters."),
    ("A tested part the activity does not have", "setting: [home, school]",
     "setting: [home, school]\nsupports:\n  - card: research/wick-2017-preschool-movement-skills\n    part: step-9",
     "Name a part the activity has: `steps`, `easier`, `harder`, or a step by its number."),
]


def error_examples(library: Library | None) -> str:
    """The guide's mistakes with the messages the check prints for each, each example checked
    against the library as a new record (link.errors_of_new: without linking 10,000 records again,
    which took a second per example).

    Kept while what the checks read is the same: the topics, the records' ids (a message suggests
    the nearest), the records the examples name and those they could clash with (link.clashing_with:
    an id, a look-alike title). At 10,000 records the suggestions alone took 13 ms of each save."""
    if library is None:
        return _error_examples(None)
    examples = [record for text in _example_texts() for record in _example(text)[0]]
    read = (library.topics, library.records.keys(),
            tuple(library.records.get(rid) for record in examples for rid in named_by(record)),
            tuple(clashing_with(examples, library)))
    return _kept(("errors",), read, lambda: _error_examples(library))


def _example_texts() -> list[str]:
    return [EXAMPLE.replace(old, new, 1) for _, old, new, _ in MISTAKES]


def _error_examples(library: Library | None) -> str:
    out = []
    for (title, old, new, fix), text in zip(MISTAKES, _example_texts()):
        line = text[: text.find(new)].count("\n") + 1 if new else 0
        shown = new.split("\n") if new else [f"(no {old.split(':')[0]} field)"]
        messages = check_example(text, library)
        out.append(f"### {title}\n\n<div class=\"otkb-guide-example\" markdown>\n\n"
                   f"You wrote{f' (line {line})' if line else ''}:\n\n{_pre(shown)}\n\n"
                   f"The check says:\n\n{_pre(messages)}\n\n**How to fix it:** {fix}\n\n</div>\n")
    return "\n".join(out)


def _pre(lines: list[str]) -> str:
    return "<pre><code>" + "\n".join(html_text(line.replace("\t", "→   ")) for line in lines) + "</code></pre>"


def check_example(text: str, library: Library | None) -> list[str]:
    """The messages the check prints for one activity file written as `text`."""
    records, messages = _example(text)
    if records and not messages and library is not None:
        return [str(error) for error in errors_of_new(list(records), library)]
    return list(messages)


@cache
def _example(text: str) -> tuple[tuple[Record, ...], tuple[str, ...]]:
    """An example file's records, or the messages of its loading and validation, where no other
    record plays a part: the same on every build."""
    data, positions, errors = parse_text(text, EXAMPLE_PATH)
    if data is None:
        return (), tuple(str(error) for error in errors)
    records, errors = validate_records([RawRecord(kind_of(Activity), "my-new-activity", EXAMPLE_PATH, data,
                                                  positions)])
    return tuple(records), tuple(str(error) for error in errors)

"""The web editor's configuration (site/admin/config.yml), generated from the models at build time.

Decap CMS (overrides/admin/, vendored by scripts/vendor-cms.sh) reads it: one
collection per kind in content/kinds.py, one form field per model field, found
by walking the model's JSON Schema, so a field, vocabulary value or kind added
to the models gets its widget without a change here (tests/tools/test_web_editor.py
compares the result with schemas/). What the schema says becomes the widget:

- a vocabulary (`enum`) becomes a select, a list of one a multiple select;
- a topic id, or a reference to a record, becomes a select offering the
  topics, or the records of the kind the pattern names (`research/...`),
  listed from the library the site is built from;
- Markdown becomes a Markdown editor (a list item: a text box), a date or any
  other pattern a text line the form checks against it;
- a model becomes an object with its own fields; a list of them a list;
- text-or-model (a point: text or {text, details}) becomes the model, marked
  `otkb_short` so the editor's script (otkb-admin.js) reads the short form
  and writes it back when only that field is filled;
- a mapping of topic id to list (milestones' `skills`) becomes a list of
  {area, points}, marked `otkb_mapping`, which the script turns back into
  the mapping.

Every field carries its docstring as the hint; optional fields say so.
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urlsplit

import yaml

from ..content.kinds import KINDS
from ..content.link import Library
from ..content.models import SLUG, validation_schema

NESTING = 3  # a model inside itself (a point's details' details) the form offers; deeper is text
DATE = r"^\d{4}-\d{2}-\d{2}$"
REFERENCE = re.compile(r"^\^([a-z]+)/")


def repository(repo_url: str | None) -> str:
    """`owner/name` of a GitHub repository URL; a placeholder the guide tells editors to replace."""
    parts = urlsplit(repo_url or "")
    path = parts.path.strip("/").removesuffix(".git")
    return path if parts.hostname == "github.com" and path.count("/") == 1 else "OWNER/REPOSITORY"


def setting(extra: dict | None, name: str) -> str | None:
    """`extra.otkb.<name>` of mkdocs.yml: `local_editor` (OTKB_LOCAL_EDITOR, the local backend's API
    address) or `cms_auth_site` (OTKB_CMS_AUTH_SITE, the Netlify site that signs editors in)."""
    return ((extra or {}).get("otkb") or {}).get(name) or None


Options = Callable[[dict], object]
"""A value's schema -> the choices a select offers for it, or None (see `reference_options`)."""


def cms_config(library: Library, repo_url: str | None, site_url: str, local_editor: str | None = None,
               auth_site: str | None = None, options: Options | None = None) -> dict:
    """The whole configuration: the GitHub backend through pull requests (signing in through Netlify's
    OAuth service, for `auth_site` when the site is elsewhere), and one collection per kind; with
    `local_editor` (the address `otkb edit` serves the local files at), that backend instead.
    `options` gives each select's choices (by default the library's, `reference_options`)."""
    options = options or (lambda schema: reference_options(schema, library))
    local = {"local_backend": {"url": local_editor, "allowed_hosts": ["localhost", "127.0.0.1"]}} \
        if local_editor else {}
    return {
        "backend": {"name": "github", "repo": repository(repo_url), "branch": "main",
                    "base_url": "https://api.netlify.com", "auth_endpoint": "auth",
                    **({"site_domain": auth_site} if auth_site else {}),
                    # Public repositories only: the token cannot touch an editor's private ones.
                    "auth_scope": "public_repo",
                    # Editors without write access save to a fork; their pull requests come from there.
                    "open_authoring": True,
                    "squash_merges": True,
                    "commit_messages": {"create": "Add {{collection}} “{{slug}}” (web editor)",
                                        "update": "Update {{collection}} “{{slug}}” (web editor)",
                                        "delete": "Delete {{collection}} “{{slug}}” (web editor)"}},
        # Saving opens a pull request; nothing reaches main before a reviewer merges it.
        "publish_mode": "editorial_workflow",
        **local,
        "media_folder": "docs/assets/uploads",  # Decap requires one; no field takes a file
        "site_url": site_url, "display_url": site_url,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(name, options) for name in KINDS],
    }


def collection(name: str, options: Options) -> dict:
    kind = KINDS[name]
    schema = validation_schema(kind.model)
    return {"name": name, "label": kind.label, "label_singular": kind.singular,
            "description": kind.description, "folder": f"data/{name}", "extension": "yml",
            "format": f"otkb-{name}", "create": True, "delete": False,
            "slug": "{{" + kind.slug_from + "}}", "identifier_field": "title",
            "summary": "{{title}}", "editor": {"preview": False},
            "fields": fields_of(schema, schema.get("$defs", {}), options, 1)}


def fields_of(schema: dict, defs: dict, options: Options, depth: int, chain: tuple = ()) -> list[dict]:
    required = set(schema.get("required", ()))
    return [field(name, prop, defs, options, name in required, depth, chain)
            for name, prop in schema["properties"].items()]


def _resolve(schema: dict, defs: dict) -> dict:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return {**defs[name], "otkb_ref": name, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _optional(schema: dict) -> tuple[dict, bool]:
    """A `X | None` field's schema X, and whether it was optional that way."""
    variants = schema.get("anyOf", [])
    if any(v.get("type") == "null" for v in variants):
        rest = [v for v in variants if v.get("type") != "null"]
        inner = rest[0] if len(rest) == 1 else {"anyOf": rest}
        return {**{k: v for k, v in schema.items() if k != "anyOf"}, **inner}, True
    return schema, False


def field(name: str, schema: dict, defs: dict, options: Options, required: bool, depth: int, chain: tuple) -> dict:
    schema, optional = _optional(schema)
    schema = _resolve(schema, defs)
    spec = {"name": name, "label": name.replace("_", " ").capitalize(), **widget(schema, defs, options, depth, chain)}
    hint = schema.get("description", "")
    if required and not optional:
        if spec["widget"] in ("list", "select") and schema.get("minItems", 0) or schema.get("minProperties", 0):
            spec["min"] = 1
    else:
        spec["required"] = False  # Decap then labels it "(optional)"
        _loosen(spec)
    if hint:
        spec["hint"] = hint
    return spec


def _loosen(spec: dict) -> None:
    """An optional object's fields are optional in the form too: Decap would otherwise ask for them even
    when the whole object is left empty. `otkb check` still names a half-filled one (a `url` without a
    `name`) on the pull request."""
    if spec["widget"] == "object":
        for inner in spec["fields"]:
            inner["required"] = False
            inner.pop("min", None)
            _loosen(inner)


def widget(schema: dict, defs: dict, options: Options, depth: int, chain: tuple = ()) -> dict:
    """The widget and its options for one value's schema (`chain`: the models it is inside)."""
    schema = _resolve(schema, defs)
    if "enum" in schema:
        return {"widget": "select", "options": list(dict.fromkeys(schema["enum"]))}
    choices = options(schema)
    if choices is not None:
        return {"widget": "select", "options": choices}
    if schema.get("type") == "array":
        return list_widget(schema["items"], defs, options, depth, chain)
    if "anyOf" in schema:  # text or a model: the form shows the model
        model = next(_resolve(v, defs) for v in schema["anyOf"] if "$ref" in v or v.get("type") == "object")
        short = next(v for v in schema["anyOf"] if v is not model and "$ref" not in v)
        spec = widget(model, defs, options, depth, chain)
        return {**spec, "otkb_short": next(iter(model["properties"]))} if spec["widget"] == "object" else \
            widget(short, defs, options, depth, chain)
    if schema.get("type") == "object" and "patternProperties" in schema:
        (key_pattern, values), = schema["patternProperties"].items()
        return {"widget": "list", "otkb_mapping": ["area", "points"], "fields": [
            {"name": "area", "label": "Area", "widget": "select",
             **{k: v for k, v in widget({"type": "string", "pattern": key_pattern}, defs, options, depth).items()
                if k != "widget"}},
            {"name": "points", "label": "Points", "min": 1,
             **widget(values, defs, options, depth + 1, chain)}]}
    if schema.get("type") == "object":
        if chain.count(schema.get("otkb_ref")) >= NESTING:
            return {"widget": "text"}
        return {"widget": "object", "collapsed": False,
                "fields": fields_of(schema, defs, options, depth + 1, (*chain, schema.get("otkb_ref")))}
    if schema.get("format") == "markdown":
        return {"widget": "markdown", "modes": ["raw", "rich_text"]} if depth == 1 else {"widget": "text"}
    if schema.get("format") == "date":
        return {"widget": "string", "pattern": [DATE, "A date written YYYY-MM-DD, like 2026-06-01"]}
    if "pattern" in schema:
        return {"widget": "string", "pattern": [schema["pattern"], "Not written as the hint shows"]}
    return {"widget": "string"}


def list_widget(items: dict, defs: dict, options: Options, depth: int, chain: tuple) -> dict:
    item = widget(items, defs, options, depth + 1, chain)
    if item["widget"] == "select":
        return {**item, "multiple": True}
    if item["widget"] == "object":
        return {"widget": "list", "collapsed": False, "fields": item["fields"],
                **{k: v for k, v in item.items() if k.startswith("otkb_")}}
    return {"widget": "list", "field": {"name": "item", "label": "Item", **item}}


def reference_options(schema: dict, library: Library) -> list[dict] | None:
    """The choices for a topic id or a record reference, from the library; None for any other value."""
    source = choice_source(schema)
    if source is None:
        return None
    return [{"label": label, "value": value} for label, value in choice_pairs(source, library)]


def choice_source(schema: dict) -> str | None:
    """What a value's choices are made of: "topics", a kind's name, "records" (every kind's); None
    for a value that is not a topic id or a record reference."""
    pattern = schema.get("pattern")
    if schema.get("type") != "string" or not pattern:
        return None
    if pattern == SLUG:
        return "topics"
    match = REFERENCE.match(pattern)
    if match and match.group(1) in KINDS:
        return match.group(1)
    return "records" if pattern.startswith("^[a-z]+/") else None


def choice_pairs(source: str, library: Library) -> list[tuple[str, str]]:
    """The (label, value) of each choice `source` (`choice_source`) offers, from the library."""
    if source == "topics":
        return [(f"{topic.name} ({topic_id})", topic_id)
                for topic_id, topic in sorted(library.topics.items(), key=lambda item: item[1].name.lower())]
    records = library.of_kind(source) if source in KINDS else [r for name in KINDS for r in library.of_kind(name)]
    return [(f"{KINDS[r.kind].singular}: {r.data.title}", r.id) for r in records]


def config_file(library: Library, repo_url: str | None, site_url: str, extra: dict | None,
                items: dict | None = None) -> dict[str, str]:
    """{'admin/config.yml': its text}, for the build's generated files (`extra`: mkdocs.yml's).

    The lists of records to choose from are most of the file (10,000 records: 200,000 YAML nodes,
    5 s to dump), so the file is dumped with a stand-in for each list, and each of their items on
    its own. `items` keeps the texts (the file with its stand-ins, each list as written at its
    column, each item): `mkdocs serve` passes the same dict to every rebuild, which then dumps only
    the items an edit changed, and joins again only the lists whose choices changed (at 10,000
    records, making the file took 0.15 CPU s of each save). The text is the same as one dump of
    the whole configuration (tests/tools/test_web_editor.py).
    """
    kept = {} if items is None else items
    local_editor, auth_site = setting(extra, "local_editor"), setting(extra, "cms_auth_site")
    key = ("file", repo_url, site_url, local_editor, auth_site)  # the rest comes from the models
    if key not in kept:
        sources: list[str] = []

        def stand_in(schema: dict) -> str | None:
            source = choice_source(schema)
            if source is None:
                return None
            sources.append(source)
            return f"otkb-options-{len(sources) - 1}"

        config = cms_config(library, repo_url, site_url, local_editor, auth_site, options=stand_in)
        kept[key] = (yaml.dump(config, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=WIDTH), sources)
    text, sources = kept[key]
    pairs: dict[str, list[tuple[str, str]]] = {}  # a source's choices, made once for the lists that offer them

    def expand(match: re.Match) -> str:
        source = sources[int(match.group(3))]
        if source not in pairs:
            pairs[source] = choice_pairs(source, library)
        return match.group(1) + (match.group(2) or "") + _options_text(
            source, pairs[source], len(match.group(1)) + len(match.group(2) or ""), kept)

    text = _STAND_IN.sub(expand, text)
    return {"admin/config.yml": "# Generated from the models by otkb.site.admin at build time; never edit by hand.\n"
            + text}


WIDTH = 120
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: the same text, faster
_STAND_IN = re.compile(r"^( *)(- )?options: otkb-options-(\d+)\n", re.M)


def _options_text(source: str, pairs: list[tuple[str, str]], column: int, kept: dict) -> str:
    """`options:` and its choices as the whole file's dump writes them at `column`; kept while the
    choices of `source` at that column are the same."""
    if not pairs:
        return "options: []\n"
    last = kept.get(("options", source, column))
    if last is None or last[0] != pairs:
        last = kept[("options", source, column)] = (pairs, "options:\n" + "".join(
            _item_text(label, value, column, kept) for label, value in pairs))
    return last[1]


def _item_text(label: str, value: str, column: int, kept: dict) -> str:
    """One choice as the whole file's dump writes it at `column`: dumped alone, `column` narrower,
    then indented (the emitter folds a line where its column passes the width)."""
    key = (label, value, column)
    if key not in kept:
        dumped = yaml.dump([{"label": label, "value": value}], Dumper=_DUMPER, sort_keys=False, allow_unicode=True,
                           width=WIDTH - column)
        kept[key] = "".join(" " * column + line for line in dumped.splitlines(keepends=True))
    return kept[key]

"""The JSON Schemas editors' tools read: generated from the models, committed, and useful."""

import json
import re

import jsonschema
import pytest
import yaml

from conftest import FIXTURE_DATA, PROJECT, SHARED
from otkb.json_schema import schema_files, stale_schemas
from otkb.scaffold import new_record
from otkb.schema import KINDS


class Yaml12Loader(yaml.SafeLoader):
    """YAML as a YAML language server reads it (1.2 core schema): no dates, only true/false are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag not in ("tag:yaml.org,2002:timestamp",
                                                                    "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((PROJECT / "schemas" / f"{name}.schema.json").read_text())
    return jsonschema.Draft7Validator(schema)


def problems(name: str, path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Yaml12Loader)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.validator}" for e in validator(name).iter_errors(data))


def test_committed_schemas_match_the_models():
    stale = stale_schemas(PROJECT)
    assert stale == [], f"{stale} drifted from hooks/otkb/schema.py; run 'otkb schema' and commit schemas/"


def test_there_is_a_schema_per_kind_and_one_for_topics():
    assert sorted(schema_files()) == ["schemas/activities.schema.json", "schemas/articles.schema.json",
                                      "schemas/research.schema.json", "schemas/topics.schema.json"]


@pytest.mark.parametrize("name", [*KINDS, "topics"])
def test_schemas_are_valid_draft_07(name):
    jsonschema.Draft7Validator.check_schema(validator(name).schema)
    assert "$defs" not in json.dumps(validator(name).schema)


def _properties(schema: dict):
    for name, value in schema.get("properties", {}).items():
        yield name, value
    for definition in schema.get("definitions", {}).values():
        yield from _properties(definition)


@pytest.mark.parametrize("name", [*KINDS, "topics"])
def test_every_field_is_described_and_closed(name):
    schema = validator(name).schema
    assert all(value.get("description") for _, value in _properties(schema)), \
        [field for field, value in _properties(schema) if not value.get("description")]
    objects = [schema, *schema["definitions"].values()] if name != "topics" else [*schema["definitions"].values()]
    assert all(o.get("additionalProperties") is False for o in objects)


def test_enums_and_patterns_reach_the_editor():
    activity = validator("activities").schema
    assert activity["properties"]["setting"]["items"]["enum"] == ["home", "school", "clinic", "outdoors"]
    assert activity["properties"]["skills"]["items"]["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert activity["properties"]["supports"]["items"]["pattern"] == "^research/[a-z0-9]+(-[a-z0-9]+)*$"
    research = validator("research").schema
    assert "rct" in research["definitions"]["Study"]["properties"]["design"]["enum"]


@pytest.mark.parametrize("path", sorted((PROJECT / "data").glob("*/*.yml")) + sorted(FIXTURE_DATA.glob("*/*.yml")),
                         ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.name}/{p.stem}")
def test_every_good_record_passes_its_schema(path):
    assert problems(path.parent.name, path) == []


@pytest.mark.parametrize("path", [PROJECT / "data/topics.yml", FIXTURE_DATA / "topics.yml"], ids=["sample", "fixture"])
def test_the_topics_pass_their_schema(path):
    assert problems("topics", path) == []


@pytest.mark.parametrize("name, expected", [
    ("research/misspelled-keys", ["(record): additionalProperties", "(record): required", "(record): required"]),
    ("activities/wrong-types", ["materials: type", "safety: type", "skills: type", "steps: type"]),
    ("articles/long-fields", ["summary: maxLength", "title: maxLength"]),
])
def test_the_editor_underlines_the_usual_mistakes(name, expected):
    found = problems(name.split("/")[0], SHARED / "bad-records" / f"{name}.yml")
    assert [p if not p.startswith(":") else "(record)" + p for p in found] == expected


def test_a_new_record_names_its_schema_and_vs_code_maps_each_folder(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/topics.yml").write_text((PROJECT / "data/topics.yml").read_text())
    settings = json.loads((PROJECT / ".vscode/settings.json").read_text())["yaml.schemas"]
    for kind in KINDS:
        path = new_record(tmp_path, kind, "a-new-one")
        modeline = path.read_text().splitlines()[0]
        schema = modeline.removeprefix("# yaml-language-server: $schema=")
        assert (PROJECT / "data" / kind / schema).resolve() == (PROJECT / "schemas" / f"{kind}.schema.json")
        assert settings[f"./schemas/{kind}.schema.json"] == f"data/{kind}/*.yml"
    assert settings["./schemas/topics.schema.json"] == "data/topics.yml"

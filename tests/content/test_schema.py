"""The JSON Schemas editors' tools read: generated from the models, committed, and useful."""

import json
import re

import jsonschema
import pytest
import yaml

from conftest import FIXTURE_DATA, HOSTILE_RECORDS, PROJECT
from otkb.content.kinds import KINDS
from otkb.content.json_schema import kind_schema, schema_files, stale_schemas, topics_schema
from otkb.tools.scaffold import new_record


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
    assert stale == [], f"{stale} drifted from hooks/otkb/content/models.py; run 'otkb schema' and commit schemas/"


def test_there_is_a_schema_per_kind_and_one_for_topics_and_search_words():
    assert sorted(schema_files()) == ["schemas/activities.schema.json", "schemas/articles.schema.json",
                                      "schemas/milestones.schema.json", "schemas/research.schema.json",
                                      "schemas/search.schema.json",
                                      "schemas/topics.schema.json"]


def test_the_search_words_file_meets_its_schema():
    assert problems("search", PROJECT / "data/search.yml") == []


@pytest.mark.parametrize("name", [*KINDS, "topics", "search"])
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
    plain, entry = activity["properties"]["supports"]["items"]["anyOf"]
    assert plain["pattern"] == "^research/[a-z0-9]+(-[a-z0-9]+)*$"
    tested = activity["definitions"][entry["$ref"].rsplit("/", 1)[1]]
    assert tested["properties"]["card"]["pattern"] == plain["pattern"]
    assert tested["properties"]["part"]["anyOf"][0]["pattern"] == "^(steps|easier|harder|step-[1-9][0-9]?)$"
    research = validator("research").schema
    study = research["definitions"]["Study"]["properties"]
    assert "rct" in study["design"]["enum"] and "non-randomised-trial" in study["design"]["enum"]
    assert study["result"]["anyOf"][0]["enum"] == ["benefit", "mixed", "no-difference", "harm"]
    assert study["conditions"]["anyOf"][0]["items"]["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"


@pytest.mark.parametrize("path", sorted((PROJECT / "data").glob("*/*.yml")) + sorted(FIXTURE_DATA.glob("*/*.yml")),
                         ids=lambda p: f"{'fixture' if FIXTURE_DATA in p.parents else 'sample'}/{p.parent.name}/{p.stem}")
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
    found = problems(name.split("/")[0], HOSTILE_RECORDS / f"{name}.yml")
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


# --- the editor's guide: its field tables and error examples come from the same models ---------------

@pytest.fixture(scope="session")
def guide(tmp_path_factory):
    """The fixture site built with a hostile example value; returns the site folder."""
    from conftest import build_strict, built_once, copy_project

    def make(project):
        path = copy_project(project) / "data/activities/peg-game.yml"
        path.write_text(path.read_text().replace("duration: 10 minutes\n", "")
                        .replace("  - Clothes pegs\n", '  - "</code><script>alert(\'OTXSS\')</script>`|"\n'))
        build_strict(project)
    return built_once(tmp_path_factory, "guide", make) / "site"


def guide_html(site):
    return (site / "editors/index.html").read_text(encoding="utf-8")


def _model_fields(model, prefix=""):
    from pydantic import BaseModel
    from otkb.content.validate import _model_in

    for name, info in model.model_fields.items():
        yield prefix + name
        nested = _model_in(info.annotation)
        if nested is not None and nested.__name__ != "Point" and issubclass(nested, BaseModel):
            yield from _model_fields(nested, prefix + name + ".")


SECTIONS = {"articles": "articles", "research": "research-cards", "activities": "activities",
            "milestones": "milestones"}


def test_the_guide_lists_every_field_of_every_kind(guide):
    from otkb.content.models import Topic

    page = guide_html(guide)
    assert "<!-- otkb:" not in page
    for kind, spec in KINDS.items():
        section = page.split(f'<h2 id="{SECTIONS[kind]}"')[1]
        table = section.split('<div class="otkb-guide-fields">')[1].split("</table>")[0]
        for field in _model_fields(spec.model):
            assert f"<td><code>{field}</code><br>" in table, (kind, field)
    topics = page.split('<h2 id="topics"')[1]
    for field in _model_fields(Topic):
        assert f"<td><code>{field}</code><br>" in topics
    # What a field holds is said in words: references are records, not plain text.
    related = page.split("<td><code>related</code>")[1].split("</tr>")[0]
    assert "each: a record, written <code>kind/slug</code>" in related
    supports = page.split("<td><code>supports</code>")[1].split("</tr>")[0]
    assert "each: a research card, written <code>research/slug</code>" in supports


def test_the_guide_shows_examples_from_the_records_as_text(guide):
    from live_markup import live_payloads

    page = guide_html(guide)
    assert "<code>ages&#58; &#123;min&#58; 30 months, max&#58; 6 years&#125;</code>" in page
    assert "materials&#58; &#91;&lt;/code&gt;&lt;script&gt;alert" in page  # the payload, as text
    assert live_payloads(page) == []
    row = page.split("<td><code>duration</code>")[1].split("</tr>")[0]
    assert row.rstrip().endswith("<td>&nbsp;</td>")  # no record has one: no example


def test_the_guides_error_examples_print_what_the_check_prints(guide):
    from otkb.site.guide import MISTAKES

    page = guide_html(guide)
    examples = page.split('id="what-the-messages-mean"')[1]
    assert examples.count('<div class="otkb-guide-example">') == len(MISTAKES)
    assert ("data/activities/my-new-activity.yml:11:17: setting[2]: expected one of: home, school, clinic, "
            "outdoors but received: &#x27;garden&#x27;") in examples
    assert ("data/activities/my-new-activity.yml:7:5: skills[1]: unknown topic &#x27;hand-strenght&#x27; "
            "(did you mean &#x27;hand-strength&#x27;?)") in examples
    for block in examples.split('<div class="otkb-guide-example">')[1:]:
        said = block.split("The check says:")[1].split("</pre>")[0]
        assert re.search(r"data/activities/my-new-activity\.yml:\d+:\d+: [\w.\[\]]+: ", said), block


def test_the_guide_is_in_the_nav(guide):
    tabs = (guide / "index.html").read_text(encoding="utf-8").split('<nav class="md-tabs"')[1].split("</nav>")[0]
    assert 'href="editors/"' in tabs and "For editors" in tabs


def test_the_contract_names_every_kind_and_field_the_build_accepts():
    """docs/editors/contract.md is written by hand; it may promise more than is built, never less."""
    contract = (PROJECT / "docs/editors/contract.md").read_text(encoding="utf-8")
    in_code = {word for span in re.findall(r"`([^`]+)`", contract) for word in re.findall(r"\w+", span)}
    for kind in KINDS:
        assert f"`data/{kind}/<slug>.yml`" in contract and f"`/{kind}/<slug>/`" in contract
        schema = kind_schema(kind)
        fields = set(schema["properties"])
        for definition in schema.get("definitions", {}).values():
            fields |= set(definition.get("properties", {}))
        assert fields <= in_code, f"{kind}: {sorted(fields - in_code)} missing from the contract"
    assert set(topics_schema()["definitions"]["Topic"]["properties"]) <= in_code


def test_the_contract_is_in_the_nav_beside_the_guide(guide):
    page = (guide / "editors/contract/index.html").read_text(encoding="utf-8")
    assert "The content contract" in page and 'href="../"' in page
    assert 'href="contract/"' in guide_html(guide)

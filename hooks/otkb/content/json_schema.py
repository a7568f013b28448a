"""JSON Schemas for editors' tools, generated from the models in models.py.

`otkb schema` writes one file per kind, plus one for data/topics.yml, into
schemas/. VS Code (with the YAML extension) and other YAML language server
editors read them through .vscode/settings.json and the
`# yaml-language-server: $schema=` line of new records, so editors get field
names completed and mistakes underlined as they type. The files are never
edited by hand; a test fails when they drift from the models.

Draft-07 is written (definitions under `definitions`), the newest draft
every YAML language server release reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .load import SLUG_PATTERN
from .models import SearchWords, Topic
from .kinds import KINDS

SCHEMA_DIR = "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"


def _draft07(schema: dict) -> dict:
    """Pydantic writes `$defs` (2020-12); draft-07 readers look in `definitions`."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/definitions/')
    schema = json.loads(text)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return schema


def _model_schema(model: type[BaseModel]) -> dict:
    return _draft07(model.model_json_schema(mode="validation"))


def kind_schema(kind: str) -> dict:
    spec = KINDS[kind]
    body = _model_schema(spec.model)
    return {"$schema": DRAFT, "title": f"otkb {spec.singular.lower()}",
            "description": f"One {spec.singular.lower()}: a file data/{kind}/<slug>.yml. The editor's guide on "
                           "the site explains every field.",
            **{k: v for k, v in body.items() if k not in ("title", "description")}}


def topics_schema() -> dict:
    topic = _model_schema(Topic)
    definitions = topic.pop("definitions", {})
    return {"$schema": DRAFT, "title": "otkb topics",
            "description": "The topic vocabulary, data/topics.yml: each topic id (lower-case words joined by "
                           "hyphens) holds its name, description, optional parent and aliases.",
            "type": "object", "propertyNames": {"pattern": SLUG_PATTERN.pattern},
            "additionalProperties": {"$ref": "#/definitions/Topic"},
            "definitions": {**definitions, "Topic": topic}}


def search_words_schema() -> dict:
    body = _model_schema(SearchWords)
    return {"$schema": DRAFT, "title": "otkb search words",
            "description": "data/search.yml: words for age groups, and words search leaves out. The editor's "
                           "guide on the site explains both.",
            **{k: v for k, v in body.items() if k not in ("title", "description")}}


def schema_files() -> dict[str, str]:
    """{path relative to the project: JSON text} for every schema."""
    schemas = {f"{SCHEMA_DIR}/{kind}.schema.json": kind_schema(kind) for kind in KINDS}
    schemas[f"{SCHEMA_DIR}/topics.schema.json"] = topics_schema()
    schemas[f"{SCHEMA_DIR}/search.schema.json"] = search_words_schema()
    return {path: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for path, schema in schemas.items()}


def stale_schemas(project_dir: Path) -> list[str]:
    """The schema files that are missing or differ from the models."""
    return [path for path, text in schema_files().items()
            if not (project_dir / path).is_file() or (project_dir / path).read_text(encoding="utf-8") != text]


def write_schemas(project_dir: Path) -> list[str]:
    """Write every stale schema file; returns the paths written."""
    written = stale_schemas(project_dir)
    for path in written:
        (project_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (project_dir / path).write_text(schema_files()[path], encoding="utf-8")
    return written


def schema_path_for(kind: str) -> str:
    """The `$schema=` path a record in data/<kind>/ uses (relative to the record)."""
    return f"../../{SCHEMA_DIR}/{kind}.schema.json"

"""`otkb new`: a new record from the commented template of its kind.

The templates (new_records/, never published) leave every field the
editor must write empty, so `otkb check` names each one until it is filled
in; the title, dates and the schema line are filled in here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..content.checks import years_after
from ..content.json_schema import schema_path_for
from ..content.load import SLUG_PATTERN, read_yaml
from ..content.kinds import KINDS

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.'()?!&/-]*")


class NewRecordError(Exception):
    """A reason `otkb new` cannot write the record, worded for the editor."""


def kind_named(name: str) -> str:
    """The kind `name` means: its folder name, its singular ('activity', 'research-card') or one of its
    `scaffold_names` ('card')."""
    wanted = name.lower()
    for kind, spec in KINDS.items():
        if wanted in (kind, suggest_slug(spec.singular), *spec.scaffold_names):
            return kind
    raise NewRecordError(f"unknown kind '{name}'; choose one of: {', '.join(KINDS)}")


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name a record, or None when it can."""
    if SLUG_PATTERN.match(slug):
        return None
    if slug.endswith((".yml", ".yaml")):
        return f"leave out the file ending: '{slug.rsplit('.', 1)[0]}'"
    reasons = []
    if slug != slug.lower():
        reasons.append("capital letters")
    if " " in slug or "_" in slug:
        reasons.append("spaces or underscores (use hyphens)")
    if re.search(r"[^A-Za-z0-9 _-]", slug):
        reasons.append("characters other than a-z, 0-9 and hyphens")
    if slug.startswith("-") or slug.endswith("-") or "--" in slug:
        reasons.append("a hyphen at the start or end, or two in a row")
    found = ", ".join(reasons) or "no letters or digits"
    return f"it has {found}; a slug is lower-case words joined by single hyphens, like '{suggest_slug(slug)}'"


def suggest_slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", re.sub(r"\.ya?ml$", "", text.lower()))
    return "-".join(words) or "button-hunt"


def title_from(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def yaml_text(value: str) -> str:
    """A one-line YAML value that reads back as exactly `value`."""
    return value if _PLAIN.fullmatch(value) and not value.endswith(" ") else json.dumps(value, ensure_ascii=False)


def new_record(project_dir: Path, kind: str, slug: str, title: str | None = None,
               today: dt.date | None = None) -> Path:
    """Write data/<kind>/<slug>.yml from the template; returns its path."""
    kind = kind_named(kind)
    problem = slug_problem(slug)
    if problem:
        raise NewRecordError(f"'{slug}' cannot be a file name: {problem}")
    title = title_from(slug) if title is None else " ".join(title.split())
    if not title or len(title) > 150:
        raise NewRecordError("the title must be between 1 and 150 characters")
    path = project_dir / "data" / kind / f"{slug}.yml"
    shown = f"data/{kind}/{slug}.yml"
    if path.exists():
        raise NewRecordError(f"{shown} already exists; edit it, or choose another name")
    today = today or dt.date.today()
    text = _environment().get_template(f"{kind}.yml.j2").render(
        kind=kind, many_sources="sources" in KINDS[kind].model.model_fields, slug=slug, path=shown, singular=KINDS[kind].singular.lower(), title=yaml_text(title),
        schema=schema_path_for(kind), today=today.isoformat(), review_due=years_after(today, 1).isoformat(),
        audiences=KINDS[kind].scaffold_audiences, topic_lines=_topic_lines(project_dir))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never replace a file written meanwhile
        out.write(text)
    return path


NEW_RECORD_TEMPLATES = Path(__file__).parent / "new_records"


def _environment() -> Environment:
    # Plain text out: YAML, not HTML, so no autoescaping; values are quoted by yaml_text.
    return Environment(loader=FileSystemLoader(NEW_RECORD_TEMPLATES), undefined=StrictUndefined, autoescape=False,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _topic_lines(project_dir: Path) -> list[str]:
    topics, _, errors = read_yaml(project_dir / "data" / "topics.yml", "data/topics.yml")
    ids = [t for t in (topics or {}) if isinstance(t, str) and SLUG_PATTERN.match(t)]
    lines = textwrap.wrap(", ".join(ids), width=74, break_on_hyphens=False, break_long_words=False)
    return lines or ["(none yet: add them to data/topics.yml)"]

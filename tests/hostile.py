"""A hostile record of every kind, with a payload in every field that takes text.

`BASE` holds one complete record per kind (every field, optional ones too)
and one topic. `hostile_set()` replaces each text value in turn with a
payload: the Markdown payload where the field accepts it, else the plain-text
one, else a URL, DOI or author payload. Fields that accept none (dates,
ages, ids, enumerations) are typed, so no markup can reach them; they are
listed as refused. Each payload carries its own marker (OTXSS01, OTXSS02 …),
so a hit tells which field it came from, and `{{"JI"~"NJA"}}`, which must
show as written (a template engine would print JINJA).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import yaml
from pydantic import BaseModel, ValidationError

from otkb.content.kinds import KINDS
from otkb.content.models import Topic

BASE = {
    "articles/hostile": {
        "title": "Hostile article", "summary": "An article.", "topics": ["fine-motor", "hostile-topic"],
        "audiences": ["parents"], "reviewed": "2026-06-01", "review_due": "2027-06-01",
        "related": ["activities/hostile", "research/hostile", "activities/peg-game"],
        "sources": [{"name": "Example", "url": "https://example.org/a"}],  # its page shows them as notes
        "body": "Body [1].", "published": "2026-05-01", "updated": "2026-05-20",
        "author": {"name": "A. Writer", "bio": "Writes."},
        "reviewed_by": {"name": "A. Reviewer", "role": "Occupational therapist"},
        "faq": [{"question": "Why?", "answer": "Because."}],
    },
    "research/hostile": {
        "title": "Hostile card", "summary": "A card.", "topics": ["hostile-topic"], "audiences": ["therapists"],
        "reviewed": "2026-06-01", "review_due": "2027-06-01", "related": ["activities/peg-game"],
        "source": {"name": "Example", "url": "https://example.org/r"},
        "citation": {"authors": ["Smith, J."], "year": "2020", "title": "A study", "journal": "A journal",
                     "volume": "1", "issue": "2", "pages": "3-4", "doi": "10.5555/x.1",
                     "url": "https://example.org/paper"},
        "study": {"design": "rct", "question": "effect", "population": "Children",
                  "ages": {"min": "4 years", "max": "6 years"}, "size": "40 children", "tested": "Peg games",
                  "compared_with": "Usual play", "outcomes": ["Pinch strength"], "conditions": ["hostile-topic"],
                  "result": "benefit"},
        "certainty": "low", "limitations": ["Small.", {"text": "A limit", "details": ["A detail."]}],
        "reviewed_by": {"name": "A. Reviewer", "role": "Occupational therapist"},
        "findings": ["A finding.", {"text": "A point", "details": ["A detail."]}],
        "relevance": "It matters.",
        "takeaways": {"therapists": ["Do this."], "parents": [{"text": "Try this", "details": ["Gently."]}]},
    },
    "activities/hostile": {
        "title": "Hostile activity", "summary": "An activity.", "topics": ["hostile-topic"],
        "audiences": ["parents"], "reviewed": "2026-06-01", "review_due": "2027-06-01",
        "related": ["articles/hostile"], "source": {"name": "Example", "url": "https://example.org/t"},
        "skills": ["fine-motor", "hostile-topic"], "ages": {"min": "3 years", "max": "6 years"},
        "setting": ["home"], "duration": "10 minutes", "materials": ["Pegs"], "steps": ["Clip a peg."],
        "easier": ["Bigger pegs."], "harder": ["Smaller pegs."], "safety": ["Watch small parts."],
        "supports": [{"card": "research/hostile", "part": "easier"}],
        "background": ["research/jones-2019-preterm-grip"], "months": ["june"],
        "reviewed_by": {"name": "A. Reviewer", "role": "Occupational therapist"},
    },
    "milestones/hostile": {
        "title": "Hostile milestones", "summary": "Milestones.", "topics": ["gross-motor"], "audiences": ["parents"],
        "reviewed": "2026-06-01", "review_due": "2027-06-01", "related": ["articles/hostile"],
        "source": {"name": "Example", "url": "https://example.org/m"}, "age": "4 years",
        "skills": {"fine-motor": ["Holds a crayon.", {"text": "Draws", "details": ["A circle."]}],
                   "hostile-topic": ["Squeezes."]},
        "seek_help": ["Lost skills.", {"text": "Worried", "details": ["Ask."]}], "background": ["research/hostile"],
        "reviewed_by": {"name": "A. Reviewer", "role": "Occupational therapist"},
    },
}
BASE_TOPIC = ("hostile-topic", {"name": "Hostile topic", "description": "A topic.", "parent": "fine-motor",
                                "aliases": ["an alias"]})
# Leaf names of typed fields, which refuse every payload.
TYPED_FIELDS = {"topics", "audiences", "reviewed", "review_due", "related", "published", "updated", "year",
                "design", "min", "max", "skills", "setting", "duration", "supports", "months", "parent", "age",
                "question", "certainty", "background", "conditions", "result", "card", "part"}


JINJA = '{{"JI"~"NJA"}}'  # a template engine would print JINJA


def plain_payload(m: str) -> str:
    """At most 150 characters: fits a title."""
    return (f"{m}</title><script>alert('{m}')</script>\"><svg onload=alert('{m}')>{JINJA}"
            f"{{: onclick=alert('{m}') }}[x](javascript:{m})")


def markdown_payload(m: str) -> str:
    """Raw HTML, attribute lists, headings and every spelling of a script URL (over 1,000 characters,
    so a plain-text field refuses it)."""
    return f"""Text {m} with <script>alert('{m}')</script> and <img src="https://example.org/x.png" onerror="alert('{m}')">.

## Heading {m} {{: onclick="alert('{m}')" }}

## \\[x\\](javascript:alert('{m}')) {m}

## <img src="https://example.org/x.png" onerror=alert('{m}')> *{m}*{{: onclick=alert('{m}') }}

<svg onload="alert('{m}')"><script>alert('{m}')</script></svg> <math><mtext><script>alert('{m}')</script></mtext></math>

<iframe srcdoc="<script>alert('{m}')</script>"></iframe> <meta http-equiv="refresh" content="0;url=javascript:alert('{m}')">

<a href="vbscript:alert('{m}')">v</a> <a href=" jav&#x09;ascript:alert('{m}')">e</a> <a href="java
script:alert('{m}')">n</a>

<p style="background:url(javascript:alert('{m}'))">s {m}</p> <style>body{{background:url("{m}")}}</style>

<form action="javascript:alert('{m}')"><button formaction="javascript:alert('{m}')">f</button></form> <object data="javascript:alert('{m}')"></object> <embed src="javascript:alert('{m}')">

<details open ontoggle="alert('{m}')"><summary>d {m}</summary></details> <base href="javascript:alert('{m}')//"> <link rel=stylesheet href="data:text/css,{m}">

[a](javascript:alert('{m}')) [b](JaVaScRiPt:alert('{m}')) [c](java&#115;cript:alert('{m}')) [d](&#106;avascript&colon;alert('{m}')) [e](data:text/html;base64,{m}) [f](vbscript:alert('{m}')) ![g](javascript:alert('{m}')) [h][r{m}] <javascript:alert('{m}')>

[r{m}]: javascript:alert('{m}')

{{% raw %}} {m}{JINJA}
"""


def url_payload(m: str) -> str:
    return f"https://example.org/{m}\"><script>alert('{m}')</script>{JINJA}"


def doi_payload(m: str) -> str:
    return f"10.5555/{m}\"><script>alert('{m}')</script>"


def author_payload(m: str) -> str:
    return f"{m}</title><script>alert('{m}')</script>, \"><svg onload=alert('{m}')>"


PAYLOADS = (("markdown", markdown_payload), ("plain", plain_payload), ("url", url_payload),
            ("doi", doi_payload), ("author", author_payload))


@dataclass
class Payload:
    """One field's payload: which record (or 'topics/<id>') and field it is in."""

    marker: str
    owner: str
    path: tuple
    style: str
    text: str


@dataclass
class HostileSet:
    records: dict[str, dict]
    topic: tuple[str, dict]
    payloads: list[Payload]
    refused: list[tuple[str, tuple]]


def leaf_paths(data, path: tuple = ()) -> list[tuple]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in leaf_paths(value, path + (key,))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in leaf_paths(value, path + (index,))]
    return [path]


def set_at(data, path: tuple, value):
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _accepts(model: type[BaseModel], data: dict, path: tuple) -> bool:
    try:
        model.model_validate(data)
    except ValidationError as e:
        return not any(tuple(error["loc"])[: len(path)] == path or tuple(error["loc"]) == path[:-1]
                       for error in e.errors())
    return True


def _fill(owner: str, model: type[BaseModel], base: dict, counter) -> tuple[dict, list[Payload], list]:
    data, payloads, refused = copy.deepcopy(base), [], []
    for path in leaf_paths(base):
        marker = f"OTXSS{next(counter):02d}"
        for style, make in PAYLOADS:
            trial = set_at(copy.deepcopy(data), path, make(marker))
            if _accepts(model, trial, path):
                data = trial
                payloads.append(Payload(marker, owner, path, style, make(marker)))
                break
        else:
            refused.append((owner, path))
    return data, payloads, refused


def hostile_set() -> HostileSet:
    counter = itertools.count(1)
    records, payloads, refused = {}, [], []
    for record_id, base in BASE.items():
        records[record_id], filled, skipped = _fill(record_id, KINDS[record_id.split("/")[0]].model, base, counter)
        payloads += filled
        refused += skipped
    topic_id, topic_base = BASE_TOPIC
    topic, filled, skipped = _fill(f"topics/{topic_id}", Topic, topic_base, counter)
    return HostileSet(records, (topic_id, topic), payloads + filled, refused + skipped)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)


def write_hostile_records(project) -> HostileSet:
    """Add the hostile records and topic to a project copy (the fixture site, whose records they link to)."""
    hostile = hostile_set()
    for record_id, data in hostile.records.items():
        path = project / "data" / f"{record_id}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), encoding="utf-8")
    topics = project / "data/topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + dump({hostile.topic[0]: hostile.topic[1]}),
                      encoding="utf-8")
    return hostile

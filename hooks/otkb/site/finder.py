"""The activity finder's data: the choices the filter form offers, and one compact index of every activity.

Everything is taken from the records at build time. The listing page carries
only the form and its first cards; the browser fetches `finder.json` (every
activity's title, ages, skills, setting and time, a few dozen bytes each) and
filters that, and fetches `finder-materials.json` only when a visitor
filters by a material. No second list is kept by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

from ..content.link import Library, changed_since
from ..content.kinds import kind_of
from ..content.models import MAX_AGE_MONTHS, Activity
from ..content.validate import Record
from .badges import strongest_badge
from .urls import FINDER_INDEX, FINDER_MATERIALS

# Ages a visitor can pick: every month under two years, then every year up to 18.
AGE_STEPS = (*range(24), *range(24, MAX_AGE_MONTHS + 1, 12))
TIME_LIMITS = (5, 10, 15, 20, 30, 45, 60)
SETTING_LABELS = {"home": "At home", "school": "At school", "clinic": "In a clinic", "outdoors": "Outdoors"}
SUGGESTED_MATERIALS = 200
"""The form suggests the most common materials only: at 8,000 activities the whole list would outweigh the page."""


@dataclass(frozen=True)
class Finder:
    """The form's choices as (value, label) pairs, and where the browser fetches the index."""

    ages: list[tuple[str, str]]
    skills: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    times: list[tuple[str, str]]
    materials: list[str]
    index_url: str
    """Relative to the listing, with the data's digest as `?v=` so a browser never mixes two builds."""
    materials_url: str


def age_value(months: int) -> str:
    """How an age is written in the finder's URL: `7m`, `1y`, `18m`, `4y`."""
    return f"{months // 12}y" if months % 12 == 0 and months else f"{months}m"


def age_label(months: int) -> str:
    if months == 0:
        return "0 months (newborn)"
    if months == 1:
        return "1 month"
    if months < 24 or months % 12:
        return f"{months} months"
    return f"{months // 12} years"


def shortest_minutes(duration: str | None) -> int | None:
    """The shortest time an activity takes, in minutes: '10-15 minutes' -> 10, '1 hour' -> 60."""
    if not duration:
        return None
    match = re.match(r"(\d+)(?:-\d+)? (minutes|hours?)", duration)
    return int(match.group(1)) * (60 if match.group(2).startswith("hour") else 1)


def time_limits(minutes: list[int]) -> list[int]:
    """The time limits worth offering: from the quickest activity up to one that fits the longest."""
    if not minutes:
        return []
    limits = [t for t in TIME_LIMITS if min(minutes) <= t < max(minutes)]
    return limits + [t for t in TIME_LIMITS if t >= max(minutes)][:1]


def skill_ids(record: Record, library: Library) -> list[str]:
    """The activity's skills and every broader topic above them, so 'Fine motor skills' finds grasp games."""
    ids: list[str] = []
    for skill in record.data.skills:
        ids += [topic_id for topic_id in library.broader(skill) if topic_id not in ids]
    return ids


def finder_index(library: Library) -> tuple[dict, list[str]]:
    """The index the finder filters (in the listing's order), and each activity's materials, lower case.

    Made once per library (the listing and the finder's data files both need it).

    Each activity is one array, to keep 8,000 of them small:
    [slug, title, youngest and oldest age in months, ages as written, skill numbers (into `skills`,
    broader skills included), settings as bits (of `settings`), shortest minutes or null,
    duration as written or null, and the evidence badge of its strongest study or null:
    [what it found, the badge's colour, level · certainty · who was tested] (site/badges.py)].
    """
    if "finder_index" in library.derived:
        return library.derived["finder_index"]
    records = library.of_kind(kind_of(Activity))
    rows = _rows(library, records)
    if rows != _LAST["rows"]:
        skills = sorted({s for _, skill_ids_, _, _ in rows for s in skill_ids_})
        last = _LAST["index"]
        made = _activities(rows, skills, _LAST["activities"] if last and last[0]["skills"] == skills else {})
        _LAST.update(rows=rows, texts=None, activities=made, index=(
            {"skills": skills, "settings": list(SETTING_LABELS), "activities": [a for _, a, _ in made.values()]},
            [row[3] for row in rows]))
    library.derived["finder_index"] = _LAST["index"]
    return library.derived["finder_index"]


def _row(record: Record, library: Library) -> tuple[list, list[str], list, str]:
    """The activity's row in the finder's index around its skill numbers (which depend on every
    activity's skills), its skill ids and its materials."""
    data, settings, shown = record.data, list(SETTING_LABELS), strongest_badge(record, library)
    return ([record.slug, record.title, data.ages.min.months, data.ages.max.months, str(data.ages)],
            skill_ids(record, library),
            [sum(1 << settings.index(s) for s in data.setting), shortest_minutes(data.duration), data.duration,
             [shown.label, shown.tone, shown.summary] if shown else None],
            "|".join(m.casefold() for m in data.materials))


def _activities(rows: list[tuple], skills: list[str], last: dict) -> dict[int, tuple]:
    """(row, its array in the index, the array's JSON or None) by the row's id: those in `last` while
    the row is the same object (`_rows` keeps an unchanged activity's) and the skills are numbered
    alike, so a title edit makes and dumps one array, not 8,000 (`_index_text`)."""
    number = {s: i for i, s in enumerate(skills)}
    made = {}
    for row in rows:
        kept = last.get(id(row))
        if kept is None or kept[0] is not row:
            head, skill_ids_, tail, _ = row
            kept = (row, [*head, [number[s] for s in skill_ids_], *tail], None)
        made[id(row)] = kept
    return made


def _index_text(index: dict) -> str:
    """`_dumps(index)`. In `mkdocs serve` (`keep_for_saves`) it is joined from each array's JSON, dumped
    only for the arrays without one (0.05 CPU s of a title edit at 10,000 records); a one-off build
    dumps the index whole, and keeps no 2.5 MB of arrays' JSON."""
    made = _LAST["activities"]
    if not _LAST["keep"] and any(text is None for _, _, text in made.values()):
        return _dumps(index)
    for key, (row, activity, text) in made.items():
        if text is None:
            made[key] = (row, activity, _dumps(activity))
    arrays = ",".join(text for _, _, text in made.values())
    return (f'{{"skills":{_dumps(index["skills"])},"settings":{_dumps(index["settings"])},'
            f'"activities":[{arrays}]}}')


def _rows(library: Library, records: list[Record]) -> list[tuple]:
    """Each activity's row (`_row`). A row reads its activity, the studies it names and the topics,
    so while the topics are the same, only the rows of records changed since the last index was
    made, and of those naming one, are made again: `mkdocs serve` reuses an unchanged file's record
    (8,000 badges took a second of every rebuild, and the studies' keys of 8,000 rows 0.08 s)."""
    topics = _topics_text(library)
    last_records, last_topics, last_rows = _LAST["made_from"]
    if last_topics != topics:
        last_rows = {}
    else:
        changed = changed_since(last_records, library)
        last_rows = {rid: row for rid, row in last_rows.items() if rid not in changed}
    rows = {r.id: last_rows.get(r.id) or _row(r, library) for r in records}
    _LAST["made_from"] = (library.records, topics, rows)
    return list(rows.values())


# The last index made, from its rows, and its files' text: a save that changed no activity's row (a
# step, a study's title) reuses both; at 10,000 records they took 0.15 CPU s of each preview. And
# what its rows were made from (`_rows`): the records by id, the topics' text, each activity's row.
_LAST: dict = {"rows": None, "index": None, "texts": None, "made_from": ({}, None, {}), "activities": {},
               "keep": False}


def _topics_text(library: Library) -> str:
    return repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items()))


def rows_made() -> dict[str, tuple]:
    """Each activity's row of the last index made, by its id (`_rows`): what a warm build keeps."""
    return _LAST["made_from"][2]


def start_from(library: Library, unchanged: dict, rows: dict[str, list]) -> None:
    """Start from the rows of another build of the same topics (`rows_made`, a warm build's last
    build), as if they were made here from the records in `unchanged` ({id: this library's record
    whose content is as it was then, or None for a record gone since}): only the rows of the
    others, and of those naming one, are made again (`_rows`; 8,000 took 0.3 CPU s)."""
    _LAST["made_from"] = (unchanged, _topics_text(library), {rid: tuple(row) for rid, row in rows.items()})


def keep_for_saves() -> None:
    """`mkdocs serve` starts: from its first build on, each activity's JSON is kept for the saves to
    reuse (`_index_text`)."""
    _LAST["keep"] = True


def forget_last() -> None:
    """Let go of the last index, its rows and its files' text: a one-off build, once its pages and files
    are written, has no next save to reuse them for (1.3 MiB at 1,000 records)."""
    _LAST.update(rows=None, index=None, texts=None, made_from=({}, None, {}), activities={}, keep=False)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def finder_files(library: Library) -> dict[str, str]:
    """The finder's data files, {path in the site: JSON}; both carry the same digest `v`."""
    index, materials, _ = _finder_texts(library)
    return {FINDER_INDEX: index, FINDER_MATERIALS: materials}


def _finder_texts(library: Library) -> tuple[str, str, str]:
    """The finder's data files' JSON, and the digest `v` both carry: made once per library."""
    if "finder_texts" in library.derived:
        return library.derived["finder_texts"]
    index, materials = made = finder_index(library)
    if _LAST["index"] is not made or _LAST["texts"] is None:
        index_text = _index_text(index) if _LAST["index"] is made else _dumps(index)
        digest = hashlib.sha256((index_text + _dumps(materials)).encode("utf-8")).hexdigest()[:12]
        # {"v": digest, **index}, with the index (8,000 activities) dumped once
        texts = (_dumps({"v": digest})[:-1] + "," + index_text[1:], _dumps({"v": digest, "materials": materials}),
                 digest)
        if _LAST["index"] is made:
            _LAST["texts"] = texts
    else:
        texts = _LAST["texts"]
    library.derived["finder_texts"] = texts
    return texts


def _file_name(path: str) -> str:
    return path.rsplit("/", 1)[1]


def _choices(shown: list[tuple]) -> tuple[list, list, list]:
    """The settings, time limits and materials to choose from, given each activity's (setting, duration,
    materials), in any order; the last answer is kept: a save that changed none of them (most) reuses it.
    Materials used equally often are suggested in alphabetical order, so the answer does not hang on
    the order of the activities (a title edit moves one in the listing)."""
    if shown != _LAST_CHOICES[0]:
        minutes = [m for _, duration, _ in shown if (m := shortest_minutes(duration)) is not None]
        common = Counter(m for _, _, materials in shown for m in dict.fromkeys(materials))
        most_used = sorted(common.items(), key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
        _LAST_CHOICES[:] = [shown, (
            [(s, label) for s, label in SETTING_LABELS.items() if any(s in setting for setting, _, _ in shown)],
            [(str(t), f"Up to {t} minutes") for t in time_limits(minutes)],
            sorted((m for m, _ in most_used[:SUGGESTED_MATERIALS]), key=str.casefold))]
    return _LAST_CHOICES[1]


_LAST_CHOICES: list = [None, None]


def activity_finder(library: Library) -> Finder:
    """The finder's filters on the activities listing."""
    index, _ = finder_index(library)
    activity = kind_of(Activity)
    settings, times, materials = _choices([(r.data.setting, r.data.duration, r.data.materials)  # in the files' order
                                           for r in library.records.values() if r.kind == activity])
    return Finder(
        ages=[(age_value(m), age_label(m)) for m in AGE_STEPS],
        skills=sorted(((s, library.topics[s].name) for s in index["skills"]), key=lambda pair: pair[1].casefold()),
        settings=settings,
        times=times,
        materials=materials,
        index_url=_file_name(FINDER_INDEX) + "?v=" + _finder_texts(library)[2],
        materials_url=_file_name(FINDER_MATERIALS) + "?v=" + _finder_texts(library)[2],
    )

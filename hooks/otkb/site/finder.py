"""The activity finder's data: what each activity card carries, and the choices the filter form offers.

Everything is taken from the records at build time and written into the
listing page (data attributes on the cards, options in the form), so the
browser only compares values and no second list is kept by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.link import Library
from ..content.models import MAX_AGE_MONTHS
from ..content.validate import Record

# Ages a visitor can pick: every 6 months up to 3 years, then every year.
AGE_STEPS = (6, 12, 18, 24, 30, *range(36, MAX_AGE_MONTHS + 1, 12))
TIME_LIMITS = (5, 10, 15, 20, 30, 45, 60)
SETTING_LABELS = {"home": "At home", "school": "At school", "clinic": "In a clinic", "outdoors": "Outdoors"}


@dataclass(frozen=True)
class Finder:
    """The form's choices as (value, label) pairs, and each card's data attributes by record id."""

    ages: list[tuple[str, str]]
    skills: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    times: list[tuple[str, str]]
    materials: list[str]
    cards: dict[str, dict[str, str]]


def age_value(months: int) -> str:
    """How an age is written in the finder's URL: `18m`, `4y`."""
    return f"{months // 12}y" if months % 12 == 0 else f"{months}m"


def age_label(months: int) -> str:
    if months == 12:
        return "1 year"
    if months % 12 == 0:
        return f"{months // 12} years"
    if months > 24 and months % 12 == 6:
        return f"{months // 12}½ years"
    return f"{months} months"


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
        topic_id = skill
        while topic_id and topic_id not in ids:
            ids.append(topic_id)
            topic_id = library.topics[topic_id].parent
    return ids


def card_data(record: Record, library: Library) -> dict[str, str]:
    """The data attributes (without `data-`) the finder's script compares."""
    ages = record.data.ages
    minutes = shortest_minutes(record.data.duration)
    return {
        "age-min": str(ages.min.months),
        "age-max": str(ages.max.months),
        "skills": " ".join(skill_ids(record, library)),
        "setting": " ".join(record.data.setting),
        "minutes": "" if minutes is None else str(minutes),
        "materials": "|".join(m.casefold() for m in record.data.materials),
    }


def activity_finder(records: list[Record], library: Library) -> Finder:
    cards = {r.id: card_data(r, library) for r in records}
    low = min((r.data.ages.min.months for r in records), default=0)
    high = max((r.data.ages.max.months for r in records), default=0)
    skills = {s for r in records for s in skill_ids(r, library)}
    settings = {s for r in records for s in r.data.setting}
    minutes = [m for r in records if (m := shortest_minutes(r.data.duration)) is not None]
    return Finder(
        ages=[(age_value(m), age_label(m)) for m in AGE_STEPS if low <= m <= high],
        skills=sorted(((s, library.topics[s].name) for s in skills), key=lambda pair: pair[1].casefold()),
        settings=[(s, label) for s, label in SETTING_LABELS.items() if s in settings],
        times=[(str(t), f"Up to {t} minutes") for t in time_limits(minutes)],
        materials=sorted({m for r in records for m in r.data.materials}, key=str.casefold),
        cards=cards,
    )

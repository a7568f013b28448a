"""What an activity's `supports` may claim, and whom its studies were about.

Errors (the link stage): a `supports` entry naming a part the activity does
not have, one study under both `supports` and `background` of a record, and
a study's `conditions` naming an unknown topic.

Warnings (the editor checks): a study listed twice under `supports`, and a
study that does not apply to the activity as written: its children's ages do
not overlap the activity's, or they had a condition and the activity is for
all children. The page says the same beside the study's badge (`mismatches`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import PerRecord
from .errors import RecordError
from .kinds import ids_in
from .models import EVIDENCE_LEVELS, PARTS, ResearchCard, evidence_level
from .validate import Record, suggest

CERTAINTY_ORDER = ("high", "moderate", "low", "very-low", None)


@dataclass(frozen=True)
class TestedBy:
    """One `supports` entry of an activity, resolved: the card, and the part it tested (None: all of it)."""

    card: Record
    part: str | None
    index: int
    """Its place in `supports` (from 0), for messages."""

    @property
    def whole(self) -> bool:
        return self.part is None


def tested_by(activity: Record, records: dict[str, Record]) -> list[TestedBy]:
    """The activity's `supports` entries in order, each study once (the first entry that names it with a part)."""
    seen, out = set(), []
    for index, entry in enumerate(getattr(activity.data, "supports", ())):
        key = (entry.card, entry.part)
        if key not in seen and entry.card in records:
            seen.add(key)
            out.append(TestedBy(records[entry.card], entry.part, index))
    return out


def evidence_key(activity: Record, records: dict[str, Record]) -> str:
    """What an activity's card shows from its studies, and nothing more (the keys of memoised cards and
    of reused pages: retitling a study must not rewrite every page that shows the activity's card).

    Kept while the activity lives and its `supports` name the same card objects (records are
    reused by `mkdocs serve` while their files are unchanged): every page key asks for it."""
    if not getattr(activity.data, "supports", None):  # most cards on a page: what tested_by's [] gives
        return "[]"

    def shown(card: Record) -> tuple:
        study = card.data.study
        return (study.design, study.question, card.data.certainty, study.result, study.conditions, str(study.ages))
    cards = tuple(records.get(entry.card) for entry in getattr(activity.data, "supports", ()))
    return _EVIDENCE_KEYS.get(activity, cards, lambda: repr([(t.card.id, t.part, *shown(t.card))
                                                             for t in tested_by(activity, records)]))


_EVIDENCE_KEYS = PerRecord()  # keyed on the card objects the activity names


def strength(tested: TestedBy) -> tuple:
    """Sort key, strongest first: the level and design, a study of the whole activity before one of a
    part, then the certainty. The result plays no part: the strongest study is shown whatever it found."""
    design = tested.card.data.study.design
    level = evidence_level(tested.card.data)
    return (level[0] if level else 9, list(EVIDENCE_LEVELS).index(design), not tested.whole,
            CERTAINTY_ORDER.index(tested.card.data.certainty))


def part_label(part: str | None) -> str:
    """'the easier version', 'step 2'; 'the whole activity' for None."""
    if part is None:
        return "the whole activity"
    return PARTS.get(part) or "step " + part.removeprefix("step-")


# --- who was studied, against whom the activity is for --------------------------------

def condition_words(name: str) -> str:
    """A topic's name inside a sentence: 'Autism' -> 'autism'; 'DCD' stays."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def mismatches(activity: Record, card: Record, activity_topics: list[str]) -> tuple[bool, list[str]]:
    """(the study's ages do not overlap the activity's, the study's conditions the activity is not for).

    An activity is for all children unless its topics or skills name one of the study's conditions.
    """
    study, ages = card.data.study, activity.data.ages
    apart = study.ages is not None and (study.ages.max < ages.min or study.ages.min > ages.max)
    conditions = list(study.conditions or ())
    if set(conditions) & set(activity_topics):
        conditions = []
    return apart, conditions


# --- errors ---------------------------------------------------------------------------

def evidence_errors(record: Record, topics: dict) -> list[RecordError]:
    """A record's own evidence links that cannot be right (before linking: ids are not checked here)."""
    if isinstance(record.data, ResearchCard):
        return _unknown_conditions(record, topics)
    return _missing_parts(record) + _both_kinds(record)


def _error(record: Record, loc: tuple, field: str, message: str) -> RecordError:
    return RecordError(record.path, *record.line_of(loc), field, message)


def _missing_parts(record: Record) -> list[RecordError]:
    data, errors = record.data, []
    for index, entry in enumerate(getattr(data, "supports", ())):
        part = entry.part
        if part is None or part == "steps":
            continue
        if part.startswith("step-"):
            number = int(part.removeprefix("step-"))
            if number <= len(data.steps):
                continue
            problem = f"'{part}' names step {number}, but the activity has {len(data.steps)} steps"
        elif getattr(data, part):
            continue
        else:
            problem = f"'{part}' names the '{part}:' list, but the activity has none"
        errors.append(_error(record, ("supports", index, "part"), f"supports[{index + 1}].part",
                             f"{problem}; name the part the study tested: steps, easier, harder or step-1 "
                             f"to step-{len(data.steps)}"))
    return errors


def _both_kinds(record: Record) -> list[RecordError]:
    """One study cannot both have tested the activity and only explain why its skill matters."""
    tested = {}
    for index, ref in enumerate(ids_in(record.data, "supports")):
        tested.setdefault(ref, index)
    errors = []
    for index, ref in enumerate(ids_in(record.data, "background")):
        if ref not in tested:
            continue
        line, column = record.line_of(("supports", tested[ref]))
        errors.append(_error(record, ("background", index), f"background[{index + 1}]",
                             f"'{ref}' is also under 'supports:' (line {line}); a study either tested this "
                             "activity (supports) or explains why it matters (background): keep it in one"))
    return errors


def _unknown_conditions(record: Record, topics: dict) -> list[RecordError]:
    errors = []
    for index, topic_id in enumerate(record.data.study.conditions or ()):
        if topic_id not in topics:
            errors.append(_error(record, ("study", "conditions", index), f"study.conditions[{index + 1}]",
                                 f"unknown topic '{topic_id}'{suggest(topic_id, topics) or '; add it to data/topics.yml or fix the id'}"))
    return errors


# --- warnings -------------------------------------------------------------------------

def _warning(record: Record, loc: tuple, field: str, message: str) -> RecordError:
    return RecordError(record.path, *record.line_of(loc), field, message, severity="warning")


def evidence_warnings(activity: Record, records: dict[str, Record], topic_names: dict[str, str],
                      activity_topics: list[str]) -> list[RecordError]:
    """Duplicate `supports` entries, and studies whose children differ from the activity's."""
    warnings, seen = [], {}
    for index, entry in enumerate(activity.data.supports):
        key = (entry.card, entry.part)
        if key in seen:
            line = activity.line_of(("supports", seen[key]))[0]
            warnings.append(_warning(activity, ("supports", index), f"supports[{index + 1}]",
                                     f"'{entry.card}' is listed twice (also on line {line}); delete one"))
            continue
        seen[key] = index
        card = records.get(entry.card)
        if card is None or not isinstance(card.data, ResearchCard):
            continue
        apart, conditions = mismatches(activity, card, activity_topics)
        who = []
        if apart:
            who.append(f"studied children aged {card.data.study.ages}, and this activity is for "
                       f"{activity.data.ages}: the ages do not overlap")
        if conditions:
            names = " or ".join(condition_words(topic_names.get(c, c)) for c in conditions)
            who.append(f"studied children with {names}, and this activity is for all children (its topics "
                       "do not name that condition)")
        if who:
            warnings.append(_warning(activity, ("supports", index), f"supports[{index + 1}]",
                                     f"'{card.id}' ({card.path}) " + "; it ".join(who) + ". The page says so "
                                     "beside the study's badge; if the study does not apply to this activity, "
                                     "move it to 'background:'"))
    return warnings

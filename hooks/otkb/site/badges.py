"""What an evidence badge says, in words, wherever it shows (activity pages, cards, the finder).

A badge never claims more than its study: what the study found (a study
that found no difference says so and is never coloured as support), the
level of its design and what that level means, how sure the evidence is (or
that no one rated it), who was tested, and the part of the activity it
tested. Beside it, the page says when the study's children differ from the
activity's (`notes`). The words come from here only, so the page, the cards
and the finder's data say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..content.evidence import TestedBy, condition_words, mismatches, strength, tested_by
from ..content.link import Library
from ..content.models import CERTAINTY, EVIDENCE_LEVELS, RESULTS, evidence_level
from ..content.validate import Record

PART_NAMES = {"steps": "Main steps", "easier": "Easier version", "harder": "Harder version"}


@dataclass(frozen=True)
class Badge:
    """One study under an activity's `supports`, as readers see it."""

    tested: TestedBy
    label: str
    """'Tested: benefit found', 'Easier version tested: no difference found'."""
    tone: str
    """The badge's colour: 'level-1' to 'level-5' for a benefit, 'harm', or 'neutral'."""
    level: str
    """'Level 2 (randomised controlled trial) — 1 is the strongest of 5'."""
    certainty: str
    """'very low certainty' or 'certainty not rated'."""
    who: str
    """'Tested in children with autism aged 6–10 years'."""
    notes: tuple[str, ...]
    """Where the study's children differ from the activity's."""
    anchor: str
    """Where on the activity's page the tested part is: 'easier', 'step-2', or 'does-it-work'."""
    others: int = 0
    """On a card: how many more studies the activity lists under `supports`."""

    @property
    def summary(self) -> str:
        """The level, the certainty and who, in one line (cards and the finder)."""
        more = f" · and {self.others} more {'study' if self.others == 1 else 'studies'}" if self.others else ""
        return f"{self.level} · {self.certainty} · {self.who}{more}"


def level_words(design: str) -> str:
    rank, label = EVIDENCE_LEVELS[design]
    return f"Level {rank} ({label[0].lower() + label[1:]}) — 1 is the strongest of 5"


def certainty_words(certainty: str | None) -> str:
    return CERTAINTY[certainty][0].lower() if certainty else "certainty not rated"


def who_words(card: Record, library: Library) -> str:
    """'Tested in typically developing children aged 2–6 years'; what the card does not say is not said."""
    study = card.data.study
    if study.conditions is None and study.ages is None:
        return "Who was tested: not stated on the card"
    names = [condition_words(library.topics[c].name) for c in study.conditions or () if c in library.topics]
    children = ("children with " + " and ".join(names) if names
                else "typically developing children" if study.conditions == [] else "children")
    return f"Tested in {children}" + (f" aged {study.ages}" if study.ages else "")


def note_words(activity: Record, card: Record, library: Library) -> tuple[str, ...]:
    apart, conditions = mismatches(activity, card, library.topics_of(activity))
    notes = []
    if apart:
        notes.append(f"The children studied were aged {card.data.study.ages}; this activity is for "
                     f"{activity.data.ages}.")
    if conditions:
        names = " and ".join(condition_words(library.topics[c].name) for c in conditions if c in library.topics)
        notes.append(f"The study was in children with {names}; this activity is for all children.")
    return tuple(notes)


def badge(activity: Record, tested: TestedBy, library: Library) -> Badge:
    card, part = tested.card, tested.part
    result = card.data.study.result
    found = RESULTS[result] if result else "result not stated"
    what = "Tested" if part is None else (PART_NAMES.get(part) or "Step " + part.removeprefix("step-")) + " tested"
    level = evidence_level(card.data)
    tone = ("harm" if result == "harm" else f"level-{level[0]}" if result == "benefit" and level else "neutral")
    return Badge(tested, f"{what}: {found}", tone,
                 level_words(card.data.study.design) if level else "No evidence level: the card does not say "
                 "what the study asked",
                 certainty_words(card.data.certainty), who_words(card, library), note_words(activity, card, library),
                 part or "does-it-work")


def badges_of(activity: Record, library: Library) -> list[Badge]:
    """Every study under the activity's `supports`, in the order the editor listed them."""
    return [badge(activity, tested, library) for tested in tested_by(activity, library.records)]


def badges_at(badges: list[Badge]) -> dict[str, list[Badge]]:
    """The badges by where on the activity's page their tested part is (`Badge.anchor`), each in order."""
    at: dict[str, list[Badge]] = {}
    for shown in badges:
        at.setdefault(shown.anchor, []).append(shown)
    return at


def strongest_badge(activity: Record, library: Library) -> Badge | None:
    """The badge an activity's card shows: its strongest study, whatever that study found."""
    entries = tested_by(activity, library.records)
    if not entries:
        return None
    return replace(badge(activity, min(entries, key=strength), library), others=len(entries) - 1)

"""The evidence map (/research/map/): which approaches were tested, on which skills and in which children.

Rows are the skills and other topics of the studies (their `topics`, but
for conditions) and the groups of children studied (each condition in
`study.conditions`, and typically developing children for an empty list); columns are the approaches tested (`study.tested`, the same
words making one column). A cell lists the studies of that row and column;
an empty cell is where this knowledge base has no study yet. Only cards
that tested an approach (`question: effect`) are on the map, and nothing
here is a field of its own: the map follows the cards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .badges import certainty_words, level_words, who_words
from .citations import short_citation
from ..content.evidence import CERTAINTY_ORDER, condition_words
from ..content.link import Library
from ..content.kinds import kind_of
from ..content.models import EVIDENCE_LEVELS, RESULTS, ResearchCard, evidence_level
from ..content.validate import Record

TYPICAL = "typical"
"""The row (and filter value) of typically developing children: `conditions: []`."""
NOT_STATED = "not-stated"
"""The row of studies that do not say whether their children had a condition."""
CERTAINTY_RANK = {certainty: len(CERTAINTY_ORDER) - 1 - rank for rank, certainty in enumerate(CERTAINTY_ORDER)}
"""high 4 to not rated 0, for the map's certainty filter."""


@dataclass(frozen=True)
class Study:
    """One card as the map shows it."""

    card: Record
    level: tuple[int, str]
    who: str
    """Who took part, as the activities' badges say it: 'Tested in children with DCD aged 6–10 years'."""
    groups: tuple[str, ...]
    """Its rows among the groups of children: condition ids, or TYPICAL, or NOT_STATED."""

    @property
    def certainty(self) -> str:
        return certainty_words(self.card.data.certainty)

    @property
    def level_words(self) -> str:
        """'Level 2 (randomised controlled trial) — 1 is the strongest of 5', as on the badges."""
        return level_words(self.card.data.study.design)

    @property
    def result(self) -> str | None:
        return RESULTS.get(self.card.data.study.result)

    @property
    def short_citation(self) -> str:
        return short_citation(self.card.data.citation)

    @property
    def approach(self) -> str:
        """Its column's key (`approach_key` of what it tested)."""
        return approach_key(self.card.data.study.tested)

    def filter_data(self) -> dict[str, str]:
        """The data-* attributes the map's filters read (evidence-map.js)."""
        ages = self.card.data.study.ages
        return {"groups": " ".join(self.groups), "certainty": str(CERTAINTY_RANK[self.card.data.certainty]),
                "min": str(ages.min.months) if ages else "", "max": str(ages.max.months) if ages else ""}


@dataclass
class Row:
    id: str
    name: str
    cells: list[list[Study]] = field(default_factory=list)


@dataclass
class EvidenceMap:
    approaches: list[str]
    skills: list[Row]
    groups: list[Row]
    studies: list[Study]

    @property
    def gaps(self) -> int:
        """The number of empty cells: approach and row pairs without a study."""
        return sum(not cell for row in self.skills + self.groups for cell in row.cells)


def approach_key(tested: str) -> str:
    """Cards whose `tested` reads the same, but for case and spacing, are one approach (one column)."""
    return " ".join(tested.casefold().split())


def evidence_map(library: Library) -> EvidenceMap:
    names = {topic_id: topic.name for topic_id, topic in library.topics.items()}
    cards = [r for r in library.of_kind(kind_of(ResearchCard)) if evidence_level(r.data)]
    studies = [Study(card, evidence_level(card.data), who_words(card, library), _groups(card)) for card in cards]
    columns: dict[str, str] = {}
    for study in studies:
        columns.setdefault(study.approach, study.card.data.study.tested)
    counts = Counter(study.approach for study in studies)
    keys = sorted(columns, key=lambda key: (-counts[key], key))  # the most studied approaches first
    conditions = {g for s in studies for g in s.groups}
    skills = [Row(t, names[t]) for t in sorted({t for s in studies for t in s.card.data.topics if t not in conditions},
                                               key=lambda t: names[t].casefold())]
    groups = [Row(g, _group_name(g, names)) for g in sorted(
        conditions, key=lambda g: (g == NOT_STATED, g != TYPICAL, names.get(g, g).casefold()))]
    for rows, of in ((skills, lambda s: s.card.data.topics), (groups, lambda s: s.groups)):
        for row in rows:
            in_row = [s for s in studies if row.id in of(s)]
            row.cells = [sorted((s for s in in_row if s.approach == key), key=_strongest) for key in keys]
    return EvidenceMap([columns[key] for key in keys], skills, groups, sorted(studies, key=_strongest))


def _strongest(study: Study) -> tuple:
    """Strongest first, as `evidence.strength` orders an activity's studies: level, design, certainty."""
    return (study.level[0], list(EVIDENCE_LEVELS).index(study.card.data.study.design),
            CERTAINTY_ORDER.index(study.card.data.certainty), study.card.id)


def _groups(card: Record) -> tuple[str, ...]:
    conditions = card.data.study.conditions
    if conditions is None:
        return (NOT_STATED,)
    return tuple(conditions) or (TYPICAL,)


def _group_name(group: str, names: dict[str, str]) -> str:
    if group == TYPICAL:
        return "Typically developing children"
    if group == NOT_STATED:
        return "Children (conditions not stated)"
    return f"Children with {condition_words(names.get(group, group))}"

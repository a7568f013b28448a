"""The record kinds, each declared once: everything else iterates over KINDS.

A kind's declaration says where its files live, which model checks them,
how the site names and shows it, and which of its fields point at other
records. Adding a kind means adding its model, its declaration here, its
page template and its sample records; the loader, the checks, the pages,
listings, search, feeds, JSON-LD and the editors' tools find it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Activity, Article, Milestones, RecordModel, ResearchCard


@dataclass(frozen=True)
class Relation:
    """A field whose values are other records' ids, like an activity's `supports`."""

    field: str
    """The field that holds the ids."""
    target: str | None
    """The kind every id must be (None: any kind)."""
    what: str
    """How messages name one target, like 'research card'."""


@dataclass(frozen=True)
class Kind:
    """How one record kind is stored, validated and shown."""

    name: str
    """Its folder under data/ and its URL segment, like 'activities'."""
    model: type[RecordModel]
    singular: str
    """One record, as readers see it: 'Activity'."""
    label: str
    """The listing's title: 'Activities'."""
    description: str
    """The listing's description (meta description and search)."""
    template: str
    """The page template in site/templates/."""
    json_ld_type: str
    """The schema.org type of its pages' JSON-LD."""
    topic_fields: tuple[str, ...] = ("topics",)
    """Fields that hold topic ids; the record is listed on each topic's page."""
    relations: tuple[Relation, ...] = ()
    """Fields that point at other records (besides `related`, which every kind has)."""
    handout: bool = False
    """Printed as a handout (print.css: materials as a checklist, steps numbered)."""
    listing_template: str = "listing.md.j2"
    """The listing page's template in site/templates/."""
    order_by: str | None = None
    """A field that orders the kind's records in listings and on topic pages (the title otherwise)."""
    listing_intro: str = ""
    """The first paragraph of the kind's listing, under its title (none when empty)."""
    reserved_slugs: tuple[tuple[str, str], ...] = ()
    """Names of pages the site puts in the kind's folder besides the listing, each with what it is:
    a record so named would be replaced by that page."""
    one_per: str | None = None
    """A field no two records of the kind may share (one milestone checklist per age)."""
    slug_from: str = "title"
    """The field the web editor makes a new record's file name (slug) from, like `age` for `18-months`."""
    steps_through: bool = False
    """Each page links the records before and after it in that order (the milestones' age
    navigation): `Library.beside`, so they count among what the page shows (`Library.neighbours`)."""

    @property
    def folder(self) -> str:
        return self.name


RELATED = Relation("related", None, "record")

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("articles", Article, "Article", "Articles",
         "Plain-language articles about children's motor development and occupational therapy.",
         "article.md.j2", "Article",
         listing_intro="Plain-language articles about how children's motor skills develop and how occupational "
                       "therapy helps."),
    Kind("research", ResearchCard, "Research card", "Research",
         "Research cards: what a study found, and what it means for therapists and for parents.",
         "research_card.md.j2", "Article",
         listing_intro="Research cards sum up a study: what it asked, its design and population, what it found, "
                       "how sure that is, and what it means for therapists and for parents.",
         reserved_slugs=(("map", "the evidence map (/research/map/)"),)),
    Kind("activities", Activity, "Activity", "Activities",
         "Activities to do at home or in class, with ages, materials, steps and safety notes.",
         "activity.md.j2", "HowTo", topic_fields=("topics", "skills"),
         listing_intro="Play-based activities to do at home, in class or in the clinic. Each one lists the ages it "
                       "suits, what you need, the steps, how to make it easier or harder, and safety notes.",
         relations=(Relation("supports", "research", "research card"),
                    Relation("background", "research", "research card")), handout=True),
    Kind("milestones", Milestones, "Milestone checklist", "Milestones",
         "What most children can do by each age, and when to talk to a doctor or therapist.",
         "milestones.md.j2", "Article", topic_fields=("topics", "skills"),
         relations=(Relation("background", "research", "research card"),),
         listing_template="milestones_chart.md.j2", order_by="age", one_per="age", slug_from="age",
         steps_through=True),
)}


def folders_in_words(conjunction: str) -> str:
    """'data/articles/, data/research/ or data/activities/', for messages."""
    folders = [f"data/{name}/" for name in KINDS]
    return ", ".join(folders[:-1]) + f" {conjunction} {folders[-1]}" if len(folders) > 1 else folders[0]


def ids_in(data, field: str) -> list[str]:
    """The record ids a relation field names: its values, or each entry's `card` (a `supports` entry
    that names the part of the activity a study tested)."""
    return [getattr(value, "card", value) for value in getattr(data, field, ())]


def relations_of(kind: str) -> tuple[Relation, ...]:
    """Every field of `kind` that points at other records, `related` first."""
    return (RELATED, *KINDS[kind].relations)

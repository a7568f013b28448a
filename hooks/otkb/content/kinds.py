"""The record kinds, each declared once: everything else iterates over KINDS.

A kind's declaration says where its files live, which model checks them,
how the site names and shows it, and which of its fields point at other
records. Adding a kind means adding its model, its declaration here, its
page template and its sample records; the loader, the checks, the pages,
listings, search, feeds, JSON-LD, the nav, the 404 page and the editors'
tools find it here. No other module names a kind (tests/test_architecture.py):
what a kind does differently is a field of its declaration, and a module
that works on one model's fields finds that model's kind with `kind_of`.
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
class AgeMatch:
    """Records of another kind that a page shows for the ages it covers (a milestone checklist's
    activities, an activity's checklists), with `Library.shown_by_age`."""

    kind: str
    """The kind whose records it shows."""
    same_skill_area: bool = False
    """Only those whose `skills` (or a broader topic above one) share an area with the record's."""


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
    plural: str = ""
    """Its records counted, where the label is not a plural: 'Research cards' ("1,000 research
    cards", "Research cards starting with C"); the label when empty."""
    reserved_slugs: tuple[tuple[str, str], ...] = ()
    """Names of pages the site puts in the kind's folder besides the listing, each with what it is:
    a record so named would be replaced by that page."""
    one_per: str | None = None
    """A field no two records of the kind may share (one milestone checklist per age)."""
    slug_from: str = "title"
    """The field the web editor makes a new record's file name (slug) from, like `age` for `18-months`."""
    steps_through: bool = False
    """Each page links the records before and after it in that order (the milestones' age
    navigation): `Library.beside`."""
    parent_texts: tuple[tuple[str, str], ...] = ()
    """The texts a parent reads, held to the reading-age target (otkb.content.checks): (what the
    warning calls them, the field's path, like 'takeaways.parents')."""
    parent_texts_need_audience: bool = False
    """Check `parent_texts` only when `parents` is among the record's audiences."""
    shows_by_age: AgeMatch | None = None
    """Another kind's records its pages show for the record's ages (`Library.shown_by_age`)."""
    card_template: str | None = None
    """The template (site/templates/) of what its cards show under the summary: its ages, its
    evidence; None: the kind's name and audiences (`_macros.md.j2`, card_meta)."""
    shows_study_levels: bool = True
    """Cards of studies on its pages' related list show their evidence level. Off for activities:
    only the studies an activity names under `supports` tested it."""
    search_texts: str = "own fields"
    """Which of otkb.site.search's TEXTS makes its search entries: the page's text after the
    summary, and one entry per section a reader may look for."""
    json_ld: str = "typed"
    """Which of otkb.site.structured_data's BUILDERS writes its JSON-LD (of type `json_ld_type`)."""
    scaffold_audiences: tuple[str, ...] = ("parents", "therapists", "educators")
    """The audiences `otkb new` fills in."""
    scaffold_names: tuple[str, ...] = ()
    """Other names `otkb new` takes for the kind, besides its folder name and its singular."""
    page_script: str | None = None
    """A script in overrides/assets/javascripts/ that its pages load, and only they (the milestones'
    checklist.js; overrides/main.html)."""
    notfound_word: str = ""
    """The 404 page's word above its link ("Read"); the 404 page links the kinds that have one."""
    notfound_summary: str = ""
    """The 404 page's line under its link."""

    @property
    def folder(self) -> str:
        return self.name

    @property
    def counted(self) -> str:
        """Its records counted or listed: `plural`, else the label."""
        return self.plural or self.label


RELATED = Relation("related", None, "record")

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("articles", Article, "Article", "Articles",
         "Plain-language articles about children's motor development and occupational therapy.",
         "article.md.j2", "Article",
         listing_intro="Plain-language articles about how children's motor skills develop and how occupational "
                       "therapy helps.",
         parent_texts=(("the article", "body"), ("the answers", "faq.answer")), parent_texts_need_audience=True,
         search_texts="article", json_ld="article", scaffold_audiences=("parents", "educators"),
         notfound_word="Read",
         notfound_summary="Fine and gross motor skills explained, and how occupational therapy helps."),
    Kind("research", ResearchCard, "Research card", "Research",
         "Research cards: what a study found, and what it means for therapists and for parents.",
         "research_card.md.j2", "Article",
         listing_intro="Research cards sum up a study: what it asked, its design and population, what it found, "
                       "how sure that is, and what it means for therapists and for parents.",
         plural="Research cards", reserved_slugs=(("map", "the evidence map (/research/map/)"),),
         listing_template="research_listing.md.j2", card_template="research_card_meta.md.j2",
         parent_texts=(("the parents' takeaways", "takeaways.parents"),),
         search_texts="study", json_ld="study", scaffold_audiences=("therapists", "parents"), scaffold_names=("card",),
         notfound_word="Evidence",
         notfound_summary="Studies summed up on one card each, for therapists and for parents."),
    Kind("activities", Activity, "Activity", "Activities",
         "Activities to do at home or in class, with ages, materials, steps and safety notes.",
         "activity.md.j2", "HowTo", topic_fields=("topics", "skills"),
         listing_intro="Play-based activities to do at home, in class or in the clinic. Each one lists the ages it "
                       "suits, what you need, the steps, how to make it easier or harder, and safety notes.",
         relations=(Relation("supports", "research", "research card"),
                    Relation("background", "research", "research card")), handout=True,
         listing_template="activities_listing.md.j2", card_template="activity_card_meta.md.j2",
         shows_by_age=AgeMatch("milestones"), shows_study_levels=False,
         parent_texts=(("the steps", "steps"),), search_texts="howto", json_ld="howto",
         scaffold_audiences=("parents", "educators"),
         notfound_word="Do", notfound_summary="Play ideas for home and class, with ages, materials and steps."),
    Kind("milestones", Milestones, "Milestone checklist", "Milestones",
         "What most children can do by each age, and when to talk to a doctor or therapist.",
         "milestones.md.j2", "Article", topic_fields=("topics", "skills"),
         relations=(Relation("background", "research", "research card"),),
         listing_template="milestones_chart.md.j2", order_by="age", one_per="age", slug_from="age",
         steps_through=True, shows_by_age=AgeMatch("activities", same_skill_area=True), page_script="checklist.js",
         parent_texts=(("the milestones", "skills"), ("the signs to talk to a doctor", "seek_help")),
         notfound_word="Check", notfound_summary="What most children can do by each age, and when to ask for help."),
)}


def kind_of(model: type[RecordModel]) -> str | None:
    """The kind whose records `model` checks, for code that works on that model's fields (the
    citations read research cards, the finder activities); None when no kind uses it."""
    return next((name for name, kind in KINDS.items() if kind.model is model), None)


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

"""The content model: one typed model per record kind (content/kinds.py declares the kinds).

This module is the contract in `docs/editors/contract.md` written as code. The
loader hands every scalar over as the text the editor typed, so the types
here decide, strictly, what a field means: a date must look like
2026-06-01, a year like 2013, an age like `30 months` or `4 years`.
Field descriptions become the JSON Schema editors' tools read.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      PlainSerializer, ValidationInfo, WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

from .markup import markdown_problem

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
REQUIRED_TOPICS = ("fine-motor", "gross-motor", "sensory-processing", "visual-motor", "self-care",
                   "handwriting", "bilateral-coordination", "hand-strength", "preterm-birth",
                   "cerebral-palsy")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MAX_AGE_MONTHS = 18 * 12
MAX_MARKDOWN_CHARS = 40_000
MAX_PLAIN_CHARS = 1_000  # a single-line field without a tighter limit of its own
KNOWN_VALID = "known_valid"  # validation context: see _known_valid

# Characters that hide or reorder text: direction overrides and isolates,
# zero-width characters, the soft hyphen, and the byte order mark.
_HIDDEN = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _fail(message: str):
    raise PydanticCustomError("otkb", message)


def _clean_text(value: str, single_line: bool) -> str:
    if value.isascii() and (value.isprintable() or not _CONTROL.search(value)):
        return value  # what _cleaned gives: NFC leaves ASCII as it is, and every hidden character is beyond it
    return _cleaned(value, single_line)


def _cleaned(value: str, single_line: bool) -> str:
    """`value` in NFC, after checking that it holds no hidden or control character."""
    value = unicodedata.normalize("NFC", value)
    hidden = _HIDDEN.search(value)  # in Markdown too: they would reach the page and search teasers
    if hidden:
        name = unicodedata.name(hidden.group(), f"U+{ord(hidden.group()):04X}")
        # Markdown can run to many lines after the field's own: say where in the text it is
        before = " ".join(value[max(0, hidden.start() - 30):hidden.start()].split()[-4:])
        where = f" after '{before}'" if not single_line and before else ""
        _fail(f"contains an invisible character ({name}, U+{ord(hidden.group()):04X}){where}; delete it and "
              "retype the text around it")
    control = _CONTROL.search(value.replace("\t", " ") if not single_line else value)
    if control:
        _fail(f"contains a control character (U+{ord(control.group()):04X}); delete it")
    return value


def _visible(value: str) -> str:
    """Single-line text with no hidden or control characters (also in ids, authors and URLs)."""
    return _clean_text(value, single_line=True)


def _known_valid(info: ValidationInfo) -> bool:
    """The record's file has the bytes of one a build with this code found valid (records.json, see
    validate.validate_records): its text passed every check, so only what changes it runs again."""
    return bool(info.context) and info.context.get(KNOWN_VALID, False)


def _plain_text(value: str, info: ValidationInfo) -> str:
    if _known_valid(info):
        return " ".join(unicodedata.normalize("NFC", value).split())
    value = " ".join(_clean_text(value, single_line=True).split())
    if not value:
        _fail("must not be empty")
    if len(value) > MAX_PLAIN_CHARS:
        _fail(f"is {len(value):,} characters long; the limit is {MAX_PLAIN_CHARS:,} characters")
    return value


def _markdown(value: str, info: ValidationInfo) -> str:
    if _known_valid(info):  # the safety check was a third of validating 10,000 records
        return unicodedata.normalize("NFC", value).strip()
    value = _clean_text(value, single_line=False).strip()
    if not value:
        _fail("must not be empty")
    if len(value) > MAX_MARKDOWN_CHARS:
        _fail(f"is {len(value):,} characters long; the limit is {MAX_MARKDOWN_CHARS:,}")
    problem = markdown_problem(value)
    if problem:
        _fail(problem)
    return value


def _string(value):
    """Accept only text: a number or a list is a different kind of mistake."""
    if not isinstance(value, str):
        _fail(f"expected text but received {describe(value)}")
    return value


def describe(value) -> str:
    """How a received value is named in messages."""
    if isinstance(value, dict):
        return "a set of fields (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


# The loader keeps `volume: 55` as the text "55"; editors' YAML tools read a number.
PlainText = Annotated[str, BeforeValidator(_string), AfterValidator(_plain_text),
                      Field(json_schema_extra={"type": ["string", "number"], "maxLength": MAX_PLAIN_CHARS})]
Markdown = Annotated[str, BeforeValidator(_string), AfterValidator(_markdown),
                     Field(json_schema_extra={"format": "markdown", "maxLength": MAX_MARKDOWN_CHARS})]
Title = Annotated[PlainText, Field(max_length=150)]
LongTitle = Annotated[PlainText, Field(max_length=300)]  # a paper's title, as published
Summary = Annotated[PlainText, Field(max_length=300)]


def _slug_like(what: str, pattern: str, example: str, max_length: int = 200):
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.match(value):
            _fail(f"'{value}' is not a valid {what}; expected {example}")
        return value
    # Pydantic leaves a pattern behind a validator out of the JSON Schema; json_schema_extra puts it back.
    return Annotated[str, BeforeValidator(_string), AfterValidator(_visible), AfterValidator(check),
                     Field(pattern=pattern, max_length=max_length, json_schema_extra={"pattern": pattern})]


TopicId = _slug_like("topic id", SLUG, "lower-case words joined by hyphens, like 'fine-motor'")
REF = r"^[a-z]+/[a-z0-9]+(-[a-z0-9]+)*$"  # kind/slug; the link stage checks that the kind exists
Ref = _slug_like("reference", REF,
                 "kind/slug, like 'activities/shoe-tying' or 'research/bos-2013-preterm-motor'")
ResearchRef = _slug_like("research reference", r"^research/[a-z0-9]+(-[a-z0-9]+)*$",
                         "research/slug, like 'research/bos-2013-preterm-motor'")


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    value = _string(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        _fail(f"expected a date written YYYY-MM-DD, like 2026-06-01, but received '{value}'")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"'{value}' is not a real date")


Date = Annotated[dt.date, BeforeValidator(_date), Field(json_schema_extra={"format": "date", "maxLength": 10})]


def _year(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    value = _string(value).strip()
    if not re.fullmatch(r"(1[89]|20|21)\d\d", value):
        _fail(f"expected a four-digit year, like 2013, but received '{value}'")
    return int(value)


Year = Annotated[int, BeforeValidator(_year), Field(json_schema_extra={"type": ["integer", "string"], "maxLength": 4})]


@dataclass(frozen=True, order=True)
class Age:
    """An age in whole months, remembering how the editor wrote it."""

    months: int
    text: str

    def __str__(self) -> str:
        return self.text


def _age(value) -> Age:
    if isinstance(value, Age):
        return value
    value = " ".join(_string(str(value) if isinstance(value, int) else value).split())
    match = re.fullmatch(r"(\d{1,3})(?: (months?|years?))?", value)
    if not match:
        _fail(f"expected an age like '18 months' or '4 years' (a bare number means years), "
              f"but received '{value}'")
    number, unit = int(match.group(1)), match.group(2) or "years"
    months = number if unit.startswith("month") else number * 12
    if months > MAX_AGE_MONTHS:
        _fail(f"{value} is above 18 years; ages run from 0 to 18 years")
    if unit.startswith("month"):
        text = f"{number} month" + ("" if number == 1 else "s")
    else:
        text = f"{number} year" + ("" if number == 1 else "s")
    return Age(months, text)


AgeValue = Annotated[Age, BeforeValidator(_age), PlainSerializer(str, return_type=str),
                     WithJsonSchema({"type": ["string", "integer"], "pattern": r"^\d{1,3}( (months?|years?))?$",
                                     "maxLength": 10, "minimum": 0, "maximum": 18})]


def _list(value):
    if isinstance(value, str):
        _fail(f"expected a list (one '- item' per line) but received the text {describe(value)}")
    if isinstance(value, dict):
        _fail("expected a list (one '- item' per line) but received a set of fields (key: value lines)")
    if value is not None and not isinstance(value, list):
        _fail(f"expected a list (one '- item' per line) but received {describe(value)}")
    return value


def ListOf(item, *, required: bool = False, max_items: int = 100):
    return Annotated[list[item], BeforeValidator(_list),
                     Field(min_length=1 if required else 0, max_length=max_items)]


class Model(BaseModel):
    # A docstring under a field is its description (the JSON Schema and the editor's guide show it).
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True,
                              use_attribute_docstrings=True)

    def __getattr__(self, name: str):
        """A field this model does not have (`getattr(record.data, "age", None)`, asked of every record
        on each save): pydantic's own answer looks for private and extra attributes first, 7 µs a miss
        against 0.1 here. The models have neither (extra="forbid"); private names still go to pydantic."""
        if name.startswith("_"):
            return super().__getattr__(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _point(value):
    """A point is text (inline Markdown) or {text, details: [points]}."""
    if isinstance(value, str):
        return {"text": value}
    if not isinstance(value, dict):
        _fail(f"expected a point: text, or 'text:' with 'details:' under it, but received {describe(value)}")
    return value


class _TextOrPoint:
    """JSON Schema of a point: text, or the {text, details} fields (as `_point` accepts)."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        return {"anyOf": [{"type": "string", "format": "markdown", "maxLength": MAX_MARKDOWN_CHARS},
                          handler(core_schema)]}


class Point(Model):
    """A finding or takeaway: text, with optional nested details."""

    text: Annotated[Markdown, Field(description="The point, as inline Markdown.")]
    details: ListOf(Annotated["Point", BeforeValidator(_point), _TextOrPoint()]) = []
    """Optional points under this one, indented below `details:`."""


PointValue = Annotated[Point, BeforeValidator(_point), _TextOrPoint()]


class Ages(Model):
    """An age range: `min` and `max`, each like `18 months` or `4 years`."""

    min: AgeValue
    """The youngest age, like `18 months` or `3 years`."""
    max: AgeValue
    """The oldest age, like `7 years`; not below `min`."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            _fail(f"min must not be above max: min is {self.min}, max is {self.max}")
        return self

    def contains(self, months: int) -> bool:
        return self.min.months <= months <= self.max.months

    def __str__(self) -> str:
        low, high = self.min, self.max
        if low.text.split()[1][:4] == high.text.split()[1][:4]:
            unit = high.text.split()[1]
            return f"{low.text.split()[0]}–{high.text.split()[0]} {unit}"
        return f"{low}–{high}"


class Source(Model):
    """The public page the facts came from, credited on the page."""

    name: Title
    """The name of the page or organisation the facts came from."""
    url: Annotated[str, BeforeValidator(_string), AfterValidator(_visible), Field(pattern=r"^https?://\S+$", max_length=500,
                                                        json_schema_extra={"pattern": r"^https?://\S+$"})]
    """Its address, starting with `https://`."""


class Author(Model):
    name: Title
    """The author's name, as shown on the page."""
    bio: Summary | None = None
    """One line about the author (at most 300 characters)."""


class Reviewer(Model):
    """The clinician who checked a page, shown beside the review date."""

    name: Title
    """Their name, as shown on the page."""
    role: Title
    """Their role, like `Paediatric occupational therapist`."""


class RecordModel(Model):
    """Fields every record has."""

    title: Annotated[Title, Field(description="Page title, shown in listings. Plain text.")]
    summary: Annotated[Summary, Field(description="One or two sentences: meta description, listing "
                                                  "cards, search preview. Plain text, at most 300 characters.")]
    topics: ListOf(TopicId) = []
    """Topic ids from `data/topics.yml`, like `fine-motor`; the page is listed on each topic's page."""
    audiences: ListOf(Literal["parents", "therapists", "educators"]) = []
    """Who the page is written for: `parents`, `therapists` and/or `educators`."""
    reviewed: Annotated[Date, Field(description="When the content was last checked for accuracy.")]
    review_due: Date | None = None
    """When the content should next be checked, like `2027-11-01`. Shown to readers; once it has passed, `otkb check` and the build warn."""
    related: ListOf(Ref) = []
    """Other records to show as related (on both pages), written `kind/slug`, like `activities/peg-pinch-game`."""
    source: Source | None = None
    """The public page the facts came from, credited on the page: its `name` and `url`."""
    reviewed_by: Reviewer | None = None
    """The clinician who checked the page: `name` and `role`, like `Paediatric occupational therapist`. Without it the page says that no clinician has reviewed it yet. Never invent one."""


class Faq(Model):
    question: PlainText
    """The question, as a parent would ask it. Plain text."""
    answer: Markdown
    """The answer, in Markdown."""


class Article(RecordModel):
    body: Annotated[Markdown, Field(description="Markdown, in sections with ## headings.")]
    published: Date
    """When the article was first published, like `2026-10-15`."""
    updated: Date | None = None
    """When the article last changed in a way readers should know about."""
    author: Author | None = None
    """Who wrote it: `name`, and optionally a one-line `bio`."""
    faq: ListOf(Faq) = []
    """Questions and answers shown at the end: a list of `question` and `answer`."""
    sources: ListOf(Source) = []
    """The pages the facts come from, each `name` and `url` (the page itself, not a site's home page), numbered from 1 as listed. In the body and the answers, `[2]` after a claim cites the second, `[research/slug]` a research card, `[1, 3]` several; the page shows them as numbered notes."""

    @model_validator(mode="after")
    def _one_list_of_sources(self):
        if self.source is not None and self.sources:
            raise PydanticCustomError("otkb", "an article lists its sources under 'sources:' only; move the "
                                      "'source:' entry into that list (as the first, if the body cites it as "
                                      "[1])", {"field": "source"})
        return self


class Citation(Model):
    authors: ListOf(_slug_like("author", r"^[^,]+, ?\S.*$", "'Family, Initials', like 'Bos, A.F.'"),
                    required=True)
    """The authors, one per line, written `Family, Initials`, like `Bos, A.F.`."""
    year: Year
    """The year of publication, like `2013`."""
    title: LongTitle
    """The paper's title, as published (at most 300 characters)."""
    journal: Title
    """The journal's name, like `Developmental Medicine & Child Neurology`."""
    volume: PlainText | None = None
    """The journal volume, like `55`."""
    issue: PlainText | None = None
    """The journal issue, like `4` or `Suppl 4`."""
    pages: PlainText | None = None
    """The pages, like `1-4`."""
    doi: _slug_like("DOI", r"^10\.\d{4,9}/\S+$", "a DOI like 10.1111/dmcn.12297 (without https://doi.org/)",
                    max_length=300) | None = None
    """The DOI without `https://doi.org/`, like `10.1111/dmcn.12297`; the card links to it."""
    url: Annotated[str, BeforeValidator(_string), AfterValidator(_visible),
                   Field(pattern=r"^https?://\S+$", max_length=500,
                         json_schema_extra={"pattern": r"^https?://\S+$"})] | None = None
    """A link to the paper, starting with `https://`, when there is no DOI."""


# narrative-review: a literature review without a systematic method (level 5, beside expert opinion).
# non-randomised-trial: a controlled trial whose groups were not formed at random (quasi-experimental).
Design = Literal["meta-analysis", "systematic-review", "narrative-review", "rct", "non-randomised-trial", "cohort",
                 "case-control", "cross-sectional", "case-series", "qualitative", "expert-opinion"]
Result = Literal["benefit", "mixed", "no-difference", "harm"]


class Study(Model):
    design: Design
    """The kind of study; it sets the level of evidence the card shows."""
    question: Literal["effect", "prevalence", "risk", "assessment", "experience"] | None = None
    """What the study asked: `effect` (does an approach work?), `prevalence` (how common?), `risk` (who is at risk, why?), `assessment` (how to measure?) or `experience` (what is it like?)."""
    population: PlainText
    """Who took part, like `Children born before 32 weeks, aged 4 to 12`."""
    ages: Ages | None = None
    """The ages studied: `min` and `max`."""
    size: PlainText | None = None
    """How many took part, like `120 children` or `13 studies`."""
    tested: PlainText | None = None
    """The approach or intervention studied, in plain words; required when `question` is `effect`."""
    compared_with: PlainText | None = None
    """What it was compared with, like `usual classroom teaching` or `no programme`."""
    outcomes: ListOf(PlainText) = []
    """What was measured, one plain-text point per line, like `Legibility (how easy the writing is to read)`."""
    conditions: ListOf(TopicId) | None = None
    """Topic ids of the condition(s) the studied children had, like `developmental-coordination-disorder`; `[]` (an empty list) means typically developing children. An activity's badge says who was tested from it and `ages`."""
    result: Result | None = None
    """For a study that tested an approach (`question: effect`), what it found: `benefit`, `mixed`, `no-difference` or `harm`, as its abstract states it."""

    @model_validator(mode="after")
    def _tested_when_effect(self):
        if self.question == "effect" and not self.tested:
            raise PydanticCustomError("otkb", "'tested' is required when 'question' is 'effect': say which "
                                      "approach the study tested, like 'A 10-week classroom handwriting "
                                      "programme'", {"field": "tested"})
        if self.result is not None and self.question not in (None, "effect"):
            raise PydanticCustomError("otkb", "'result' is only for a study that tested an approach "
                                      "(question: effect); this one asked "
                                      f"{QUESTIONS[self.question][1]}: "
                                      "remove 'result:'", {"field": "result"})
        return self


class Takeaways(Model):
    therapists: ListOf(PointValue, required=True)
    """Points for therapists: what to do differently in practice."""
    parents: ListOf(PointValue, required=True)
    """Points for parents, in plain words (a reading age of 9 to 11)."""


class ResearchCard(RecordModel):
    citation: Citation
    """The paper: `authors`, `year`, `title`, `journal`, and a `doi` or `url`."""
    study: Study
    """How the study was done: `design`, `question`, `population`, and optionally `ages`, `size`, `tested`, `compared_with` and `outcomes`."""
    certainty: Literal["high", "moderate", "low", "very-low"] | None = None
    """How sure the evidence is, in GRADE's words (`high`, `moderate`, `low`, `very-low`), as the authors or the reviewing clinician rate it."""
    limitations: ListOf(PointValue) = []
    """The study's limitations, one point per line."""
    findings: ListOf(PointValue, required=True)
    """What the study found: a list of points (Markdown); a point can have `details` under it."""
    relevance: Markdown | None = None
    """Why it matters to occupational therapy, in Markdown."""
    takeaways: Takeaways
    """What to take away: `therapists` and `parents`, each a list of points."""


PART = r"^(steps|easier|harder|step-[1-9][0-9]?)$"
PARTS = {"steps": "the steps", "easier": "the easier version", "harder": "the harder version"}
_RESEARCH_REF = re.compile(r"^research/[a-z0-9]+(-[a-z0-9]+)*$")


def _supports_entry(value):
    """`research/slug` (the whole activity) or `{card: research/slug, part: ...}`."""
    if isinstance(value, str):
        if not _RESEARCH_REF.match(_visible(value)):
            _fail(f"'{value}' is not a valid research reference; expected research/slug, like "
                  "'research/bos-2013-preterm-motor', or 'card:' and 'part:' lines")
        return {"card": value}
    if not isinstance(value, dict):
        _fail("expected research/slug, or 'card:' and 'part:' lines, but received " + describe(value))
    return value


class _RefOrEntry:
    """JSON Schema of a `supports` entry: research/slug, or the {card, part} fields."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        entry = handler(core_schema)
        return {"anyOf": [{"type": "string", "pattern": _RESEARCH_REF.pattern, "maxLength": 200}, entry]}


class Tested(Model):
    """A study under `supports`, and the part of the activity it tested."""

    card: ResearchRef
    """The research card, written `research/slug`."""
    part: _slug_like("part", PART, "steps, easier, harder, or one step like step-2", max_length=10) | None = None
    """The part of the activity the study tested: `steps` (the main steps), `easier`, `harder`, or one step like `step-2`. Leave it out when the study tested the whole activity."""


SupportsEntry = Annotated[Tested, BeforeValidator(_supports_entry), _RefOrEntry()]


class Activity(RecordModel):
    skills: ListOf(TopicId, required=True)
    """Topic ids of the skills the activity works on, like `hand-strength`; they count as topics too."""
    ages: Ages
    """The ages it suits: `min` and `max`, each like `18 months` or `4 years`."""
    setting: ListOf(Literal["home", "school", "clinic", "outdoors"]) = []
    """Where it can be done: `home`, `school`, `clinic` and/or `outdoors`."""
    duration: _slug_like("duration", r"^\d{1,3}(-\d{1,3})? (minutes|hours?)$",
                         "a time like '15 minutes' or '10-15 minutes'") | None = None
    """How long it takes, like `10 minutes` or `10-15 minutes`."""
    materials: ListOf(Annotated[PlainText, Field(max_length=200)], required=True)
    """What you need, one thing per line. Plain text."""
    steps: ListOf(Markdown, required=True)
    """What to do, in order, one step per line (Markdown). Written for parents: short sentences, everyday words."""
    easier: ListOf(Markdown) = []
    """Ways to make the activity easier, one per line."""
    harder: ListOf(Markdown) = []
    """Ways to make the activity harder, one per line."""
    safety: ListOf(Markdown) = []
    """Safety notes, shown first and set apart, like choking hazards."""
    supports: ListOf(SupportsEntry) = []
    """Studies that tested this approach (their `question` is `effect`), written `research/slug`, or `card: research/slug` with `part:` (`steps`, `easier`, `harder` or `step-2`) when the study tested only that part; shown with their evidence level, and the card lists this activity."""
    background: ListOf(ResearchRef) = []
    """Research that explains why this matters (prevalence, risk, ...), written `research/slug`; never shown as evidence that it works."""
    months: ListOf(Annotated[str, WithJsonSchema({"enum": [*MONTHS, *(m.title() for m in MONTHS)]}),
                             BeforeValidator(lambda v: _string(v).lower()),
                             AfterValidator(lambda v: v if v in MONTHS else _fail(
                                 f"'{v}' is not a month name; expected one of {', '.join(MONTHS)}"))]) = []
    """Months the activity suits, for seasonal collections, like `december`."""


def _mapping(value):
    if isinstance(value, list):
        _fail("expected topic ids, each followed by a colon and its list of points (key: value lines), "
              "but received a list")
    if value is not None and not isinstance(value, dict):
        _fail(f"expected topic ids, each followed by a colon and its list of points, but received {describe(value)}")
    return value


def _object_size(schema: dict) -> None:
    """JSON Schema words for a mapping's size (pydantic writes a string's), and no other keys."""
    schema["minProperties"], schema["maxProperties"] = schema.pop("minLength"), schema.pop("maxLength")
    schema["additionalProperties"] = False


MOVEMENT_FIRST = ("gross-motor", "fine-motor")


class Milestones(RecordModel):
    age: AgeValue
    """The age, like `18 months` or `4 years`: most children show these skills by then."""
    skills: Annotated[dict[TopicId, ListOf(PointValue, required=True)], BeforeValidator(_mapping),
                      Field(min_length=1, max_length=20, json_schema_extra=_object_size)]
    """The skills by area: a topic id (like `gross-motor`, `fine-motor`, `self-care`), a colon, and its points below it."""
    seek_help: ListOf(PointValue, required=True)
    """Signs that are a reason to talk to a doctor or therapist, one point per line; shown first, set apart."""
    source: Source
    """The published checklist the milestones come from, credited on the page: its `name` and `url`."""
    background: ListOf(ResearchRef) = []
    """Research that explains why this matters (prevalence, risk, ...), written `research/slug`; never shown as evidence that it works."""

    def areas(self) -> list[tuple[str, list[Point]]]:
        """The skills by area, in the order pages show them."""
        return [(area, self.skills[area]) for area in self.movement_first(self.skills)]

    @staticmethod
    def movement_first(area_ids) -> list[str]:
        """Skill areas (topic ids) with movement and hand skills first, then the rest as given."""
        return sorted(dict.fromkeys(area_ids), key=lambda area: MOVEMENT_FIRST.index(area)
                      if area in MOVEMENT_FIRST else len(MOVEMENT_FIRST))


def age_span(data) -> tuple[int, int] | None:
    """(youngest, oldest) in months of a record with an `ages` range or one `age`; None without either."""
    span, age = getattr(data, "ages", None), getattr(data, "age", None)
    if span is not None:
        return span.min.months, span.max.months
    if age is not None and hasattr(age, "months"):
        return age.months, age.months
    return None


class Topic(Model):
    name: Title
    """The topic's name, as readers see it."""
    description: Summary
    """One or two sentences about the topic. Plain text."""
    parent: TopicId | None = None
    """The id of a broader topic, like `fine-motor` for `grasp`."""
    aliases: ListOf(PlainText) = []
    """Other words a parent might search for, like `pencil grip`."""


def _search_text(value: str) -> str:
    """A search word or phrase: letters (with their accents and vowel signs) and spaces, never markup."""
    if re.search(r"<[A-Za-z/!]|&#?\w+;", value):
        _fail(f"'{value}' looks like HTML; search words are plain words: letters and spaces only")
    bad = next((c for c in value if not (c == " " or c.isalpha() or unicodedata.category(c)[0] == "M")), None)
    if bad is not None:
        _fail(f"'{value}' holds '{bad}'; search words are written with letters and spaces only, like 'school age'")
    return value


def _one_word(value: str) -> str:
    if " " in value:
        _fail(f"'{value}' is more than one word; give each word on a line of its own")
    return value


def _a_group(value: list) -> list:
    if len(value) < 2:
        _fail(f"a group of synonyms needs at least two words searched as one, but received {len(value)}")
    return value


SearchPhrase = Annotated[PlainText, AfterValidator(_search_text)]
SearchWord = Annotated[SearchPhrase, AfterValidator(_one_word)]


class SearchWords(Model):
    """`data/search.yml`: everyday words the site's search understands, besides the topics' `aliases`."""

    ages: dict[SearchPhrase, Ages] = {}
    """Words for an age group, like `toddler`, each with the ages it means (`min` and `max`): a search
    for the word finds the activities and milestones for those ages. Letters and spaces only."""
    ignore: ListOf(SearchWord) = []
    """Words that say nothing about what a parent looks for, like `child` or `help`: search leaves them
    out, so a page need not contain them. One word each; never a word of a topic's name or aliases."""
    synonyms: ListOf(Annotated[ListOf(SearchWord), AfterValidator(_a_group)]) = []
    """Groups of words searched as one, like `[treatment, therapy, intervention, training]`: a search
    for any of them also finds the pages that use another. One word each, each word in one group."""
    out_of_scope: ListOf(SearchWord) = []
    """Words for what the site does not cover, like `talking` or `sleep`: a search with one of them
    shows a note saying what the site covers, with the milestone page and CDC's full checklist for
    the age searched for."""


EVIDENCE_LEVELS = {  # design -> (rank, label); 1 is the strongest evidence, and in one rank the first listed
    "meta-analysis": (1, "Meta-analysis"), "systematic-review": (1, "Systematic review"),
    "rct": (2, "Randomised controlled trial"),
    "non-randomised-trial": (3, "Non-randomised controlled trial"), "cohort": (3, "Cohort study"),
    "case-control": (3, "Case-control study"), "cross-sectional": (4, "Cross-sectional study"),
    "case-series": (4, "Case series"), "qualitative": (4, "Qualitative study"),
    "narrative-review": (5, "Narrative review"), "expert-opinion": (5, "Expert opinion"),
}
QUESTIONS = {  # study.question -> (the research listing's heading, what the study asked in words)
    "effect": ("Does it work?", "whether an approach works"),
    "prevalence": ("How common is it?", "how common something is"),
    "risk": ("Who is at risk, and why?", "who is at risk, and why"),
    "assessment": ("How is it measured?", "how to measure something"),
    "experience": ("What is it like?", "what it is like for the people involved"),
}
RESULTS = {  # study.result -> what a badge says was found
    "benefit": "benefit found", "mixed": "mixed results", "no-difference": "no difference found",
    "harm": "harm found",
}
CERTAINTY = {  # GRADE's words: (the label, what it means)
    "high": ("High certainty", "further research is very unlikely to change this"),
    "moderate": ("Moderate certainty", "further research may change this"),
    "low": ("Low certainty", "further research is likely to change this"),
    "very-low": ("Very low certainty", "the true effect may be quite different"),
}


def evidence_level(card: ResearchCard) -> tuple[int, str] | None:
    """(rank, design) for a card whose study tested an approach; None otherwise.

    The levels rank designs by how well they answer whether an approach
    works, so a study that asked another question (or does not say) gets none.
    """
    return EVIDENCE_LEVELS[card.study.design] if card.study.question == "effect" else None


@functools.cache
def _schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(mode="validation"))


def validation_schema(model: type[BaseModel]) -> dict:
    """The model's JSON Schema (pydantic's, `$defs` and all), a fresh copy each call: pydantic makes it
    anew each time it is asked (1 s for the guide's tables and the web editor's configuration on
    every preview rebuild), and the models do not change while a process runs."""
    return json.loads(_schema_text(model))

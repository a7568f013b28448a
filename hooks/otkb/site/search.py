"""Search that answers at once on a big site, in parents' words: the index entries of generated pages.

Material's search plugin parses every page's HTML at build time, and its
worker builds a lunr index in the browser on every page load; at 5,000
records the first result took 5.8 s (benchmarks/search_latency.py). So:

- record pages, listings and topic pages are left out of Material's parsing
  (`search: exclude: true` in their front matter, see otkb.site.render); their
  entries are made here from the records themselves and added to the index
  Material writes for the hand-written pages;
- `otkb.host.search_index.write_index` turns those entries and Material's into
  the sharded index (otkb.site.search_shards: small files fetched as a
  visitor types), and our worker, overrides/assets/javascripts/search-worker.js,
  answers Material's search box from it in Material's worker protocol (its
  search box, results, suggestions and highlighting stay).

A record gets one entry for the page (title; summary and key facts as text;
its topics' names as tags and their `aliases`, the words a parent might type
for the clinical term) and one per section a reader may want, anchored where
it is on the page: what you need, steps, easier or harder; key findings and
the takeaways for therapists and for parents. `plugins.search.fields` in
mkdocs.yml ranks the fields (titles first). Material's script inserts titles,
text and tags with innerHTML, so every value is HTML-escaped text. A record's ages (an `ages`
range, or one `age`) and data/search.yml's words go beside the entries (`index_extras`).
"""

from __future__ import annotations

import heapq
from functools import partial
from typing import Iterator

from .citations import formatted_text
from ..content.link import Library
from ..content import search_text
from ..content.markup import html_text, visible_text
from .search_shards import PageEntries
from .render import EVIDENCE_MAP_DESCRIPTION, EVIDENCE_MAP_TITLE, TEMPLATES, TOPICS_DESCRIPTION
from .urls import EVIDENCE_MAP, TOPICS, listing_url, topic_url, url_of
from pydantic import BaseModel

from ..content.models import EVIDENCE_LEVELS, RESULTS, Activity, Age, Milestones, Point, RecordModel, age_span
from ..content.kinds import KINDS, kind_of
from ..content.digest import digest
from ..content.validate import Record


def record_aliases(record: Record, library: Library) -> list[str]:
    """The record's aliases, from its topics and the broader topics above them."""
    aliases: list[str] = []
    for topic_id in (t for own in library.topics_of(record) for t in library.broader(own)):
        aliases += [a for a in library.topics[topic_id].aliases if a not in aliases]
    return [html_text(a) for a in aliases]


def page_entries(record: Record, library: Library) -> list[dict]:
    """The entries of one record's page, in location order."""
    return sorted(record_entries(record, library, record_aliases(record, library)), key=_location)


def search_entries(library: Library) -> list[dict]:
    """The entries of every record page, listing and topic page (and the topics index), sorted by location."""
    return list(iter_search_entries(library))


def iter_search_entries(library: Library, keyed: bool = False) -> Iterator[dict | PageEntries]:
    """`search_entries` one at a time, so a 10,000-record index is never all in memory.

    A record's entries share its page's location as a prefix, and no other
    location falls between them, so records in URL order, each sorted, merge
    with the other pages into one sorted stream. With `keyed`, each record page comes as one
    `PageEntries`, keyed by everything its entries come from (its address, its content and the topic
    vocabulary), for a warm build to reuse the last build's (`write_shards`' memo).
    """
    records = (page_entries(record, library) for record in sorted(library.records.values(), key=url_of))
    if keyed:
        topics = repr(sorted((t, m.model_dump_json()) for t, m in library.topics.items()))
        records = ([PageEntries(url_of(record), digest(f"{url_of(record)}\0{record.digest}\0{topics}"),
                                partial(page_entries, record, library))]
                   for record in sorted(library.records.values(), key=url_of))
    others = [_entry(listing_url(kind), spec.label, [spec.description], heading=listing_heading(spec.listing_template))
              for kind, spec in KINDS.items()]
    others.append(_entry(TOPICS, "Topics", [TOPICS_DESCRIPTION]))
    others.append(_entry(EVIDENCE_MAP, EVIDENCE_MAP_TITLE, [EVIDENCE_MAP_DESCRIPTION],
                         tags=["evidence", "research gaps", "interventions"]))
    others += [_entry(topic_url(topic_id), topic.name, [topic.description], tags=topic.aliases)
               for topic_id, topic in library.topics.items()]
    return heapq.merge((entry for entries in records for entry in entries), sorted(others, key=_location),
                       key=_location)


def generated_locations(library: Library) -> set[str]:
    """The page locations `iter_search_entries` covers."""
    return ({url_of(r) for r in library.records.values()} | {listing_url(kind) for kind in KINDS} | {TOPICS}
            | {EVIDENCE_MAP} | {topic_url(topic_id) for topic_id in library.topics})


def _location(entry: dict | PageEntries) -> str:
    return entry.location if isinstance(entry, PageEntries) else entry["location"]


def record_entries(record: Record, library: Library, aliases: list[str]) -> list[dict]:
    """The page's entry, then one per section (anchor, heading, texts) that has text."""
    facts, sections = TEXTS[KINDS[record.kind].search_texts](record.data)
    tags = [library.topics[t].name for t in library.topics_of(record)]
    page = _entry(url_of(record), record.data.title, [record.data.summary, *facts], tags=tags)
    if aliases:
        page["aliases"] = aliases  # already escaped
    return [page] + [_entry(f"{url_of(record)}#{anchor}", heading, texts)
                     for anchor, heading, texts in sections if texts]


def listing_heading(template: str) -> str | None:
    """A listing template's own h1, where it is written out ("Is my child on track?" above the
    milestones chart) rather than the listing's name: searched as a title, since readers see it as one."""
    for line in (TEMPLATES / template).read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and "{" not in line:
            return line[2:].strip()
    return None


def _entry(location: str, title: str, texts: list[str], tags: list[str] = (), heading: str | None = None) -> dict:
    entry = {"location": location, "title": html_text(title), "text": html_text(_join(texts))}
    if heading:
        entry["heading"] = html_text(heading)
    if tags:
        entry["tags"] = [html_text(tag) for tag in tags]
    return entry


def _join(pieces: list[str]) -> str:
    """One line of text; a piece without a full stop (a heading, a list item) ends with ' ·'."""
    pieces = [piece for piece in pieces if piece]
    return " ".join(piece if piece[-1] in ".?!:;…" or i == len(pieces) - 1 else f"{piece} ·"
                    for i, piece in enumerate(pieces))


def _points(points) -> list[str]:
    """Findings and takeaways as plain text, nested details after their point."""
    return [text for point in points
            for text in (visible_text(point.text, one_line=True), *_points(point.details))]


def _howto_texts(data):
    """(the page's texts after the summary, [(anchor, heading, texts)]) of an activity."""
    facts = [f"Ages {data.ages}"]  # no "Time" or "Where" labels: "tummy time" is not about any duration
    if data.duration:
        facts.append(data.duration)
    if data.setting:
        facts.append(", ".join(data.setting).capitalize())
    return [" · ".join(facts) + ".", *[visible_text(note, one_line=True) for note in data.safety]], [
        ("what-you-need", "What you need", [", ".join(data.materials)]),
        ("steps", "Steps", [visible_text(step, one_line=True) for step in data.steps]),
        ("make-it-easier-or-harder", "Make it easier or harder",
         [visible_text(v, one_line=True) for v in data.easier + data.harder]),
    ]


def _study_texts(data):
    study = data.study
    facts = [EVIDENCE_LEVELS[study.design][1], study.population.rstrip(".")]
    if study.conditions == []:
        facts.append("Typically developing children")  # a condition's name is among the page's topics
    if study.size:
        facts.append(study.size.rstrip("."))
    if study.result:
        facts.append(RESULTS[study.result].capitalize())
    asked = [f"{label} {text}" for label, text in (("What was tested:", study.tested),
                                                    ("Compared with:", study.compared_with),
                                                    ("What was measured:", "; ".join(study.outcomes))) if text]
    return [" · ".join(facts) + ".", *asked, formatted_text(data.citation)], [
        ("key-findings", "Key findings", _points(data.findings)),
        ("how-sure-is-this", "How sure is this?", _points(data.limitations)),
        ("for-therapists", "For therapists", _points(data.takeaways.therapists)),
        ("for-parents", "For parents", _points(data.takeaways.parents)),
    ]


def _article_texts(data):
    """An article's headings are the editor's, so their anchors are not known here: one entry for all."""
    return [visible_text(data.body, one_line=True),
            *[f"{faq.question} {visible_text(faq.answer, one_line=True)}" for faq in data.faq]], []


def _own_field_texts(data):
    """Any other kind: the text of every field of its own (not the shared ones, not references to other
    records), in one entry for the page."""
    own = [name for name in type(data).model_fields if name not in RecordModel.model_fields
           and name not in {relation.field for spec in KINDS.values() for relation in spec.relations}]
    return [text for name in own for text in _texts_in(getattr(data, name))], []


def _texts_in(value) -> list[str]:
    if isinstance(value, Point):
        return _points([value])
    if isinstance(value, BaseModel):
        return [text for name in type(value).model_fields for text in _texts_in(getattr(value, name))]
    if isinstance(value, (list, tuple, dict)):
        return [text for item in (value.values() if isinstance(value, dict) else value) for text in _texts_in(item)]
    return [visible_text(str(value), one_line=True)] if isinstance(value, (str, Age)) else []


TEXTS = {"howto": _howto_texts, "study": _study_texts, "article": _article_texts, "own fields": _own_field_texts}
"""What a kind's search entries hold (`Kind.search_texts`): (the page's texts after the summary,
[(anchor, heading, texts)] of the sections a reader may look for)."""


def record_ages(library: Library) -> dict[str, tuple[int, int]]:
    """{page URL: (youngest, oldest) in months} of every record with an `ages` range or one `age`."""
    return {url_of(record): span for record in library.records.values() if (span := ages_of(record))}


def ages_of(record: Record) -> tuple[int, int] | None:
    """(youngest, oldest) in months of a record with an `ages` range or one `age`."""
    return age_span(record.data)


def index_extras(library: Library) -> dict:
    """What the sharded index needs besides the entries: the pages' ages, the milestone checklists by
    age, the finder, and the words search treats specially: stop and soft words (otkb.content.search_text),
    data/search.yml's age words, words to ignore, synonyms and out-of-scope words."""
    return {"page_ages": record_ages(library), **meta_extras(library)}


def meta_extras(library: Library) -> dict:
    """`index_extras` but the pages' ages, which the index's `update` rewrites page by page."""
    words = library.search_words
    return {"milestones": milestone_checklists(library),
            "milestones_listing": listing_url(checklists) if (checklists := kind_of(Milestones)) else None,
            "finder": [listing_url(kind_of(Activity)), "activity finder"],  # no #anchor: Material shows its text
            "ages": {" ".join(search_text.words(word)): [span.min.months, span.max.months]
                     for word, span in words.ages.items()},
            "ignore": [" ".join(search_text.words(word)) for word in words.ignore],
            "stop": sorted(search_text.STOP_WORDS), "soft": sorted(search_text.SOFT_WORDS),
            "synonyms": [[" ".join(search_text.words(word)) for word in group] for group in words.synonyms],
            "out_of_scope": [" ".join(search_text.words(word)) for word in words.out_of_scope]}


def milestone_checklists(library: Library) -> list[list]:
    """[months, page location, title, the full checklist's address] of each record with one `age` and a
    `source` (the milestone checklists), youngest first: what an age search ranks first and a question
    the site does not cover points to."""
    rows = []
    kinds = [name for name, kind in KINDS.items() if {"age", "source"} <= kind.model.model_fields.keys()]
    for record in (record for name in kinds for record in library.of_kind(name)):  # not 10,000 misses a save
        age, source = record.data.age, record.data.source
        if hasattr(age, "months") and getattr(source, "url", None):
            rows.append([age.months, url_of(record), record.data.title, source.url])  # shown with textContent
    return sorted(rows)

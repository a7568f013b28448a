"""Render: records -> Markdown pages with front matter, through named Jinja templates.

Templates live in `hooks/otkb/site/templates/`, not `overrides/` (MkDocs would
publish every non-HTML file there). The environment escapes every value by
default (`finalize`): editor text reaches a page as inert text unless a
filter turned it into sanitised Markup. Editor text is only ever *data* in a
template's context; it is never compiled as a template itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from contextlib import nullcontext
from functools import lru_cache, partial
from typing import Callable
from pathlib import Path

import yaml
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from .citations import formatted_html, short_citation
from .evidence_map import evidence_map
from .finder import activity_finder
from .note_links import with_notes
from .reads import LibraryView, Reads
from .urls import (EVIDENCE_MAP, LISTING_PAGE_SIZE, OTHER_INITIAL, TOPICS, by_letter, letter_page_urls, listing_page_urls,
                   listing_url, record_url, source_of, topic_url, url_of)
from ..content.link import Library, review_span
from ..content.markup import (ESCAPED, entity, escape_text, heading_html, html_text, inline_markdown_to_html,
                              long_date, markdown_to_html, split_sections)
from ..content.notes import note_numbers, sources_of
from .badges import badges_at, badges_of, certainty_words, level_words, strongest_badge
from ..content.evidence import condition_words, part_label
from ..content.models import CERTAINTY, EVIDENCE_LEVELS, QUESTIONS, RESULTS, ResearchCard, evidence_level
from ..content.kinds import KINDS, kind_of
from ..content.validate import Record

TEMPLATES = Path(__file__).parent / "templates"


def _finalize(value) -> Markup:
    """Every value a template prints: Markup as it is, anything else escaped (`_Printing`)."""
    if type(value) is str:  # most values: escape_text's work without its call (900,000 at 10,000 records)
        return str.__new__(Markup, ESCAPED.sub(entity, value))
    if value is None:
        return _NOTHING
    return value if isinstance(value, Markup) else escape_text(value)


_NOTHING = Markup("")


class _Printing(CodeGenerator):
    """Jinja's code for our templates, printing `_finalize(value)` where Jinja prints
    `escape(_finalize(value))`: `_finalize` gives Markup for every value, which `escape` gives back
    unchanged, as a copy (two Markup objects for each printed value, a tenth of the render). Where a
    template may switch escaping on and off (a 'volatile' context), Jinja's code is kept."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if _finalized_only(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if _finalized_only(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


def _finalized_only(frame, finalize) -> bool:
    return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src == "environment.finalize("


def _long_date(value: dt.date | None) -> Markup:
    return Markup(long_date(value)) if value else Markup("")


class TemplateBytecode(BytecodeCache):
    """Compiled templates, shared by the environments of successive builds of one `mkdocs serve`.

    Jinja keys each entry by the template's source checksum, so an edited
    template is compiled afresh; an unchanged one is not compiled again on
    every `mkdocs serve` rebuild (a third of a second).
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def make_environment(bytecode: TemplateBytecode | None = None, cards: dict | None = None) -> Environment:
    """Our templates' environment; `cards` keeps rendered cards between environments (see `_card_renderer`)."""
    # autoescape makes macro output Markup; finalize escapes the rest for Markdown too. Each build
    # makes its own environment (otkb.host.session), so a template is never looked at again for
    # changes (auto_reload: a stat of its file for each card and page).
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True,
                      finalize=_finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=bytecode, auto_reload=False)
    env.code_generator_class = _Printing
    env.filters.update(markdown=markdown_to_html, inline=inline_markdown_to_html, long_date=_long_date,
                       sections=split_sections, heading=lambda level: Markup("#" * level),
                       url=lambda value: Markup(html_text(value)), heading_text=heading_html,
                       checklist_key=checklist_key, notes=with_notes)
    card = _card_renderer(env, cards)
    env.globals.update(card=lambda *args, **kwargs: Markup(card(*args, **kwargs)), cards=partial(card_grid, card))
    env.globals.update(KINDS=KINDS, STUDIES=STUDIES, EVIDENCE_LEVELS=EVIDENCE_LEVELS,
                       QUESTIONS=QUESTIONS, CERTAINTY=CERTAINTY, evidence_level=evidence_level, href=href,
                       url_of=url_of, topic_url=topic_url, letter_name=letter_name,
                       TOPICS=TOPICS, EVIDENCE_MAP=EVIDENCE_MAP, note_numbers=note_numbers, sources_of=sources_of)
    env.globals.update(activity_finder=activity_finder, citation_html=formatted_html, listing_url=listing_url,
                       short_citation=short_citation)
    env.globals.update(RESULTS=RESULTS, level_words=level_words, certainty_words=certainty_words, part_label=part_label,
                       badges_of=badges_of, badges_at=badges_at, strongest_badge=strongest_badge,
                       condition_words=condition_words)
    return env


def _card_renderer(env: Environment, kept: dict | None):
    """A record's card on a page (`card_html`), with what it shows under its summary rendered once per
    record and build (`card_meta` in _macros.md.j2: the kind's card_template).

    The same cards fill listings, topic pages, backlinks and research
    sections (120,000 cards at 10,000 records, of 13,000 records and levels),
    and the meta is most of a card's time (an activity's strongest study).
    It is keyed by what it shows: the record's content and the level its
    studies give it, and kept with the record's title and summary, escaped
    (`_card_parts`). The rest of a card, its link relative to the page most
    of all, is put together in Python for each page. `mkdocs serve` passes
    `kept`, which holds them from one rebuild to the next while the
    templates are unchanged (otkb.host.session).
    """
    shown: dict[tuple, tuple[str, str]] = {} if kept is None else kept

    def card(record, here: str, show_kind=False, level=3, evidence=True) -> str:
        """The card's HTML on the page at `here`; `evidence=False`: a research card shown as background,
        without its evidence level."""
        library = env.globals["library"]
        # What a card shows is its key: its record (which the page read) and what its studies give it.
        # Through a LibraryView the page notes `evidence_of`, not what rendering the card reads (a
        # study's title, which the card does not show).
        tested = library.evidence_of(record) if evidence else None
        key = (record.id, record.digest, tested, evidence)
        parts = shown.get(key)
        if parts is None:
            def render() -> str:
                with library.reads.paused() if isinstance(library, LibraryView) else nullcontext():
                    return str(env.get_template("_macros.md.j2").module.card_meta(record, evidence))
            # A warm build's, by the same key (otkb.host.warm): a title edit rebuilds every topic page
            # that lists the record, with all of their cards.
            kept_cards = env.globals.get("kept_cards")
            meta = (render() if kept_cards is None
                    else kept_cards(f"{record.id}|{record.digest}", repr(key[2:]), render))
            parts = shown[key] = _card_parts(record, meta)
        return card_html(record, href(here, url_of(record)), parts, show_kind, level)

    return card


def _card_parts(record: Record, meta: str) -> tuple[str, str]:
    """What a record's card shows whatever its page and form: its title, and its summary and `meta`."""
    return (_finalize(record.title), f'<p class="otkb-card__summary">{_finalize(record.data.summary)}</p>\n'
                                     f'<p class="otkb-card__meta">{meta}</p>\n</article>')


def card_html(record: Record, link: str, parts: tuple[str, str], show_kind=False, level=3) -> str:
    """A record's card: its kind (`show_kind`), its title as a heading of `level` linking to `link`,
    and the rest of `_card_parts`. In Python: as a macro, it was a fifth of the render."""
    kind = f'<p class="otkb-card__kind">{_finalize(KINDS[record.kind].singular)}</p>' if show_kind else ""
    level = _finalize(level)
    return (f'<article class="otkb-card otkb-card--{_finalize(record.kind)}">\n{kind}'
            f'<h{level} class="otkb-card__title"><a href="{link}">{parts[0]}</a></h{level}>\n{parts[1]}')


def card_grid(card: Callable, records, here: str, show_kind=False, level=3, evidence=True,
              study_levels=True) -> Markup:
    """Cards in a grid (the templates' `cards`: as a macro, a Jinja call for each card); `study_levels=False`:
    its research cards show no evidence level."""
    cards = "".join([card(record, here, show_kind, level, evidence and (study_levels or record.kind != STUDIES))
                     + "\n" for record in records])
    return Markup('<div class="otkb-cards" data-search-exclude>\n' + cards + "</div>")


STUDIES = kind_of(ResearchCard)  # the kind whose cards show a study's evidence level (the research cards)


def checklist_key(area: str, text: str) -> str:
    """A milestone's key in a parent's saved ticks (checklist.js): from its area and words, so a tick stays
    with its milestone when an editor reorders the list, and lapses when the milestone's words change."""
    return hashlib.sha256(f"{area}\n{text}".encode()).hexdigest()[:12]


def href(here: str, target: str) -> Markup:
    """A relative URL from the page at `here` to `target` (both like 'activities/x/').

    posixpath.relpath's answer, worked out on the folders' names (relpath makes both paths absolute
    first: a tenth of the render); a path with '.' or '..' in it, or an absolute one, goes to relpath.
    """
    if target == here:
        return Markup("./")
    if here.startswith("/") or target.startswith("/") or "." in here or "." in target:
        return Markup(posixpath.relpath(target or ".", here or ".").rstrip("/") + "/")
    start, end = _folders(here), _folders(target)
    common = 0
    for mine, theirs in zip(start, end):
        if mine != theirs:
            break
        common += 1
    steps = "../" * (len(start) - common) + "".join([folder + "/" for folder in end[common:]])
    return str.__new__(Markup, steps or "./")  # a URL of our own: Markup without its checks


@lru_cache(maxsize=65536)  # every page's URL, asked for by each card of it
def _folders(url: str) -> tuple[str, ...]:
    return tuple(folder for folder in url.split("/") if folder)


def front_matter(title: str, description: str, **extra) -> str:
    """YAML front matter written by a serialiser, never by string templates.

    Material prints `title` and `description` into <head> and the nav
    without escaping them, so they are HTML-escaped here.
    """
    meta = {"title": html_text(title), "description": html_text(description), **extra}
    lines: list[str] = []
    if not _block_yaml(meta, "", lines, set()):
        lines = [yaml.dump(meta, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10_000)]
    return "---\n" + "".join(lines) + "---\n\n"


def _block_yaml(mapping: dict, indent: str, lines: list[str], seen: set[int]) -> bool:
    """Append to `lines` what the safe dumper writes for `mapping`, four times faster than yaml.dump
    (a tenth of the render). Only for what front matter holds: text that fits on a line and that
    libyaml prints as it is (`_SHOWN_AS_IS`), booleans, and lists and mappings of them, each once (the
    dumper writes a list given twice as an alias). False: something else, for yaml.dump to write."""
    for key, value in mapping.items():
        if type(key) is not str or (key_text := _yaml_text(key)) is None:
            return False
        if type(value) is dict and value and id(value) not in seen:
            seen.add(id(value))
            lines.append(f"{indent}{key_text}:\n")
            if not _block_yaml(value, indent + "  ", lines, seen):
                return False
        elif type(value) is list and value and id(value) not in seen:  # indented as the key, as libyaml does
            seen.add(id(value))
            items = [_yaml_scalar(item) for item in value]
            if None in items:
                return False
            lines.append(f"{indent}{key_text}:\n" + "".join(f"{indent}- {item}\n" for item in items))
        elif (text := _yaml_scalar(value)) is not None:
            lines.append(f"{indent}{key_text}: {text}\n")
        else:
            return False
    return True


def _yaml_scalar(value) -> str | None:
    if value is True or value is False:
        return "true" if value else "false"
    return _yaml_text(value) if type(value) is str else None


@lru_cache(maxsize=4096)  # the keys, and values such as 'activities', repeat on every page
def _yaml_text(text: str) -> str | None:
    """How the safe dumper writes `text` in block style: as it is, or in single quotes (when it would
    read as another type, or has a YAML indicator where libyaml looks for one). None: text with
    characters libyaml escapes or breaks lines at, or too long for one line of `width`."""
    if not _SHOWN_AS_IS.fullmatch(text):
        return None
    if (text[0] in "#,[]{}&*!|>'\"%@`" or (text[0] in "?:-" and text[1:2] in ("", " ")) or text[0] == " "
            or text[-1] == " " or text.endswith(":") or ": " in text or " #" in text
            or text.startswith(("---", "...")) or _implicit_tag(text, (True, False)) != _STR):
        return "'" + text.replace("'", "''") + "'"
    return text


# Characters libyaml prints as they are (its IS_PRINTABLE, without line breaks and tabs), up to a length
# that stays under front_matter's width: anything else goes to yaml.dump.
_SHOWN_AS_IS = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]{1,5000}")
_STR = "tag:yaml.org,2002:str"


class _FrontMatterDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: 10x faster
    """The safe dumper, with a shorter way for text (a third of its time): a string goes straight to
    its node, and whether a plain scalar would read as another type is worked out once per value."""

    def represent_data(self, data):
        if type(data) is str:  # what SafeRepresenter.represent_str makes, without its lookups
            return yaml.ScalarNode("tag:yaml.org,2002:str", data)
        return super().represent_data(data)

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        return _implicit_tag(value, tuple(implicit))  # libyaml passes a list


_RESOLVER = yaml.resolver.Resolver()


@lru_cache(maxsize=1024)  # field names, and values such as 'true', repeat on every page
def _implicit_tag(value: str, implicit: tuple) -> str:
    return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)


def _record_meta(record: Record, library: Library) -> dict:
    data = record.data
    return {
        "tags": [html_text(library.topics[t].name) for t in library.topics_of(record)],
        "otkb": {"kind": record.kind, "id": record.id, **trust_signals(data.reviewed, data.review_due),
                 **({"kind_script": script} if (script := KINDS[record.kind].page_script) else {}),
                 **({"reviewed_by": {"name": html_text(data.reviewed_by.name), "role": html_text(data.reviewed_by.role)}}
                    if data.reviewed_by else {})},
        "search": {"exclude": True},  # Material need not parse the page: otkb.site.search makes its entries
    }


def trust_signals(reviewed, review_due=None) -> dict:
    """The review dates a page shows, as ISO dates and as words ("1 November 2026")."""
    out = {}
    for name, value in (("reviewed", reviewed), ("review_due", review_due)):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, dt.date):
            out[name] = value.isoformat()
            out[f"{name}_label"] = str(_long_date(value))
    return out


def render_record(record: Record, library: Library, env: Environment) -> str:
    # Through a LibraryView the page notes that it shows its record; a record outside the library
    # (one checked on its own) renders as given.
    record = library.records.get(record.id, record)
    template = env.get_template(KINDS[record.kind].template)
    body = template.render(r=record.data, record=record, library=library, topics=library.topics)
    return front_matter(record.data.title, record.data.summary, **_record_meta(record, library)) + body


def render_listing(kind: str, library: Library, env: Environment, page: int = 1, initial: str | None = None) -> str:
    """Page `page` of a kind's listing (see urls.listing_page_urls), or of its records starting with
    `initial` (urls.letter_page_urls); the listing's first page has the activity finder. A page asks
    for its own records, the count and the span of review dates only (and a letter's page for the
    letters and its letter's number of pages), so an edit of a record elsewhere in the listing leaves
    it as it was."""
    spec = KINDS[kind]
    count = library.count_of(kind)
    start = (page - 1) * LISTING_PAGE_SIZE
    if initial is None:
        pages, letters = listing_page_urls(kind, count), []
        shown = library.of_kind_between(kind, start, start + LISTING_PAGE_SIZE)
        lead, title = page == 1, spec.counted
    else:
        initials = library.initials(kind)
        letters = [(letter, letter_page_urls(kind, letter, 1, letter == initials[0])[0]) for letter in initials]
        pages = letter_page_urls(kind, initial, library.pages_of_initial(kind, initial, LISTING_PAGE_SIZE),
                                 initial == initials[0])
        shown = library.of_initial_between(kind, initial, start, start + LISTING_PAGE_SIZE)
        lead, title = pages[page - 1] == listing_url(kind), f"{spec.counted} starting with {letter_name(initial)}"
    if page > 1:
        title += f", page {page} of {len(pages)}"
    body = env.get_template(spec.listing_template).render(
        kind=kind, spec=spec, count=count, shown=shown, start=start, library=library, page=page, pages=pages,
        pager=pager_numbers(page, len(pages)), here=pages[page - 1], listing=listing_url(kind), lead=lead,
        heading=title, initial=initial, letters=letters)
    return front_matter(spec.label if lead else title, spec.description,
                        **collection_meta(library.reviewed_span(kind))) + body


def letter_name(initial: str) -> str:
    """How a letter reads in a heading: "C"; "a digit or another character" for `OTHER_INITIAL`."""
    return "a digit or another character" if initial == OTHER_INITIAL else initial


def pager_numbers(page: int, count: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and those near `page`; None for a gap."""
    shown = sorted({1, count, *range(max(1, page - around), min(count, page + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def collection_meta(span: tuple | None) -> dict:
    """Listings and topic pages: no left nav (records are not in it), and the span of review dates
    (`Library.reviewed_span`)."""
    meta = {"hide": ["navigation"], "search": {"exclude": True}}  # entries from otkb.site.search
    if span:
        meta["otkb"] = {"reviewed_span": [str(_long_date(span[0])), str(_long_date(span[1]))]}
    return meta


def render_topic(topic_id: str, library: Library, env: Environment) -> str:
    topic = library.topics[topic_id]
    children = sorted((tid for tid, t in library.topics.items() if t.parent == topic_id),
                      key=lambda tid: library.topics[tid].name.casefold())
    body = env.get_template("topic.md.j2").render(
        topic_id=topic_id, topic=topic, groups=library.by_topic.get(topic_id, {}), library=library,
        children=children)
    groups = library.by_topic.get(topic_id, {})
    records = [r for group in groups.values() for r in group]
    return front_matter(topic.name, topic.description, tags=[html_text(a) for a in topic.aliases],
                        **collection_meta(review_span(records))) + body


def render_topics_index(library: Library, env: Environment) -> str:
    body = env.get_template("topics.md.j2").render(library=library)
    return front_matter("Topics", TOPICS_DESCRIPTION,
                        **collection_meta(library.reviewed_span())) + body


TOPICS_DESCRIPTION = "Every skill, condition and theme the knowledge base covers."
EVIDENCE_MAP_TITLE = "Evidence map"
EVIDENCE_MAP_DESCRIPTION = ("Which approaches studies have tested, on which skills and in which children, "
                            "and where research is missing.")


def render_evidence_map(library: Library, env: Environment) -> str:
    """The evidence map (otkb.site.evidence_map); its filters are evidence-map.js, loaded on this page only."""
    body = env.get_template("evidence_map.md.j2").render(m=evidence_map(library), here=EVIDENCE_MAP,
                                                         topics=library.topics)
    meta = collection_meta(review_span(library.of_kind(kind_of(ResearchCard))))
    meta["hide"] = ["navigation", "toc"]  # the table takes the page's whole width
    meta.setdefault("otkb", {})["script"] = "evidence-map.js"
    return front_matter(EVIDENCE_MAP_TITLE, EVIDENCE_MAP_DESCRIPTION, **meta) + body


def page_sources(library: Library, env: Environment | None = None,
                 reads: Reads | None = None) -> dict[str, Callable[[], str]]:
    """Every generated page as {src_uri: a function that renders its Markdown}; with `reads`, each
    page reads the library through a `LibraryView` that notes its queries there (otkb.site.reads).

    The build renders each page only when MkDocs reads it and drops it once
    converted, so 10,000 pages' Markdown is never in memory at once.
    """
    env = env or make_environment()
    seen = library if reads is None else LibraryView(library, reads)
    env.globals["library"] = seen  # for the cards' macros: an activity's card shows its tested level
    pages = []  # (src_uri, the function that renders it, its arguments)
    for record in sorted(library.records.values(), key=lambda r: r.id):
        pages.append((_record_source(record.kind, record.slug), render_record, record, seen, env))
    for kind in KINDS:
        for url, page, initial in listing_pages(kind, library):
            pages.append((source_of(url), render_listing, kind, seen, env, page, initial))
    for topic_id in sorted(library.topics):
        pages.append((source_of(topic_url(topic_id)), render_topic, topic_id, seen, env))
    pages.append((source_of(TOPICS), render_topics_index, seen, env))
    pages.append((source_of(EVIDENCE_MAP), render_evidence_map, seen, env))
    if reads is None:
        return {src_uri: partial(render, *arguments) for src_uri, render, *arguments in pages}
    return {page[0]: partial(_noted, reads, *page) for page in pages}


@lru_cache(maxsize=65536)  # `mkdocs serve` asks for every record's on every save
def _record_source(kind: str, slug: str) -> str:
    return source_of(record_url(kind, slug))


def listing_pages(kind: str, library: Library) -> list[tuple[str, int, str | None]]:
    """A kind's listing pages as (URL, page number, initial): by first letter past
    `BY_LETTER_FROM` records (urls.by_letter), else numbered (the initial None)."""
    count = library.count_of(kind)
    if not by_letter(kind, count):
        return [(url, page, None) for page, url in enumerate(listing_page_urls(kind, count), start=1)]
    initials = library.initials(kind)
    return [(url, page, initial) for initial in initials
            for page, url in enumerate(letter_page_urls(kind, initial, library.pages_of_initial(
                kind, initial, LISTING_PAGE_SIZE), initial == initials[0]), start=1)]


def _noted(reads: Reads, src_uri: str, render: Callable[..., str], *arguments) -> str:
    with reads.page(src_uri):
        return render(*arguments)


def render_pages(library: Library, env: Environment | None = None) -> dict[str, str]:
    """Every generated page as {src_uri: markdown}: records, listings, topics."""
    return {src_uri: render() for src_uri, render in page_sources(library, env).items()}

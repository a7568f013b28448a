"""The URL contract, in one place: where each generated page lives.

A page's URL is its folder (`activities/peg-game/`, relative to the site's
root); its source name (`src_uri`, what MkDocs calls the page's file) is the
same folder as a Markdown file (`activities/peg-game.md`, or `index.md` for
a listing).

- `/<kind>/<slug>/`: one page per record; `/<kind>/`: the kind's listing, its first
  `LISTING_PAGE_SIZE` cards; `/<kind>/page/<n>/`: the next ones (n from 2), so every record
  is reached without JavaScript.
- A listing of more than `BY_LETTER_FROM` records ordered by title goes by first letter
  (`Library.initials`): `/<kind>/` shows the first letter's first cards, `/<kind>/a-z/<letter>/`
  each other letter's, `.../page/<n>/` the next ones. A title edit then changes the pages of the
  record's old and new letters only, where numbered pages would all shift from its old place to its
  new one (a hundred pages at 8,000 records).
- `/activities/finder.json` and `finder-materials.json`: the activity finder's data; its script
  links each result to `<slug>/`, relative to the listing.
- `/topics/<topic-id>/`: every record on a topic; `/topics/`: every topic.
- `/research/map/`: the evidence map (the research cards that tested an approach, as one table).
- Files next to a record's page (a research card's citation files) live in its folder.
"""

from __future__ import annotations

from ..content.kinds import KINDS

TOPICS = "topics/"
EVIDENCE_MAP = "research/map/"
LISTING_PAGE_SIZE = 50
BY_LETTER_FROM = 500
OTHER_INITIAL = "#"  # titles that start with a digit or another script (`link.initial`)
FINDER_INDEX = "activities/finder.json"
FINDER_MATERIALS = "activities/finder-materials.json"


def record_url(kind: str, slug: str) -> str:
    return f"{kind}/{slug}/"


def listing_url(kind: str) -> str:
    return f"{kind}/"


def listing_page_urls(kind: str, count: int) -> list[str]:
    """The pages of a listing of `count` records: `kind/`, then `kind/page/2/` and on."""
    pages = max(1, -(-count // LISTING_PAGE_SIZE))
    return [listing_url(kind)] + [f"{kind}/page/{n}/" for n in range(2, pages + 1)]


def by_letter(kind: str, count: int) -> bool:
    """Whether a listing of `count` records goes by first letter (a kind ordered by title only)."""
    return count > BY_LETTER_FROM and KINDS[kind].order_by is None


def letter_page_urls(kind: str, initial: str, pages: int, first: bool) -> list[str]:
    """The pages of the records starting with `initial`: `kind/a-z/<letter>/`, then `.../page/2/` and
    on; the `first` letter's first page is the listing's own, `kind/`."""
    folder = f"{kind}/a-z/{'other' if initial == OTHER_INITIAL else initial.lower()}/"
    return [listing_url(kind) if first else folder] + [f"{folder}page/{n}/" for n in range(2, pages + 1)]


def topic_url(topic_id: str) -> str:
    return f"{TOPICS}{topic_id}/"


def url_of(record) -> str:
    """The page of a validated record."""
    return record_url(record.kind, record.slug)


def source_of(url: str) -> str:
    """The page's source name: 'activities/x/' -> 'activities/x.md'; a listing -> 'activities/index.md'."""
    folder = url.rstrip("/")
    return f"{folder}/index.md" if folder in KINDS or url == TOPICS else f"{folder}.md"


def url_from_source(src_uri: str) -> str:
    """The inverse of `source_of`."""
    return src_uri.removesuffix("index.md") if src_uri.endswith("/index.md") else src_uri.removesuffix(".md") + "/"


def listing_sources() -> set[str]:
    """The listings: one per kind, and the topics index (they are in the site's navigation)."""
    return {source_of(listing_url(kind)) for kind in KINDS} | {source_of(TOPICS)}


def topic_of(src_uri: str) -> str | None:
    """The topic id of a topic page's source, or None for any other page (the topics index included)."""
    url = url_from_source(src_uri)
    return url[len(TOPICS):-1] if url.startswith(TOPICS) and url != TOPICS else None


def file_url(record, name: str) -> str:
    """A file next to a record's page, like a research card's `citation.bib`."""
    return url_of(record) + name

"""Notes: an article's numbered sources, the markers that cite them, and the claims that cite nothing.

An article lists the pages its facts come from under `sources` (the older
single `source` counts as a list of one). In the body and the answers, a
marker cites them: `[2]` is the second source, `[research/slug]` a research
card, and `[1, research/slug]` both. The page turns each marker into a
numbered note: the sources keep their numbers, and the cards cited follow
them in the order they are first cited.

A claim is a paragraph or a list item of the body or of an answer. A list
and the line that leads into it (ending in ':') cover each other: a marker on
the lead-in covers its items, and markers on every item cover the lead-in.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .cache import PerRecord
from .errors import RecordError, field_name, warning as _warning
from .markup import MARKER, split_sections, visible_text
from .models import Article
from .validate import Record, suggest

_KEY = re.compile(r"\d{1,3}|research/[a-z0-9]+(?:-[a-z0-9]+)*")
_ITEM = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
_BLANK = re.compile(r"\n[ \t]*\n")
_CODE = re.compile(r"(`+)[^`].*?\1", re.S)


def sources_of(article) -> list:
    """The article's sources, numbered from 1: `sources`, or the older single `source`."""
    return list(article.sources) or ([article.source] if article.source else [])


def cited(text: str) -> list[str]:
    """The keys `text` cites, in order: '2' for [2], 'research/slug' for [research/slug]; a marker in
    code (`[1]`) is only shown."""
    if "[" not in text:  # every marker has one; the scan for them tries every place in the text
        return []
    return [key.strip() for match in MARKER.finditer(_CODE.sub("", text)) for key in match.group(1).split(",")]


def texts(article) -> list[tuple[tuple, str]]:
    """The article's Markdown fields that may cite: [(field path, text)]."""
    return [(("body",), article.body)] + [(("faq", i, "answer"), item.answer) for i, item in enumerate(article.faq)]


def note_numbers(article) -> dict[str, int]:
    """{key: note number}: sources 1..N, then each research card in the order it is first cited."""
    numbers = {str(n): n for n in range(1, len(sources_of(article)) + 1)}
    for _, text in texts(article):
        for key in (key for claim, _ in claims(text) for key in cited(claim)):  # headings cite nothing
            if key.startswith("research/") and key not in numbers:
                numbers[key] = len(numbers) + 1
    return numbers


def cited_cards(record: Record) -> list[str]:
    """The research cards an article cites, in order. Kept while the record lives (`mkdocs serve`
    reuses an unchanged file's record): linking on every rebuild asks for every article's, and reading
    2,000 articles' markers each time cost a second."""
    if not isinstance(record.data, Article):
        return []
    return list(_CITED.get(record, None, lambda: [key for key in note_numbers(record.data)
                                                  if key.startswith("research/")]))


_CITED = PerRecord()


def claims(markdown: str) -> list[tuple[str, bool]]:
    """Each claim of `markdown` (paragraphs and list items, not headings) and whether it is cited."""
    blocks: list[list] = []  # [text, is_item, cited]
    for _, _, section in split_sections(markdown):
        for paragraph in _BLANK.split(section):
            items: list[list[str]] = []
            for line in paragraph.splitlines():
                if _ITEM.match(line) or not items:
                    items.append([line])
                else:
                    items[-1].append(line)
            for lines in items:
                text = "\n".join(lines).strip()
                if text:
                    blocks.append([text, bool(_ITEM.match(lines[0])), bool(cited(text))])
    for index, (text, is_item, _) in enumerate(blocks):  # a lead-in and its list cover each other
        if is_item or not text.rstrip("*_ ").endswith(":"):  # '**In the UK:**' leads in too
            continue
        end = index + 1
        while end < len(blocks) and blocks[end][1]:
            end += 1
        listed = blocks[index + 1:end]
        if listed and blocks[index][2]:
            for item in listed:
                item[2] = True
        elif listed and all(item[2] for item in listed):
            blocks[index][2] = True
    return [(text, is_cited) for text, _, is_cited in blocks]


def is_home_page(url: str) -> bool:
    """An address that is only a site's home page (no path, no query), not the page the facts are on."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


# --- errors (the link stage) and warnings (the editor checks) ----------------------------

def marker_errors(record: Record, cards: dict, invalid_ids: frozenset[str] = frozenset()) -> list[RecordError]:
    """A marker that points nowhere: [n] past the article's sources, or a research card that does not
    exist (`cards`: the research cards by id)."""
    if not isinstance(record.data, Article):
        return []
    errors, count = [], len(sources_of(record.data))
    for loc, text in texts(record.data):
        for claim, _ in claims(text):
            for key in cited(claim):
                if key.startswith("research/"):
                    if key not in cards and key not in invalid_ids:
                        errors.append(RecordError(record.path, *record.line_of_text(loc, claim), field_name(loc),
                                                  f"[{key}] cites an unknown research card"
                                                  f"{suggest(key, cards) or f'; add data/{key}.yml or fix the reference'}"))
                elif not 1 <= int(key) <= count:
                    listed = f"lists {count} source{'s' if count != 1 else ''}" if count else "lists no sources"
                    errors.append(RecordError(record.path, *record.line_of_text(loc, claim), field_name(loc),
                                              f"[{key}] cites source {key}, but the article {listed}; "
                                              "number the 'sources' from 1 in the order they are listed, "
                                              "or add the missing one"))
    return errors


def source_warnings(record: Record) -> list[RecordError]:
    """Sources that are a site's home page (any record); in an article, claims that cite nothing and
    sources that no claim cites."""
    warnings = []
    for loc, url in _addresses(record.data):
        if is_home_page(url):
            warnings.append(_warning(record, loc, f"'{url}' is a site's home page, not the page the facts "
                                     "come from; give the address of the page itself"))
    if not isinstance(record.data, Article):
        return warnings
    used, lines = set(), None
    for loc, text in texts(record.data):
        for claim, is_cited in claims(text):
            used.update(cited(claim))
            if is_cited:
                continue
            snippet = visible_text(claim, one_line=True)
            snippet = snippet if len(snippet) <= 60 else snippet[:59].rstrip() + "…"
            lines = record.file_lines() if lines is None else lines  # read once for all its claims
            warnings.append(_warning(record, loc, f"this claim cites no source: '{snippet}'; add [n] after "
                                     "it for the source it comes from (n counts the article's 'sources' "
                                     "from 1) or [research/slug], or reword it to what a source says",
                                     record.line_of_text(loc, claim, lines=lines)))
    field = "sources" if record.data.sources else "source"
    for number in range(1, len(sources_of(record.data)) + 1):
        if str(number) not in used:
            warnings.append(_warning(record, (field, number - 1) if record.data.sources else (field,),
                                     f"source {number} is cited nowhere; add [{number}] after the claims it "
                                     "supports, or remove it"))
    return warnings


def _addresses(data) -> list[tuple[tuple, str]]:
    """The external source addresses a record names: [(field path, url)]."""
    found = [(("source", "url"), data.source.url)] if data.source else []
    found += [(("sources", i, "url"), s.url) for i, s in enumerate(getattr(data, "sources", ()))]
    citation = getattr(data, "citation", None)
    if citation is not None and citation.url:
        found.append((("citation", "url"), citation.url))
    return found


"""Search that speaks parents' words: each record's topic aliases in the search index.

A topic's `aliases` in topics.yml are the words a parent might type
("pencil grip") for the clinical term ("grasp"). Material's search plugin
indexes only titles, text and tags, so after it has written
`search/search_index.json` we add an `aliases` field to each record's page
entry; `plugins.search.fields` in mkdocs.yml tells the search worker to index
that field, below titles. The field is never shown, but Material's script
highlights and inserts index text with innerHTML, so it is HTML-escaped like
everything else in the index.
"""

from __future__ import annotations

import json
from pathlib import Path

from .link import Library
from .markup import html_text


def record_aliases(library: Library) -> dict[str, list[str]]:
    """{page URL: aliases} for every record, from its topics and the broader topics above them."""
    index = {}
    for record in library.records.values():
        aliases: list[str] = []
        for topic_id in library.topics_of(record):
            while topic_id:
                topic = library.topics[topic_id]
                aliases += [a for a in topic.aliases if a not in aliases]
                topic_id = topic.parent
        if aliases:
            index[record.url] = [html_text(a) for a in aliases]
    return index


def add_aliases(index_path: Path, aliases: dict[str, list[str]]) -> None:
    """Give each page's main entry (not its sections) the aliases of its record."""
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        if doc["location"] in aliases:
            doc["aliases"] = aliases[doc["location"]]
    index_path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")

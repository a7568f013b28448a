"""Material's search index: the generated pages' entries (otkb.site.search) join the ones Material
wrote for the hand-written pages.

Material internals used here: the file `search/search_index.json` its search
plugin writes in on_post_build, and its shape ({"config": ..., "docs":
[{"location", "title", "text", ...}]}), which our search worker
(overrides/assets/javascripts/search-worker.js) reads.
"""

from __future__ import annotations

import itertools
import json
from functools import partial
from pathlib import Path
from typing import Iterable


def add_entries(index_path: Path, entries: Iterable[dict], pages: set[str] | None = None) -> None:
    """Add the generated pages' entries after the hand-written pages' (Material's, in nav order).

    `pages` are the locations the entries cover (Material's entries for them are dropped); without
    it they are read off the entries. The index is written entry by entry.
    """
    if not index_path.is_file():
        return
    if pages is None:
        entries = list(entries)
        pages = {entry["location"].split("#")[0] for entry in entries}
    index = json.loads(index_path.read_text(encoding="utf-8"))
    theirs = [doc for doc in index.pop("docs") if doc["location"].split("#")[0] not in pages]
    dump = partial(json.dumps, separators=(",", ":"), ensure_ascii=False)
    with index_path.open("w", encoding="utf-8") as out:
        out.write(dump(index)[:-1] + (',"docs":[' if index else '"docs":['))
        for number, doc in enumerate(itertools.chain(theirs, entries)):
            out.write(("," if number else "") + dump(doc))
        out.write("]}")

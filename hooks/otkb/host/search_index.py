"""Material's search index, replaced by the sharded one: Material's entries for the hand-written pages
and the generated pages' entries (otkb.site.search) become small files fetched on demand
(otkb.site.search_shards).

Material internals used here: the file `search/search_index.json` its search
plugin writes in on_post_build, and its shape ({"config": ..., "docs":
[{"location", "title", "text", ...}]}); Material's script fetches it on
every page, so it keeps only the config, and our worker
(overrides/assets/javascripts/search-worker.js) fetches the rest.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Iterable

from ..site.search_shards import write_shards


def write_index(search_dir: Path, entries: Iterable[dict], pages: set[str], extra: dict) -> None:
    """Replace Material's one-file index with the sharded one.

    Material's entries for the hand-written pages come first (those for `pages`, the generated
    ones, are dropped: `entries` has ours), then `entries`, streamed.
    """
    index_path = search_dir / "search_index.json"
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    theirs = [doc for doc in index.pop("docs") if doc["location"].split("#")[0] not in pages]
    write_shards(search_dir, index.get("config", {}), itertools.chain(theirs, entries), extra)
    index["docs"] = []  # what Material's script fetches on every page: the worker fetches the rest on demand
    index_path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")

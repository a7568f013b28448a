"""Material's search index, replaced by the sharded one: Material's entries for the hand-written pages
and the generated pages' entries (otkb.site.search) become small files fetched on demand
(otkb.site.search_shards).

Material internals used here: the file `search/search_index.json` its search
plugin writes in on_post_build, and its shape ({"config": ..., "docs":
[{"location", "title", "text", ...}]}); Material's script fetches it on
every page, so it keeps only the config, and our worker
(overrides/assets/javascripts/search-worker.js) fetches the rest. For a page
built again in place (otkb.host.incremental), the plugin's
`search_index.entries`, to which it adds a page's entries while the page is
built.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Callable, Iterable

from ..content.cache import Memo
from ..site.search_shards import PageEntries, ShardIndex, write_shards


def write_index(search_dir: Path, entries: Iterable[dict | PageEntries], pages: set[str], extra: dict,
                keep: bool = False, memo: Memo | None = None, files: Memo | None = None) -> ShardIndex | None:
    """Replace Material's one-file index with the sharded one.

    Material's entries for the hand-written pages come first (those for `pages`, the generated
    ones, are dropped: `entries` has ours), then `entries`, streamed. With `keep`, returns the
    index, to update in place (`mkdocs serve`). `memo`, `files`: as write_shards'.
    """
    index_path = search_dir / "search_index.json"
    if not index_path.is_file():
        return None
    index = json.loads(index_path.read_text(encoding="utf-8"))
    theirs = [doc for doc in index.pop("docs") if doc["location"].split("#")[0] not in pages]
    shards = write_shards(search_dir, index.get("config", {}), itertools.chain(theirs, entries), extra, keep=keep, memo=memo,
                          files=files)
    index["docs"] = []  # what Material's script fetches on every page: the worker fetches the rest on demand
    index_path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    return shards


def material_entries(config, build_page: Callable[[], None]) -> list[dict]:
    """The search entries Material's search plugin makes for a page while `build_page()` builds it,
    as they would be read back from its search_index.json."""
    plugin = next((p for name, p in config.plugins.items() if name.split("/")[-1] == "search"), None)
    index = getattr(plugin, "search_index", None)
    if index is None:
        build_page()
        return []
    before = len(index.entries)
    build_page()
    return json.loads(json.dumps(index.entries[before:], default=str))

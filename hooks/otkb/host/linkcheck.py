"""The build's link check: the site's broken links, each named by the file its page came from.

The check itself reads only the built site (otkb.site.linkcheck); this half
reads MkDocs' files to tell where each page came from: a record's YAML file,
a docs/ file, data/topics.yml or a generated listing.
"""

from __future__ import annotations

from pathlib import Path

from ..content.cache import Memo
from ..content.load import display_path
from ..site.linkcheck import broken_link_messages, check_site_links
from ..site.urls import topic_of, url_of


def site_link_problems(site_dir: Path, library, files, project_dir: Path, memo: Memo | None = None,
                       keys: dict[str, str] | None = None, stamp: str = "", results: Memo | None = None) -> list[str]:
    """`check_site_links` worded for the build log: records by YAML file, other pages by source; `memo`,
    `keys`, `stamp` and `results`: a warm build's scans, the pages' keys it knows, the build stamp they
    leave out and the last build's results (check_site_links)."""
    records = {url_of(r): r for r in library.records.values()} if library is not None else {}
    sources = {}
    for file in files.documentation_pages() if files is not None else []:
        if file.generated_by is None and file.abs_src_path:
            sources[file.url] = display_path(Path(file.abs_src_path), project_dir)
        elif topic_of(file.src_uri):
            sources[file.url] = "data/topics.yml"
        else:
            sources[file.url] = f"the generated page {file.src_uri}"
    return broken_link_messages(check_site_links(site_dir, memo, keys, stamp, results), records, sources, project_dir)

"""`otkb export DIR`: everything the pipeline generates, as a plain docs tree that any MkDocs-like
builder can build without running hooks.

The hook build adds its pages while MkDocs runs; a builder that runs no
hooks (Zensical, for one) cannot. The export writes what the hooks would
add, ahead of time: each record page, listing and topic page as Markdown
with its front matter (JSON-LD and trust signals included), the hand-written
pages with the editor's guide filled in, the citation files, feeds and the finder's data,
the search index the site's worker reads (search/meta.json and its shards, as the hook build
writes them; a hand-written page is one entry, where Material's plugin adds one per section), the theme overrides with the <meta> Content-Security-Policy written in, and a
mkdocs.yml without `hooks:`.

DIR must be a new or empty folder, not a link, and outside the folders the
build reads and writes (data/, docs/, overrides/, site/): an export inside
them would be read back by the next build, or copied into itself. The tree
is written into a temporary folder beside DIR and renamed into place, so a
failed export leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import yaml

from ..content.errors import RecordError
from ..content.pipeline import check_library
from ..site.citations import citation_files
from ..site.feeds import Site, feed_files
from ..site.navigation import nav_with_kinds, not_found_links
from ..site.finder import finder_files
from ..content.markup import html_text, visible_text
from ..site.render import make_environment, page_sources, trust_signals
from ..site.search import index_extras, iter_search_entries
from ..site.search_shards import write_shards
from ..site.security import meta_policy
from ..site.structured_data import json_ld
from ..site.urls import source_of, url_from_source, url_of
from ..site.guide import fill_guide
from .project import CommandError, site_settings

_FRONT_MATTER_END = "\n---\n"
# The boosts Material's search plugin gives its fields by default (material/plugins/search/plugin.py);
# the hook build reads them from the index the plugin wrote, the export has none to read.
SEARCH_CONFIG = {"fields": {"title": {"boost": 1e3}, "text": {"boost": 1e0}, "tags": {"boost": 1e6}}}
# The block of overrides/main.html that writes the <meta> policy the hooks pass in (otkb_meta_csp).
_POLICY_BLOCK = "{% block site_meta %}\n"


class ExportError(CommandError):
    """The records have errors, so there is nothing to export."""

    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the records; "
                         "run 'otkb check' to see them; nothing was exported")


def export_site(project: Path, out: Path, shown: str | None = None) -> int:
    """Write the docs tree into `out` (which must not exist or be empty); returns the number of pages.
    `shown`: how messages name `out` (as the user typed it)."""
    settings = site_settings(project)
    _refuse_folder(project, out, shown or str(out), settings)
    library, errors, _ = check_library(project)
    if errors:
        raise ExportError(errors)
    out = out.parent.resolve() / out.name
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as e:
        raise CommandError(f"cannot write into {shown or out}: {e.strerror}; nothing was exported") from None
    try:
        pages = _write_tree(project, work, library, settings)
        if out.exists():
            out.rmdir()  # empty, checked above
        work.rename(out)
    except OSError as e:
        raise CommandError(f"cannot write into {shown or out}: {e.strerror} ({e.filename}); nothing was "
                           "exported") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pages


def _refuse_folder(project: Path, out: Path, shown: str, settings: dict) -> None:
    """A CommandError (one line) for a DIR the export must not write into."""
    if out.is_symlink():
        raise CommandError(f"{shown} is a symbolic link; export into a new folder, not a link")
    if out.exists() and not out.is_dir():
        raise CommandError(f"{shown} is a file, not a folder; export into a new folder")
    if out.is_dir() and any(out.iterdir()):
        raise CommandError(f"{shown} is not empty; export into a new folder")
    target = out.resolve()
    for name in ("data", settings.get("docs_dir") or "docs", "overrides", settings.get("site_dir") or "site"):
        folder = (project / name).resolve()
        if target == folder or folder in target.parents:
            raise CommandError(f"{shown} is inside {name}/, which the build reads or writes; export into a "
                               "folder outside data/, docs/, overrides/ and site/")


def _write_tree(project: Path, out: Path, library, settings: dict) -> int:
    site = Site.of(SimpleNamespace(site_name=settings.get("site_name", ""), site_url=settings.get("site_url"),
                                   site_description=settings.get("site_description")))
    docs = out / "docs"
    shutil.copytree(project / "docs", docs)
    hand_written = []
    for page in sorted(docs.rglob("*.md")):
        text = _hand_written(page.read_text(encoding="utf-8"), library)
        page.write_text(text, encoding="utf-8")
        hand_written.append(_search_entry(page.relative_to(docs).as_posix(), *_split(text)))
    jsonld = {source_of(url_of(record)): json_ld(record, library, site.url + url_of(record), site.name, site.url)
              for record in library.records.values()}
    sources = page_sources(library, make_environment())
    for src_uri, render in sources.items():
        _write(docs / src_uri, _generated(render(), jsonld.get(src_uri)))
    for src_uri, content in {**citation_files(library), **feed_files(library, site), **finder_files(library)}.items():
        _write(docs / src_uri, content)
    write_shards(docs / "search", SEARCH_CONFIG, [*hand_written, *iter_search_entries(library)],
                 index_extras(library))
    shutil.copytree(project / "overrides", out / "overrides")
    _write_into_block(out / "overrides" / "main.html", _POLICY_BLOCK,
                      f"  {{%- set otkb_meta_csp = {json.dumps(meta_policy(settings.get('repo_url')))} %}}\n",
                      "the Content-Security-Policy")
    _write_into_block(out / "overrides" / "404.html", _CONTENT_BLOCK,
                      f"{{%- set otkb_kinds = {json.dumps(not_found_links())} %}}", "the kinds' links")
    (out / "mkdocs.yml").write_text(_config_without_hooks((project / "mkdocs.yml").read_text(encoding="utf-8")),
                                    encoding="utf-8")
    return len(sources)


def _search_entry(src_uri: str, meta: dict, body: str) -> dict:
    """A hand-written page's search entry, as Material's plugin makes it for the hook build (one entry for
    the whole page, its `search.boost` kept)."""
    title = meta.get("title") or next((line[2:].strip() for line in body.splitlines() if line.startswith("# ")), "")
    entry = {"location": "" if src_uri == "index.md" else url_from_source(src_uri), "title": html_text(title),
             "text": html_text(visible_text(body, one_line=True))}
    boost = (meta.get("search") or {}).get("boost")
    return {**entry, "boost": boost} if boost is not None else entry


def _write_into_block(template: Path, block: str, text: str, what: str) -> None:
    """Write `text` (a Jinja `set` of what the hooks give the theme when they run) at the start of
    the template's `block`."""
    content = template.read_text(encoding="utf-8")
    if block not in content:
        raise CommandError(f"{template.name} has no '{block.strip()}' to write {what} into; nothing was exported")
    template.write_text(content.replace(block, block + text, 1), encoding="utf-8")


_CONTENT_BLOCK = "{% block content %}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _split(markdown: str) -> tuple[dict, str]:
    """(front matter, body) of a page."""
    if markdown.startswith("---\n") and _FRONT_MATTER_END in markdown[3:]:
        head, body = markdown[4:].split(_FRONT_MATTER_END, 1)
        return yaml.safe_load(head) or {}, body
    return {}, markdown


def _join(meta: dict, body: str) -> str:
    if not meta:
        return body
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n" + body


def _generated(markdown: str, jsonld: str | None) -> str:
    """A generated page as the hooks would show it: its JSON-LD in the front matter. It keeps `search:
    exclude`: its entries are in the exported index (search/), so Material's search_index.json, which every
    page fetches, holds only the hand-written pages."""
    meta, body = _split(markdown)
    if jsonld:
        meta["otkb_jsonld"] = jsonld
    return _join(meta, body)


def _hand_written(markdown: str, library) -> str:
    """A hand-written page with the editor's guide filled in and its review dates as trust signals."""
    meta, body = _split(markdown)
    if "otkb" not in meta and "reviewed" in meta:
        meta["otkb"] = trust_signals(meta["reviewed"], meta.get("review_due"))
    return _join(meta, fill_guide(body, library))


def _config_without_hooks(text: str) -> str:
    """mkdocs.yml without its `hooks:` and `watch:` blocks (top-level keys and their indented lines), and
    without `edit_uri` when no repository is configured (OTKB_REPO_URL), which the hooks drop too; its
    `nav:` gets each kind's listing, which the hooks add."""
    out, skipping, key = [], False, None
    dropped = ("hooks", "watch") + (() if os.environ.get("OTKB_REPO_URL") else ("edit_uri",))
    blocks: dict[str, list[str]] = {}
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "\t", "\n", "#", "-") or line.startswith("---"):
            key = line.split(":", 1)[0]
            skipping = key in dropped
        if not skipping:
            out.append(line)
            blocks.setdefault(key, []).append(line)
    if "nav" in blocks:
        nav = yaml.safe_load("".join(blocks["nav"]))["nav"]
        first = out.index(blocks["nav"][0])
        out[first:first + len(blocks["nav"])] = [yaml.safe_dump({"nav": nav_with_kinds(nav)}, sort_keys=False,
                                                                allow_unicode=True) + "\n"]
    return "".join(out)

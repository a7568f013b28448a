"""`otkb export DIR`: everything the pipeline generates, as a plain docs tree that any MkDocs-like
builder can build without running hooks.

The hook build adds its pages while MkDocs runs; a builder that runs no
hooks (Zensical, for one) cannot. The export writes what the hooks would
add, ahead of time: each record page, listing and topic page as Markdown
with its front matter (JSON-LD and trust signals included), the hand-written
pages with the editor's guide filled in, the citation files, feeds and the finder's data,
the theme overrides, and a mkdocs.yml without `hooks:`. Generated pages are
indexed by the builder's own search (the hook build makes better entries
from the records; the export keeps search working without them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import yaml

from ..content.errors import RecordError
from ..content.pipeline import check_library
from ..site.citations import citation_files
from ..site.feeds import Site, feed_files
from ..site.finder import finder_files
from ..site.render import make_environment, page_sources, trust_signals
from ..site.structured_data import json_ld
from ..site.urls import source_of, url_of
from .guide import fill_guide
from .project import CommandError, site_settings

_FRONT_MATTER_END = "\n---\n"


class ExportError(CommandError):
    """The records have errors, so there is nothing to export."""

    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the records; "
                         "run 'otkb check' to see them; nothing was exported")


def export_site(project: Path, out: Path) -> int:
    """Write the docs tree into `out` (which must not exist or be empty); returns the number of pages."""
    if out.exists() and any(out.iterdir()):
        raise CommandError(f"{out} is not empty; export into a new folder")
    library, errors, _ = check_library(project)
    if errors:
        raise ExportError(errors)
    settings = site_settings(project)
    site = Site.of(SimpleNamespace(site_name=settings.get("site_name", ""), site_url=settings.get("site_url"),
                                   site_description=settings.get("site_description")))
    docs = out / "docs"
    shutil.copytree(project / "docs", docs)
    for page in docs.rglob("*.md"):
        page.write_text(_hand_written(page.read_text(encoding="utf-8"), library), encoding="utf-8")
    jsonld = {source_of(url_of(record)): json_ld(record, library, site.url + url_of(record), site.name, site.url)
              for record in library.records.values()}
    sources = page_sources(library, make_environment())
    for src_uri, render in sources.items():
        _write(docs / src_uri, _generated(render(), jsonld.get(src_uri)))
    for src_uri, content in {**citation_files(library), **feed_files(library, site), **finder_files(library)}.items():
        _write(docs / src_uri, content)
    shutil.copytree(project / "overrides", out / "overrides")
    (out / "mkdocs.yml").write_text(_config_without_hooks((project / "mkdocs.yml").read_text(encoding="utf-8")),
                                    encoding="utf-8")
    return len(sources)


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
    """A generated page as the hooks would show it: its JSON-LD in the front matter, and searchable."""
    meta, body = _split(markdown)
    meta.pop("search", None)  # the hook build indexes generated pages itself
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
    without `edit_uri` when no repository is configured (OTKB_REPO_URL), which the hooks drop too."""
    out, skipping = [], False
    dropped = ("hooks", "watch") + (() if os.environ.get("OTKB_REPO_URL") else ("edit_uri",))
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "\t", "\n", "#", "-") or line.startswith("---"):
            skipping = line.split(":", 1)[0] in dropped
        if not skipping:
            out.append(line)
    return "".join(out)

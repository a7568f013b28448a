"""The kinds' places in the theme: the nav's listing links and the 404 page's, from the declarations.

mkdocs.yml names the hand-written pages of the nav; each kind's listing is
added after its first entry (the home page), in the order of KINDS, unless
mkdocs.yml names it itself. Records are never in the nav (see mkdocs.yml).
"""

from __future__ import annotations

from ..content.kinds import KINDS
from .urls import listing_url


def nav_with_kinds(nav: list | None) -> list | None:
    """mkdocs.yml's `nav` with each kind's listing after its first entry; None (MkDocs makes the nav
    from every page) stays None."""
    if not nav:
        return nav
    named = {path for entry in nav for path in _paths(entry)}
    listings = [{spec.label: f"{listing_url(kind)}index.md"} for kind, spec in KINDS.items()
                if f"{listing_url(kind)}index.md" not in named]
    return [nav[0], *listings, *nav[1:]]


def _paths(entry) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [path for value in entry.values() for path in _paths(value)]
    return [path for item in entry for path in _paths(item)] if isinstance(entry, list) else []


def not_found_links() -> list[dict]:
    """The kinds the 404 page offers (those with a `notfound_word`): label, address, word and line."""
    return [{"label": spec.label, "url": listing_url(kind), "word": spec.notfound_word,
             "summary": spec.notfound_summary} for kind, spec in KINDS.items() if spec.notfound_word]

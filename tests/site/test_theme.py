"""Our copies of Material's templates stay in step with the installed Material."""

import difflib
import re
from importlib.metadata import version
from pathlib import Path

import material

from conftest import PROJECT

MATERIAL_PARTIALS = Path(material.__file__).parent / "templates" / "partials"

# overrides/partials/search.html is Material's partial with these changes, each (upstream text, ours).
SEARCH_CHANGES = [
    ('<div class="md-search" data-md-component="search" role="dialog">',
     '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">'),
]


def _without_leading_comment(template: str) -> str:
    """The template after its opening `{#- ... -#}` comment (Material's "generated" note, or ours)."""
    return re.sub(r"\A\{#-.*?-#\}\n", "", template, flags=re.S)


def test_the_search_partial_is_the_installed_materials_with_only_our_changes():
    ours = (PROJECT / "overrides/partials/search.html").read_text(encoding="utf-8")
    upstream = _without_leading_comment((MATERIAL_PARTIALS / "search.html").read_text(encoding="utf-8"))
    installed = version("mkdocs-material")
    assert f"(Material {installed})" in ours, (
        f"overrides/partials/search.html does not say it is Material {installed}'s partial: "
        f"compare it with {MATERIAL_PARTIALS / 'search.html'} and update its first comment")
    expected = upstream
    for theirs, mine in SEARCH_CHANGES:
        assert expected.count(theirs) == 1, (
            f"Material {installed}'s partials/search.html no longer has {theirs!r} once, "
            f"so our change to it cannot be made: update overrides/partials/search.html and SEARCH_CHANGES")
        expected = expected.replace(theirs, mine)
    diff = "".join(difflib.unified_diff(expected.splitlines(True), _without_leading_comment(ours).splitlines(True),
                                        f"Material {installed} + our changes", "overrides/partials/search.html"))
    assert diff == "", (
        f"overrides/partials/search.html drifted from Material {installed}'s partials/search.html "
        f"(beyond our changes in tests/site/test_theme.py SEARCH_CHANGES); copy the new partial and "
        f"make our changes again:\n{diff}")

"""An article's note markers ([2], [research/slug]) as superscript links to its numbered notes.

content/notes.py says what a marker cites and numbers the notes; this turns
the markers in sanitised HTML into links, for the article template's `notes`
filter.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from ..content.markup import SPACED_MARKER

_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_NO_NOTES_IN = {"a", "code", "pre"}  # a marker inside a link's text or code stays as typed


def with_notes(html: Markup, numbers: dict[str, int]) -> Markup:
    """Sanitised HTML with each note marker made a superscript link to its note.

    Only the text between tags changes, never a tag or an attribute, and the links are made from the
    note numbers alone, so what the editor typed stays sanitised text."""
    parts, inside = _TAG_SPLIT.split(str(html)), 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _NO_NOTES_IN:
                inside += -1 if part.startswith("</") else 1
        elif inside == 0 and "[" in part:
            parts[index] = SPACED_MARKER.sub(lambda m: _note_links(m, numbers), part)
    return Markup("".join(parts))


def _note_links(match: re.Match, numbers: dict[str, int]) -> str:
    keys = [key.strip() for key in match.group(1).split(",")]
    if any(key not in numbers for key in keys):  # the link stage refuses these; never guess
        return match.group(0)
    links = ", ".join(f'<a href="#note-{numbers[k]}" aria-label="source {numbers[k]}">{numbers[k]}</a>'
                      for k in keys)
    return f'<sup class="otkb-note-ref">[{links}]</sup>'

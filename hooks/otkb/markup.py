"""Turn editor text into safe page text.

Two kinds of editor text reach a page:

- plain text (titles, summaries, citation fields, materials): shown as text,
  never as markup. `escape_text` makes it inert for both HTML and Markdown,
  since the generated page is Markdown that MkDocs converts again.
- Markdown (article bodies, points, steps): converted here by our own
  Python-Markdown instance, then cleaned by an allowlist sanitiser (nh3), so
  raw HTML, event handlers and `javascript:`/`data:` links never survive,
  however they are spelt. The result is embedded as an HTML block, which
  MkDocs passes through without parsing it again.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr",
                "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "strong", "sub",
                "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "img": {"src", "alt", "title"},
                      "ol": {"start"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# ASCII punctuation that Markdown or its extensions may treat as syntax.
_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|~^=:$%@")
_ENTITIES = {c: f"&#{ord(c)};" for c in _MARKDOWN_PUNCTUATION}
_ENTITIES.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)

_converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


def escape_text(value) -> Markup:
    """Plain text -> text that HTML and Markdown both show exactly as typed."""
    return Markup("".join(_ENTITIES.get(c, c) for c in str(value)))


def sanitize_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener nofollow", strip_comments=True)


def markdown_to_html(text: str) -> Markup:
    """Block Markdown (paragraphs, lists, headings) -> sanitised HTML."""
    _converter.reset()
    return Markup(sanitize_html(_converter.convert(text)).strip())


def inline_markdown_to_html(text: str) -> Markup:
    """One line of inline Markdown (a step, a finding) -> sanitised HTML without the <p>."""
    rendered = markdown_to_html(text)
    match = _PARAGRAPH.match(rendered)
    return Markup(match.group(1)) if match and "<p>" not in match.group(1) else rendered


def html_text(value) -> str:
    """Plain text for places the theme prints as HTML without escaping (front matter)."""
    return html.escape(str(value), quote=True)


_HEADING = re.compile(r"^(#{1,4})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")


def split_sections(body: str) -> list[tuple[int, str | None, str]]:
    """Split article Markdown at its ATX headings: [(level, heading, markdown)].

    The headings go into the page as real Markdown headings, so they reach the
    table of contents and search; the text between them is rendered here.
    """
    sections: list[tuple[int, str | None, list[str]]] = [(2, None, [])]
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            sections.append((max(2, len(match.group(1))), match.group(2), []))
        else:
            sections[-1][2].append(line)
    return [(level, heading, "\n".join(lines).strip()) for level, heading, lines in sections
            if heading or "\n".join(lines).strip()]

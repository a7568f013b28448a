"""Turn editor text into safe page text.

Two kinds of editor text reach a page:

- plain text (titles, summaries, citation fields, materials): shown as text,
  never as markup. `escape_text` makes it inert for both HTML and Markdown,
  since the generated page is Markdown that MkDocs converts again.
- Markdown (article bodies, points, steps): converted here by our own
  Python-Markdown instance, then cleaned by an allowlist sanitiser (nh3), so
  raw HTML, event handlers and `javascript:`/`data:` links never survive,
  however they are spelt. The result is embedded as an HTML block, which
  MkDocs passes through without parsing it again. An article's headings are
  the one place where our HTML lands in Markdown that MkDocs converts a
  second time, so `inert_html` writes their Markdown punctuation as
  character references (else `{: onclick=...}` would become an attribute).

Python-Markdown slows down quadratically on some inputs (a paragraph of
5,000 `[` takes 2 seconds, 20,000 more than a minute) and overflows Python's
stack on deep nesting (1,000 `- ` in a row); `markdown_problem` refuses such
text before it is converted (measurements in SECURITY.md).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

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
ESCAPED = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")  # what escape_text replaces (`entity`)
# One line that no Markdown construct can start or contain: it converts to itself, so the
# (comparatively slow) converter and sanitiser are skipped. Most steps and points are like this.
# A '#' opening a line of finished HTML would read as a heading to publish.py.
_LINE_START_HASH = re.compile(r"(^|\n)#")
_PLAIN_LINE = re.compile(r"(?![-+]|\d+[.)])[^\n\\`*_\[\]<>&!#|~{}]*")
_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
# Limits that keep Python-Markdown fast and its recursion shallow. Every
# link, image and raw HTML tag starts with '[' or '<', and each one Python-
# Markdown cannot close makes it rescan the rest of the paragraph; each
# heading or line across inside a paragraph makes it copy the rest.
MAX_OPENERS_PER_PARAGRAPH = 50
MAX_LINES_PER_PARAGRAPH = 200
MAX_NESTING = 10
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CONTAINER = re.compile(r"(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])[ \t]?")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")  # `* * *` is a line across, not a list
_TAG = re.compile(r"(<[^>]*>)")
_ATTRIBUTE_VALUE = re.compile(r'="([^"]*)"')

# A note marker (content/notes.py): [2], [research/slug] or [1, research/slug]; not a link's text
# ([text](...), [text][ref]) nor a link definition ([1]: ...).
_NOTE_KEY = r"(?:\d{1,3}|research/[a-z0-9]+(?:-[a-z0-9]+)*)"
MARKER = re.compile(rf"(?<![\]\\])\[({_NOTE_KEY}(?:, ?{_NOTE_KEY})*)\](?!\()(?!:[ \t]*\S+[ \t]*$)", re.M)
SPACED_MARKER = re.compile(r"[ \t\r\n]*" + MARKER.pattern, re.M)  # a line may wrap before it

_converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


def escape_text(value) -> Markup:
    """Plain text -> text that HTML and Markdown both show exactly as typed.

    A regular expression's substitution, not str.translate, which looks each character up in a dict
    (three times slower on a summary); str.__new__ makes the Markup without Markup.__new__'s checks,
    which a str needs none of (700,000 calls at 10,000 records)."""
    return str.__new__(Markup, ESCAPED.sub(entity, str(value)))


def entity(match: re.Match) -> str:
    return _ENTITIES[match.group()]


def sanitize_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener nofollow", strip_comments=True)


def markdown_to_html(text: str) -> Markup:
    """Block Markdown (paragraphs, lists, headings) -> sanitised HTML."""
    if _PLAIN_LINE.fullmatch(text):
        return Markup(f"<p>{text}</p>")
    if "\n\n" in text and (paragraphs := _plain_paragraphs(text)):
        return Markup("\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs))
    _converter.reset()
    return Markup(_LINE_START_HASH.sub(r"\1&#35;", sanitize_html(_converter.convert(text)).strip()))


def _plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of text that is only plain one-line paragraphs (an article's sections often are),
    which the converter and sanitiser would each wrap in <p> and change in no other way; else None.
    A paragraph must be printable (no tab, no-break space or invisible character: the sanitiser writes
    a no-break space as '&nbsp;') and neither start nor end with a space."""
    paragraphs = text.split("\n\n")
    for paragraph in paragraphs:
        if (not paragraph or not paragraph.isprintable() or paragraph[0] == " " or paragraph[-1] == " "
                or not _PLAIN_LINE.fullmatch(paragraph)):
            return None
    return paragraphs


def inline_markdown_to_html(text: str) -> Markup:
    """One line of inline Markdown (a step, a finding) -> sanitised HTML without the <p>."""
    if _PLAIN_LINE.fullmatch(text):
        return Markup(text)
    rendered = markdown_to_html(text)
    match = _PARAGRAPH.match(rendered)
    return Markup(match.group(1)) if match and "<p>" not in match.group(1) else rendered


def inert_html(fragment: str) -> Markup:
    """Sanitised HTML in which Markdown finds nothing to convert.

    Text and attribute values have their Markdown punctuation written as
    character references, which HTML shows unchanged; relies on nh3's
    output, where '<' and '>' never appear inside a tag's attribute values.
    """
    out = []
    for part in _TAG.split(fragment):
        if part.startswith("<"):
            out.append(_ATTRIBUTE_VALUE.sub(lambda m: f'="{escape_text(html.unescape(m.group(1)))}"', part))
        else:
            out.append(escape_text(html.unescape(part)))
    return Markup("".join(out))


def heading_html(text: str) -> Markup:
    """An editor's heading (inline Markdown) for a Markdown heading line MkDocs converts again."""
    return inert_html(inline_markdown_to_html(text))


# A line can only nest deeper than MAX_NESTING if it starts with more than MAX_NESTING of the characters
# `nesting` reads (each level takes at least one); lines start where str.splitlines starts them.
_MAYBE_DEEP = re.compile("(?:^|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])[ \t>*+\\-\\d.)]{%d,}" % (MAX_NESTING + 1),
                         re.M)


def markdown_problem(text: str) -> str | None:
    """Why Python-Markdown cannot be trusted with `text` (too slow or too deep), or None. Every record's
    every text goes through it, so the common case is C string methods: a paragraph's start is only
    worked out for a message, and only a line `_MAYBE_DEEP` finds has its nesting measured. Text with
    fewer lines and openers in all than one paragraph may have (nearly all) is not split into them."""
    if (text.count("\n") >= MAX_LINES_PER_PARAGRAPH or text.count("[") > MAX_OPENERS_PER_PARAGRAPH
            or text.count("<") > MAX_OPENERS_PER_PARAGRAPH):
        problem = _paragraph_problem(text)
        if problem:
            return problem
    # One printable line holds no line break: only its start may be deep (most texts are one line)
    if not (_MAYBE_DEEP.match(text) if text.isprintable() else _MAYBE_DEEP.search(text)):
        return None
    for number, line in enumerate(text.splitlines(), 1):
        depth = nesting(line)
        if depth > MAX_NESTING:
            return (f"line {number} of the text is nested {depth} levels deep (lists, quotes and "
                    f"indentation); at most {MAX_NESTING} are allowed")
    return None


def _paragraph_problem(text: str) -> str | None:
    """A paragraph of `text` with too many lines or openers ('[', '<'), or None."""
    for paragraph in _BLANK_LINE.split(text):
        lines = paragraph.count("\n") + 1
        if lines > MAX_LINES_PER_PARAGRAPH:
            return (f"has {lines:,} lines without a blank line between them (from '{_start(paragraph)}'); at most "
                    f"{MAX_LINES_PER_PARAGRAPH} are allowed: add blank lines between paragraphs")
        for opener in "[<":
            count = paragraph.count(opener)
            if count > MAX_OPENERS_PER_PARAGRAPH:
                return (f"has {count:,} '{opener}' in one paragraph (the one starting '{_start(paragraph)}'); at "
                        f"most {MAX_OPENERS_PER_PARAGRAPH} are allowed: split it with blank lines or remove them")
    return None


def _start(paragraph: str) -> str:
    return " ".join(paragraph.split())[:40]


def nesting(line: str) -> int:
    """How many containers (list items, quotes, 4-space indents) one line opens, at most."""
    line = line.expandtabs(4)
    if _RULE.match(line):
        return 0
    depth = (len(line) - len(line.lstrip(" "))) // 4
    rest = line.lstrip(" ")
    while match := _CONTAINER.match(rest):
        depth += 1
        rest = rest[match.end():]
        depth += (len(rest) - len(rest.lstrip(" "))) // 4
        rest = rest.lstrip(" ")
    return depth


_BLOCK_TAGS = {"p", "li", "ul", "ol", "h2", "h3", "h4", "blockquote", "pre", "table", "tr", "td", "th", "br", "hr"}


class _VisibleText(HTMLParser):
    """The text of sanitised HTML; a block (paragraph, item, heading, cell) starts a new line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code = 0

    def handle_starttag(self, tag, attrs=None):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        self.code += tag == "code"

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        self.code -= tag == "code"

    def handle_data(self, data):
        data = data.replace("\n", " ")  # a line break inside a block is only wrapping
        # A note's number (content/notes.py) is not part of the sentence; in code it is what was typed.
        self.parts.append(data if self.code else _without_markers(data))


def _without_markers(text: str) -> str:
    """`text` without its notes' markers (a marker starts with '[': the scan for one tries every place)."""
    return SPACED_MARKER.sub("", text) if "[" in text else text


def visible_text(markdown: str, one_line: bool = False) -> str:
    """What a reader sees of editor Markdown, as plain text: one line per paragraph, item or heading
    (or all on `one_line`).

    The readability measure, search entries and JSON-LD all read editor
    Markdown this way. A plain line (most steps and findings) becomes `<p>line</p>`, whose text is
    the line itself: it is not parsed.
    """
    if _PLAIN_LINE.fullmatch(markdown):
        text = markdown  # what _VisibleText keeps of markdown_to_html's <p>line</p>
    elif (plain := _plain_heading_or_cited_line(markdown)) is not None:
        text = plain
    else:
        parser = _VisibleText()
        parser.feed(markdown_to_html(markdown))
        parser.close()
        text = "".join(parser.parts)
    if one_line:  # every line break is white space to str.split
        return " ".join(text.split())
    return "\n".join(line for line in map(" ".join, map(str.split, text.splitlines())) if line)


def _plain_heading_or_cited_line(markdown: str) -> str | None:
    """What a reader sees of one printable line that would be a plain line but for the '#'s of a heading
    (level 1 to 6) before it and the notes' markers in it, which Python-Markdown leaves as they are
    (without a link definition, which starts with '[', nothing makes '[1]' a link): the line without
    them; else None. Most of an article's headings and cited claims are such lines."""
    if not (markdown[:1] == "#" or "[" in markdown) or not markdown.isprintable():
        return None
    text = markdown.lstrip("#")
    if len(markdown) - len(text) > 6:
        return None
    text = _without_markers(text)
    return text if _PLAIN_LINE.fullmatch(text) else None


def long_date(value) -> str:
    """A date as readers see it: '1 November 2026'."""
    return f"{value.day} {value:%B %Y}"


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

"""Property-based tests: generated YAML and text thrown at the loader, validator and renderer.

The only outcomes allowed are a valid record, or RecordErrors that name the
file and (except for whole-file problems) the line; never an exception, a
hang or live markup. Hypothesis runs derandomized (the same examples on every
run and in CI), with a hard time limit per example on top of its deadline.
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import PROJECT
from live_markup import live_payloads
from otkb.content.load import RawRecord, read_yaml
from otkb.content.markup import (MAX_NESTING, escape_text, heading_html, markdown_problem, markdown_to_html, nesting,
                                 visible_text)
from otkb.site.render import make_environment, render_record
from otkb.content.validate import validate_records

SETTINGS = settings(max_examples=150, deadline=5_000, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SHOWN = "data/activities/x.yml"
WHOLE_FILE = ("the file is empty", "the file is ", "cannot read the file")

# Pieces of text that mean something to YAML, Markdown, HTML, Jinja or a browser.
TRAPS = [
    "<", ">", "&", '"', "'", "[", "]", "(", ")", "{", "}", "*", "_", "`", "#", " #", "!", "|", "\\", ":", ": ",
    "\n", "\n\n", " ", "    ", "\t", "- ", "> ", "1. ", "* * *", "---", "...", "===", "## ", "|---|", "```",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<math><mi>x",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "&#106;", "&#x6A;avascript:", "&colon;", "data:text/html,",
    "vbscript:", " onclick=alert(1)", "{: onclick=alert(1) }", "{#x .y onclick=z}", "[a](javascript:alert(1))",
    "![i](data:x)", "[r]: javascript:x", "<javascript:alert(1)>", "<http://example.org>", '<a href="x">',
    "<iframe srcdoc=x>", "<style>", "<base href=x>", "<form action=javascript:x>", "<object data=x>",
    "<meta http-equiv=refresh content='0;url=javascript:x'>", "<details open ontoggle=x>", "<p style=x>",
    "<!--", "-->", "<![CDATA[", "{{ 7*7 }}", "{% raw %}", "{#", "&amp;", "&lt;", "é", "e\u0301", "🙂",
    "\u2028", "\u2029", "\x85", "\u202e", "\u200b", "\u00ad", "\x00", "\x07", "\x1b", "\ufeff",
    "&a", "*a", "!!python/object:os.system", "!tag", "%YAML 1.1", "? ", "~", "null", "No", "012", "10:30",
]
editor_text = st.lists(st.one_of(st.sampled_from(TRAPS), st.text(max_size=6)), max_size=30).map("".join)
# attr_list acts on a `{...}` at the end of a heading; escaped brackets become a link in a second pass.
heading_text = st.one_of(editor_text, st.tuples(editor_text, st.sampled_from([
    "{: onclick=alert(1) }", "{#x onclick=y}", "{ .c style=x }", "{: href=javascript:x }",
    "\\[x\\](javascript:alert(1))", "\\<script\\>"])).map("".join))
KEYS = ["title", "summary", "topics", "audiences", "reviewed", "skills", "ages", "min", "max", "materials",
        "steps", "easier", "safety", "supports", "title", "x", "citaton", "details", "text"]


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail an example that runs too long (a hang), rather than wait for ever."""
    def stop(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_clear(errors) -> None:
    """Each error names the file, and the line unless the problem is the whole file."""
    assert errors
    for error in errors:
        assert error.path == SHOWN and error.message
        assert error.line >= 1 or error.message.startswith(WHOLE_FILE), str(error)
        assert str(error).startswith(SHOWN)


def yaml_lines():
    line = st.tuples(st.sampled_from(["", "  ", "    ", "\t", "- ", "  - "]), st.sampled_from(KEYS),
                     st.sampled_from([": ", ":", ": |\n  ", ": >\n  ", ": [", ": {", ": '", ': "']), editor_text)
    return st.lists(line.map("".join), min_size=1, max_size=12).map("\n".join)


@SETTINGS
@given(text=st.one_of(yaml_lines(), editor_text, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))),
       as_bytes=st.booleans())
def test_any_yaml_loads_as_text_or_fails_with_file_and_line(tmp_path_factory, text, as_bytes):
    path = tmp_path_factory.getbasetemp() / "property.yml"
    path.write_bytes(text.encode("latin-1", errors="replace") if as_bytes else text.encode("utf-8", "surrogatepass"))
    with time_limit(10):
        data, positions, errors = read_yaml(path, SHOWN)
    if errors:
        assert data is None
        assert_clear(errors)
        return
    assert isinstance(data, dict)

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            assert value is None or isinstance(value, str)  # never a bool, number or date
    walk(data)
    assert all((key,) in positions for key in data)


def record_values():
    leaf = st.one_of(editor_text, st.none())
    return st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
                        max_leaves=8)


@SETTINGS
@given(fields=st.dictionaries(st.sampled_from(KEYS), record_values(), max_size=8))
def test_any_record_is_valid_or_fails_naming_file_line_and_field(fields):
    raw = RawRecord("activities", "x", SHOWN, fields, {(key,): (index + 1, 1) for index, key in enumerate(fields)})
    with time_limit(10):
        records, errors = validate_records([raw])
    if errors:
        assert records == []
        assert_clear(errors)
        assert all(error.field for error in errors), [str(e) for e in errors]
    else:
        assert len(records) == 1


@pytest.fixture(scope="module")
def mkdocs_markdown():
    """A converter with the site's own Markdown extensions: the second pass MkDocs makes over our pages."""
    config = yaml.load((PROJECT / "mkdocs.yml").read_text(), Loader=_IgnoreTags)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        names.append(name)
        if isinstance(entry, dict) and entry[name]:
            configs[name] = entry[name]
    return markdown.Markdown(extensions=names, extension_configs=configs)


class _IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml uses !ENV and !!python/name tags; only the Markdown extensions are read here."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def inert(html: str) -> None:
    assert live_payloads(html, marker=None) == [], html


@SETTINGS
@given(text=editor_text)
def test_plain_text_is_inert_in_every_place_it_is_printed(mkdocs_markdown, text):
    shown = str(escape_text(text))
    mkdocs_markdown.reset()
    inert(mkdocs_markdown.convert(f"# {shown}\n\n<p>{shown}</p>\n\n| {shown} |\n|---|\n\n- {shown}"))
    inert(f"<title>{shown}</title><meta name=\"description\" content=\"{shown}\"><a title=\"{shown}\">")


@SETTINGS
@given(text=editor_text)
def test_plain_text_is_escaped_character_by_character(text):
    """escape_text writes each character of its table as its entity and leaves every other one as it is."""
    from otkb.content.markup import _ENTITIES

    assert escape_text(text) == "".join(_ENTITIES.get(character, character) for character in text)


# One line of text with the traps that fit on one (most titles are such text), or any editor text.
line_text = st.one_of(st.lists(st.one_of(
    st.sampled_from([trap for trap in TRAPS if trap.isprintable() and trap.isascii()] + ["é", "—", "·", "\xa0"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=4)), max_size=8).map("".join), editor_text)
SHARED = ["navigation", "toc"]
front_matter_value = st.recursive(
    st.one_of(line_text, st.booleans(), st.lists(st.one_of(line_text, st.booleans()), max_size=3)),
    lambda values: st.dictionaries(st.one_of(st.sampled_from(["tags", "otkb", "kind", "x y", "a: b"]), line_text),
                                   values, max_size=3), max_leaves=6)


@SETTINGS
@given(title=line_text, description=line_text, extra=st.dictionaries(st.sampled_from(["tags", "otkb", "hide"]),
                                                                      front_matter_value, max_size=3))
@example(title="x #y", description="x#y", extra={"tags": ["-", "- x", "-x", "?x", "? x", ":x", "a:", "a:b"]})
@example(title="--- x", description="...x", extra={"tags": ["true", "No", "012", "1.5", "~", "2026-01-02", "'a'"]})
@example(title=" lead", description="trail ", extra={"tags": ["a'b", "a\xa0b", True]})
@example(title="a\u2028b", description="d", extra={})  # each makes the dumper break a line
@example(title="a\ufeffb", description="d", extra={})  # the dumper escapes it
@example(title="t", description="d", extra={"tags": ["ab " * 4000]})
@example(title="t", description="d", extra={"tags": [""]})
@example(title="t", description="d", extra={"tags": SHARED, "hide": SHARED})  # the dumper writes an alias
def test_front_matter_is_what_the_safe_dumper_writes_for_any_text(title, description, extra):
    """render.front_matter writes most front matter itself (`_block_yaml`); it must write what yaml's safe
    dumper writes, for any text."""
    import html

    from otkb.site.render import front_matter

    meta = {"title": html.escape(title, quote=True), "description": html.escape(description, quote=True), **extra}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    expected = yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)
    assert front_matter(title, description, **extra) == "---\n" + expected + "---\n\n"


@SETTINGS
@given(text=editor_text)
def test_markdown_is_refused_or_rendered_quickly_and_inert(mkdocs_markdown, text):
    if markdown_problem(text) is not None:
        return
    with time_limit(10):
        html = markdown_to_html(text)
        mkdocs_markdown.reset()
        page = mkdocs_markdown.convert(f"<div>\n{html}\n</div>\n")
    inert(html)
    inert(page)


# Deep lines: containers, indents, tabs and the line breaks str.splitlines knows, in any mix.
nested_text = st.lists(st.sampled_from(["> ", ">", "- ", "* ", "+ ", "1. ", "12) ", "    ", "\t", " ", "x", "-", "\n",
                                        "\r", "\u2028", "\x85", "\n\n", "* * *"]), max_size=60).map("".join)


@SETTINGS
@given(text=st.one_of(nested_text, editor_text))
@example(text=">" * (MAX_NESTING + 1))  # one character a level: the fewest a deep line can have
@example(text="\t" * (MAX_NESTING + 1))
@example(text="x\u2028" + ">" * (MAX_NESTING + 1))
@example(text="x\r" + "1." * MAX_NESTING)
def test_the_nesting_check_finds_every_deep_line(text):
    """markdown_problem measures only the lines that may be deep: it must find the same first one as
    measuring every line."""
    deep = [number for number, line in enumerate(text.splitlines(), 1) if nesting(line) > MAX_NESTING]
    problem = markdown_problem(text)
    if deep and (problem is None or "nested" in problem):
        assert problem is not None and problem.startswith(f"line {deep[0]} of the text is nested")
    elif not deep:
        assert problem is None or "nested" not in problem


# Paragraphs near the limits of lines and openers (markup.MAX_LINES_PER_PARAGRAPH, MAX_OPENERS_PER_PARAGRAPH).
crowded_text = st.lists(st.one_of(st.sampled_from(["\n", "\n\n", "\n \t\n", "[", "<", "x", " "]),
                                  st.sampled_from(["\n", "[", "<"]).flatmap(
                                      lambda char: st.integers(20, 60).map(lambda n: char * n))), max_size=30).map("".join)


@SETTINGS
@given(text=st.one_of(crowded_text, editor_text))
@example(text="[" * 51)
@example(text="x\n" * 200)
@example(text=("<" * 30 + "\n\n") * 3)
def test_text_is_split_into_paragraphs_only_when_one_may_be_too_long_or_crowded(text):
    """markdown_problem looks at each paragraph only when the whole text has as many lines or openers as
    one paragraph may not: it must find the same problem as looking at every paragraph."""
    from otkb.content.markup import _paragraph_problem

    expected = _paragraph_problem(text)
    problem = markdown_problem(text)
    assert problem == expected if expected else problem is None or problem.startswith("line ")


@SETTINGS
@given(text=st.one_of(st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=30), editor_text),
       single_line=st.booleans())
@example(text="Tab\there\nand a line", single_line=False)
@example(text="bell\x07", single_line=True)
def test_ascii_text_is_cleaned_as_any_text_is(text, single_line):
    """models._clean_text returns ASCII text without normalising it or looking for hidden characters
    when it holds no control character: the same text, or the same error, as the whole check."""
    from pydantic_core import PydanticCustomError

    from otkb.content.models import _clean_text, _cleaned

    def outcome(clean):
        try:
            return clean(text, single_line)
        except PydanticCustomError as error:
            return str(error)
    assert outcome(_clean_text) == outcome(_cleaned)


@SETTINGS
@given(text=heading_text)
def test_article_headings_stay_inert_through_the_second_markdown_pass(mkdocs_markdown, text):
    text = " ".join(text.split())
    if markdown_problem(text) is not None or not text:
        return
    with time_limit(10):
        mkdocs_markdown.reset()
        inert(mkdocs_markdown.convert(f"## {heading_html(text)}\n"))


@SETTINGS
@given(title=editor_text, summary=editor_text, step=editor_text, material=editor_text)
def test_a_record_with_any_text_renders_inert(library, mkdocs_markdown, title, summary, step, material):
    data = {"title": title or "t", "summary": summary or "s", "reviewed": "2026-06-01", "skills": ["fine-motor"],
            "ages": {"min": "3 years", "max": "6 years"}, "materials": [material or "m"], "steps": [step or "s"]}
    records, errors = validate_records([RawRecord("activities", "x", SHOWN, data, {})])
    if errors:
        assert_clear(errors)
        return
    with time_limit(10):
        page = render_record(records[0], library, make_environment())
        front, body = page.split("---\n", 2)[1:]
        mkdocs_markdown.reset()
        html = mkdocs_markdown.convert(body)
    meta = yaml.safe_load(front)
    inert(html)
    inert(f"<title>{meta['title']}</title><meta name=\"description\" content=\"{meta['description']}\">")
    assert "\n" not in meta["title"] and "\n" not in meta["description"]


@SETTINGS
@given(text=st.one_of(editor_text, st.text(alphabet=" \t\r\x0b\x0c\x85\u2028abc.,;:'\"()-[]0123456789é", max_size=40)),
       one_line=st.booleans())
def test_visible_text_of_a_plain_line_is_what_parsing_its_html_gives(text, one_line):
    """visible_text skips the HTML parser for a plain line (markup._PLAIN_LINE): same text as parsing."""
    from otkb.content.markup import _VisibleText

    parser = _VisibleText()
    parser.feed(markdown_to_html(text))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    assert visible_text(text, one_line) == (" " if one_line else "\n").join(line for line in lines if line)


_MARKED_LINE_PIECES = st.lists(st.one_of(
    st.sampled_from(["[1]", " [2]", "[1, research/a-b]", " [research/a]", "[1,2]"]),
    st.text(alphabet=" abcXY.,;:?'\"()-/0123456789", max_size=8),
    st.sampled_from(["#", "[x]", "]", "[1](", "[1]: ", "[1][2]", "![1]", "\\[1]", "\n", "  \n", "\t", "\xa0",
                     "1. ", "- ", "*", "&", "é", "    "])), max_size=10).map("".join)


@SETTINGS
@given(pieces=st.tuples(st.sampled_from(["", "", "#", "## ", "###### ", "####### ", "#######", " ## "]),
                        _MARKED_LINE_PIECES).map("".join),
       one_line=st.booleans())
@example(pieces="## Why pegs help [1]", one_line=False)
@example(pieces="####### Seven", one_line=False)
@example(pieces="Pegs help [1, research/a-b]. Daily  \n[2] games", one_line=False)
def test_visible_text_of_a_heading_or_a_line_with_note_markers_is_what_parsing_its_html_gives(pieces, one_line):
    """visible_text skips Python-Markdown for a plain line with a heading's '#'s or note markers
    (markup._plain_heading_or_cited_line): same text as converting it and parsing the HTML."""
    from otkb.content.markup import _VisibleText

    parser = _VisibleText()
    parser.feed(markdown_to_html(pieces))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    assert visible_text(pieces, one_line) == (" " if one_line else "\n").join(line for line in lines if line)


@SETTINGS
@given(text=st.one_of(editor_text, _MARKED_LINE_PIECES, st.text(alphabet=" \t\n\r\x85\u2028ab1.!?,:'’%-", max_size=40)))
@example(text="Head\nSome text. More!\n3.5 cm? Yes")
def test_sentences_are_split_at_stops_and_lines_as_line_by_line(text):
    """plain_sentences splits a text's visible lines all at once, and visible_text joins a text on
    one line with one split: the same as line by line."""
    import re

    from otkb.content.readability import _WORD, plain_sentences

    assert visible_text(text, one_line=True) == visible_text(text).replace("\n", " ")  # the same lines, on one
    pieces = [piece for line in visible_text(text).splitlines() for piece in re.split(r"[.!?]+(?=\s|$)", line)]
    assert plain_sentences(text) == tuple(piece.strip() for piece in pieces if _WORD.search(piece))


_PARAGRAPH_CHARS = " \t\r\x0b\x0c\x85\xa0\u200b\u2028abcé.,;:'\"()-=+#*_<>&|~!0123456789"


@SETTINGS
@given(paragraphs=st.lists(st.one_of(st.text(alphabet=_PARAGRAPH_CHARS, max_size=30),
                                     st.text(alphabet="abcé .,;:'\"()=0123456789", max_size=30)), min_size=2, max_size=5),
       between=st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n\n  "]))
@example(paragraphs=["Plain words.", "More words, and \"quotes\" = 2."], between="\n\n")
@example(paragraphs=["A no-break\xa0space.", "x"], between="\n\n")
@example(paragraphs=["    code", "x"], between="\n\n")
@example(paragraphs=["Trailing  ", "x"], between="\n\n")
def test_plain_paragraphs_skip_the_converter_with_its_result(paragraphs, between):
    """markdown_to_html skips Python-Markdown and the sanitiser for text of plain one-line paragraphs
    (markup._plain_paragraphs): what it gives must be what they give."""
    import otkb.content.markup as markup

    text = between.join(paragraphs)
    markup._converter.reset()
    converted = markup._LINE_START_HASH.sub(r"\1&#35;", markup.sanitize_html(markup._converter.convert(text)).strip())
    if "\n" in text:  # a single line takes the older shortcut (markup._PLAIN_LINE)
        assert markdown_to_html(text) == converted

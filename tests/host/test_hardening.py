"""Hostile records and failed builds: a clear error or inert output, never a hang, a crash, live markup
or a lost site.

Sections: the hostile record set (a payload in every field of every kind),
the XSS oracle itself, YAML and text traps, Markdown that stalls or crashes
Python-Markdown, collisions, atomic builds, and link checking.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import FIXTURE_DATA, PROJECT, build, build_strict, built_once, copy_project, search_pages, text_of, tree_digest, validate_one, write
from hostile import BASE, BASE_TOPIC, JINJA, TYPED_FIELDS, hostile_set, write_hostile_records
from live_markup import live_payloads, live_payloads_in_site, live_payloads_in_xml
from otkb.host import sitedir
from otkb.site.citations import doi_url
from otkb.site import linkcheck
from otkb.site.linkcheck import BrokenLink, check_site_links
from otkb.content.load import RawRecord, load_records, read_yaml
from otkb.content.markup import MAX_NESTING, heading_html, markdown_problem, markdown_to_html
from otkb.content.pipeline import build_library
from otkb.content.kinds import KINDS
from otkb.content.models import Topic
from otkb.content.validate import validate_topics




def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


# --- the hostile record set: a payload in every field of every kind --------

HOSTILE = hostile_set()


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    def make(project: Path) -> None:
        write_hostile_records(copy_project(project))
        build_strict(project)
    return built_once(tmp_path_factory, "hostile", make) / "site"


def _filled_fields(value, seen: dict):
    """Record, per model class, which of its fields hold a value."""
    if isinstance(value, BaseModel):
        filled = seen.setdefault(type(value), set())
        for name in type(value).model_fields:
            field = getattr(value, name)
            if field not in (None, [], ""):
                filled.add(name)
                _filled_fields(field, seen)
    elif isinstance(value, (list, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            _filled_fields(item, seen)


def test_the_hostile_set_fills_every_field_of_every_model():
    """A field added to the content model must be added to tests/hostile.py: BASE, so it is attacked too."""
    seen: dict = {}
    for record_id, data in BASE.items():
        _filled_fields(KINDS[record_id.split("/")[0]].model.model_validate(data), seen)
    _filled_fields(Topic.model_validate(BASE_TOPIC[1]), seen)
    # An article's old single `source` loads as sources[0] (a record cannot have both): the payloads in
    # `sources` reach the same notes.
    legacy = {"Article": {"source"}}
    missing = {cls.__name__: sorted(set(cls.model_fields) - filled - legacy.get(cls.__name__, set()))
               for cls, filled in seen.items() if set(cls.model_fields) - filled - legacy.get(cls.__name__, set())}
    assert missing == {}
    assert {kind.model for kind in KINDS.values()} | {Topic} <= set(seen)


def test_only_typed_fields_refuse_the_payloads():
    """Every field that takes text got a payload; the rest are typed (dates, ids, ages, choices)."""
    refused = {path[-1] if isinstance(path[-1], str) else path[-2] for _, path in HOSTILE.refused}
    assert refused <= TYPED_FIELDS
    styles = {p.style for p in HOSTILE.payloads}
    assert styles == {"markdown", "plain", "url", "doi", "author"}


def test_nothing_from_a_hostile_record_is_live_anywhere(hostile_site):
    """Pages, <title>, meta tags, nav, listings, topic pages, backlinks, search index, JSON-LD, feeds."""
    assert live_payloads_in_site(hostile_site) == {}


def test_the_payloads_reached_every_output(hostile_site):
    """So the oracle above judged real payloads: each output holds some (as text)."""
    outputs = ["articles/hostile/index.html", "research/hostile/index.html", "activities/hostile/index.html",
               "articles/index.html", "research/index.html", "activities/index.html", "topics/index.html",
               "topics/hostile-topic/index.html", "activities/peg-game/index.html",
               "milestones/hostile/index.html", "milestones/index.html"]
    outputs += [name for name in ("feed.xml", "feed.json") if (hostile_site / name).exists()]
    for output in outputs:
        assert "OTXSS" in (hostile_site / output).read_text(encoding="utf-8"), output
    assert "OTXSS" in json.dumps(search_pages(hostile_site))  # the search index's entries
    article = (hostile_site / "articles/hostile/index.html").read_text()
    title = re.search(r"<title>(.*?)</title>", article, re.S).group(1)
    assert html_lib.unescape(title).startswith(HOSTILE.payloads[0].text)  # the whole title, as text
    assert re.search(r'<meta name="description" content="OTXSS02&lt;/title&gt;', article)
    if 'type="application/ld+json"' in article:
        assert "OTXSS01" in re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S).group(1)


@pytest.mark.parametrize("payload", [p for p in HOSTILE.payloads if p.style != "markdown"],
                         ids=lambda p: f"{p.owner}:{'.'.join(map(str, p.path))}")
def test_plain_text_shows_exactly_as_typed(hostile_site, payload):
    """On its own page, a plain-text field reads as the editor typed it (tags, `{{...}}` and all);
    a URL or DOI is the exact address of a link."""
    page = (hostile_site / payload.owner / "index.html").read_text(encoding="utf-8")
    if payload.style in ("url", "doi"):  # shown as a link where the page shows it (a DOI wins over a URL)
        hrefs = [html_lib.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
        address = doi_url(payload.text) if payload.style == "doi" else payload.text  # percent-encoded
        assert payload.marker not in page or any(h.endswith(address) for h in hrefs), hrefs
    else:
        assert " ".join(payload.text.split()) in text_of(page)


@pytest.mark.parametrize("payload", [p for p in HOSTILE.payloads if p.style == "markdown"],
                         ids=lambda p: f"{p.owner}:{'.'.join(map(str, p.path))}")
def test_markdown_fields_keep_their_text_and_lose_their_markup(hostile_site, payload):
    page = (hostile_site / payload.owner / "index.html").read_text(encoding="utf-8")
    text = text_of(page)
    assert f"Text {payload.marker} with" in text and f"s {payload.marker}" in text
    assert f"{payload.marker}{JINJA}" in text  # never evaluated as a template


def test_editor_text_is_never_evaluated_as_a_template(hostile_site):
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".bib", ".ris", ".txt"):
            assert "JINJA" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_headings_cannot_carry_attribute_lists():
    """An article heading goes through MkDocs' Markdown (with attr_list) a second time."""
    heading = heading_html("Safety {: onclick=\"alert(1)\" } \\[x\\](javascript:alert(2)) *ok*")
    assert "{" not in heading and "[" not in heading and "(" not in heading
    assert heading.endswith("<em>ok</em>")
    import markdown
    second_pass = markdown.markdown(f"## {heading}", extensions=["attr_list", "toc"])
    assert live_payloads(second_pass, marker=None) == []
    assert " onclick=" not in second_pass and "<a " not in second_pass


# --- the oracle: it must catch each class, or the tests above prove nothing ---

@pytest.mark.parametrize("html", [
    "<script>alert('OTXSS')</script>", "<img src=x onerror=\"alert('OTXSS')\">",
    "<h2 onclick=\"OTXSS\">x</h2>",  # what attr_list `{: onclick }` makes
    "<a href=\"javascript:OTXSS\">x</a>", "<a href=\" jav&#x09;ascript:OTXSS\">x</a>",
    "<a href=\"java\nscript:OTXSS\">x</a>", "<a href=\"&#106;avascript&colon;OTXSS\">x</a>",
    "<a href=\"JaVaScRiPt:OTXSS\">x</a>", "<img src=\"data:text/html,OTXSS\">", "<a href=\"vbscript:OTXSS\">x</a>",
    "<svg><text>OTXSS</text></svg>", "<math><mi>OTXSS</mi></math>", "<iframe srcdoc=\"OTXSS\"></iframe>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:OTXSS\">", "<p style=\"background:url(OTXSS)\">",
    "<style>body{background:url(OTXSS)}</style>", "<form action=\"https://x/OTXSS\"></form>",
    "<object data=\"OTXSS\"></object>", "<link rel=stylesheet href=\"OTXSS.css\">", "<base href=\"//OTXSS/\">",
    "<img srcset=\"a.png 1x, javascript:OTXSS 2x\">",
    "<script type=\"application/ld+json\">{\"a\":\"OTXSS</script><script>alert(1)</script>",
    "<script type=\"application/ld+json\">{\"a\":\"OTXSS <!--<script>\"}</script>",
])
def test_the_oracle_sees_each_class_of_live_markup(html):
    assert live_payloads(html) != []


@pytest.mark.parametrize("html", [
    "<p>&lt;script&gt;alert('OTXSS')&lt;/script&gt;</p>", "<a href=\"https://x/?u=javascript:OTXSS\">x</a>",
    "<meta name=\"description\" content=\"javascript:OTXSS\">", "<p title=\"&quot; onclick=OTXSS\">x</p>",
    "<script type=\"application/ld+json\">{\"a\":\"OTXSS \\u003c/script\\u003e\"}</script>",
])
def test_the_oracle_leaves_text_alone(html):
    assert live_payloads(html) == []


def test_the_oracle_reads_feed_descriptions_as_html():
    once = "<rss><channel><item><description>&lt;script&gt;OTXSS&lt;/script&gt;</description></item></channel></rss>"
    twice = "<rss><channel><item><description>&amp;lt;script&amp;gt;OTXSS</description></item></channel></rss>"
    assert live_payloads_in_xml(once) != [] and live_payloads_in_xml(twice) == []


# --- YAML that PyYAML would silently rewrite, or that crashes loaders -----

def load(tmp_path: Path, text: str):
    path = tmp_path / "record.yml"
    path.write_text(text, encoding="utf-8")
    data, _, errors = read_yaml(path, "data/activities/record.yml")
    return data, [str(e) for e in errors]


@pytest.mark.parametrize("text, expected", [
    ("title: Week #2 tips\n", "data/activities/record.yml:1:8: title: YAML reads ' #' as the start of a "
     "comment, so '#2 tips' would be dropped from the value; put the whole value in quotes, or put a note "
     "for editors on a line of its own"),
    ("steps:\n  - Cut # then glue\n", "data/activities/record.yml:2:5: steps[1]: YAML reads ' #'"),
    ("summary: a long\n  value # cut\n", "data/activities/record.yml:1:10: summary: YAML reads ' #'"),
    ("citation:\n  authors:\n    - {name: a, name: b}\n", "data/activities/record.yml:3:17: "
     "citation.authors[1].name: 'name' is given twice (first on line 3)"),
    ("findings:\n  - text: a\n    details:\n      - &x b\n", "data/activities/record.yml:4:9: "
     "findings[1].details[1]: YAML anchors and aliases"),
    ("ages:\n  min: !!int 3\n", "data/activities/record.yml:2:8: ages.min: YAML tags such as "
     "'tag:yaml.org,2002:int' are not allowed"),
    ("title: a\nsummary: b\u2029hidden: c\n", "data/activities/record.yml:2:11: summary: an invisible U+2029 "
     "PARAGRAPH SEPARATOR"),
    ("title: a\nsummary: b\x85hidden: c\n", "data/activities/record.yml:2:11: summary: an invisible U+0085 "
     "NEXT LINE"),
    ("title: a\n...\n---\ntitle: b\n", "data/activities/record.yml:3:1: title: a record file holds one record"),
    ("? [a, b]\n: c\n", "data/activities/record.yml:1:3: a field name must be plain text"),
    ("title: ok\nsteps:\n  - Cut\x07 out\n", "data/activities/record.yml:3:8: steps: contains an invisible "
     "character that YAML does not allow (U+0007); delete it"),
    ("---\n", "data/activities/record.yml:1:1: the file must be a set of fields"),
    ("just some text\n", "data/activities/record.yml:1:1: the file must be a set of fields (title: ..., "
     "summary: ...), but it is a single value"),
])
def test_yaml_traps_are_errors_with_line_and_field(tmp_path, text, expected):
    data, errors = load(tmp_path, text)
    assert data is None and len(errors) == 1 and errors[0].startswith(expected), errors


def test_yaml_11_values_stay_text(tmp_path):
    """Octal, base-60, hex, infinity, booleans and dates in every spelling: the text as typed."""
    values = ["0o12", "012", "1:30:00", "0x1F", "+12", ".inf", "-.Inf", ".NaN", "y", "n", "off", "ON",
              "2026-06-01", "2026-06-01 10:00", "1e3", "1_000"]
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values)) + "quoted: 'a # b'\nhash: a#b\n" \
           "flow: [a, b] # a note after the list\nblock: |\n  keeps # this\n"
    data, errors = load(tmp_path, text)
    assert errors == []
    assert [data[f"k{i}"] for i in range(len(values))] == values
    assert (data["quoted"], data["hash"], data["flow"], data["block"]) == ("a # b", "a#b", ["a", "b"],
                                                                            "keeps # this\n")


def test_files_that_would_be_silently_skipped_or_read_from_elsewhere_are_reported(tmp_path):
    data = tmp_path / "data"
    write(data / "topics.yml", "fine-motor: {name: F, description: D}\n")
    write(data / "activities/peg-game.YML", "title: a\n")
    write(tmp_path / "secret.yml", "title: from outside the data folder\n")
    (data / "activities").joinpath("linked.yml").symlink_to(tmp_path / "secret.yml")
    records, _, errors = load_records(data, tmp_path)
    assert records == []
    assert [str(e) for e in errors] == [
        "data/activities/linked.yml: records must be ordinary files, not links to other files; copy the "
        "record here instead",
        "data/activities/peg-game.YML: record files end in .yml; rename it to 'peg-game.yml'",
    ]


# --- text traps in single-line fields ----------------------------------------

ACTIVITY = {"title": "Peg game", "summary": "Clip pegs.", "reviewed": "2026-06-01", "skills": ["fine-motor"],
            "ages": {"min": "3 years", "max": "6 years"}, "materials": ["Pegs"], "steps": ["Clip."]}


@pytest.mark.parametrize("change, expected", [
    ({"materials": ["Pegs\u200b"]}, "materials[1]: contains an invisible character (ZERO WIDTH SPACE, U+200B)"),
    ({"materials": ["Peg\u00adgame"]}, "materials[1]: contains an invisible character (SOFT HYPHEN, U+00AD)"),
    ({"title": "Peg \u2066game\u2069"}, "title: contains an invisible character (LEFT-TO-RIGHT ISOLATE, U+2066)"),
    ({"title": "Peg\x07game"}, "title: contains a control character (U+0007); delete it"),
    ({"steps": ["Clip\x1b[31m."]}, "steps[1]: contains a control character (U+001B); delete it"),
    ({"materials": ["x" * 201]}, "materials[1]: is 201 characters long; the limit is 200 characters"),
])
def test_hidden_and_control_characters_are_refused(change, expected):
    _, errors = validate_one({**ACTIVITY, **change})
    assert len(errors) == 1 and errors[0].startswith(f"data/activities/x.yml:1:1: {expected}"), errors


def test_nested_single_line_fields_are_checked_too():
    card = {"title": "T", "summary": "S", "reviewed": "2026-06-01",
            "citation": {"authors": ["Bos, A.\u202eF."], "year": "2013", "title": "t", "journal": "j"},
            "study": {"design": "rct", "population": "x" * 1001},
            "source": {"name": "Example", "url": "https://example.org/\u202egpj.exe"},
            "findings": ["F"], "takeaways": {"therapists": ["a"], "parents": ["b"]}}
    _, errors = validate_one(card, "research")
    assert sorted(errors) == [
        "data/research/x.yml:1:1: citation.authors[1]: contains an invisible character (RIGHT-TO-LEFT "
        "OVERRIDE, U+202E); delete it and retype the text around it",
        "data/research/x.yml:1:1: source.url: contains an invisible character (RIGHT-TO-LEFT OVERRIDE, "
        "U+202E); delete it and retype the text around it",
        "data/research/x.yml:1:1: study.population: is 1,001 characters long; the limit is 1,000 characters",
    ]
    topics, errors = validate_topics(RawRecord("topics", "topics", "data/topics.yml",
                                               {"grasp": {"name": "Gr\u200dasp", "description": "D"}}, {}))
    assert any(e.field == "grasp.name" and "ZERO WIDTH JOINER" in e.message for e in errors)


@pytest.mark.parametrize("hidden, name", [
    ("\u202e", "RIGHT-TO-LEFT OVERRIDE, U+202E"), ("\u2066", "LEFT-TO-RIGHT ISOLATE, U+2066"),
    ("\u2069", "POP DIRECTIONAL ISOLATE, U+2069"), ("\u200b", "ZERO WIDTH SPACE, U+200B"),
    ("\u00ad", "SOFT HYPHEN, U+00AD"), ("\u2060", "WORD JOINER, U+2060"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE, U+FEFF"),
])
def test_markdown_fields_refuse_hidden_characters_with_file_line_and_field(project, hidden, name):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - Clip a peg onto each dot.",
                                                             f"  - Clip a peg{hidden} onto each dot."),
                    encoding="utf-8")
    path = project / "data/articles/hand-skills-at-home.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Short games", f"Short{hidden} games"), encoding="utf-8")
    _, errors = build_library(project)
    assert [str(e) for e in errors] == [
        f"data/activities/peg-game.yml:16:5: steps[2]: contains an invisible character ({name}) after 'Clip a "
        "peg'; delete it and retype the text around it",
        f"data/articles/hand-skills-at-home.yml:10:1: body: contains an invisible character ({name}) after "
        "'Short'; delete it and retype the text around it"]


def test_markdown_keeps_tabs_and_is_normalised_to_nfc():
    records, errors = validate_one({**ACTIVITY, "steps": ["Cafe\u0301\tplay."]})
    assert errors == [] and records[0].data.steps == ["Caf\u00e9\tplay."]


# --- Markdown that stalls or crashes Python-Markdown ----------------------

REFUSED_MARKDOWN = {  # measured in SECURITY.md: each takes Python-Markdown seconds to minutes, or crashes it
    "a run of '['": ("[" * 20_000, "has 20,000 '[' in one paragraph (the one starting '[[[["),
    "images that never close": ("![" * 5_000, "has 5,000 '[' in one paragraph"),
    "links that never close": ("[a](" * 5_000, "has 5,000 '[' in one paragraph"),
    "raw tags that never close": ("<a " * 10_000, "has 10,000 '<' in one paragraph"),
    "list markers in a row": ("- " * 1_000 + "a", "line 1 of the text is nested 1000 levels deep"),
    "numbered markers in a row": ("1. " * 1_000 + "a", "line 1 of the text is nested 1000 levels deep"),
    "quotes and lists": ("> - " * 500 + "a", "line 1 of the text is nested 1000 levels deep"),
    "deep indentation": ("\n".join("    " * i + "- a" for i in range(12)),
                         f"line 11 of the text is nested 11 levels deep (lists, quotes and indentation); "
                         f"at most {MAX_NESTING} are allowed"),
    "headings without blank lines": ("a\n===\n" * 6_000, "has 12,000 lines without a blank line between them"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_MARKDOWN))
def test_markdown_that_would_stall_or_crash_is_refused_naming_the_field(name):
    text, expected = REFUSED_MARKDOWN[name]
    # Time budgets here count this process's CPU time, which other work on a busy machine does not
    # inflate (wall-clock budgets failed under load without the code getting slower).
    started = time.process_time()
    _, errors = validate_one({**ACTIVITY, "steps": ["Clip.", text]}, positions={("steps", 1): (12, 5)})
    assert time.process_time() - started < 1
    assert len(errors) == 1 and errors[0].startswith(f"data/activities/x.yml:12:5: steps[2]: {expected}"), errors


ACCEPTED_MARKDOWN = {  # within the limits, and fast: the worst cases we found
    "thousands of nested emphasis markers": "*" * 20_000 + "a" + "*" * 19_999,
    "mixed emphasis": "_*" * 10_000 + "a" + "*_" * 9_999,
    "fifty unclosed '[' in 40,000 characters": ("[" + "a" * 799) * 50,
    "fifty unclosed '<a ' ": ("<a " + "b" * 797) * 50,
    "a wall of backticks": "`" * 39_999,
    "a wide table": "|".join(["a"] * 13_000) + "\n" + "|".join(["-"] * 13_000),
    "ten levels of lists": "\n".join("    " * i + "- a" for i in range(MAX_NESTING)),
    "many short headings": ("## h\n\n" * 6_000)[:39_999],
    "entities": "&#" * 19_999,
    "a line across is not nesting": "* * * * * * * * * * * * * * * *",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_MARKDOWN))
def test_pathological_markdown_within_the_limits_renders_quickly(name):
    text = ACCEPTED_MARKDOWN[name]
    assert markdown_problem(text) is None
    started = time.process_time()
    html = markdown_to_html(text)
    assert time.process_time() - started < 3, "Python-Markdown got slower on this input: lower the limits"
    assert live_payloads(html, marker=None) == []


def test_a_deeply_nested_list_fails_the_build_without_a_traceback(project):
    write(project / "data/articles/deep.yml", "title: Deep\nsummary: S\nreviewed: 2026-06-01\n"
          "published: 2026-06-01\nbody: |\n  Fine.\n\n  " + "- " * 1_000 + "a\n")
    result = build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert ("data/articles/deep.yml:5:1: body: line 3 of the text is nested 1000 levels deep (lists, quotes "
            "and indentation); at most 10 are allowed") in result.stderr


# --- collisions ----------------------------------------------------------------

def fixture_data(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path


@pytest.mark.parametrize("title", ["PEG GAME", "Peg  game", "Ｐｅｇ ｇａｍｅ", "Р\u0435g game"])
def test_look_alike_titles_of_one_kind_cannot_coexist(tmp_path, title):
    """Case, width, spacing and Cyrillic look-alikes are ignored when titles are compared."""
    root = fixture_data(tmp_path)
    source = (root / "data/activities/peg-game.yml").read_text()
    write(root / "data/activities/peg-game-copy.yml", source.replace("title: Peg game", f"title: {title}"))
    _, errors = build_library(root)
    assert [str(e) for e in errors] == [
        f"data/activities/peg-game.yml:1:1: title: 'Peg game' looks the same as the title of "
        f"data/activities/peg-game-copy.yml ('{' '.join(title.split())}'); give one of them a different title"]


def test_records_of_different_kinds_may_share_a_title(tmp_path):
    root = fixture_data(tmp_path)
    article = root / "data/articles/hand-skills-at-home.yml"
    article.write_text(article.read_text().replace("title: Hand skills at home", "title: Peg game"))
    assert build_library(root)[1] == []


def test_a_topic_page_may_not_replace_a_hand_written_one(project):
    write(project / "docs/topics/grasp.md", "# Mine\n")
    result = build(project)
    assert result.returncode == 1
    assert ("data/topics.yml: its page topics/grasp.md would replace the hand-written docs/topics/grasp.md; "
            "rename one of them") in result.stderr


# --- atomic builds ---------------------------------------------------------------

LATE_FAILURES = {
    "an exception after the swap": (
        "from mkdocs.plugins import event_priority\n\n@event_priority(-200)\ndef on_post_build(config):\n"
        "    raise RuntimeError('a late plugin failed')\n", [], "a late plugin failed"),
    "a strict warning after the swap": (
        "import logging\nfrom mkdocs.plugins import event_priority\n\n@event_priority(-200)\n"
        "def on_post_build(config):\n    logging.getLogger('mkdocs.plugins.late').warning('late warning')\n",
        ["--strict"], "Aborted with 1 warnings in strict mode"),
    "an exception while pages are written": (
        "def on_post_page(output, page, config):\n    if page.file.src_uri == 'topics/grasp.md':\n"
        "        raise RuntimeError('a page could not be written')\n    return output\n", [],
        "a page could not be written"),
}


def add_hook(project: Path, source: str) -> None:
    write(project / "hooks/late.py", source)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - hooks/main.py\n", "  - hooks/main.py\n  - hooks/late.py\n"))


@pytest.mark.parametrize("name", sorted(LATE_FAILURES))
def test_a_build_that_fails_late_leaves_the_site_byte_identical(project, name):
    source, args, message = LATE_FAILURES[name]
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    add_hook(project, source)
    write(project / "data/activities/new-one.yml", (FIXTURE_DATA / "activities/peg-game.yml").read_text()
          .replace("title: Peg game", "title: A new one"))  # so a replaced site would differ
    result = build(project, *args)
    assert result.returncode == 1 and message in result.stderr + result.stdout
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


def test_a_template_error_leaves_the_site_byte_identical(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    write(project / "overrides/main.html", '{% extends "base.html" %}\n{% block content %}{{ nothing.here() }}'
          "{% endblock %}\n")
    result = build(project)
    assert result.returncode == 1 and "UndefinedError" in result.stderr
    assert tree_digest(project / "site") == before and leftovers(project) == []


def test_a_failed_first_build_leaves_no_site(project):
    add_hook(project, LATE_FAILURES["an exception after the swap"][0])
    assert build(project).returncode == 1
    assert not (project / "site").exists() and leftovers(project) == []


def _watch_site(site: Path, seen: list):
    def audit(event, args):
        if getattr(_watch_site, "active", False) and event in ("os.rename", "os.remove", "os.rmdir",
                                                               "shutil.rmtree", "ctypes.dlsym"):
            index = site / "index.html"
            seen.append(index.read_text() if index.exists() else None)
    return audit


@pytest.mark.skipif(sys.platform != "linux", reason="one-step swaps need Linux renameat2")
def test_a_successful_build_replaces_the_site_in_one_step(tmp_path, monkeypatch):
    """At every file system call of the swap, site/ is there: the old site or the new one, never none."""
    site = tmp_path / "site"
    write(site / "index.html", "old")
    staging = sitedir.begin(site)
    write(staging / "index.html", "new")
    seen: list = []
    sys.addaudithook(_watch_site(site, seen))  # audit hooks cannot be removed; `active` switches it
    _watch_site.active = True
    try:
        previous = sitedir.commit(staging, site)
    finally:
        _watch_site.active = False
    assert seen and None not in seen
    assert (site / "index.html").read_text() == "new" and (previous / "index.html").read_text() == "old"
    sitedir.discard(previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # The two-rename fallback (other systems) has a moment without site/; the watch sees it.
    staging = sitedir.begin(site)
    write(staging / "index.html", "newer")
    monkeypatch.setattr(sitedir, "_exchange", lambda a, b: False)
    seen.clear()
    _watch_site.active = True
    try:
        sitedir.discard(sitedir.commit(staging, site))
    finally:
        _watch_site.active = False
    assert None in seen and (site / "index.html").read_text() == "newer"


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_killed_builds_are_cleared_and_a_lost_site_comes_back(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    pid = dead_pid()
    write(project / f".site.building-{pid}/index.html", "half a build")
    (project / "site").rename(project / f".site.old-{pid}")  # killed between the two renames of the fallback
    write(project / "data/activities/bad.yml", "title: a\ntitle: b\n")
    assert build(project).returncode == 1
    assert tree_digest(project / "site") == before and leftovers(project) == []


def test_a_build_killed_half_way_costs_nothing(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    started = project / "started"
    # The hook says on stdout that the build has reached its end, then waits to be killed: the test
    # waits for that line (an event), not for a time.
    add_hook(project, f"import pathlib, threading\n\ndef on_post_build(config):\n"
                      f"    pathlib.Path({str(started)!r}).write_text('x')\n"
                      f"    print('started', flush=True)\n    threading.Event().wait()\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready, _, _ = select.select([process.stdout], [], [], 240)  # a bound for a hung build only
    line = process.stdout.readline() if ready else ""
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert line == "started\n" and started.exists() and len(leftovers(project)) == 1  # the staging folder of the killed build
    assert tree_digest(project / "site") == before
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("  - hooks/late.py\n", ""))
    assert build(project).returncode == 0
    assert leftovers(project) == []


# --- links -------------------------------------------------------------------------------

def make_site(root: Path, pages: dict[str, str], site_url: str = "https://example.org/") -> Path:
    for path, body in pages.items():
        write(root / path, body)
    write(root / "sitemap.xml", f"<urlset><url><loc>{site_url}</loc></url></urlset>")
    return root


def test_check_site_links_resolves_relative_root_relative_and_absolute_links(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="articles/">a</a><a href="articles/x/#intro">b</a><a href="articles/x">c</a>'
                      '<a href="/articles/x/">d</a><a href="https://example.org/articles/x/">e</a>'
                      '<a href="caf%C3%A9/">f</a><a href="#top">g</a><a href="#">h</a><a href="?q=1">i</a>'
                      '<a href="https://elsewhere.org/nope/">j</a><a href="mailto:a@b.org">k</a>'
                      '<link href="assets/a.css" rel="stylesheet"><img src="assets/a.png">'
                      '<a href="articles/x/#caf%C3%A9">l</a><a href="articles/x/#named">m</a>',
        "articles/index.html": '<a href="../">home</a><a href="x/">x</a><a href="./#list">self</a><p id="list">',
        "articles/x/index.html": '<h2 id="intro">I</h2><h2 id="café">C</h2><a name="named"></a>'
                                 '<a href="../../">home</a><a href="../">up</a>',
        "café/index.html": "<p>accents</p>", "assets/a.css": "", "assets/a.png": "",
        "404.html": '<a href="/articles/">a</a>',
    })
    assert check_site_links(site) == []


def test_check_site_links_reports_each_broken_link_with_its_page(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="articles/nope/">a</a><a href="../outside/">b</a><a href="#missing">c</a>'
                      '<a href="/elsewhere/">d</a>',
        "articles/x/index.html": '<a href="../y/#intro">e</a><img src="pic.png"><a href="../y/">ok</a>',
        "articles/y/index.html": '<h1 id="title">Y</h1>',
    }, site_url="https://example.org/kb/")
    assert check_site_links(site) == [
        BrokenLink("", "#missing", "no anchor '#missing' on the home page"),
        BrokenLink("", "../outside/", "outside the site"),
        BrokenLink("", "/elsewhere/", "outside the site (it does not start with /kb/)"),
        BrokenLink("", "articles/nope/", "no such page"),
        BrokenLink("articles/x/", "../y/#intro", "no anchor '#intro' on articles/y/"),
        BrokenLink("articles/x/", "pic.png", "no such page"),
    ]


def test_links_to_one_place_are_checked_once_with_the_result_of_each(tmp_path):
    """The check resolves links that lead to the same place once: the result is that of each link."""
    hrefs = ["", "#x", "#%78", "#top", "?q=1", "./", "../", "../#x", "../#nope", "../../", "../y/", "../y/#x", "../y",
             "../../a/y/#nope", "..//a/y/", "%2E%2E/y/", "../../../", "x.html", "../404.html", "y/#x",
             "/a/", "/kb/a/y/#x", "//example.org/kb/a/", "https://example.org/kb/a/z/", "mailto:a@b.org"]
    rels = ["index.html", "404.html", "a/index.html", "a/x.html", "a/y/index.html", "a/z/index.html",
            "b/c/index.html"]
    body = "".join(f'<a href="{href}">l</a>' for href in hrefs)
    site = make_site(tmp_path / "site", {rel: (f'<p id="x">{body}' if "y" in rel or rel == "404.html" else body)
                                         for rel in rels}, site_url="https://example.org/kb/")
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages = {rel: linkcheck._scan((site / rel).read_text()) for rel in rels}
    each = sorted({BrokenLink(linkcheck._page_url(rel), href, reason) for rel in rels for href in hrefs
                   if (reason := linkcheck._problem(href, linkcheck._page_url(rel), files, pages,
                                                    "https://example.org", "/kb/"))})
    assert len(each) > 40 and check_site_links(site) == each


def test_the_sample_site_has_no_broken_links(sample_site):
    assert check_site_links(sample_site) == []


def test_checking_links_stays_linear(tmp_path):
    """2,000 pages of 100 links each: the check parses each page once (10,000 pages must stay practical)."""
    nav = "".join(f'<a href="../p{i}/#h">p{i}</a>' for i in range(100))
    site = make_site(tmp_path / "site", {f"p{i}/index.html": f'<h1 id="h">{i}</h1>{nav}' + "x" * 15_000
                                         for i in range(2_000)})
    started = time.process_time()
    assert check_site_links(site) == []
    assert time.process_time() - started < 30


def test_a_broken_link_fails_strict_naming_the_record_field_and_line(project):
    assert build(project, "--strict").returncode == 0
    before = tree_digest(project / "site")
    article = project / "data/articles/hand-skills-at-home.yml"
    text = article.read_text()
    assert "each day adds up [1]." in text
    article.write_text(text.replace("each day adds up [1].", "each day adds up [1]. See [the game]"
                                    "(../../activities/nope/) and [why](#nowhere)."))
    write(project / "docs/extra.md", '<a href="../missing/">x</a>\n')
    result = build(project, "--strict")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "broken link" in line]
    assert lines == [
        "WARNING -  otkb: data/articles/hand-skills-at-home.yml:15:144: body: broken link '#nowhere' "
        "(no anchor '#nowhere' on articles/hand-skills-at-home/)",
        "WARNING -  otkb: data/articles/hand-skills-at-home.yml:15:110: body: broken link "
        "'../../activities/nope/' (no such page)",
        "WARNING -  otkb: docs/extra.md: broken link '../missing/' (no such page)",
    ]
    assert tree_digest(project / "site") == before and leftovers(project) == []
    assert build(project).returncode == 0  # without --strict it is a warning: the site is built

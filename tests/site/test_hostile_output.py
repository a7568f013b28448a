"""The hostile site: a record of every kind with a payload in every field that takes text, built
--strict, and what it becomes: nothing live in any output (the oracle, tests/live_markup.py, is tested
too), plain text shown as typed, Markdown losing its markup, no template evaluated. Also the link check
on built pages, DOI links percent-encoded, JSON-LD, the editor's guide, Material's inline scripts and
the hosts' security headers."""

from __future__ import annotations

import html as html_lib
import json
import re
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import build, fixture_copy, leftovers, search_pages, text_of, tree_digest, write
from hostile import BASE, BASE_TOPIC, JINJA, TYPED_FIELDS, hostile_set
from live_markup import live_payloads, live_payloads_in_site, live_payloads_in_xml
from otkb.content.kinds import KINDS
from otkb.content.models import Topic
from otkb.content.pipeline import build_library
from otkb.site import linkcheck
from otkb.site.citations import doi_url
from otkb.site.linkcheck import BrokenLink, check_site_links


# --- the hostile record set: a payload in every field of every kind --------

HOSTILE = hostile_set()


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
    pages = {rel: linkcheck._scan((site / rel).read_text()).ids for rel in rels}  # each page's ids
    each = sorted({BrokenLink(linkcheck._page_url(rel), href, reason) for rel in rels for href in hrefs
                   if (reason := linkcheck._problem(href, linkcheck._page_url(rel), files, pages,
                                                    "https://example.org", "/kb/"))})
    assert len(each) > 40 and check_site_links(site) == each


def test_a_new_build_stamp_scans_no_keyed_page_again(tmp_path, monkeypatch):
    """A warm build keys its pages by their bytes without the build stamp, so a new commit's stamp (in
    every footer) scans none of them again: the stamp's own links and ids join each page's. The result
    is the check of the stamped pages from scratch, the stamp's broken link and anchor included."""
    from otkb.content.cache import Memo

    def stamp(commit: str) -> str:
        return f'<div class="otkb-build">commit <a href="/kb/commit/{commit}/" id="c{commit}">{commit}</a></div>'

    bodies = {"index.html": '<a href="a/">a</a><a href="#c2">stamp</a>{}<a href="a/#nope">b</a>',
              "a/index.html": '<h1 id="t">A</h1>{}<a href="../#t">up</a>'}
    keys = {rel: f"packed {rel}" for rel in bodies}  # as the pack's digests would be: unique, stamp left out
    memo = Memo()
    for commit in ("1", "2"):
        site = make_site(tmp_path / commit, {rel: body.format(stamp(commit)) for rel, body in bodies.items()},
                         site_url="https://example.org/kb/")
        scanned = []
        monkeypatch.setattr(linkcheck, "_scan", lambda text, tags=None, scan=linkcheck._scan: (
            scanned.append(text), scan(text, tags))[1])
        found = check_site_links(site, memo, keys, stamp(commit))
        monkeypatch.undo()
        assert found == check_site_links(site)
        memo = Memo(previous=memo.current)
    assert [BrokenLink("", "/kb/commit/2/", "no such page")] <= found
    assert BrokenLink("", "#c2", "no anchor '#c2' on the home page") not in found
    assert scanned == [stamp("2")]  # the second build read no page


def kept_check(site: Path, keys: dict[str, str], stamp: str, tables: tuple) -> tuple[list[BrokenLink], tuple]:
    """A warm build's check of `site` with the last build's memo `tables` (scans, results); returns what
    it found and this build's tables, for the next."""
    from otkb.content.cache import Memo
    scans, results = (Memo(previous=table.current) for table in tables)
    return check_site_links(site, scans, keys, stamp, results), (scans, results)


def counting(monkeypatch) -> tuple[list[str], list[str]]:
    """The texts `_scan` scans and the links `_problem` resolves, from now on."""
    scanned, resolved = [], []
    monkeypatch.setattr(linkcheck, "_scan", lambda text, tags=None, scan=linkcheck._scan: (
        scanned.append(text), scan(text, tags))[1])
    monkeypatch.setattr(linkcheck, "_problem", lambda href, *args, problem=linkcheck._problem: (
        resolved.append(href), problem(href, *args))[1])
    return scanned, resolved


KEPT_STAMP = '<div class="otkb-build">commit <a href="https://example.org/kb/nope/">1</a></div>'
KEPT_PAGES = {"index.html": '<a href="a/">a</a><a href="b/">b</a><a href="missing/">c</a>{}',
              "a/index.html": '<h1 id="t">A</h1><a href="../b/#intro">b</a><a href="#t">top</a>{}',
              "b/index.html": '<h1 id="intro">B</h1><a href="../a/">a</a>{}'}


def kept_site(root: Path, pages: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """A stamped site and its pages' keys (as the pack's: one per page and content, stamp left out)."""
    site = make_site(root, {rel: body.format(KEPT_STAMP) for rel, body in pages.items()},
                     site_url="https://example.org/kb/")
    return site, {rel: f"packed {rel} {hash(body)}" for rel, body in pages.items()}


def test_a_page_whose_key_and_links_places_are_unchanged_keeps_its_result(tmp_path, monkeypatch):
    """A warm build keeps that a keyed page's links were fine: the next build with the same files
    reads, scans and resolves none of its links again (only the stamp's, in every footer), and finds
    what a check from scratch finds, the stamp's broken link included. A page with a broken link
    (the home page) is checked again: the page it leads to may be there next time."""
    from otkb.content.cache import Memo
    site, keys = kept_site(tmp_path / "site", KEPT_PAGES)
    first, tables = kept_check(site, keys, KEPT_STAMP, (Memo(), Memo()))
    scanned, resolved = counting(monkeypatch)
    second, tables = kept_check(site, keys, KEPT_STAMP, tables)
    assert scanned == [KEPT_STAMP] and set(resolved) <= {"https://example.org/kb/nope/", "a/", "b/", "missing/"}
    monkeypatch.undo()
    assert first == second == check_site_links(site)
    assert {BrokenLink("", "missing/", "no such page"),
            BrokenLink("a/", "https://example.org/kb/nope/", "no such page")} <= set(second)
    third, _ = kept_check(site, keys, KEPT_STAMP, tables)  # and the build after it
    assert third == first


def test_a_kept_page_is_checked_again_when_a_page_it_links_to_goes(tmp_path, monkeypatch):
    """The page's key is unchanged, but the page its link leads to is no longer built: its link is
    broken, as a check from scratch finds."""
    from otkb.content.cache import Memo
    site, keys = kept_site(tmp_path / "site", KEPT_PAGES)
    _, tables = kept_check(site, keys, KEPT_STAMP, (Memo(), Memo()))
    (site / "b/index.html").unlink()
    found, _ = kept_check(site, {rel: key for rel, key in keys.items() if rel != "b/index.html"}, KEPT_STAMP, tables)
    assert found == check_site_links(site)
    assert BrokenLink("", "b/", "no such page") in found and BrokenLink("a/", "../b/#intro", "no such page") in found


def test_a_kept_page_is_checked_again_when_the_anchor_it_links_to_goes(tmp_path):
    """A page keeps its key while a page it links to by anchor changes its ids (a title edit changes
    a heading's id): its link to the anchor is checked again, and found broken."""
    from otkb.content.cache import Memo
    site, keys = kept_site(tmp_path / "site", KEPT_PAGES)
    _, tables = kept_check(site, keys, KEPT_STAMP, (Memo(), Memo()))
    site, new_keys = kept_site(tmp_path / "site", {**KEPT_PAGES, "b/index.html": '<h1 id="other">B</h1>{}'})
    assert new_keys["a/index.html"] == keys["a/index.html"] != new_keys["b/index.html"]
    found, _ = kept_check(site, new_keys, KEPT_STAMP, tables)
    assert found == check_site_links(site)
    assert BrokenLink("a/", "../b/#intro", "no anchor '#intro' on b/") in found


def test_a_page_linking_into_the_search_index_is_checked_every_time(tmp_path):
    """The search index's files are named after the words the pages hold, so which of them there are
    is left out of what a kept result hangs on; a page that links among them (here '/kb/search/', a
    folder whose name is in 'research/' too) is checked every time, and finds its file gone."""
    from otkb.content.cache import Memo
    pages = {**KEPT_PAGES, "b/index.html": '<h1 id="intro">B</h1><a href="/kb/se%61rch/t/abc.json">s</a>{}'}
    site, keys = kept_site(tmp_path / "site", pages)
    write(site / "search/t/abc.json", "{}")
    _, tables = kept_check(site, keys, KEPT_STAMP, (Memo(), Memo()))
    (site / "search/t/abc.json").unlink()
    found, _ = kept_check(site, keys, KEPT_STAMP, tables)
    assert found == check_site_links(site)
    assert BrokenLink("b/", "/kb/se%61rch/t/abc.json", "no such page") in found


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


# --- DOIs as links ------------------------------------------------------------------

SICI_DOI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"


@pytest.mark.parametrize("doi, url", [
    (SICI_DOI, "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"),
    ('10.5555/a#b?c%d"e', "https://doi.org/10.5555/a%23b%3Fc%25d%22e"),
    ("10.5555/ünï", "https://doi.org/10.5555/%C3%BCn%C3%AF"),
])
def test_a_doi_links_to_the_resolver_percent_encoded_everywhere(tmp_path, doi, url):
    """The page, the JSON-LD and both citation files link to the DOI through one helper."""
    import json
    import yaml
    from otkb.site.citations import bibtex, formatted_html, ris
    from otkb.site.structured_data import json_ld

    root = fixture_copy(tmp_path)
    path = root / "data/research/smith-2020-pegs.yml"
    card = yaml.safe_load(path.read_text())
    card["citation"]["doi"] = doi
    path.write_text(yaml.safe_dump(card, allow_unicode=True))
    library, errors = build_library(root)
    assert errors == []
    record = library.records["research/smith-2020-pegs"]
    assert f'<a href="{url}">' in formatted_html(record.data.citation)
    ld = json.loads(json_ld(record, library, "https://x.org/p/", "otkb", "https://x.org/"))
    assert ld["citation"]["url"] == url and ld["citation"]["identifier"]["value"] == doi
    assert f"  url = {{{url}}},\n" in bibtex(record)
    assert f"UR  - {url}\r\n" in ris(record)


# --- third parties and headers --------------------------------------------------------------

def test_the_hosts_send_the_policy_the_pages_carry():
    """docs/_headers (Netlify, Cloudflare Pages) and netlify.toml send the same security headers, and the
    <meta> policy is the header's less frame-ancestors, which a <meta> policy cannot carry."""
    import tomllib
    from conftest import PROJECT
    from conftest import header_rules
    from otkb.site.security import HEADERS, meta_policy

    rules = header_rules((PROJECT / "docs/_headers").read_text(encoding="utf-8"))
    everywhere = {name: value for pattern, headers in rules if pattern.pattern == "^/.*$"
                  for name, value in headers.items()}
    assert {name: everywhere.get(name) for name in HEADERS} == HEADERS
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    assert [rule["values"] for rule in netlify["headers"] if rule["for"] == "/*"] == [HEADERS]
    assert HEADERS["Content-Security-Policy"] == meta_policy() + "; frame-ancestors 'none'"
    assert not any("workers/search" in pattern.pattern for pattern, _ in rules)


# --- what else a newcomer trips on ------------------------------------------------------------

def test_the_editors_guide_shows_commands_as_code_blocks_and_links_to_no_local_address(sample_site):
    page = (sample_site / "editors/index.html").read_text(encoding="utf-8")
    assert page.count("<pre>") >= 5 and "<code>sh" not in page and "```" not in page
    assert 'href="http://127.0.0.1' not in page and "<code>http://127.0.0.1:8000/activities/button-hunt/</code>" in page


def test_json_ld_keeps_the_months_of_an_age_range_and_types_a_team_as_an_organisation():
    import json
    from conftest import PROJECT
    from otkb.site.structured_data import json_ld

    library, errors = build_library(PROJECT)
    assert errors == []

    def data(record_id):
        return json.loads(json_ld(library.records[record_id], library, "https://x.org/p/", "otkb", "https://x.org/"))

    toddlers = [r for r in library.of_kind("activities") if r.data.ages.min.months == 18
                and r.data.ages.max.months == 72]
    assert toddlers and all(data(r.id)["typicalAgeRange"] == "1.5-6" for r in toddlers)
    article = data("articles/how-occupational-therapy-helps-fine-motor-skills")
    article = article.get("@graph", [article])[0]
    assert article["author"] == {"@type": "Organization", "name": "otkb editorial team"}


def test_materials_inline_scripts_served_as_files_are_the_installed_materials():
    """overrides/partials/javascripts/ serve Material's inline scripts from files (for the policy): after an
    upgrade of Material they must be copied again (the scope is the one part read from the page)."""
    import re
    from importlib.resources import files
    from conftest import PROJECT

    partials = files("material") / "templates/partials/javascripts"
    ours = PROJECT / "overrides/assets/javascripts"

    def inline(name: str, index: int = -1) -> str:
        return re.findall(r"<script>(.*?)</script>", (partials / name).read_text(encoding="utf-8"), re.S)[index]

    scope = ('new URL("{{ config.extra.scope | d(base_url) }}",location)',
             'new URL(document.currentScript.getAttribute("data-md-scope"),location)')
    assert inline("base.html").replace(*scope) in (ours / "material-base.js").read_text(encoding="utf-8")
    assert inline("palette.html") in (ours / "material-palette.js").read_text(encoding="utf-8")
    assert inline("content.html") in (ours / "material-content.js").read_text(encoding="utf-8")

"""A real build of the fixture site, with hostile titles: what machines and printers read from each page."""

import gzip
import html
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest
import yaml

from conftest import search_pages, text_of
from live_markup import live_payloads_in_site

HOSTILE = '</script><script>alert("OTXSS")</script> "Peg" & <b>game</b>'


class Head(HTMLParser):
    """Meta tags, alternate links and JSON-LD scripts of a page, with attribute values decoded."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.json_ld, self._in_ld = {}, [], [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        if tag == "link" and attrs.get("rel") == "alternate":
            self.links.append(attrs)
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))
            self._in_ld = False


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    from conftest import build_strict, built_once, copy_project

    def make(project):
        copy_project(project)
        for path in ("data/activities/peg-game.yml", "data/research/smith-2020-pegs.yml"):
            record = yaml.safe_load((project / path).read_text())
            record["title"] = HOSTILE
            if "citation" in record:
                record["citation"]["title"] = HOSTILE
            (project / path).write_text(yaml.safe_dump(record))
        build_strict(project)
    return built_once(tmp_path_factory, "visitor", make) / "site"


def page(site, url):
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_nothing_from_a_record_is_live_anywhere(site):
    assert live_payloads_in_site(site) == {}


@pytest.mark.parametrize("url, kind", [("activities/peg-game", "HowTo"), ("research/smith-2020-pegs", "Article"),
                                       ("articles/hand-skills-at-home", None)])
def test_record_pages_carry_json_ld_and_open_graph_from_their_fields(site, url, kind):
    head = Head(page(site, url))
    [data] = head.json_ld
    main = data if kind else data["@graph"][0]
    assert main["@type"] == (kind or "Article")
    assert main["url"] == f"https://otkb.example.org/{url}/" == head.meta["og:url"]
    assert head.meta["og:title"] == main["name"] and head.meta["og:type"] == "article"
    assert head.meta["og:description"] == head.meta["description"] == main["description"]
    if kind:
        assert main["name"] == HOSTILE


def test_every_page_links_the_feeds(site):
    head = Head(page(site, "topics/grasp"))
    assert {(link["type"], link["href"]) for link in head.links} == {
        ("application/rss+xml", "../../feed.xml"), ("application/feed+json", "../../feed.json")}
    assert head.meta["og:type"] == "website" and not head.json_ld


def test_the_search_dialog_has_an_accessible_name(site):
    for path in ("", "activities", "activities/peg-game", "topics/grasp"):
        assert '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">' in page(site, path)


def test_feeds_and_citation_files_are_published(site):
    # RSS titles are HTML (readers decode them): plain text once unescaped
    titles = [html.unescape(item.findtext("title")) for item in ET.parse(site / "feed.xml").getroot().iter("item")]
    assert HOSTILE in titles and len(titles) == 4
    assert [item["title"] for item in json.loads((site / "feed.json").read_text())["items"]] == titles
    card = page(site, "research/smith-2020-pegs")
    assert 'href="citation.bib" download="smith&#45;2020&#45;pegs.bib"' in card
    assert (site / "research/smith-2020-pegs/citation.bib").read_text().startswith("@article{smith-2020-pegs,")
    assert (site / "research/smith-2020-pegs/citation.ris").read_bytes().startswith(b"TY  - JOUR\r\n")


def test_search_index_ranks_titles_first_and_holds_topic_aliases(site):
    index = json.loads((site / "search/search_index.json").read_text())
    boosts = {name: field["boost"] for name, field in index["config"]["fields"].items()}
    assert boosts["title"] == max(boosts.values()) and boosts["aliases"] > boosts["text"]
    entries = {entry["location"]: entry for page in search_pages(site).values() for entry in page}
    assert entries["activities/peg-game/"]["aliases"] == ["hand skills", "pencil grip"]
    assert "aliases" not in entries["activities/peg-game/#steps"]
    assert "Take the pegs off" in entries["activities/peg-game/#steps"]["text"]  # record fields are searchable
    # Labels and values stay apart in the search preview ("Ages 30 months", not "Ages30 months").
    assert "Ages 30 months–6 years · 10 minutes" in entries["activities/peg-game/"]["text"]


def test_the_listing_points_the_finder_at_its_data(site):
    listing = page(site, "activities")
    form = html.unescape(re.search(r'<form class="otkb-finder"[^>]* hidden[^>]*>', listing).group())
    digest = json.loads((site / "activities/finder.json").read_text())["v"]
    assert f'data-index="finder.json?v={digest}"' in form and f'data-materials="finder-materials.json?v={digest}"' in form
    assert '<p class="otkb-count" id="otkb-count" role="status">1 activity</p>' in listing
    assert "otkb-pager" not in listing  # one page


def test_a_long_listing_goes_page_by_page_and_the_finder_data_stays_compact(many_activities):
    site = many_activities / "site"
    first, second, third = (page(site, url) for url in ("activities", "activities/page/2", "activities/page/3"))
    assert not (site / "activities/page/4").exists()
    assert "120 activities: 1 to 50 on this page" in text_of(first)
    assert "120 activities: 101 to 120 on this page" in text_of(third)
    assert [first.count('class="otkb-card '), second.count('class="otkb-card '), third.count('class="otkb-card ')] == [50, 50, 20]
    assert "<h1" in second and "Activities, page 2 of 3" in text_of(second)
    assert '<a class="otkb-pager__step" rel="prev" href="../../">Previous</a>' in second
    assert '<a class="otkb-pager__step" rel="next" href="../3/">Next</a>' in second
    assert '<a class="otkb-pager__page" href="./" aria-current="page">2</a>' in second
    assert "otkb-finder" not in second.split("<article", 1)[0]  # the finder is on the first page only
    index = json.loads((site / "activities/finder.json").read_text())
    assert len(index["activities"]) == 120
    assert len(gzip.compress((site / "activities/finder.json").read_bytes())) < 60 * 120  # tens of bytes an activity


def test_a_printed_page_says_where_it_lives(site):
    assert ('<p class="otkb-print-url">Find this page again at https://otkb.example.org/activities/peg-game/</p>'
            in page(site, "activities/peg-game"))


def test_evidence_levels_are_explained(site):
    card = page(site, "research/smith-2020-pegs")
    # The level says what it is, in the badge's own (accessible) text, not as a score out of 5 (issue 22).
    assert ('<dd><span class="otkb-badge otkb-badge--level-2">Level 2 &#40;randomised '
            'controlled trial&#41; — 1 is the strongest of 5</span>') in card
    listing = page(site, "research")
    levels = [(rank, html.unescape(designs)) for rank, designs in
              re.findall(r'<li><span class="otkb-badge otkb-badge--level-(\d)">Level \d</span> ([^<]+)</li>', listing)]
    assert levels[0] == ("1", "Meta-analysis, Systematic review")
    assert levels[-1] == ("5", "Narrative review, Expert opinion")
    assert len(levels) == 5
    # The study that tested an activity shows its level; the background study shows none.
    activity = page(site, "activities/peg-game")
    assert ('class="otkb-badge otkb-badge--level-2">Level 2 &#40;randomised controlled trial&#41; — 1 is the '
            'strongest of 5</span>') in activity
    assert "<span>Cohort study</span>" in activity and "otkb-badge--level-3" not in activity

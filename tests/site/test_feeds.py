"""RSS 2.0 and JSON Feed 1.1 of new and updated records: valid, escaped, sorted, reproducible."""

import datetime as dt
import html
import json
import shutil
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree as ET

import pytest
import yaml

from conftest import FIXTURE_DATA
from otkb.site.feeds import Site, feed_files, json_feed, rss
from otkb.content.pipeline import build_library

SITE = Site("otkb", "https://otkb.example.org/", "An OT knowledge base")
HOSTILE = '</title><script>alert("OTXSS")</script> & ]]> <![CDATA[ x'
SUMMARY = '<img src=x onerror=alert("OTXSS")> & more'


@pytest.fixture
def data_dir(tmp_path):
    """The fixture records, with one article updated later and a hostile title."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data/articles/hand-skills-at-home.yml"
    article = yaml.safe_load(path.read_text())
    article.update(title=HOSTILE, summary=SUMMARY, updated="2026-09-01")
    path.write_text(yaml.safe_dump(article))
    return tmp_path


@pytest.fixture
def library(data_dir):
    library, errors = build_library(data_dir)
    assert errors == []
    return library


def test_rss_lists_the_latest_changes_first_with_text_escaped(library, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    channel = ET.fromstring(rss(library, SITE)).find("channel")
    assert channel.findtext("title") == "otkb" and channel.findtext("link") == "https://otkb.example.org/"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [html.escape(HOSTILE), "Peg game",
                                                     "Grip in children born preterm (Jones, 2019)",
                                                     "Peg games and pinch strength (Smith et al., 2020)"]
    first = items[0]
    assert first.findtext("link") == "https://otkb.example.org/articles/hand-skills-at-home/"
    assert first.findtext("guid") == "tag:otkb.example.org,2026-09-01:articles/hand-skills-at-home"
    assert parsedate_to_datetime(first.findtext("pubDate")) == dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    assert [c.text for c in first.findall("category")] == ["Article", "Fine motor skills"]
    # Readers render <description> as HTML, so the plain-text summary arrives HTML-escaped.
    assert first.findtext("description") == "&lt;img src=x onerror=alert(&quot;OTXSS&quot;)&gt; &amp; more"
    # No clock: the feed is dated by its newest record.
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == dt.datetime(2026, 9, 1,
                                                                                  tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("title", ["<b>Bold</b> pegs", '<img src=x onerror=alert("OTXSS")>', "Tom &amp; Jerry",
                                   "a &lt; b & c", HOSTILE])
def test_feed_readers_show_titles_and_categories_as_plain_text(data_dir, title):
    """feedparser, as readers do, takes <title> and <category> for HTML when they look like it: what a reader
    shows must be the text as typed, with no markup left to render."""
    import feedparser

    topics = data_dir / "data/topics.yml"
    topics.write_text(topics.read_text().replace("name: Fine motor skills", f"name: {json.dumps(title)}"))
    path = data_dir / "data/articles/hand-skills-at-home.yml"
    article = yaml.safe_load(path.read_text())
    article["title"] = title
    path.write_text(yaml.safe_dump(article))
    library, errors = build_library(data_dir)
    assert errors == []
    entry = feedparser.parse(rss(library, SITE)).entries[0]

    def shown(text: str, is_html: bool) -> str:
        assert not is_html or "<" not in text, f"a reader would render markup: {text!r}"
        return html.unescape(text) if is_html else text

    assert shown(entry.title, entry.title_detail.type == "text/html") == title
    # feedparser does not tell a category's type: readers that render it take it for HTML
    assert [shown(tag.term, True) for tag in entry.tags] == ["Article", title]


def test_source_date_epoch_dates_the_feed(library, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    channel = ET.fromstring(rss(library, SITE)).find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")).timestamp() == 1790000000


def test_json_feed(library):
    feed = json.loads(json_feed(library, SITE))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://otkb.example.org/feed.json"
    first = feed["items"][0]
    assert first["title"] == HOSTILE and first["content_text"] == first["summary"] == SUMMARY
    assert first["date_published"] == "2026-05-20T00:00:00+00:00"
    assert first["date_modified"] == "2026-09-01T00:00:00+00:00"
    assert [i["id"] for i in feed["items"]] == [i.findtext("guid") for i in
                                                ET.fromstring(rss(library, SITE)).iter("item")]


def test_the_same_records_give_the_same_bytes(data_dir, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, _ = build_library(data_dir)
    second, _ = build_library(data_dir)
    second.records = dict(reversed(second.records.items()))
    assert feed_files(first, SITE) == feed_files(second, SITE)


def test_a_save_reuses_the_newest_records_only_while_they_stay_the_newest(library, monkeypatch):
    """Serve's saves: the last answer stands while its records are the same and every record changed
    since sorts after them; a record made newer joins it. Always the answer a full sort gives."""
    import dataclasses
    from otkb.site import feeds

    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    monkeypatch.setattr(feeds, "_LAST_FEED", [{}, []])

    def full_sort(records):
        return sorted(sorted(records.values(), key=lambda r: r.id), key=feeds.changed, reverse=True)[:3]

    records = dict(library.records)
    first = feeds._newest(records)
    assert first == full_sort(records)
    oldest = max(records.values(), key=feeds._order)
    records = {**records, oldest.id: dataclasses.replace(oldest)}  # saved again, its date the same
    assert feeds._newest(records) is first
    newer = oldest.data.model_copy(update={"reviewed": dt.date(2030, 1, 1)})
    records = {**records, oldest.id: dataclasses.replace(oldest, data=newer)}
    assert feeds._newest(records) == full_sort(records) != first
    assert feeds._newest(records)[0] is records[oldest.id]

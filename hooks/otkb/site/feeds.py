"""Feeds of new and updated records: RSS 2.0 (`feed.xml`) and JSON Feed 1.1 (`feed.json`).

A record's date in the feed is the last time it changed: published,
updated or reviewed, whichever is latest. The same records always give the
same bytes: items are sorted by date then id, and the feed's own build date
is SOURCE_DATE_EPOCH when it is set (reproducible builds), else the newest
record's date, never the clock.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from ..content.link import Library
from ..content.markup import html_text
from ..content.kinds import KINDS
from ..content.validate import Record
from .urls import url_of

FEED_SIZE = 50
FEED_FILES = {"rss": "feed.xml", "json": "feed.json"}
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Site:
    """What a feed says about the site; `url` ends with a slash."""

    name: str
    url: str
    description: str

    @classmethod
    def of(cls, config) -> "Site":
        """From MkDocs' settings (site_name, site_url, site_description)."""
        url = config.site_url or "/"
        return cls(config.site_name, url if url.endswith("/") else url + "/", config.site_description or "")


def changed(record: Record) -> dt.date:
    data = record.data
    dates = [data.reviewed, getattr(data, "published", None), getattr(data, "updated", None)]
    return max(d for d in dates if d)


def feed_records(library: Library) -> list[Record]:
    """The most recently changed records first; ties in id order, so the order never varies. Worked out
    once per library (both feeds ask)."""
    if "feed_records" not in library.derived:
        library.derived["feed_records"] = _newest(library.records)
    return library.derived["feed_records"]


def _order(record: Record) -> tuple:
    return -changed(record).toordinal(), record.id


def _newest(records: dict[str, Record]) -> list[Record]:
    """The FEED_SIZE first records by `_order`. The last answer stands while its records are the same
    objects and every record changed since sorts after them: `mkdocs serve` reuses an unchanged
    file's record, and sorting 10,000 records by date took 0.02 CPU s of every save."""
    last_records, last = _LAST_FEED
    if len(last) == FEED_SIZE and all(records.get(r.id) is r for r in last):
        bound = _order(last[-1])
        if all(_order(r) > bound for rid, r in records.items() if last_records.get(rid) is not r):
            _LAST_FEED[0] = records
            return last
    _LAST_FEED[:] = [records, heapq.nsmallest(FEED_SIZE, records.values(), key=_order)]
    return _LAST_FEED[1]


_LAST_FEED: list = [{}, []]  # the records by id the last answer was worked out from, and that answer


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def build_time(records: list[Record]) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return _midnight(max((changed(r) for r in records), default=dt.date(2000, 1, 1)))


def item_id(record: Record, site: Site) -> str:
    """A tag: URI per record and date, so a reader shows an updated record again."""
    return f"tag:{urlsplit(site.url).hostname},{changed(record).isoformat()}:{record.id}"


def _topics(record: Record, library: Library) -> list[str]:
    return [KINDS[record.kind].singular] + [library.topics[t].name for t in library.topics_of(record)]


def rss(library: Library, site: Site) -> str:
    records = feed_records(library)
    ET.register_namespace("atom", ATOM)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    for tag, text in (("title", site.name), ("link", site.url), ("description", site.description),
                      ("language", "en"), ("lastBuildDate", format_datetime(build_time(records)))):
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": site.url + FEED_FILES["rss"], "rel": "self",
                                                "type": "application/rss+xml"})
    for record in records:
        item = ET.SubElement(channel, "item")
        # Feed readers show <title>, <category> and <description> as HTML: record text is plain text, so
        # it is HTML-escaped before XML escapes it again.
        ET.SubElement(item, "title").text = html_text(record.title)
        ET.SubElement(item, "link").text = site.url + url_of(record)
        ET.SubElement(item, "description").text = html_text(record.data.summary)
        ET.SubElement(item, "pubDate").text = format_datetime(_midnight(changed(record)))
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = item_id(record, site)
        for name in _topics(record, library):
            ET.SubElement(item, "category").text = html_text(name)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def json_feed(library: Library, site: Site) -> str:
    items = []
    for record in feed_records(library):
        data = record.data
        published = getattr(data, "published", None) or changed(record)
        items.append({
            "id": item_id(record, site), "url": site.url + url_of(record), "title": record.title,
            "summary": data.summary, "content_text": data.summary,
            "date_published": _midnight(published).isoformat(),
            "date_modified": _midnight(changed(record)).isoformat(),
            "tags": _topics(record, library),
        })
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": site.name, "home_page_url": site.url,
            "feed_url": site.url + FEED_FILES["json"], "description": site.description, "language": "en",
            "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def feed_files(library: Library, site: Site) -> dict[str, str]:
    """Both feeds; the last ones again while their records are the same objects and the topics, the
    site and SOURCE_DATE_EPOCH are the same (a serve save that changed no record in them)."""
    key = (feed_records(library), library.topics, site, os.environ.get("SOURCE_DATE_EPOCH"))
    last_key, files = _LAST_FILES
    if last_key is None or last_key[0] is not key[0] or last_key[1:] != key[1:]:
        files = {FEED_FILES["rss"]: rss(library, site), FEED_FILES["json"]: json_feed(library, site)}
        _LAST_FILES[:] = [key, files]
    return dict(files)


_LAST_FILES: list = [None, None]  # the last feeds made (`feed_files`), with what they were made from

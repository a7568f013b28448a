"""Machine-readable pages: schema.org JSON-LD for each record, from its fields.

Each kind names its builder (`Kind.json_ld`) and its type (`Kind.json_ld_type`):
a study (research cards) cites a ScholarlyArticle, a how-to (activities)
lists supplies and steps, an article adds its author and a FAQPage when it
has questions; any other kind gets its type, the shared fields and the
research cards it names.
An activity cites only the studies that tested it (`supports`): background
research is never offered to machines as evidence that it works.
The JSON goes inside <script type="application/ld+json">, where the HTML
parser only looks for `</script`: `script_json` writes `<`, `>` and `&` as
\\u escapes, so no text from a record can end the element early.
"""

from __future__ import annotations

import json
import re

from .citations import link
from ..content.kinds import KINDS, kind_of
from ..content.link import Library
from ..content.markup import visible_text
from ..content.models import EVIDENCE_LEVELS, QUESTIONS, RESULTS, ResearchCard
from ..content.validate import Record

CONTEXT = "https://schema.org"


def script_json(data) -> str:
    """JSON that is safe verbatim inside a <script> element (and still the same JSON)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def iso_duration(duration: str) -> str:
    """'10-15 minutes' -> 'PT15M' (the longest time), '1 hour' -> 'PT1H'."""
    number, unit = re.match(r"(?:\d+-)?(\d+) (minutes|hours?)", duration).groups()
    return f"PT{number}{'M' if unit == 'minutes' else 'H'}"


def _years(months: int) -> str:
    """An age in years as schema.org's typicalAgeRange writes it: 18 months -> '1.5', 6 years -> '6'."""
    return f"{months / 12:.2f}".rstrip("0").rstrip(".")


# An author by one of these words is a group of people, not a person, like "otkb editorial team".
_GROUP = re.compile(r"\b(team|editors?|editorial|staff|board|committee|group)\b", re.I)


def _common(record: Record, library: Library, url: str, site: dict) -> dict:
    data = record.data
    return {
        "name": data.title, "headline": data.title[:110], "description": data.summary, "url": url,
        "inLanguage": "en", "dateModified": data.reviewed.isoformat(),
        "about": [{"@type": "Thing", "name": library.topics[t].name} for t in library.topics_of(record)],
        "audience": [{"@type": "Audience", "audienceType": a} for a in data.audiences],
        "publisher": {"@type": "Organization", "name": site["name"], "url": site["url"]},
        **({"isBasedOn": data.source.url} if data.source else {}),
    }


def _scholarly_article(record: Record) -> dict:
    c = record.data.citation
    work = {"@type": "ScholarlyArticle", "name": c.title, "headline": c.title[:110],
            "author": [{"@type": "Person", "name": a, "familyName": a.split(",")[0].strip()} for a in c.authors],
            "datePublished": str(c.year)}
    container = {"@type": "Periodical", "name": c.journal}
    if c.volume:
        container = {"@type": "PublicationVolume", "volumeNumber": c.volume, "isPartOf": container}
    if c.issue:
        container = {"@type": "PublicationIssue", "issueNumber": c.issue, "isPartOf": container}
    work["isPartOf"] = container
    if c.pages:
        work["pagination"] = c.pages
    if c.doi:
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": c.doi}
    if link(c):
        work["url"] = work["sameAs"] = link(c)
    return work


def _study(record: Record, library: Library, url: str, site: dict) -> dict:
    data = record.data
    return {"@context": CONTEXT, "@type": KINDS[record.kind].json_ld_type, **_common(record, library, url, site),
            "articleSection": "Research card",
            "keywords": [EVIDENCE_LEVELS[data.study.design][1],
                         *([QUESTIONS[data.study.question][0]] if data.study.question else []),
                         *([RESULTS[data.study.result].capitalize()] if data.study.result else []),
                         *(["Typically developing children"] if data.study.conditions == [] else [])],
            "citation": _scholarly_article(record)}


def _howto(record: Record, library: Library, url: str, site: dict) -> dict:
    data = record.data
    howto = {"@context": CONTEXT, "@type": KINDS[record.kind].json_ld_type, **_common(record, library, url, site),
             "typicalAgeRange": f"{_years(data.ages.min.months)}-{_years(data.ages.max.months)}",
             "supply": [{"@type": "HowToSupply", "name": m} for m in data.materials],
             "step": [{"@type": "HowToStep", "position": i, "text": visible_text(s, one_line=True)}
                      for i, s in enumerate(data.steps, start=1)]}
    if data.duration:
        howto["totalTime"] = iso_duration(data.duration)
    if data.safety:
        howto["warning"] = " ".join(visible_text(note, one_line=True) for note in data.safety)
    cards = library.supports_of(record)
    if cards:
        howto["citation"] = [_scholarly_article(card) for card in cards]
    return howto


def _article(record: Record, library: Library, url: str, site: dict) -> dict:
    data = record.data
    article = {"@type": KINDS[record.kind].json_ld_type, **_common(record, library, url, site),
               "datePublished": data.published.isoformat(),
               "dateModified": (data.updated or data.published).isoformat()}
    article["author"] = ({"@type": "Organization" if _GROUP.search(data.author.name) else "Person",
                          "name": data.author.name} if data.author else article["publisher"])
    if data.sources:  # (a single `source` is already isBasedOn)
        article["citation"] = [{"@type": "CreativeWork", "name": s.name, "url": s.url} for s in data.sources]
    if not data.faq:
        return {"@context": CONTEXT, **article}
    faq = {"@type": "FAQPage", "url": url, "mainEntity": [
        {"@type": "Question", "name": item.question,
         "acceptedAnswer": {"@type": "Answer", "text": visible_text(item.answer, one_line=True)}}
        for item in data.faq]}
    return {"@context": CONTEXT, "@graph": [article, faq]}


def _typed(record: Record, library: Library, url: str, site: dict) -> dict:
    """Any other kind: its declared type, the shared fields, and the research cards it names."""
    out = {"@context": CONTEXT, "@type": KINDS[record.kind].json_ld_type, **_common(record, library, url, site)}
    cards = [card for relation in KINDS[record.kind].relations if relation.target == kind_of(ResearchCard)
             for card in library.targets(record, relation.field)]
    if cards:
        out["citation"] = [_scholarly_article(card) for card in cards]
    return out


BUILDERS = {"study": _study, "howto": _howto, "article": _article, "typed": _typed}
"""The builders a kind may name (`Kind.json_ld`)."""


def json_ld(record: Record, library: Library, url: str, site_name: str, site_url: str) -> str:
    """The record's JSON-LD, ready to print inside <script type="application/ld+json">."""
    site = {"name": site_name, "url": site_url}
    return script_json(BUILDERS[KINDS[record.kind].json_ld](record, library, url, site))

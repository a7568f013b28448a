"""JSON-LD per kind: valid JSON, the record's own fields, and safe inside a <script> element."""

import json

import pytest

from conftest import FIXTURE_DATA
from otkb.site.urls import url_of
from otkb.content.pipeline import build_library
from otkb.content.markup import visible_text
from otkb.site.structured_data import iso_duration, json_ld, script_json

SITE = ("otkb", "https://otkb.example.org/")


@pytest.fixture(scope="module")
def library():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return library


def ld(library, record_id):
    record = library.records[record_id]
    return json.loads(json_ld(record, library, SITE[1] + url_of(record), *SITE))


def test_an_activity_is_a_howto(library):
    data = ld(library, "activities/peg-game")
    assert data["@context"] == "https://schema.org" and data["@type"] == "HowTo"
    assert data["name"] == "Peg game" and data["url"] == "https://otkb.example.org/activities/peg-game/"
    assert data["description"] == "Clip clothes pegs onto a paper plate to build pinch strength."
    assert [s["name"] for s in data["supply"]] == ["Clothes pegs", "A paper plate"]
    assert [(s["position"], s["text"]) for s in data["step"]] == [
        (1, "Draw dots around the plate."), (2, "Clip a peg onto each dot."), (3, "Take the pegs off one by one.")]
    assert data["totalTime"] == "PT10M" and data["typicalAgeRange"] == "2.5-6"  # 30 months to 6 years
    assert data["warning"] == "Pom-poms are a choking hazard."
    assert data["citation"][0]["@type"] == "ScholarlyArticle"
    assert data["dateModified"] == "2026-06-01"


def test_a_research_card_cites_its_scholarly_article(library):
    data = ld(library, "research/smith-2020-pegs")
    assert data["@type"] == "Article" and data["name"] == "Peg games and pinch strength (Smith et al., 2020)"
    study = data["citation"]
    assert study["@type"] == "ScholarlyArticle" and study["name"] == "Peg games at home"
    assert [a["name"] for a in study["author"]] == ["Smith, J.", "Okafor, N."]
    assert study["datePublished"] == "2020" and study["pagination"] == "45-52"
    assert study["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.5555/otkb.2020.0001"}
    assert study["sameAs"] == "https://doi.org/10.5555/otkb.2020.0001"
    assert study["isPartOf"] == {"@type": "PublicationIssue", "issueNumber": "3", "isPartOf": {
        "@type": "PublicationVolume", "volumeNumber": "12", "isPartOf": {"@type": "Periodical",
                                                                         "name": "Journal of Hand Play"}}}
    assert data["keywords"] == ["Randomised controlled trial", "Does it work?", "Benefit found",
                                "Typically developing children"]


def test_an_article_with_questions_is_also_a_faq_page(library):
    article, faq = ld(library, "articles/hand-skills-at-home")["@graph"]
    assert article["@type"] == "Article" and article["headline"] == "Hand skills at home"
    assert article["datePublished"] == "2026-05-20" and article["author"] == {"@type": "Person", "name": "Test Author"}
    assert article["isBasedOn"] == "https://example.org/hand-skills"
    assert faq["@type"] == "FAQPage"
    assert faq["mainEntity"] == [{"@type": "Question", "name": "How long should we play?",
                                  "acceptedAnswer": {"@type": "Answer", "text": "Five to ten minutes is plenty."}}]


def test_script_json_cannot_end_the_script_element():
    data = {"name": '</script><script>alert("OTXSS")</script><!-- & -->'}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_helpers():
    assert visible_text("Take **one** [peg](https://x.org) &amp; <b>go</b>", one_line=True) == "Take one peg & go"
    assert iso_duration("10-15 minutes") == "PT15M" and iso_duration("1 hour") == "PT1H"

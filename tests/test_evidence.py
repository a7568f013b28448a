"""Evidence you can trust: only a study that tested an approach shows an evidence level, and every page
says who reviewed it (issue 12). Walks the real sample site, built once."""

import json
import re

import pytest

from conftest import PROJECT, build, text_of, validate_one, visible_pages
from otkb.content.models import evidence_level
from otkb.content.pipeline import build_library

RESEARCH_LINK = re.compile(r'<article class="otkb-card otkb-card--research">.*?href="(?:\.\./)+research/([a-z0-9-]+)/"'
                           r'.*?<p class="otkb-card__meta">(.*?)</p>', re.S)
ACTIVITY_LINK = re.compile(r'<article class="otkb-card otkb-card--activities"[^>]*>.*?href="(?:\.\./)*'
                           r'(?:activities/)?([a-z0-9-]+)/".*?<p class="otkb-card__meta">(.*?)</p>', re.S)
LEVEL = re.compile(r"otkb-badge--level-(\d)")


@pytest.fixture(scope="module")
def sample_library():
    library, errors = build_library(PROJECT)
    assert errors == []
    return library


def page(site, url):
    return (site / url / "index.html").read_text(encoding="utf-8")


def section(html, heading_id):
    """The HTML from <h2 id=heading_id> to the next <h2, or '' when the page has no such heading."""
    match = re.search(rf'<h2 id="{heading_id}".*?(?=<h2 |<aside class="otkb-trust")', html, re.S)
    return match.group(0) if match else ""


def test_no_page_shows_a_level_from_a_study_that_did_not_test_that_approach(sample_site, sample_library):
    cards = {r.slug: r for r in sample_library.of_kind("research")}
    activities = sample_library.of_kind("activities")
    levelled = 0
    for activity in activities:
        html = page(sample_site, f"activities/{activity.slug}")
        tested = {entry.card.split("/")[1] for entry in activity.data.supports}
        # Every research card on the page that shows a level is one that tested this activity.
        for slug, meta in RESEARCH_LINK.findall(html):
            if LEVEL.search(meta):
                levelled += 1
                assert slug in tested, (activity.slug, slug)
                assert evidence_level(cards[slug].data) is not None
        # Background research sits under "Why this matters", with no level.
        background = section(html, "why-this-matters")
        assert bool(background) == bool(activity.data.background)
        assert not LEVEL.search(background) and "Level " not in text_of(background)
        # Untested activities say so, plainly.
        does_it_work = text_of(section(html, "does-it-work"))
        if tested:
            assert "tested whether this kind of activity works" in does_it_work
            assert "No study has tested" not in does_it_work
        else:
            assert "No study has tested this activity." in does_it_work
        # Machines get only the studies that tested it.
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        dois = {c["identifier"]["value"] for c in ld.get("citation", [])}
        assert dois == {cards[s].data.citation.doi for s in tested}
    assert levelled >= sum(len(a.data.supports) for a in activities) > 0
    # An activity's own card (listings, finder, related) shows the strongest level of what tested it.
    levels = {a.slug: sample_library.tested_level(a) for a in activities}
    assert len(ACTIVITY_LINK.findall(page(sample_site, "activities"))) == len(activities)
    for url in ["activities", "research", *(f"research/{s}" for s in cards), *(f"activities/{a.slug}" for a in activities)]:
        html = page(sample_site, url)
        background = section(html, "activities-that-cite-it-as-background")
        assert not LEVEL.search(background), url  # nothing there is evidence, not even the activities' own
        for slug, meta in ACTIVITY_LINK.findall(html.replace(background, "")):
            shown = LEVEL.search(meta)
            assert (int(shown.group(1)) if shown else None) == (levels[slug] or (None,))[0], (url, slug)
    assert 0 < sum(level is not None for level in levels.values()) < len(activities)


def test_a_card_that_asked_something_else_has_no_level(sample_site, sample_library):
    for card in sample_library.of_kind("research"):
        facts = re.search(r'<dl class="otkb-facts">.*?</dl>', page(sample_site, f"research/{card.slug}"), re.S).group(0)
        if card.data.study.question == "effect":
            assert re.search(r"Evidence level \d of 5", text_of(facts))
        else:
            assert "Evidence level" not in facts and not LEVEL.search(facts)
            assert "No evidence level" in text_of(facts)


def test_the_research_listing_has_nine_cards_with_a_doi_and_the_abstracts_address(sample_site, sample_library):
    cards = sample_library.of_kind("research")
    assert len(cards) >= 9
    for card in cards:
        assert card.data.citation.doi and card.data.citation.url, card.id
        assert card.data.citation.url.startswith("https://"), card.id
    listing = page(sample_site, "research")
    assert len(re.findall(r'<article class="otkb-card otkb-card--research">', listing)) == len(cards)
    # Grouped by what each study asked: studies that tested an approach first.
    assert listing.index('id="asked-effect"') < listing.index('id="asked-risk"')
    assert "only studies that tested an approach get one" in text_of(listing)


def test_every_page_shows_its_reviewer_or_says_none_has_reviewed_it(sample_site):
    pages = visible_pages(sample_site)
    assert len(pages) > 40
    for path, text in pages.items():
        if path == "404.html":
            continue
        assert ("Clinically reviewed by" in text or "No clinician has reviewed this page yet." in text
                or "Each page says who reviewed it clinically" in text), path
    # The sample content names no reviewer: none may be invented.
    assert not any("Clinically reviewed by" in text for text in pages.values())


def test_the_reviewer_is_named_beside_the_review_date(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text() + "reviewed_by:\n  name: Ada <b>Lovelace</b>\n  role: Paediatric occupational therapist\n")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    html = page(project / "site", "activities/peg-game")
    assert ('<p class="otkb-trust__reviewer">Clinically reviewed by <strong>Ada &lt;b&gt;Lovelace&lt;/b&gt;</strong>, '
            'Paediatric occupational therapist</p>') in html
    assert "No clinician has reviewed this page yet." in text_of(page(project / "site", "articles/hand-skills-at-home"))


def test_an_effect_study_must_say_what_it_tested():
    card = {"title": "T", "summary": "S", "reviewed": "2026-06-01",
            "citation": {"authors": ["Green, A."], "year": "2020", "title": "A", "journal": "J"},
            "study": {"design": "rct", "question": "effect", "population": "P"}, "findings": ["F"],
            "takeaways": {"therapists": ["a"], "parents": ["b"]}}
    _, errors = validate_one(card, "research", positions={("study",): (9, 1)})
    assert errors == ["data/research/x.yml:9:1: study.tested: 'tested' is required when 'question' is 'effect': "
                      "say which approach the study tested, like 'A 10-week classroom handwriting programme'"]
    card["study"]["question"] = "risk"
    assert validate_one(card, "research")[1] == []

"""Evidence you can trust: only a study that tested an approach shows an evidence level, and every page
says who reviewed it (issue 12). Walks the real sample site, built once."""

import json
import re

import pytest

from conftest import PROJECT, build, text_of, validate_one, visible_pages
from otkb.content.models import evidence_level
from otkb.site.badges import strongest_badge
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
            assert "tested whether this kind of activity works, or the part of it named" in does_it_work
            assert "No study has tested" not in does_it_work
        else:
            assert "No study has tested this activity." in does_it_work
        # Machines get only the studies that tested it.
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        dois = {c["identifier"]["value"] for c in ld.get("citation", [])}
        assert dois == {cards[s].data.citation.doi for s in tested}
    assert levelled >= sum(len(a.data.supports) for a in activities) > 0
    # An activity's own card (listings, topics, research pages, related) shows its strongest study's
    # badge, the same everywhere: what it found, the level and what it means, certainty, who was tested.
    badges = {a.slug: strongest_badge(a, sample_library) for a in activities}
    assert len(ACTIVITY_LINK.findall(page(sample_site, "activities"))) == len(activities)
    seen = 0
    for url in ["activities", "research", *(f"research/{s}" for s in cards), *(f"activities/{a.slug}" for a in activities),
                *(f"topics/{t}" for t in ("gross-motor", "self-care", "ball-skills"))]:
        html = page(sample_site, url)
        background = section(html, "activities-that-cite-it-as-background")
        assert "otkb-badge" not in background, url  # nothing there is evidence, not even the activities' own
        for slug, meta in ACTIVITY_LINK.findall(html.replace(background, "")):
            b, shown = badges[slug], text_of(meta)
            if b is None:
                assert "otkb-badge" not in meta and "Tested" not in shown, (url, slug)
                continue
            seen += 1
            assert f'<span class="otkb-badge otkb-badge--{b.tone}">' in meta, (url, slug)
            assert shown.startswith(f"{b.label} {b.level} · {b.certainty} · {b.who}"), (url, slug, shown)
    assert seen > len(activities)
    assert 0 < sum(b is not None for b in badges.values()) < len(activities)


def test_a_card_that_asked_something_else_has_no_level(sample_site, sample_library):
    for card in sample_library.of_kind("research"):
        facts = re.search(r'<dl class="otkb-facts">.*?</dl>', page(sample_site, f"research/{card.slug}"), re.S).group(0)
        if card.data.study.question == "effect":
            assert re.search(r"Level \d \([a-z -]+\) — 1 is the strongest of 5", text_of(facts))
        else:
            assert "strongest of 5" not in facts and not LEVEL.search(facts)
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
        if path == "404.html" or path.startswith("admin/"):  # the web editor's page shows no content
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


# --- badges that tell the whole truth (issue 20) ------------------------------------------

def test_a_study_of_one_part_shows_its_badge_on_that_part_and_says_who_was_tested(sample_site):
    html = page(sample_site, "activities/shoe-tying-practice-box")
    easier = re.search(r'<h3 id="easier">.*?</section>', html, re.S).group(0)
    assert text_of(easier).startswith(
        "Easier Easier version tested: benefit found Level 4 (case series) — 1 is the strongest of 5 · certainty "
        "not rated Tested in children with autism. The study: Rayner 2011 Not the same children: The study was "
        "in children with autism; this activity is for all children. Do every step except the last one")
    assert 'href="#study-1"' in easier and 'id="study-1"' in html
    assert "otkb-tested" not in section(html, "steps")  # the main steps teach forwards: never tested
    does_it_work = section(html, "does-it-work")
    assert ("Easier version tested: benefit found. This study tested the easier version only, not the whole "
            "activity; its badge is there.") in text_of(does_it_work)
    assert '<a href="#easier">the easier version</a>' in does_it_work
    # The card everywhere else carries the same words, the part first.
    listing = page(sample_site, "activities")
    assert ("Easier version tested: benefit found Level 4 (case series) — 1 is the strongest of 5 · certainty not "
            "rated · Tested in children with autism") in text_of(listing)


def test_the_research_card_says_who_was_studied_and_what_it_found(sample_site):
    facts = text_of(re.search(r'<dl class="otkb-facts">.*?</dl>',
                              page(sample_site, "research/ferguson-2013-neuromotor-task-training-dcd"), re.S).group(0))
    assert "Study design Level 3 (non-randomised controlled trial) — 1 is the strongest of 5 Population" in facts
    assert "Who was studied Children with developmental coordination disorder (dyspraxia)" in facts
    assert "What it found Benefit found" in facts


def edit(project, path, old, new):
    file = project / path
    assert old in file.read_text(), (path, old)
    file.write_text(file.read_text().replace(old, new))


def test_no_difference_is_never_support_and_other_children_are_named_on_the_tested_step(project):
    smith, peg_game = "data/research/smith-2020-pegs.yml", "data/activities/peg-game.yml"
    edit(project, smith, "result: benefit", "result: no-difference")
    edit(project, smith, "ages: {min: 4 years, max: 6 years}", "ages: {min: 7 years, max: 9 years}")
    edit(project, smith, "certainty: low\n", "")
    edit(project, peg_game, "supports: [research/smith-2020-pegs]",
         "supports:\n  - card: research/smith-2020-pegs\n    part: step-2")
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    html = page(site, "activities/peg-game")
    step = re.search(r'<li id="step-2">.*?</li>', html, re.S).group(0)
    assert text_of(step) == (
        "Clip a peg onto each dot. Step 2 tested: no difference found Level 2 (randomised controlled trial) — 1 is "
        "the strongest of 5 · certainty not rated Tested in typically developing children aged 7–9 years. The "
        "study: Smith et al. 2020 Not the same children: The children studied were aged 7–9 years; this activity "
        "is for 30 months–6 years.")
    assert '<span class="otkb-badge otkb-badge--neutral">' in step and "otkb-badge--level" not in step
    # The listing's card, the topic's card and the finder's data say the same, never in support's colours.
    for url in ("activities", "topics/grasp"):
        meta = ACTIVITY_LINK.findall(page(site, url))[0][1]
        assert text_of(meta).startswith("Step 2 tested: no difference found Level 2 (randomised controlled trial) — "
                                        "1 is the strongest of 5 · certainty not rated · Tested in typically "
                                        "developing children aged 7–9 years"), url
        assert "otkb-badge--neutral" in meta and "otkb-badge--level" not in meta, url
    row = json.loads((site / "activities/finder.json").read_text())["activities"][0]
    assert row[9] == ["Step 2 tested: no difference found", "neutral",
                      "Level 2 (randomised controlled trial) — 1 is the strongest of 5 · certainty not rated · "
                      "Tested in typically developing children aged 7–9 years"]
    assert "Tested in research" not in (site / "activities/index.html").read_text()

"""The evidence map (/research/map/): rows, columns and gaps from the records, and the page a build writes.

Its filters, accessibility and print are in tests/browser/test_evidence_map.py.
"""

from __future__ import annotations

import re

import pytest

from conftest import build, search_pages, text_of, write
from otkb.content.pipeline import build_library
from otkb.site.evidence_map import evidence_map

# A second study that tested an approach, in children with cerebral palsy, with no ages: a second column.
CP_CARD = """\
title: Bimanual training in cerebral palsy
summary: A small trial of two-handed play.
topics: [bilateral-coordination]
reviewed: 2026-06-01
citation:
  authors: ["Lee, K."]
  year: 2021
  title: Two hands
  journal: Journal of Hand Play
study:
  design: case-series
  question: effect
  population: Children with unilateral cerebral palsy
  tested: Two-handed play
  conditions: [cerebral-palsy]
  result: mixed
findings:
  - Some children used both hands more.
takeaways:
  therapists: [Try it.]
  parents: [Play with both hands.]
"""


@pytest.fixture
def mapped(project):
    write(project / "data/research/lee-2021-bimanual.yml", CP_CARD)
    library, errors = build_library(project)
    assert [str(e) for e in errors] == []
    return project, evidence_map(library)


def test_only_studies_that_tested_an_approach_are_mapped_one_column_per_approach(mapped):
    _, m = mapped
    assert sorted(s.card.id for s in m.studies) == ["research/lee-2021-bimanual", "research/smith-2020-pegs"]
    assert sorted(m.approaches) == ["Clothes-peg games at home, a few minutes a day", "Two-handed play"]


def test_rows_are_the_skills_studied_and_the_children_studied(mapped):
    _, m = mapped
    assert [(row.id, row.name) for row in m.groups] == [
        ("typical", "Typically developing children"), ("cerebral-palsy", "Children with cerebral palsy")]
    # the cards' topics, but for the conditions of the children studied (a group of its own)
    assert [row.name for row in m.skills] == ["Hand strength", "Preterm birth", "Using both hands"]
    peg = m.approaches.index("Clothes-peg games at home, a few minutes a day")
    hand_strength = next(row for row in m.skills if row.id == "hand-strength")
    assert [s.card.id for s in hand_strength.cells[peg]] == ["research/smith-2020-pegs"]
    assert hand_strength.cells[1 - peg] == []  # a gap: no study of two-handed play on hand strength
    assert m.gaps == 5


def test_a_study_says_who_took_part_and_how_strong_and_sure_it_is(mapped):
    _, m = mapped
    smith, lee = sorted(m.studies, key=lambda s: s.card.id)[::-1]
    assert (smith.who, smith.level, smith.certainty, smith.result) == (
        "Tested in typically developing children aged 4–6 years", (2, "Randomised controlled trial"),
        "low certainty", "benefit found")
    assert smith.level_words == "Level 2 (randomised controlled trial) — 1 is the strongest of 5"
    assert (lee.who, lee.certainty, lee.result) == ("Tested in children with cerebral palsy", "certainty not rated",
                                                    "mixed results")
    assert smith.filter_data() == {"groups": "typical", "certainty": "2", "min": "48", "max": "72"}


def test_approaches_written_alike_share_a_column():
    from otkb.site.evidence_map import approach_key
    assert approach_key("Peg  games at Home") == approach_key("peg games at home")


def test_a_research_card_cannot_take_the_maps_address(project):
    write(project / "data/research/map.yml", CP_CARD)
    _, errors = build_library(project)
    assert [str(e) for e in errors] == [
        "data/research/map.yml: the name 'map' is taken by the evidence map (/research/map/), which would "
        "replace this record; rename the file"]


def test_the_built_map_shows_the_table_with_its_gaps_and_is_in_search_and_the_sitemap(mapped):
    project, _ = mapped
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = (site / "research/map/index.html").read_text(encoding="utf-8")
    table = page.split('<table class="otkb-map__table">')[1].split("</table>")[0]
    assert '<caption id="otkb-map-caption">' in table
    assert len(re.findall(r'<th scope="col">', table)) == 3 and len(re.findall(r'<th scope="row">', table)) == 5
    assert text_of(table).count("No study yet") == 5
    assert "Smith et al. 2020 Level 2 (randomised controlled trial) — 1 is the strongest of 5 low certainty · " \
           "benefit found Tested in typically developing children aged 4–6 years" in text_of(table)
    assert 'href="../smith-2020-pegs/"' in table
    assert '<script src="../../assets/javascripts/evidence-map.js" defer></script>' in page
    assert "evidence-map.js" not in (site / "research/index.html").read_text(encoding="utf-8")
    assert 'href="map/"' in (site / "research/index.html").read_text(encoding="utf-8")  # the listing links it
    assert "/research/map/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert search_pages(site)["research/map/"][0]["title"] == "Evidence map"


def test_hostile_words_in_a_card_show_as_text_on_the_map(project):
    write(project / "data/research/lee-2021-bimanual.yml",
          CP_CARD.replace("tested: Two-handed play", 'tested: "<img src=x onerror=alert(1)>"'))
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    page = (project / "site/research/map/index.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<img src=x onerror=alert(1)>" in text_of(page)  # shown as text

"""Link stage: references become objects, unknown ids are errors, backlinks go both ways."""

from pathlib import Path

from conftest import FIXTURE_DATA, write
from otkb.content.pipeline import build_library


def test_fixture_library_links_both_ways():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    article, activity = library.records["articles/hand-skills-at-home"], library.records["activities/peg-game"]
    assert library.related["activities/peg-game"] == [article]
    assert library.related["articles/hand-skills-at-home"] == [activity]
    assert library.supported_by["research/smith-2020-pegs"] == [activity]
    assert library.by_topic["grasp"]["activities"] == [activity]       # skills count as topics
    assert library.by_topic["fine-motor"]["articles"] == [article]


def test_unknown_references_name_the_line_and_the_nearest_ids(tmp_path):
    project = tmp_path
    import shutil
    shutil.copytree(FIXTURE_DATA, project / "data")
    write(project / "data/articles/broken.yml", """\
title: Broken links
summary: An article with bad references.
topics: [fine-motr]
reviewed: 2026-06-01
published: 2026-05-20
body: Text.
related:
  - activities/peg-games
  - research/no-such-card
""")
    library, errors = build_library(project)
    assert library is None
    assert [str(e) for e in errors] == [
        "data/articles/broken.yml:3:10: topics[1]: unknown topic 'fine-motr' (did you mean 'fine-motor'?)",
        "data/articles/broken.yml:8:5: related[1]: unknown record 'activities/peg-games' (did you mean "
        "'activities/peg-game'?)",
        "data/articles/broken.yml:9:5: related[2]: unknown record 'research/no-such-card'; add "
        "data/research/no-such-card.yml or fix the reference",
    ]


def supports_errors(tmp_path, supports: str) -> list[str]:
    """The fixture site's errors once its activity's `supports:` line reads `supports`."""
    import shutil
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]", f"supports: {supports}"))
    return [str(e) for e in build_library(tmp_path)[1]]


def test_supports_must_name_a_research_card(tmp_path):
    assert supports_errors(tmp_path, "[research/smith-2020-peg]") == [
        "data/activities/peg-game.yml:24:12: supports[1]: unknown research card 'research/smith-2020-peg' "
        "(did you mean 'research/smith-2020-pegs'?)"]


def test_supports_takes_only_studies_that_tested_an_approach(tmp_path):
    assert supports_errors(tmp_path, "[research/smith-2020-pegs, research/jones-2019-preterm-grip]") == [
        "data/activities/peg-game.yml:24:38: supports[2]: 'research/jones-2019-preterm-grip' asks who is at "
        "risk, and why (question: risk), not whether this approach works; move it from 'supports:' to "
        "'background:'"]


def test_supports_and_background_are_kept_apart(tmp_path):
    import shutil
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    library, errors = build_library(tmp_path)
    activity = library.records["activities/peg-game"]
    assert errors == []
    assert library.backlinks("supports", "research/smith-2020-pegs") == [activity]
    assert library.backlinks("background", "research/jones-2019-preterm-grip") == [activity]
    assert library.backlinks("supports", "research/jones-2019-preterm-grip") == []
    assert library.tested_level(activity) == (2, "Randomised controlled trial")

"""Link stage: references become objects, unknown ids are errors, backlinks go both ways."""

from pathlib import Path

from conftest import FIXTURE_DATA, write
from otkb.content.kinds import KINDS
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
    assert evidence_errors(tmp_path, "supports: [research/smith-2020-pegs, research/jones-2019-preterm-grip]\n") == [
        "data/activities/peg-game.yml:24:38: supports[2]: 'research/jones-2019-preterm-grip' asks who is at "
        "risk, and why (question: risk), not whether this approach works; move it from 'supports:' to "
        "'background:'"]


def evidence_errors(tmp_path, evidence: str) -> list[str]:
    """The fixture site's errors once its activity's `supports:` and `background:` lines read `evidence`
    (from line 24)."""
    import shutil
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace(
        "supports: [research/smith-2020-pegs]\nbackground: [research/jones-2019-preterm-grip]\n", evidence))
    return [str(e) for e in build_library(tmp_path)[1]]


def test_one_study_under_both_supports_and_background_names_both_lines(tmp_path):
    assert evidence_errors(tmp_path, "supports:\n  - research/smith-2020-pegs\nbackground:\n"
                           "  - research/jones-2019-preterm-grip\n  - research/smith-2020-pegs\n") == [
        "data/activities/peg-game.yml:28:5: background[2]: 'research/smith-2020-pegs' is also under 'supports:' "
        "(line 25); a study either tested this activity (supports) or explains why it matters (background): "
        "keep it in one"]


def test_a_supports_entry_names_the_part_the_study_tested(tmp_path):
    evidence = ("supports:\n  - card: research/smith-2020-pegs\n    part: {}\n"
                "background: [research/jones-2019-preterm-grip]\n")
    for part in ("easier", "harder", "steps", "step-1", "step-3"):
        assert evidence_errors(tmp_path / part, evidence.format(part)) == [], part
    assert evidence_errors(tmp_path / "four", evidence.format("step-4")) == [
        "data/activities/peg-game.yml:26:5: supports[1].part: 'step-4' names step 4, but the activity has 3 "
        "steps; name the part the study tested: steps, easier, harder or step-1 to step-3"]
    assert evidence_errors(tmp_path / "bad", evidence.format("middle")) == [
        "data/activities/peg-game.yml:26:5: supports[1].part: 'middle' is not a valid part; expected steps, "
        "easier, harder, or one step like step-2"]
    assert evidence_errors(tmp_path / "card", "supports:\n  - card: research/smith-2020-peg\n    part: easier\n") == [
        "data/activities/peg-game.yml:25:5: supports[1]: unknown research card 'research/smith-2020-peg' "
        "(did you mean 'research/smith-2020-pegs'?)"]


def test_a_part_the_activity_does_not_have_is_an_error(tmp_path):
    path = tmp_path / "data/activities/peg-game.yml"
    errors = evidence_errors(tmp_path, "supports:\n  - card: research/smith-2020-pegs\n    part: harder\n")
    assert errors == []
    path.write_text(path.read_text().replace("harder:\n  - Pick up pom-poms with a peg.\n", ""))
    assert [str(e) for e in build_library(tmp_path)[1]] == [
        "data/activities/peg-game.yml:24:5: supports[1].part: 'harder' names the 'harder:' list, but the "
        "activity has none; name the part the study tested: steps, easier, harder or step-1 to step-3"]


def test_linking_only_what_changed_finds_what_linking_everything_finds(tmp_path):
    """`mkdocs serve` links a save against the last library linked without errors, checking only the
    records that changed and those that name them (link._errors_since): after each edit its errors
    are those of a check from scratch, and so is its library's linking."""
    import shutil

    from conftest import write_milestone
    from otkb.content.pipeline import PipelineCache, check_library

    project = tmp_path
    shutil.copytree(FIXTURE_DATA, project / "data")
    write_milestone(project, "2-years", "2 years")
    peg, card = project / "data/activities/peg-game.yml", project / "data/research/smith-2020-pegs.yml"
    bead = write(project / "data/activities/bead-game.yml", peg.read_text().replace("title: Peg game", "title: Bead game"))
    article = project / "data/articles/hand-skills-at-home.yml"

    def edit(path: Path, old: str, new: str):
        return lambda: path.write_text(path.read_text().replace(old, new, 1))

    edits = [
        edit(article, "related:", "related:\n  - activities/no-such-game"),  # a changed record names a missing one
        card.unlink,  # a record that others name is gone
        edit(card, "question: effect", "question: prevalence"),  # the activity that tests it no longer may
        edit(bead, "title: Bead game", "title: PEG  game"),  # a look-alike of an unchanged record's title
        lambda: write_milestone(project, "24-months", "24 months"),  # a second checklist for one age
        edit(peg, "supports: [research/smith-2020-pegs]", "supports: [articles/hand-skills-at-home]"),
    ]
    cache = PipelineCache()
    kept = {p: p.read_text() for p in (project / "data").rglob("*.yml")}
    assert check_library(project, cache=cache)[1] == []
    for change in edits:
        for broken in (True, False):  # the edit, then the files as they were
            if broken:
                change()
            else:
                for path in set((project / "data").rglob("*.yml")) - set(kept):
                    path.unlink()
                for path, text in kept.items():
                    path.write_text(text)
            library, errors, _ = check_library(project, cache=cache)
            fresh, fresh_errors, _ = check_library(project)
            assert [str(e) for e in errors] == [str(e) for e in fresh_errors], change
            assert (errors != []) == broken, change
            if library is not None:
                assert links(library) == links(fresh), change


def test_linking_from_the_last_library_links_as_linking_everything(tmp_path):
    """After an edit that leaves every record valid, `mkdocs serve` links only the entries the edit can
    change, from the last library (link._link_since): each edit's library holds the links of a check
    from scratch, each link to the current record object, and the last library is left as it was."""
    import shutil

    from conftest import write_milestone
    from otkb.content.pipeline import PipelineCache, check_library

    project = tmp_path
    shutil.copytree(FIXTURE_DATA, project / "data")
    write_milestone(project, "2-years", "2 years")
    peg, card = project / "data/activities/peg-game.yml", project / "data/research/smith-2020-pegs.yml"
    article = project / "data/articles/hand-skills-at-home.yml"
    bead = project / "data/activities/bead-game.yml"

    def edit(path: Path, old: str, new: str):
        return lambda: path.write_text(path.read_text().replace(old, new, 1))

    edits = [
        lambda: write(bead, peg.read_text().replace("title: Peg game", "title: Bead game")),  # names what peg names
        edit(peg, "title: Peg game", "title: A peg game"),  # moves before the bead game everywhere
        edit(bead, "supports: [research/smith-2020-pegs]\nbackground: [research/jones-2019-preterm-grip]",
             "supports: []\nbackground: [research/smith-2020-pegs]"),
        edit(article, "related: [activities/peg-game]", "related: [activities/bead-game, activities/peg-game]"),
        edit(bead, "skills: [hand-strength, grasp]", "skills: [grasp]"),  # leaves a topic's activities
        edit(bead, "topics: [fine-motor]", "topics: [fine-motor, handwriting]"),  # a topic's first record
        edit(bead, "topics: [fine-motor, handwriting]", "topics: [fine-motor]"),  # and its last
        edit(card, "title: ", "title: Renamed "),  # named by both games and the article
        edit(article, "related: [activities/bead-game, activities/peg-game]", "related: [activities/peg-game]"),
        bead.unlink,  # a record others named is gone
        lambda: (edit(article, "title: ", "title: Renamed ")(), edit(peg, "title: ", "title: Renamed ")()),  # two kinds
        edit(peg, "supports: [research/smith-2020-pegs]", "supports: []"),
    ]
    cache = PipelineCache()
    last, _, _ = check_library(project, cache=cache)
    for change in edits:
        before = links(last)
        change()
        library, errors, _ = check_library(project, cache=cache)
        fresh, fresh_errors, _ = check_library(project)
        assert errors == fresh_errors == [], change
        assert links(library) == links(fresh), change
        assert links(last) == before, change
        held = [r for index in (library.related, *library.linked_from.values()) for group in index.values() for r in group]
        held += [r for groups in library.by_topic.values() for group in groups.values() for r in group]
        held += [r for kind in KINDS for r in library.of_kind(kind)]
        assert all(library.records[r.id] is r for r in held), change
        last = library


def links(library) -> tuple:
    """A library's links and each kind's order, records by id."""
    def ids(value):
        return {k: ids(v) for k, v in value.items()} if isinstance(value, dict) else [r.id for r in value]
    return (ids(library.related), ids(library.linked_from), ids(library.by_topic),
            ids({kind: library.of_kind(kind) for kind in KINDS}))

"""Editor warnings: overdue reviews, hard reading, unlinked research cards; seen but never blocking."""

import datetime as dt
import gc
import os
import weakref

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from conftest import PROJECT, build, fixture_copy, make_warnings, write
from otkb.content import pipeline
from otkb.content.pipeline import PipelineCache, check_library
from otkb.content.checks import _runs
from otkb.content.readability import grade, plain_sentences, reading_age, syllables
from otkb.content.search_text import words

TODAY = dt.date(2026, 11, 21)


# --- readability ------------------------------------------------------------------

@pytest.mark.parametrize("word, count", [
    ("the", 1), ("cat", 1), ("table", 2), ("children", 2), ("squeezed", 1), ("wanted", 2), ("horses", 2),
    ("watches", 2), ("created", 3), ("piano", 3), ("occupational", 5), ("therapist", 3), ("infection", 3),
    ("moderately", 4), ("safely", 2), ("sometimes", 2), ("coordination", 5), ("bronchopulmonary", 6),
    ("everyday", 3), ("handwriting", 3), ("dysplasia", 4), ("40%", 1), ("does", 1), ("goes", 1), ("shoes", 1),
    ("treat", 1), ("great", 1), ("player", 2), ("playing", 2), ("crayon", 2), ("eyes", 1), ("yes", 1),
    ("yellow", 2), ("easier", 3), ("duet", 2),
])
def test_syllables(word, count):
    assert syllables(word) == count


def test_sentences_end_at_stops_items_and_headings_and_ignore_markup():
    text = "## Head\n\nSome **bold** text. And [a link](https://example.org/)!\n\n- one\n- two items here"
    assert plain_sentences(text) == ("Head", "Some bold text", "And a link", "one", "two items here")


def test_grade_and_reading_age():
    easy = plain_sentences("The cat sat on the mat. It was a big cat.")
    hard = plain_sentences("Intrauterine growth restriction and bronchopulmonary dysplasia increase the "
                           "probability of developmental coordination impairment considerably.")
    assert grade(easy) < 1 and reading_age(grade(easy)) == 5
    assert grade(hard) > 15 and reading_age(grade(hard)) > 20
    assert grade([]) == 0


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(texts=st.lists(st.text(alphabet="abcXYZ019 '\"\\\n\t\r\x0c.-/:é’", max_size=40), max_size=6))
@example(texts=["don't\nstop", "a\\nb", "\"quoted\"\tword"])
def test_a_records_json_has_at_least_as_many_runs_of_letters_and_digits_as_its_texts_have_words(texts):
    """too_many_words skips a record whose JSON is ASCII and has at most MAX_WORDS_PER_PAGE runs of
    letters and digits (checks._runs), or fewer than twice as many characters: its runs are never fewer
    than its texts' different words, nor more than half its characters (rounded up)."""
    dumped = TypeAdapter(dict[str, list[str]]).dump_json({"field": texts}).decode()
    if dumped.isascii():
        assert (len(dumped) + 1) // 2 >= _runs(dumped) >= len(set(words(" ".join(texts))))


# --- the warnings, through the pipeline -------------------------------------------

def warnings_of(project, today=TODAY):
    library, errors, warnings = check_library(project, today=today)
    assert errors == []
    return [str(w) for w in warnings]


def test_a_cache_keeps_each_records_warnings_and_takes_them_with_it(project):
    """`mkdocs serve` keeps one PipelineCache for its session: an unchanged record's warnings are worked
    out once. A one-off build lets go of its cache once the records are checked, and the warnings go
    with it (kept per record in a module, they were held to the end of a 10,000-record build)."""
    make_warnings(project)
    cache = PipelineCache()
    library, errors, warnings = check_library(project, today=TODAY, cache=cache)
    assert errors == [] and len(warnings) == 2  # the peg game's overdue review; the card no record cites
    cache.last_check = (None, None)  # check again, as a save that changed no record would
    _, _, again = check_library(project, today=TODAY, cache=cache)
    assert again == warnings and again[0] is warnings[0]  # the peg game's: kept, not worked out again
    kept = weakref.ref(warnings[0])
    del cache, warnings, again
    gc.collect()
    assert library.records and kept() is None  # the library lives on; its records' warnings do not


def test_the_check_runs_with_the_collector_paused_and_turns_it_back_on(monkeypatch, tmp_path):
    """No automatic garbage collection while the records are checked (1.6 of 8.4 CPU s at 10,000
    records), and the collector as it was after, also when the check fails."""
    enabled = []
    for stage in ("build_library", "editor_warnings"):
        monkeypatch.setattr(pipeline, stage, lambda *args, stage=getattr(pipeline, stage), **kwargs: (
            enabled.append(gc.isenabled()), stage(*args, **kwargs))[1])
    root = fixture_copy(tmp_path)
    library, errors, _ = check_library(root, today=TODAY)
    assert library is not None and errors == [] and enabled == [False, False] and gc.isenabled()
    gc.disable()
    try:
        check_library(root, today=TODAY)
        assert not gc.isenabled()  # a caller that paused it (the preview) keeps it paused
    finally:
        gc.enable()
    (root / "data/activities/peg-game.yml").write_text("title: [")
    assert check_library(root, today=TODAY)[1] and gc.isenabled()


def test_the_fixture_site_has_no_warnings(project):
    assert warnings_of(project) == []


def test_overdue_review_due_date(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("review_due: 2027-06-01", "review_due: 2026-11-20"))
    assert warnings_of(project) == [
        "data/activities/peg-game.yml:6:1: review_due: warning: the review was due on 20 November 2026; "
        "check the content, then set 'reviewed' to the day you checked it and move 'review_due' on"]
    assert warnings_of(project, today=dt.date(2026, 11, 20)) == []  # due today is not overdue


def test_reviewed_more_than_two_years_ago_without_a_due_date(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("reviewed: 2026-06-01\nreview_due: 2027-06-01\n",
                                             "reviewed: 2024-06-01\n"))
    assert warnings_of(project, today=dt.date(2026, 6, 1)) == []
    assert warnings_of(project, today=dt.date(2026, 6, 2)) == [
        "data/activities/peg-game.yml:5:1: reviewed: warning: last reviewed on 1 June 2024, more than 2 years "
        "ago; check the content, then set 'reviewed' to the day you checked it (and add a 'review_due' date)"]


def test_hard_steps_are_reported_at_their_hardest_step(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace(
        "  - Clip a peg onto each dot.\n",
        "  - Consecutively manipulate the spring-loaded clothespins, facilitating isolated digital "
        "opposition, and encourage bilateral coordination throughout.\n"))
    [warning] = warnings_of(project)
    assert warning == ("data/activities/peg-game.yml:16:5: steps[2]: warning: the steps read at about age 19; "
                       "the plain-language target is a reading age of 9 to 11. Hardest here (age 32): "
                       "'Consecutively manipulate the spring-loaded clothespins, facilitating…'. Shorter "
                       "sentences and everyday words help")


HARD_PARAGRAPH = ("Developmental dyspraxia necessitates individualised, multidisciplinary intervention "
                  "incorporating occupational therapy.")


def test_a_hard_paragraph_of_a_parents_article_is_found_on_its_line(project):
    path = project / "data/articles/hand-skills-at-home.yml"
    text = path.read_text()
    assert "audiences: [parents" in text
    path.write_text(text.replace("  - Paint [1]\n", "  - Paint [1]\n\n  " + HARD_PARAGRAPH + " [1]\n"))
    line = path.read_text().splitlines().index("  " + HARD_PARAGRAPH + " [1]") + 1
    [warning] = warnings_of(project)
    assert warning.startswith(f"data/articles/hand-skills-at-home.yml:{line}:3: body: warning: the article "
                              "read at about age")
    assert "'Developmental dyspraxia necessitates individualised, multidisciplinar…'" in warning


def test_text_for_therapists_only_is_not_measured(project):
    path = project / "data/articles/hand-skills-at-home.yml"
    text = path.read_text()
    path.write_text(text.replace("audiences: [parents]", "audiences: [therapists]")
                    .replace("  - Paint\n", "  - Paint\n\n  " + HARD_PARAGRAPH + "\n"))
    assert warnings_of(project) == []


def test_a_research_card_nothing_links_to(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]\n", ""))
    assert warnings_of(project) == [
        "data/research/smith-2020-pegs.yml:1:1: warning: no record links to this research card; list "
        "'research/smith-2020-pegs' under 'supports:' of an activity it tested, under 'background:' of "
        "one it explains, or under 'related:' of an article"]


def test_a_card_cited_only_as_background_is_not_an_orphan(project):
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]\n", "")
                    .replace("background: [research/jones-2019-preterm-grip]", "background: [research/jones-2019-preterm-grip, research/smith-2020-pegs]"))
    assert warnings_of(project) == []


NO_QUESTION = ("data/research/smith-2020-pegs.yml:15:1: study: warning: the card does not say what the study "
               "asked, so it shows no evidence level; add 'question:' under 'study:': effect (does an approach "
               "work?), prevalence, risk, assessment or experience")
NO_CERTAINTY = ("data/research/smith-2020-pegs.yml:17:3: certainty: warning: the study tested an approach "
                "but the card does not say how sure the evidence is; add 'certainty:' (high, moderate, low or "
                "very-low) as the authors or a reviewing clinician rate it")


def test_a_card_that_does_not_say_what_its_study_asked(project):
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("  question: effect\n", "").replace("  tested: Clothes-peg games at home, a few minutes a day\n", ""))
    assert warnings_of(project) == [NO_QUESTION]


def test_an_effect_card_without_certainty(project):
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("certainty: low\n", ""))
    assert warnings_of(project) == [NO_CERTAINTY]


def test_the_sample_content_warns_only_about_what_no_one_may_fill_in_for_the_authors():
    # Not overdue, every card linked, every card says what it asked and what its study found, and the
    # parent-facing text reads at the target. What is left: studies whose authors gave no certainty
    # rating (a reviewing clinician has to rate them), two reviews whose abstracts do not say whether
    # the children had a condition, and one study of children with a condition that the shoe-tying
    # activity's page answers beside the badge (it tested only the easier version, in boys with autism).
    rest = [w for w in warnings_of(PROJECT) if "does not say how sure the evidence is" not in w]
    assert [w.split(": warning: ")[0] for w in rest] == [
        "data/activities/shoe-tying-practice-box.yml:48:5: supports[1]",
        "data/research/engel-2018-curriculum-handwriting-programs.yml:29:3: study.conditions",
        "data/research/grajo-2020-school-ot-academic-participation.yml:27:3: study.conditions",
    ]
    assert "studied children with autism, and this activity is for all children" in rest[0]


# --- in the build log ----------------------------------------------------------------

def test_warnings_show_in_the_build_log_and_strict_still_passes(project):
    make_warnings(project)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    # one line, not one per warning: 'otkb check' lists them
    assert [line for line in result.stderr.splitlines() if "WARNING" in line] == [
        "WARNING -  otkb: 2 editor warnings in 2 files, which never stop publishing (review_due 1, the whole "
        "record 1): 'otkb check' lists each with its file, line and field; 'otkb review' lists the records due "
        "for review"]
    assert (project / "site/activities/peg-game/index.html").exists()


def test_strict_warnings_makes_them_errors(project, monkeypatch):
    make_warnings(project)
    monkeypatch.setitem(os.environ, "OTKB_STRICT_WARNINGS", "true")
    result = build(project)
    assert result.returncode == 1
    assert "ERROR   -  otkb: data/activities/peg-game.yml:6:1: review_due: the review was due on" in result.stderr
    assert "2 problems in the records (listed above); the site was not built" in result.stderr
    monkeypatch.delitem(os.environ, "OTKB_STRICT_WARNINGS")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("!ENV [OTKB_STRICT_WARNINGS, false]", "true"))
    assert build(project).returncode == 1


def test_a_wrapped_sentence_is_one_sentence():
    assert plain_sentences("The child clips the pegs with the thumb and the first\nfinger, then takes them off.") == (
        "The child clips the pegs with the thumb and the first finger, then takes them off",)


# --- evidence: who was studied, what it found, and what the activity claims -------------------

SMITH = "data/research/smith-2020-pegs.yml"
PEG_GAME = "data/activities/peg-game.yml"


def edit(project, path, old, new):
    file = project / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new))


def test_an_effect_card_says_what_it_found_and_who_was_studied(project):
    edit(project, SMITH, "  conditions: []\n  result: benefit\n", "")
    assert warnings_of(project) == [
        "data/research/smith-2020-pegs.yml:17:3: study.result: warning: the study tested an approach but "
        "the card does not say what it found, so badges say 'result not stated'; add 'result:' under 'study:' "
        "(benefit, mixed, no-difference or harm) as the abstract states it",
        "data/research/smith-2020-pegs.yml:18:3: study.conditions: warning: the card does not say whether the "
        "children studied had a condition, so badges cannot say who was tested; add 'conditions:' under "
        "'study:' with their topic ids, or 'conditions: []' for typically developing children"]


def test_a_result_belongs_to_a_study_that_tested_an_approach(project):
    edit(project, "data/research/jones-2019-preterm-grip.yml", "  size: 80 children\n",
         "  size: 80 children\n  result: harm\n")
    assert [str(e) for e in check_library(project, today=TODAY)[1]] == [
        "data/research/jones-2019-preterm-grip.yml:17:3: study.result: 'result' is only for a study that tested "
        "an approach (question: effect); this one asked who is at risk, and why: remove 'result:'"]


def test_a_cohort_that_compared_an_approach_may_be_a_trial(project):
    edit(project, SMITH, "design: rct", "design: cohort")
    assert warnings_of(project) == [
        "data/research/smith-2020-pegs.yml:16:3: study.design: warning: a cohort study only observes; this "
        "card says the study tested an approach and compared it with another group. If the researchers gave "
        "the approach to some groups and not others, not at random (by school or class, say), the design is "
        "non-randomised-trial"]


def test_a_study_listed_twice_under_supports(project):
    edit(project, PEG_GAME, "supports: [research/smith-2020-pegs]",
         "supports:\n  - research/smith-2020-pegs\n  - card: research/smith-2020-pegs\n    part: easier\n"
         "  - research/smith-2020-pegs")
    assert warnings_of(project) == [
        "data/activities/peg-game.yml:28:5: supports[3]: warning: 'research/smith-2020-pegs' is listed twice "
        "(also on line 25); delete one"]


def test_a_study_of_other_ages_is_flagged_naming_both_records(project):
    edit(project, SMITH, "ages: {min: 4 years, max: 6 years}", "ages: {min: 7 years, max: 9 years}")
    assert warnings_of(project) == [
        "data/activities/peg-game.yml:24:12: supports[1]: warning: 'research/smith-2020-pegs' "
        "(data/research/smith-2020-pegs.yml) studied children aged 7–9 years, and this activity is for 30 "
        "months–6 years: the ages do not overlap. The page says so beside the study's badge; if the study does "
        "not apply to this activity, move it to 'background:'"]


def test_a_study_of_children_with_a_condition_is_flagged_for_an_activity_for_all(project):
    edit(project, SMITH, "conditions: []", "conditions: [preterm-birth]")
    expected = [
        "data/activities/peg-game.yml:24:12: supports[1]: warning: 'research/smith-2020-pegs' "
        "(data/research/smith-2020-pegs.yml) studied children with preterm birth, and this activity is for "
        "all children (its topics do not name that condition). The page says so beside the study's badge; if "
        "the study does not apply to this activity, move it to 'background:'"]
    assert warnings_of(project) == expected
    # An activity whose topics name the condition is for those children: nothing to warn about.
    edit(project, PEG_GAME, "topics: [fine-motor]", "topics: [fine-motor, preterm-birth]")
    assert warnings_of(project) == []


def test_a_condition_must_be_a_known_topic(project):
    edit(project, SMITH, "conditions: []", "conditions: [preterm-brith]")
    assert [str(e) for e in check_library(project, today=TODAY)[1]] == [
        "data/research/smith-2020-pegs.yml:25:16: study.conditions[1]: unknown topic 'preterm-brith' (did you "
        "mean 'preterm-birth'?)"]


def test_the_new_checks_flag_the_records_issue_20_found(tmp_path):
    """tests/old_records/ keeps the records as they were before issue 20: activities that claimed
    studies of children with DCD or autism for all children, and two trials filed as cohort studies."""
    import shutil

    def with_old(kind):
        """The sample content with the old records of `kind` in place of today's."""
        project = tmp_path / kind
        shutil.copytree(PROJECT / "data", project / "data")
        for old in (PROJECT / "tests/old_records" / kind).glob("*.yml"):
            shutil.copy(old, project / "data" / kind / old.name)
        return warnings_of(project)

    warnings = with_old("activities")  # the old links, against today's cards (which say who was studied)
    applicability = sorted(w.split(": warning: ")[0] + " -> " + w.split("'")[1] for w in warnings
                           if "and this activity is for" in w)
    assert applicability == [
        "data/activities/catching-practice-scarf-to-ball.yml:51:5: supports[2] -> research/smits-engelsman-2018-dcd-motor-interventions",
        "data/activities/catching-practice-scarf-to-ball.yml:52:5: supports[3] -> research/ferguson-2013-neuromotor-task-training-dcd",
        "data/activities/hopscotch-hopping-game.yml:49:5: supports[2] -> research/smits-engelsman-2018-dcd-motor-interventions",
        "data/activities/shoe-tying-practice-box.yml:48:5: supports[1] -> research/rayner-2011-shoelace-backward-chaining",
        "data/activities/tightrope-walk-balance.yml:49:5: supports[1] -> research/smits-engelsman-2018-dcd-motor-interventions",
        "data/activities/tightrope-walk-balance.yml:50:5: supports[2] -> research/ferguson-2013-neuromotor-task-training-dcd",
    ]
    assert all("(data/research/" in w for w in warnings if "and this activity is for" in w)  # both records named
    warnings = with_old("research")
    designs = sorted(w.split(":")[0] for w in warnings if "the design is non-randomised-trial" in w)
    assert designs == ["data/research/donica-2015-handwriting-without-tears-kindergarten.yml",
                       "data/research/ferguson-2013-neuromotor-task-training-dcd.yml"]


def test_a_check_with_a_cache_works_out_again_only_the_warnings_of_changed_records(tmp_path, monkeypatch):
    """Serve's saves: a record changed, and the records naming it (an activity citing a changed
    study), have their warnings worked out again; the others' are the last check's."""
    import shutil
    from conftest import FIXTURE_DATA
    from otkb.content import checks
    from otkb.content.pipeline import PipelineCache

    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    cache = PipelineCache()
    first = check_library(tmp_path, cache=cache)
    worked_out, record_warnings = [], checks._record_warnings
    monkeypatch.setattr(checks, "_record_warnings", lambda record, *args: worked_out.append(record.id)
                        or record_warnings(record, *args))
    study = tmp_path / "data/research/smith-2020-pegs.yml"
    study.write_text(study.read_text().replace("design: rct", "design: cohort"))
    cache.last_check = (None, None)  # the file was just saved: checked again however fast
    library, errors, warnings = check_library(tmp_path, cache=cache)
    citing = {r.id for r in library.records.values() if "research/smith-2020-pegs" in str(r.data.model_dump())}
    assert errors == [] and set(worked_out) == citing | {"research/smith-2020-pegs"} != set(library.records)
    # and the same as a check from scratch
    assert warnings == check_library(tmp_path, cache=PipelineCache())[2] != first[2]

"""Validate stage: the typed models, with the exact messages editors read."""

import pytest

from conftest import validate_one

from otkb.content.load import RawRecord
from otkb.content.validate import validate_topics

ACTIVITY = {
    "title": "Peg game", "summary": "Clip pegs.", "reviewed": "2026-06-01", "skills": ["fine-motor"],
    "ages": {"min": "3 years", "max": "6 years"}, "materials": ["Pegs"], "steps": ["Clip."],
}


def test_a_valid_activity_gets_typed_values():
    records, errors = validate_one({**ACTIVITY, "ages": {"min": "30 months", "max": "6"}})
    assert errors == []
    ages = records[0].data.ages
    assert (ages.min.months, ages.max.months, str(ages)) == (30, 72, "30 months–6 years")
    assert records[0].data.reviewed.isoformat() == "2026-06-01"


@pytest.mark.parametrize("change, expected", [
    ({"ages": {"min": "8 years", "max": "18 months"}},
     "data/activities/x.yml:1:1: ages: min must not be above max: min is 8 years, max is 18 months"),
    ({"ages": {"min": "3 years", "max": "19 years"}},
     "data/activities/x.yml:1:1: ages.max: 19 years is above 18 years; ages run from 0 to 18 years"),
    ({"ages": {"min": "three", "max": "6 years"}},
     "data/activities/x.yml:1:1: ages.min: expected an age like '18 months' or '4 years' (a bare number "
     "means years), but received 'three'"),
    ({"skills": "fine-motor, hand-strength"},
     "data/activities/x.yml:1:1: skills: expected a list (one '- item' per line) but received the text "
     "'fine-motor, hand-strength'"),
    ({"steps": {"first": "a"}},
     "data/activities/x.yml:1:1: steps: expected a list (one '- item' per line) but received a set of "
     "fields (key: value lines)"),
    ({"setting": ["hom"]},
     "data/activities/x.yml:1:1: setting[1]: expected one of: home, school, clinic, outdoors but "
     "received: 'hom' (did you mean 'home'?)"),
    ({"reviewed": "1 June 2026"},
     "data/activities/x.yml:1:1: reviewed: expected a date written YYYY-MM-DD, like 2026-06-01, but "
     "received '1 June 2026'"),
    ({"reviewed": "2026-02-30"}, "data/activities/x.yml:1:1: reviewed: '2026-02-30' is not a real date"),
    ({"summary": "x" * 301}, "data/activities/x.yml:1:1: summary: is 301 characters long; the limit is "
     "300 characters"),
    ({"title": "Peg\u202egame"}, "data/activities/x.yml:1:1: title: contains an invisible character "
     "(RIGHT-TO-LEFT OVERRIDE, U+202E); delete it and retype the text around it"),
    ({"materials": []}, "data/activities/x.yml:1:1: materials: needs at least one item"),
    ({"duration": "a while"}, "data/activities/x.yml:1:1: duration: 'a while' is not a valid duration; "
     "expected a time like '15 minutes' or '10-15 minutes'"),
    ({"supports": ["activities/x"]}, "data/activities/x.yml:1:1: supports[1]: 'activities/x' is not a "
     "valid research reference; expected research/slug, like 'research/bos-2013-preterm-motor', or 'card:' and 'part:' lines"),
    ({"materials": 3}, "data/activities/x.yml:1:1: materials: expected a list (one '- item' per line) "
     "but received '3'"),
])
def test_activity_errors(change, expected):
    _, errors = validate_one({**ACTIVITY, **change})
    assert errors == [expected]


def test_unknown_keys_say_did_you_mean_and_take_their_line():
    card = {"title": "T", "summary": "S", "reviewed": "2026-06-01", "study": {"design": "rct",
            "population": "P"}, "findings": ["F"], "takeaways": {"therapists": ["a"], "parents": ["b"]},
            "citaton": {"authors": ["Green, A."]}}
    _, errors = validate_one(card, "research", positions={("citaton",): (12, 1)})
    assert errors == [
        "data/research/x.yml:1:1: citation: 'citation' is required but missing",
        "data/research/x.yml:12:1: citaton: unknown field 'citaton' (did you mean 'citation'?)",
    ]


def test_nested_points_and_their_errors():
    card = {"title": "T", "summary": "S", "reviewed": "2026-06-01",
            "citation": {"authors": ["Bos"], "year": "13", "title": "t", "journal": "j", "doi": "dmcn.1"},
            "study": {"design": "metaanalysis", "population": "P"},
            "findings": ["a", {"text": "b", "details": ["c", {"txt": "d"}]}],
            "takeaways": {"therapists": ["a"], "parents": [3]}}
    _, errors = validate_one(card, "research")
    assert sorted(errors) == [
        "data/research/x.yml:1:1: citation.authors[1]: 'Bos' is not a valid author; expected 'Family, "
        "Initials', like 'Bos, A.F.'",
        "data/research/x.yml:1:1: citation.doi: 'dmcn.1' is not a valid DOI; expected a DOI like "
        "10.1111/dmcn.12297 (without https://doi.org/)",
        "data/research/x.yml:1:1: citation.year: expected a four-digit year, like 2013, but received '13'",
        "data/research/x.yml:1:1: findings[2].details[2].text: 'text' is required but missing",
        "data/research/x.yml:1:1: findings[2].details[2].txt: unknown field 'txt' (did you mean 'text'?)",
        "data/research/x.yml:1:1: study.design: expected one of: meta-analysis, systematic-review, narrative-review, rct, non-randomised-trial, "
        "cohort, case-control, cross-sectional, case-series, qualitative, expert-opinion but received: "
        "'metaanalysis' (did you mean 'meta-analysis'?)",
        "data/research/x.yml:1:1: takeaways.parents[1]: expected a point: text, or 'text:' with 'details:' "
        "under it, but received '3'",
    ]


def test_plain_text_is_normalised_to_nfc_and_single_spaced():
    records, errors = validate_one({**ACTIVITY, "title": "Cafe\u0301   role\nplay"})
    assert errors == [] and records[0].data.title == "Caf\u00e9 role play"


def test_topics_need_the_contract_vocabulary_and_known_parents():
    raw = RawRecord("topics", "topics", "data/topics.yml",
                    {"fine-motor": {"name": "F", "description": "D"},
                     "grasp": {"name": "G", "description": "D", "parent": "fine-motr"}},
                    {("grasp", "parent"): (6, 3)})
    topics, errors = validate_topics(raw)
    messages = [str(e) for e in errors]
    assert "data/topics.yml:6:3: grasp.parent: unknown topic 'fine-motr' (did you mean 'fine-motor'?)" in messages
    assert "data/topics.yml:1:1: the vocabulary must define 'gross-motor': records everywhere use it" in messages
    assert len(messages) == 10


def test_a_file_the_last_build_found_valid_gives_the_same_record_and_a_changed_one_is_checked(tmp_path):
    """A warm build skips the text checks of a file whose bytes records.json holds (found valid by a
    build with the same code): the record comes out the same. A file whose bytes changed is checked in
    full, so an unsafe text is still an error."""
    import yaml
    from otkb.content.cache import RecordCache
    from otkb.content.load import read_yaml
    from otkb.content.validate import validate_records

    path, shown = tmp_path / "x.yml", "data/activities/x.yml"
    text = {**ACTIVITY, "title": "Cafe\u0301  game", "steps": ["Clip the e\u0301 peg.  "]}
    path.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    first = RecordCache()
    raw = RawRecord("activities", "x", shown, *read_yaml(path, shown, first)[:2], path)
    cold = validate_records([raw], first)[0][0]
    first.dump(tmp_path / "records.json", "code")

    again = RecordCache.load(tmp_path / "records.json", "code")
    raw = RawRecord("activities", "x", shown, *read_yaml(path, shown, again)[:2], path)
    assert again.known_valid(raw)
    assert validate_records([raw], again)[0][0].data == cold.data  # NFC, spaces and strip, as checked

    path.write_text(yaml.safe_dump({**ACTIVITY, "steps": ["[" * 400]}), encoding="utf-8")
    raw = RawRecord("activities", "x", shown, *read_yaml(path, shown, again)[:2], path)
    assert not again.known_valid(raw)
    assert [e.field for e in validate_records([raw], again)[1]] == ["steps[1]"]

"""Load stage: YAML is read exactly as typed, or rejected with file, line and field."""

import json
from pathlib import Path

import pytest

from otkb.content.errors import RecordError
from otkb.content.cache import RecordCache
from otkb.content.load import load_records, read_yaml
from otkb.content.validate import position


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "record.yml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    data, positions, errors = read_yaml(path, "data/activities/record.yml")
    return data, positions, [str(e) for e in errors]


def test_scalars_stay_the_text_the_editor_typed(tmp_path):
    data, _, errors = load(tmp_path, "answer: No\nyes: on\ncode: 012\ntime: 10:30\nday: 2026-06-01\n"
                                     "number: 1e3\nempty:\nquoted: 'null'\n")
    assert errors == []
    assert data == {"answer": "No", "yes": "on", "code": "012", "time": "10:30", "day": "2026-06-01",
                    "number": "1e3", "empty": None, "quoted": "null"}


def test_positions_point_at_keys_and_items(tmp_path):
    _, positions, _ = load(tmp_path, "title: x\nages:\n  min: 3 years\nsteps:\n  - one\n  - two\n")
    assert positions[("title",)] == (1, 1)
    assert positions[("ages", "min")] == (3, 3)
    assert positions[("steps", 1)] == (6, 5)


@pytest.mark.parametrize("text, expected", [
    ("title: a\nages:\n  min: 3 years\n  max: 8 years\n  min: 6 months\n",
     "data/activities/record.yml:5:3: ages.min: 'min' is given twice (first on line 3); keep one, "
     "since YAML would silently use only the last"),
    ("title: a\nsteps:\n  - &a [lol, lol]\n  - *a\n",
     "data/activities/record.yml:3:5: steps[1]: YAML anchors and aliases (&name, *name) are not allowed; "
     "write the value out in full"),
    ("title: !!python/object:os.system echo\n",
     "data/activities/record.yml:1:8: title: YAML tags such as 'tag:yaml.org,2002:python/object:os.system' "
     "are not allowed; remove the tag (put the value in quotes if it is text)"),
    ("title: a\n---\ntitle: b\n",
     "data/activities/record.yml:2:1: title: a record file holds one record; remove the '---' and split "
     "the records into separate files"),
    ("title: a\nskills:\n\t- fine-motor\n",
     "data/activities/record.yml:3:1: skills: a tab is used for indentation; use spaces, not tabs"),
    ("title: a\nsummary: Ratio: 1 to 2\n",
     "data/activities/record.yml:2:15: summary: a ': ' inside a value confuses YAML; put the whole value "
     'in quotes, for example summary: "Ratio: 1 to 2"'),
    ("- title: a\n- title: b\n",
     "data/activities/record.yml:1:1: the file must be a set of fields (title: ..., summary: ...), "
     "but it is a list"),
    ("# only a comment\n", "data/activities/record.yml: the file is empty; a record needs at least a "
     "title and a summary"),
    ("title: a\nsummary: one\u2028hidden: key\n",
     "data/activities/record.yml:2:13: summary: an invisible U+2028 LINE SEPARATOR is in this line; YAML "
     "reads it as a line break and would create a hidden field. Delete it and retype the line"),
])
def test_yaml_traps_are_errors_with_line_and_field(tmp_path, text, expected):
    data, _, errors = load(tmp_path, text)
    assert data is None
    assert errors == [expected]


def test_bytes_that_are_not_utf8_name_the_line(tmp_path):
    _, _, errors = load(tmp_path, b"summary: fine\ntitle: Caf\xe9 play\n")
    assert errors == ["data/activities/record.yml:2:11: title: the file is not valid UTF-8 (byte 0xe9); "
                      "save it as UTF-8 in your editor and retype the character"]


def test_a_byte_order_mark_is_ignored(tmp_path):
    data, _, errors = load(tmp_path, b"\xef\xbb\xbftitle: a\n")
    assert errors == [] and data == {"title": "a"}


def test_deep_nesting_stops_early_without_recursion(tmp_path):
    _, _, errors = load(tmp_path, "steps: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert errors == ["data/activities/record.yml:1:31: steps[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]"
                      "[1][1][1][1][1][1][1][1]: the values are nested more than 24 levels deep"]


def test_an_alias_bomb_fails_at_once(tmp_path):
    rows = ["steps:", "  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"  - &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi")]
    _, _, errors = load(tmp_path, "\n".join(rows) + "\n")
    assert len(errors) == 1 and ":2:5: steps[1]: YAML anchors and aliases" in errors[0]


def test_too_large_a_file_is_refused_before_parsing(tmp_path):
    _, _, errors = load(tmp_path, "title: " + "x" * 600_000 + "\n")
    assert errors == ["data/activities/record.yml: the file is 585 KB; a record may be at most 512 KB"]


def test_load_records_reports_every_bad_file(tmp_path):
    data = tmp_path / "data"
    (data / "activities").mkdir(parents=True)
    (data / "topics.yml").write_text("fine-motor: {name: F, description: D}\n")
    (data / "activities" / "good.yml").write_text("title: ok\n")
    (data / "activities" / "one.yml").write_text("title: a\ntitle: b\n")
    (data / "activities" / "Bad Name.yml").write_text("title: a\n")
    (data / "activities" / "two.yaml").write_text("title: a\n")
    (data / "misplaced.yml").write_text("title: a\n")
    records, topics, errors = load_records(data, tmp_path)
    assert [r.id for r in records] == ["activities/good"]
    assert topics.data == {"fine-motor": {"name": "F", "description": "D"}}
    assert [str(e) for e in errors] == [
        "data/activities/Bad Name.yml: the file name 'Bad Name.yml' must be a slug: lower-case letters and "
        "digits joined by single hyphens, e.g. 'shoe-tying.yml'",
        "data/activities/one.yml:2:1: title: 'title' is given twice (first on line 1); keep one, since YAML "
        "would silently use only the last",
        "data/activities/two.yaml: record files end in .yml; rename it to 'two.yml'",
        "data/misplaced.yml: records live in data/articles/, data/research/, data/activities/ or data/milestones/; move this "
        "file into one of them",
    ]


def test_a_record_cache_survives_json_and_parses_only_changed_files(tmp_path):
    path = tmp_path / "record.yml"
    path.write_text("title: Peg game\nsteps:\n  - Pick up a peg.\n", encoding="utf-8")
    first = RecordCache()
    parsed = read_yaml(path, "data/activities/record.yml", first)
    first.dump(tmp_path / "records.json", "code-1")

    assert RecordCache.load(tmp_path / "records.json", "code-2").parsed == {}  # other code: start afresh
    again = RecordCache.load(tmp_path / "records.json", "code-1")
    assert again.parsed["data/activities/record.yml"][1][1].read is None  # positions: read again only when asked
    assert read_yaml(path, "data/activities/record.yml", again) == parsed  # data and positions alike
    path.write_text("title: Peg game, edited\n", encoding="utf-8")
    assert read_yaml(path, "data/activities/record.yml", again)[0] == {"title": "Peg game, edited"}
    shown = "data/activities/record.yml"
    again.warnings[shown] = (again.parsed[shown][0], [])
    warning = RecordError(shown, 1, 8, "title", "reads hard", severity="warning")
    assert again.remember_warnings(shown, lambda: [warning]) == []  # kept: the bytes are the same
    path.write_text("title: Peg game, edited again\n", encoding="utf-8")
    read_yaml(path, shown, again)
    assert again.remember_warnings(shown, lambda: [warning]) == [warning]  # changed: measured again
    again.dump(tmp_path / "records.json", "code-1")
    assert RecordCache.load(tmp_path / "records.json", "code-1").warnings[shown][1] == [warning]


def test_a_record_cache_keeps_the_positions_a_build_looked_up(tmp_path):
    """A warning's line in an unchanged file comes from records.json: the file is not parsed again
    (2,144 files were at 10,000 records). A position not looked up before is read from the file."""
    path, shown = tmp_path / "record.yml", "data/activities/record.yml"
    path.write_text("title: Peg game\nsteps:\n  - Pick up a peg.\n", encoding="utf-8")
    first = RecordCache()
    positions = read_yaml(path, shown, first)[1]
    assert position(positions, ("steps", 0)) == (3, 5)
    assert position(positions, ("summary", "x")) == (1, 1)  # no such field: the record's first line
    first.dump(tmp_path / "records.json", "code-1")

    again = RecordCache.load(tmp_path / "records.json", "code-1")
    kept = read_yaml(path, shown, again)[1]
    assert (position(kept, ("steps", 0)), position(kept, ("summary", "x"))) == ((3, 5), (1, 1))
    assert kept.read is None  # answered from what the first build looked up
    assert position(kept, ("steps",)) == (2, 1) and kept.read is not None  # not looked up before: read


def test_a_record_cache_copies_the_lines_of_unchanged_files(tmp_path):
    """A warm build writes records.json again after one file changed: the line of a file whose bytes,
    warnings and looked-up positions are as read is copied from the file read, the others encoded
    again, and the file is what a dump from scratch writes."""
    names = ("changed", "warned", "looked-up", "same")
    shown = {name: f"data/activities/{name}.yml" for name in names}
    for name in names:
        (tmp_path / f"{name}.yml").write_text(f"title: {name}\nsteps:\n  - Pick up a peg.\n", encoding="utf-8")
    first = RecordCache()
    for name in names:
        read_yaml(tmp_path / f"{name}.yml", shown[name], first)
    first.dump(tmp_path / "records.json", "code")

    with (tmp_path / "records.json").open("rb") as lines:
        again = RecordCache.from_lines(lines, "code")
    (tmp_path / "changed.yml").write_text("title: changed again\n", encoding="utf-8")
    for name in names:
        read_yaml(tmp_path / f"{name}.yml", shown[name], again)
    warning = RecordError(shown["warned"], 1, 8, "title", "reads hard", severity="warning")
    again.remember_warnings(shown["warned"], lambda: [warning])
    position(again.parsed[shown["looked-up"]][1][1], ("steps", 0))

    class Copied:  # the records file read, noting what is copied from it
        def __init__(self, file):
            self.file, self.reads = file, []

        def seek(self, at):
            self.file.seek(at)

        def read(self, length):
            self.reads.append(self.file.read(length))
            return self.reads[-1]

    with (tmp_path / "records.json").open("rb") as previous:
        copied = Copied(previous)
        again.dump(tmp_path / "records.new", "code", copied)
    again.dump(tmp_path / "records.fresh", "code")
    assert [json.loads(line)[0] for line in copied.reads] == [shown["same"]]
    assert (tmp_path / "records.new").read_bytes() == (tmp_path / "records.fresh").read_bytes()


def test_a_cache_skips_reading_a_file_whose_stat_is_unchanged(tmp_path, monkeypatch):
    """`mkdocs serve` re-checks 10,000 files per save: an unchanged one (size, times, inode, and
    last changed over two seconds before it was parsed) is not read again; any save is."""
    import os
    path = tmp_path / "a.yml"
    path.write_text("title: One\n")
    long_ago = 1_700_000_000_000_000_000
    os.utime(path, ns=(long_ago, long_ago))
    cache = RecordCache()
    assert read_yaml(path, "data/a.yml", cache)[0] == {"title": "One"}
    with monkeypatch.context() as patched:
        patched.setattr(os, "open", lambda *args: (_ for _ in ()).throw(AssertionError("read again")))
        assert read_yaml(path, "data/a.yml", cache)[0] == {"title": "One"}
    path.write_text("title: Two\n")  # same size; put the old time back, as a coarse file system might
    os.utime(path, ns=(long_ago, long_ago))
    assert read_yaml(path, "data/a.yml", cache)[0] == {"title": "Two"}  # its ctime moved
    path.write_text("title: Six\n")  # a save just after parsing is always read
    assert read_yaml(path, "data/a.yml", cache)[0] == {"title": "Six"}


def test_a_cache_keeps_what_load_records_made_of_a_file_while_its_stat_is_unchanged(tmp_path, monkeypatch):
    """A serve save loads 10,000 files: an unchanged one (its lstat as when loaded, and last changed
    over two seconds before) gives the same record without being looked at again; a saved one is
    loaded again, and a file saved just after loading is always loaded again."""
    import os
    from otkb.content import load as load_module

    data = tmp_path / "data"
    (data / "activities").mkdir(parents=True)
    (data / "activities/bad-name_.yml").write_text("title: x\n")  # its error is kept too
    path = data / "activities/a.yml"
    path.write_text("title: One\n")
    long_ago = 1_700_000_000_000_000_000
    for file in (path, data / "activities/bad-name_.yml"):
        os.utime(file, ns=(long_ago, long_ago))
    cache = RecordCache()
    records, _, errors = load_records(data, tmp_path, cache=cache)
    assert [r.data for r in records] == [{"title": "One"}] and len(errors) == 1
    with monkeypatch.context() as patched:
        patched.setattr(load_module, "display_path", lambda *args: (_ for _ in ()).throw(AssertionError("looked at")))
        again, _, errors_again = load_records(data, tmp_path, cache=cache)
    assert again == records and again[0] is records[0] and errors_again == errors
    path.write_text("title: Two\n")  # same size; its ctime moved
    os.utime(path, ns=(long_ago, long_ago))
    assert [r.data for r in load_records(data, tmp_path, cache=cache)[0]] == [{"title": "Two"}]
    path.write_text("title: Six\n")  # saved now: loaded again next time whatever its stat
    assert [r.data for r in load_records(data, tmp_path, cache=cache)[0]] == [{"title": "Six"}]
    path.write_text("title: Ten\n")
    assert [r.data for r in load_records(data, tmp_path, cache=cache)[0]] == [{"title": "Ten"}]


def test_a_cache_keeps_the_list_of_files_while_no_folder_changed(tmp_path, monkeypatch):
    """A serve save lists 10,000 files: while no folder under data/ changed (and none had changed
    within two seconds of being listed) the last list stands; a file added anywhere is listed."""
    import os
    from otkb.content.load import record_paths

    data = tmp_path / "data"
    (data / "activities").mkdir(parents=True)
    (data / "activities/a.yml").write_text("title: One\n")
    long_ago = 1_700_000_000_000_000_000
    for folder in (data, data / "activities"):
        os.utime(folder, ns=(long_ago, long_ago))
    cache = RecordCache()
    first = record_paths(data, cache)
    assert [p.name for p in first] == ["a.yml"]
    with monkeypatch.context() as patched:
        patched.setattr(os, "walk", lambda *args, **kwargs: (_ for _ in ()).throw(AssertionError("listed again")))
        assert record_paths(data, cache) is first
    (data / "activities/b.yml").write_text("title: Two\n")
    assert [p.name for p in record_paths(data, cache)] == ["a.yml", "b.yml"]
    (data / "activities/c.yml").write_text("title: Six\n")  # its folder changed just before the last listing
    assert [p.name for p in record_paths(data, cache)] == ["a.yml", "b.yml", "c.yml"]

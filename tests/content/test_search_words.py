"""`data/search.yml`: words that would break search stop the check, naming the file, the line and the field,
all in one run; the new keys (synonyms, out_of_scope) are read."""

from conftest import copy_project, write
from otkb.content.pipeline import build_library

BAD = """\
ages:
  toddler: {min: 12 months, max: 3 years}
  the little ones: {min: 1 year, max: 2 years}
  school-age: {min: 5 years, max: 12 years}
  <b>baby</b>: {min: 0 months, max: 1 year}
  '-': {min: 0 months, max: 1 year}
ignore:
  - child
  - fine
  - Motor
  - skills
  - hand
  - two words
synonyms:
  - [treatment, therapy]
  - [therapy, intervention]
  - [lonely]
  - [child, kid]
out_of_scope:
  - talking
  - <script>
"""


def errors_of(tmp_path, text: str) -> list[str]:
    project = copy_project(tmp_path / "project")
    write(project / "data/search.yml", text)
    library, errors = build_library(project)
    assert (library is None) == bool(errors)
    return [str(error) for error in errors]


def test_words_that_would_break_search_are_errors_naming_file_line_and_field(tmp_path):
    messages = errors_of(tmp_path, BAD)
    expected = [  # (line, field, words of the message)
        (3, "ages.the little ones", "'the' is a word search always leaves out"),
        (4, "ages.school-age", "holds '-'; search words are written with letters and spaces only"),
        (5, "ages.<b>baby</b>", "looks like HTML"),
        (6, "ages.-", "holds '-'"),
        (9, "ignore[2]", "'fine' is a word of the topic fine-motor's name 'Fine motor skills'"),
        (10, "ignore[3]", "'Motor' is a word of the topic"),
        (11, "ignore[4]", "'skills' is a word of the topic"),
        (12, "ignore[5]", "alias 'hand skills'"),
        (13, "ignore[6]", "is more than one word"),
        (16, "synonyms[2][1]", "'therapy' is also in the group on line 15"),
        (17, "synonyms[3]", "needs at least two words searched as one, but received 1"),
        (18, "synonyms[4][1]", "'child' is a word search leaves out"),
        (21, "out_of_scope[2]", "looks like HTML"),
    ]
    for line, field, words in expected:
        assert any(m.startswith(f"data/search.yml:{line}:") and f": {field}: " in m and words in m
                   for m in messages), (line, field, messages)
    assert len(messages) == len(expected), messages


def test_good_words_are_read_with_synonyms_and_out_of_scope(tmp_path):
    project = copy_project(tmp_path / "project")
    write(project / "data/search.yml", "ages:\n  school age: {min: 5 years, max: 12 years}\nignore: [child]\n"
          "synonyms:\n  - [treatment, therapy]\nout_of_scope: [sleep, हिंदी]\n")
    library, errors = build_library(project)
    assert errors == []
    assert library.search_words.synonyms == [["treatment", "therapy"]]
    assert library.search_words.out_of_scope == ["sleep", "हिंदी"]

"""What one record can add to the search index is bounded (otkb.content.search_text.MAX_WORDS_PER_PAGE): the
index keeps a page's strongest words, and `otkb check` warns about a record with more, naming file, line, field."""

import datetime as dt
import itertools
import json
import string

from conftest import copy_project, write
from otkb.content.pipeline import check_library
from otkb.content.search_text import MAX_WORDS_PER_PAGE
from otkb.site.search_shards import write_shards


def made_up_words(count: int) -> list[str]:
    """`count` different words of letters only ('qaab', 'qaac', ...)."""
    letters = itertools.product(string.ascii_lowercase, repeat=3)
    return ["q" + "".join(next(letters)) for _ in range(count)]


def test_one_page_adds_at_most_the_limit_of_words_and_keeps_its_title(tmp_path):
    words = made_up_words(MAX_WORDS_PER_PAGE * 2)
    docs = [{"location": "big/", "title": "Zebra crossing", "text": " ".join(words)},
            {"location": "small/", "title": "Pegs", "text": "Pegs and plates."}]
    write_shards(tmp_path, {"fields": {"title": {"boost": 1000}}}, docs, {"finder": ["a/", "b"]})
    shards = {path.name: json.loads(path.read_text()) for path in (tmp_path / "t").iterdir()}
    indexed = {term for shard in shards.values() for term in shard}
    assert len(indexed - {"pegs", "and", "plates"}) == MAX_WORDS_PER_PAGE
    assert {"zebra", "crossing"} <= indexed  # the title's words are the strongest
    assert len(shards) <= MAX_WORDS_PER_PAGE + 3


def test_a_record_with_more_words_than_search_keeps_gets_a_warning_naming_file_line_and_field(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / "data/articles/hand-skills-at-home.yml"
    text = path.read_text(encoding="utf-8")
    words = made_up_words(MAX_WORDS_PER_PAGE + 10)
    paragraphs = "\n\n".join("  " + " ".join(words[at:at + 40]) for at in range(0, len(words), 40))
    write(path, text.replace("body: |\n", f"body: |\n{paragraphs}\n\n", 1))
    library, errors, warnings = check_library(project, today=dt.date(2026, 7, 1))
    assert errors == []
    [warning] = [str(w) for w in warnings if "different words" in str(w)]
    assert warning.startswith("data/articles/hand-skills-at-home.yml:10:") and ": body: warning: " in warning
    assert f"search keeps {MAX_WORDS_PER_PAGE:,} for one page" in warning and "shorten 'body'" in warning

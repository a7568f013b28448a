"""One tokenizer: the index (otkb.content.search_text) and the shipped worker split and fold words the same way,
tested against one table (tests/search_tokens.json) that both read; and words in any script are found."""

import json
import shutil
import subprocess

import pytest

from conftest import TESTS
from otkb.content.search_text import html_words, words
from test_search_queries import worker_on

HERE = TESTS
TABLE = json.loads((HERE / "search_tokens.json").read_text(encoding="utf-8"))
IDS = [row["about"] for row in TABLE]


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_the_index_splits_and_folds_words_as_the_table_says(row):
    assert (html_words(row["html"]) if "html" in row else words(row["text"])) == row["words"]


def test_ascii_text_is_split_as_the_full_pattern_splits_it():
    """`words` takes a shorter pattern for ASCII text; it must find what the full one finds."""
    import itertools

    from otkb.content.search_text import _WORD, fold

    ascii_chars = "".join(map(chr, range(128)))
    texts = [ascii_chars, *("".join(pair) for pair in itertools.product(ascii_chars, repeat=2)),
             "Don't stop_now: 42% of 3-4 year-olds, e.g. A1b2 x_y\tz"]
    for text in texts:
        assert words(text) == _WORD.findall(fold(text)), repr(text)


@pytest.fixture(scope="module")
def worker_words():
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    result = subprocess.run(["node", str(HERE / "search_worker.mjs"), "--tokens", str(HERE / "search_tokens.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("at", range(len(TABLE)), ids=IDS)
def test_the_worker_splits_and_folds_words_as_the_table_says(worker_words, at):
    assert worker_words[at] == TABLE[at]["words"]


def test_words_in_every_script_are_found(tmp_path):
    docs = [{"location": "hi/", "title": "खेल", "text": "हिंदी में खेल"},
            {"location": "ta/", "title": "விளையாட்டு", "text": "விளையாட்டு நேரம்"},
            {"location": "ar/", "title": "اَللَّعِبُ", "text": "اَللَّعِبُ بِالْكُرَةِ"},
            {"location": "zh/", "title": "手指游戏", "text": "孩子们喜欢手指游戏"},
            {"location": "fr/", "title": "Crème", "text": "Jeux de café"}]
    queries = {"हिंदी": "hi/", "खेल": "hi/", "விளையாட்டு": "ta/", "اللعب": "ar/", "بالكرة": "ar/",
               "游戏": "zh/", "cafe": "fr/", "café": "fr/", "creme": "fr/"}
    answers = worker_on(tmp_path, docs, list(queries))
    for query, location in queries.items():
        found = [r["location"] for r in answers[query]["results"]]
        assert found == [location], (query, answers[query]["results"])


def test_a_query_is_text_never_markup(tmp_path):
    """`<b>` and `&amp;lt;` are the characters typed: searched as words, and when no page has them the
    note says so, never an empty list; quotes are ignored."""
    docs = [{"location": "a/", "title": "Pencil grip", "text": "Hold the pencil &amp; draw."},
            {"location": "b/", "title": "Bold &lt;b&gt; tags", "text": "About &lt;b&gt;."}]
    answers = worker_on(tmp_path, docs, ["<i>", "&amp;lt;", "\"pencil grip\"", "<b>", "&quot;"])
    for query in ("<i>", "&amp;lt;", "&quot;"):
        assert answers[query]["results"] == [] and "none" in answers[query]["note"], answers[query]
    assert [r["location"] for r in answers["\"pencil grip\""]["results"]] == ["a/"]
    assert [r["location"] for r in answers["<b>"]["results"]] == ["b/"]

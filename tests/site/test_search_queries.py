"""Parents' searches (tests/search_queries.yml) through the site's search worker, as shipped, in node.

The worker runs against the built sample site's index files (tests/search_worker.mjs feeds it the files
it fetches), so what is tested is the ranking the browser runs, not a copy of it in Python.
"""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, TESTS
from otkb.site.search_shards import write_shards

HERE = TESTS
QUERIES = yaml.safe_load((HERE / "search_queries.yml").read_text(encoding="utf-8"))


def run_worker(site: Path, queries: list[str]) -> dict[str, dict]:
    """{query: what the worker answered (tests/search_worker.mjs)}."""
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    result = subprocess.run(["node", str(HERE / "search_worker.mjs"), str(site), json.dumps(queries)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return {answer["query"]: answer for answer in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def answers(sample_site):
    return run_worker(sample_site, [case["query"] for case in QUERIES])


def test_there_are_at_least_fifty_parents_queries():
    assert len(QUERIES) >= 50


def checklist_of(location: str) -> str:
    """The address of the full checklist a milestone record credits (its `source.url`)."""
    record = yaml.safe_load((PROJECT / "data" / f"{location.rstrip('/')}.yml").read_text(encoding="utf-8"))
    return record["source"]["url"]


@pytest.mark.parametrize("case", QUERIES, ids=[case["query"] for case in QUERIES])
def test_a_parents_query_gets_a_useful_first_result_or_the_scope_note(answers, case):
    """`expect`: a page among the first three; `note`: the notes shown above the results (partial: no page
    has every word; scope: what the site covers, with `milestone` the page it points to); no note but
    scope means a page has every word. No query dead-ends: it gets results or the scope note."""
    answer = answers[case["query"]]
    results, note = answer["results"], answer["note"]
    top = [r["location"] for r in results[:3]]
    if "expect" in case:
        assert case["expect"] in top, (top, note)
    assert set(note) - {"query"} == set(case.get("note", "").split()), note
    assert results or "scope" in note, note
    if "partial" in note:
        assert note["partial"]["pages"] == len(results)  # the count tells the truth
    if "scope" in note:
        milestone = case.get("milestone")
        assert (note["scope"]["milestone"] or [None])[0] == milestone, note
        assert note["scope"]["checklist"] == (checklist_of(milestone) if milestone else None)


def test_pages_for_editors_rank_below_content_pages(answers, sample_site):
    results = run_worker(sample_site, ["play dough", "buttoning"])
    shown = 0
    for answer in results.values():
        locations = [r["location"] for r in answer["results"]]
        if "editors/" in locations:  # a query that matches more than a page of content may not reach it
            shown += 1
            assert locations[-1] == "editors/", locations
    assert shown, results


def test_a_query_fetches_only_the_files_it_needs(sample_site):
    first, again = run_worker(sample_site, ["scissors", "scissors grip"]).values()
    assert first["fetched"][:2] == ["search/meta.json", "search/t/sci.json"]
    assert all(f.startswith(("search/t/", "search/d/")) for f in first["fetched"][2:]), first["fetched"]
    assert again["fetched"][0] == "search/t/gri.json"  # meta.json and the "sci" shard were fetched already
    assert "search/t/sci.json" not in again["fetched"] and "search/meta.json" not in again["fetched"]


def worker_on(tmp_path: Path, docs: list[dict], queries: list[str]) -> dict[str, dict]:
    """The shipped worker over an index of `docs` alone."""
    site = tmp_path / "site"
    (site / "assets/javascripts").mkdir(parents=True)
    shutil.copy(PROJECT / "overrides/assets/javascripts/search-worker.js", site / "assets/javascripts")
    write_shards(site / "search", {"fields": {"title": {"boost": 1000}, "text": {"boost": 1}}}, docs,
                 {"finder": ["activities/", "activity finder"], "ages": {}, "ignore": []})
    return run_worker(site, queries)


def test_marks_never_break_escaped_text(tmp_path):
    """The worker only adds <mark> around whole words: never inside &amp; or a tag Material kept (<li>)."""
    docs = [{"location": "a/", "title": "Tom &amp; Jerry &lt;b&gt;amp&lt;/b&gt;",
             "text": "<ul><li>&quot;lt&quot; and li gt</li></ul>"}]
    answers = worker_on(tmp_path, docs, ["amp", "lt", "li", "gt", "b", "quot", "x27"])
    for query in ("amp", "lt", "li", "gt"):
        [result] = answers[query]["results"]
        [shown] = result["html"]
        assert html.unescape(re.sub(r"<[^>]*>", "", shown)) == 'Tom & Jerry <b>amp</b>|"lt" and li gt', query
        assert set(re.findall(r"</?(\w+)", shown)) <= {"mark", "ul", "li"}, (query, shown)
    for query in ("quot", "x27"):  # in the escaped text, not in what a reader sees
        assert answers[query]["results"] == [] and "none" in answers[query]["note"]
    assert answers["li"]["results"][0]["html"][0].endswith("<li>&quot;lt&quot; and <mark>li</mark> gt</li></ul>")


def test_a_long_text_shows_the_part_that_matched(tmp_path):
    text = " ".join(["Pegs and plates."] * 60) + " Finally, tidy away the scissors."
    [result] = worker_on(tmp_path, [{"location": "a/", "title": "A", "text": text}], ["scissors"])["scissors"]["results"]
    assert result["html"][0].startswith("A|… ") and result["html"][0].endswith("tidy away the <mark>scissors</mark>.")


def test_a_scope_note_names_the_milestone_page_as_plain_text_and_links_its_checklist(tmp_path):
    """The note's words come from meta.json as data (search-config.js sets them with textContent), so a
    title is never escaped twice or read as markup."""
    docs = [{"location": "m/2/", "title": "At 2 years &amp; more", "text": "Talks in short &lt;b&gt;phrases&lt;/b&gt;."}]
    site = tmp_path / "site"
    (site / "assets/javascripts").mkdir(parents=True)
    shutil.copy(PROJECT / "overrides/assets/javascripts/search-worker.js", site / "assets/javascripts")
    write_shards(site / "search", {}, docs, {
        "finder": ["activities/", "activity finder"], "ages": {}, "ignore": [], "page_ages": {"m/2/": (24, 24)},
        "milestones": [[24, "m/2/", "At 2 years & <b>more</b>", "https://example.org/2y"]],
        "synonyms": [["talking", "talks"]], "out_of_scope": ["talking"]})
    answer = run_worker(site, ["my 2 year old is not talking"])["my 2 year old is not talking"]
    assert [r["location"] for r in answer["results"]] == ["m/2/"]
    assert answer["note"]["scope"] == {"words": ["talking"], "milestone": ["m/2/", "At 2 years & <b>more</b>"],
                                       "checklist": "https://example.org/2y", "milestones": None}

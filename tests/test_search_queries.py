"""Parents' searches (tests/search_queries.yml) through the site's search worker, as shipped, in node.

The worker runs against the built sample site's index files (tests/search_worker.mjs feeds it the files
it fetches), so what is tested is the ranking the browser runs, not a copy of it in Python.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).parent
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


def test_there_are_at_least_twenty_parents_queries():
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("case", QUERIES, ids=[case["query"] for case in QUERIES])
def test_a_parents_query_finds_its_page_in_the_top_three(answers, case):
    results = answers[case["query"]]["results"]
    if case["expect"] == "no result":
        assert results and results[0]["none"], results  # the notice, then only topics to try
        assert all(r["location"].startswith("topics/") for r in results[1:]), results
    else:
        top = [r["location"] for r in results[:3]]
        assert case["expect"] in top, results
        assert not results[0]["none"]


def test_pages_for_editors_rank_below_content_pages(answers, sample_site):
    results = run_worker(sample_site, ["play dough", "buttoning"])
    for answer in results.values():
        locations = [r["location"] for r in answer["results"]]
        assert "editors/" in locations and locations[-1] == "editors/", locations


def test_a_query_fetches_only_the_files_it_needs(sample_site):
    first, again = run_worker(sample_site, ["scissors", "scissors grip"]).values()
    assert first["fetched"][:2] == ["search/meta.json", "search/t/sci.json"]
    assert all(f.startswith(("search/t/", "search/d/")) for f in first["fetched"][2:]), first["fetched"]
    assert again["fetched"][0] == "search/t/gri.json"  # meta.json and the "sci" shard were fetched already
    assert "search/t/sci.json" not in again["fetched"] and "search/meta.json" not in again["fetched"]

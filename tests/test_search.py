"""Search entries of the generated pages: made from the records, escaped, sorted; and in a real build."""

import dataclasses
import html
import json
import re

import pytest

from conftest import build, copy_project
from live_markup import live_payloads
from otkb.content.kinds import KINDS
from otkb.host.search_index import add_entries
from otkb.site.search import record_entries, search_entries

HOSTILE = '<img src=x onerror=alert(1)> Tom & "Jerry" <b>it\'s</b>'


@pytest.fixture(scope="module")
def entries(library):
    return {entry["location"]: entry for entry in search_entries(library)}


def test_an_activity_is_found_by_its_fields_under_the_headings_of_its_page(entries):
    assert entries["activities/peg-game/"] == {
        "location": "activities/peg-game/", "title": "Peg game",
        "text": "Clip clothes pegs onto a paper plate to build pinch strength. "
                "Ages 30 months–6 years · Time 10 minutes · Where Home, school. Pom-poms are a choking hazard.",
        "tags": ["Fine motor skills", "Hand strength", "Grasp"],  # its topics, shown under the result
        "aliases": ["hand skills", "pencil grip"]}  # its topics' aliases, and the broader topics'
    assert entries["activities/peg-game/#what-you-need"] == {
        "location": "activities/peg-game/#what-you-need", "title": "What you need",
        "text": "Clothes pegs, A paper plate"}
    assert entries["activities/peg-game/#steps"]["text"] == (
        "Draw dots around the plate. Clip a peg onto each dot. Take the pegs off one by one.")  # Markdown as text
    assert entries["activities/peg-game/#make-it-easier-or-harder"]["text"] == (
        "Use big plastic pegs. Pick up pom-poms with a peg.")


def test_a_research_card_is_found_by_its_study_findings_and_takeaways(entries):
    page = entries["research/smith-2020-pegs/"]
    assert page["text"] == ("A small trial of clothes-peg games at home. Randomised controlled trial · Children aged "
                            "4 to 6 in two preschools · 40 children. Smith, J., &amp; Okafor, N. (2020). Peg games at "
                            "home. Journal of Hand Play, 12(3), 45–52. https://doi.org/10.5555/otkb.2020.0001")
    assert entries["research/smith-2020-pegs/#key-findings"]["text"] == (
        "Pinch strength improved after six weeks. Children who were born preterm · improved the most.")
    assert entries["research/smith-2020-pegs/#for-therapists"]["text"] == "Peg games make an easy home programme."
    assert entries["research/smith-2020-pegs/#for-parents"]["text"] == (
        "A few minutes of peg games a day counts as practice.")


def test_an_article_is_one_entry_with_its_body_and_answers(entries):
    article = [location for location in entries if location.startswith("articles/hand-skills-at-home/")]
    assert article == ["articles/hand-skills-at-home/"]  # its headings' anchors are the editor's
    assert entries[article[0]]["text"].endswith(
        "Why small games help A few minutes with pegs or playdough each day adds up. Pegs Paint · "
        "How long should we play? Five to ten minutes is plenty.")


def test_listings_and_topic_pages_are_found_by_name_description_and_aliases(entries):
    assert entries["articles/"] == {"location": "articles/", "title": "Articles",
                                    "text": html.escape(KINDS["articles"].description)}
    assert entries["topics/grasp/"] == {"location": "topics/grasp/", "title": "Grasp",
                                        "text": "How a child holds a pencil or crayon.", "tags": ["pencil grip"]}
    assert entries["topics/"]["title"] == "Topics"
    # The lists of records on these pages are not indexed again: each record has its own entries.
    assert "Peg game" not in json.dumps([entries["activities/"], entries["topics/grasp/"]])


def test_entries_are_sorted_and_the_same_every_time(library):
    entries = search_entries(library)
    locations = [entry["location"] for entry in entries]
    assert locations == sorted(locations) and len(set(locations)) == len(locations)
    assert json.dumps(search_entries(library)) == json.dumps(entries)


def test_every_value_is_escaped_text(library):
    record = library.records["activities/peg-game"]
    data = record.data.model_copy(update={
        "title": HOSTILE, "summary": HOSTILE, "materials": [HOSTILE],
        "steps": ["<script>alert(1)</script> Clip *the* peg.", "Use `<b>` &amp; [a link](javascript:alert(1))."]})
    entries = record_entries(dataclasses.replace(record, data=data), library, ["&lt;i&gt;"])
    assert entries[0]["title"] == html.escape(HOSTILE)
    assert entries[1]["text"] == html.escape(HOSTILE)  # what you need
    assert entries[2]["text"] == "Clip the peg. Use &lt;b&gt; &amp; a link."  # steps: as the page shows them
    strings = [s for entry in entries for value in entry.values() for s in (value if isinstance(value, list) else [value])]
    assert not [s for s in strings if "<" in s or live_payloads(s, None)]


def test_entries_join_materials_index_after_the_hand_written_pages(tmp_path):
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": {"fields": {"title": {"boost": 1000}}}, "docs": [
        {"location": "", "title": "Home", "text": ""}, {"location": "#start", "title": "Start", "text": "<p>Hi</p>"},
        {"location": "activities/x/", "title": "Parsed by Material", "text": ""}]}))
    add_entries(index, [{"location": "activities/x/", "title": "X", "text": "Ages 3–7"},
                        {"location": "activities/x/#steps", "title": "Steps", "text": "Clip."}])
    data = json.loads(index.read_text(encoding="utf-8"))
    assert data["config"] == {"fields": {"title": {"boost": 1000}}}
    assert [(doc["location"], doc["title"]) for doc in data["docs"]] == [
        ("", "Home"), ("#start", "Start"), ("activities/x/", "X"), ("activities/x/#steps", "Steps")]
    assert "Ages 3–7" in index.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("search") / "project")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_built_index_holds_our_entries_for_generated_pages_and_materials_for_the_rest(site, library):
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    ours = search_entries(library)
    assert docs[-len(ours):] == ours  # nothing Material parsed from a record, listing or topic page
    assert {doc["location"] for doc in docs[:-len(ours)]} >= {"", "editors/"}  # the hand-written pages


def test_every_anchor_in_the_index_is_on_its_page(site, library):
    for entry in search_entries(library):
        page, _, anchor = entry["location"].partition("#")
        if anchor:
            assert f'id="{anchor}"' in (site / page / "index.html").read_text(encoding="utf-8"), entry["location"]


def test_pages_search_with_the_sites_worker(site):
    page = (site / "activities/peg-game/index.html").read_text(encoding="utf-8")
    assert re.search(r'config\.search = "\.\./\.\./assets/javascripts/search-worker\.js"', page)
    assert (site / "assets/javascripts/search-worker.js").is_file()

"""Search that speaks parents' words: Material's search over the built index, in a real browser."""

import re
from urllib.parse import quote

import pytest
import yaml

from conftest import PROJECT

from .conftest import _screenshots_module, axe_violations, new_page


def search(page, site_url, query) -> list[str]:
    """Type into the site's search box; the titles of the pages found, best first."""
    page.goto(site_url)
    page.locator(".md-search__input").click()
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item")
    titles = page.locator(".md-search-result__item > .md-search-result__link h1")
    # The search worker answers each keystroke; read the list once it has stopped changing.
    seen = None
    for _ in range(50):
        page.wait_for_timeout(150)
        current = titles.all_inner_texts()
        if current == seen:
            return current
        seen = current
    return seen


def test_a_term_from_a_finding_finds_the_research_card(page, site_url):
    titles = search(page, site_url, "bronchopulmonary")
    assert titles[0] == "Fine motor skills in children born preterm (Bos et al., 2013)"


def test_a_lay_alias_finds_the_clinical_topic(page, site_url):
    """'pencil grip' is an alias of the topic 'Grasp': every grasp activity comes up."""
    titles = search(page, site_url, "pencil grip")
    for title in ("Peg pinch game", "Tiny crayon drawing to practise a pencil grip",
                  "Scoop and spear snack game", "Tear and scrunch paper collage"):
        assert title in titles, titles


@pytest.mark.parametrize("query, expected", [
    ("preemie", "Fine motor skills in children born preterm (Bos et al., 2013)"),  # alias of preterm birth
    ("utensils", "Scoop and spear snack game"),  # alias of feeding
    ("dexterity", "Peg pinch game"),  # alias of fine motor skills
    ("tying shoes", "Dressing"),  # alias of the topic, whose page lists the dressing activities
])
def test_a_lay_word_that_no_page_contains_finds_records_through_topic_aliases(page, site_url, query, expected):
    titles = search(page, site_url, query)
    assert expected in titles, titles


def test_titles_rank_first(page, site_url):
    """'Hopscotch' is in one title and in other pages' text: the title wins."""
    assert search(page, site_url, "hopscotch")[0] == "Hopscotch hopping game"
    assert search(page, site_url, "catching")[0] == "Catching practice, from scarf to ball"


def result_links(page) -> list[tuple[str, str]]:
    """(address, heading) of every page and section in the results, "more on this page" folded or not."""
    return [(link.get_attribute("href"), link.locator("h1, h2").first.text_content())
            for link in page.locator(".md-search-result__link").all()]


def test_part_of_a_word_finds_it_marked_and_completed(page, site_url):
    """Results come while typing: 'hopsc' finds Hopscotch, marks the word and offers to complete it."""
    assert search(page, site_url, "hopsc")[0] == "Hopscotch hopping game"
    assert page.locator(".md-search-result__item h1").first.inner_html() == "<mark>Hopscotch</mark> hopping game"
    assert page.locator(".md-search__suggest").inner_text() == "hopscotch"


def test_a_match_in_the_steps_links_to_the_steps(page, site_url):
    search(page, site_url, "coloured dots")
    links = result_links(page)
    assert any(href.startswith(f"{site_url}activities/peg-pinch-game/?h=") and href.endswith("#steps")
               and heading == "Steps" for href, heading in links), links


def test_plus_and_minus_words_keep_or_leave_out_pages(page, site_url):
    assert "Tiny crayon drawing to practise a pencil grip" in search(page, site_url, "pencil grip")
    without = search(page, site_url, "pencil grip -crayons")
    assert "Tiny crayon drawing to practise a pencil grip" not in without and "Peg pinch game" in without
    assert search(page, site_url, "+pencil +crayons")[0] == "Tiny crayon drawing to practise a pencil grip"


@pytest.mark.parametrize("query, expected", [
    ("pencil grip", "Tiny crayon drawing to practise a pencil grip"),  # the exact phrase first
    ("4 year old", "Tiny crayon drawing to practise a pencil grip"),  # an age: activities for it
    ("dyspraxia", "Developmental coordination disorder (dyspraxia)"),  # a lay word: a topic's alias
    ("sissors", "Snip the strips"),  # one typing slip
])
def test_parents_words_typed_key_by_key_find_the_page(page, site_url, query, expected):
    assert expected in search(page, site_url, query)[:3]


def note_of(page, saying: str = ""):
    """The note above the results, once drawn for the last keystroke (one `saying` it, when given):
    (its text, [(address, link text)])."""
    note = page.locator(".md-search-result .otkb-search-note", has_text=saying)
    note.wait_for()
    links = [(a.get_attribute("href"), a.inner_text()) for a in note.locator("a").all()]
    return " ".join(note.inner_text().split()), links


def test_when_no_page_has_every_word_the_pages_with_most_show_under_a_note_with_a_true_count(page, site_url):
    titles = search(page, site_url, "my 4yo cant hold a pencil properly")
    text, links = note_of(page, "“my 4yo cant hold a pencil properly”")
    count = int(re.search(r"”\. (\d+) pages have some of them", text).group(1))
    assert text == f"No page has every word of “my 4yo cant hold a pencil properly”. {count} pages have some of them, the most words first:"
    assert "Tiny crayon drawing to practise a pencil grip" in titles[:3]
    assert page.locator(".md-search-result__list .otkb-search-note").count() == 0  # a note, not a result
    assert not page.locator(".md-search-result__meta").is_visible()  # Material's "matching documents" gives way
    # Material lists 10 and the rest as one scrolls: all of them are the count the note gives.
    page.locator(".md-search__scrollwrap").evaluate("element => element.scrollTop = element.scrollHeight")
    # a function, not an expression: Playwright polls an expression with eval, which the site's policy refuses
    page.wait_for_function(f"() => document.querySelectorAll('.md-search-result__list > li').length === {count}")


def test_a_question_the_site_does_not_cover_points_to_the_milestones_and_cdcs_checklist_for_that_age(page, site_url):
    titles = search(page, site_url, "my 2 year old isnt talking")
    assert titles[0] == "Milestones at 2 years"
    text, links = note_of(page, "Milestones at 2 years")
    assert text.startswith("This site covers movement, hand skills and self-care, not everything about “talking”.")
    assert (f"{site_url}milestones/2-years/", "Milestones at 2 years") in links
    checklist = yaml.safe_load((PROJECT / "data/milestones/2-years.yml").read_text(encoding="utf-8"))["source"]["url"]
    assert (checklist, "CDC's full milestone checklist for this age") in links  # the record's own address
    assert page.locator(".md-search-result__meta").is_visible()  # every word matched: Material's count is true


def test_a_phrase_nothing_matches_says_so_and_offers_the_finder(page, site_url):
    page.goto(site_url)
    page.locator(".md-search__input").click()
    page.keyboard.type("<i>zqxv</i> &zzq;")
    text, links = note_of(page, "“<i>zqxv</i> &zzq;”")  # typed key by key: the note for the whole query
    assert text.startswith("Nothing on this site matches “<i>zqxv</i> &zzq;”. Try fewer or other words")
    assert page.locator(".otkb-search-note i").count() == 0  # what was typed is shown as text
    assert links == [(f"{site_url}activities/", "activity finder")]
    assert page.locator(".md-search-result__meta").inner_text() == "No matching documents"


def test_opening_a_page_fetches_no_index_until_one_searches(page, site_url):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(site_url)))
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert sorted(url for url in fetched if "search" in url) == [  # the worker and Material's config
        "assets/javascripts/search-config.js", "assets/javascripts/search-worker.js", "search/search_index.json"]
    assert search(page, site_url, "hopscotch")[0] == "Hopscotch hopping game"
    assert {"search/meta.json", "search/t/hop.json"} <= set(fetched)
    # Typing is key by key: a slow machine may also ask for the shard of what was typed so far ("ho").
    shards = [url.rsplit("/", 1)[1].removesuffix(".json") for url in fetched if url.startswith(("search/t/", "search/w/"))]
    assert all("hopscotch".startswith(shard) for shard in shards), shards


# --- the exported site (otkb export, built without hooks) ------------------------------------------

@pytest.fixture(scope="module")
def export_url(exported_sample):
    """The sample content exported with `otkb export` and built by MkDocs with no hooks, served."""
    server = _screenshots_module().serve(exported_sample / "out" / "site")
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("query, expected", [
    ("bronchopulmonary", "Fine motor skills in children born preterm (Bos et al., 2013)"),  # a record's finding
    ("dyspraxia", "Developmental coordination disorder (dyspraxia)"),  # a topic's alias
    ("hopsc", "Hopscotch hopping game"),  # while typing
])
def test_the_exported_site_searches_like_the_hook_build(page, export_url, query, expected):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    assert expected in search(page, export_url, query)[:3]
    assert missing == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notes_above_the_results_pass_axe_light_and_dark(context, site_url, scheme):
    page = new_page(context, color_scheme=scheme)
    for query in ("my 2 year old isnt talking", "toddler behaviour problems", "zqxv"):
        page.goto(f"{site_url}?q={quote(query)}")  # Material opens search with the query
        page.locator(".md-search-result .otkb-search-note").wait_for()
        assert axe_violations(page) == [], query

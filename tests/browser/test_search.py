"""Search that speaks parents' words: Material's search over the built index, in a real browser."""

import pytest


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


def test_a_phrase_the_site_does_not_cover_says_so_and_offers_the_finder(page, site_url):
    titles = search(page, site_url, "toilet training")
    assert titles == ["Nothing on this site matches all of “toilet training”", "Topic: Self-care"]
    assert not page.locator(".md-search-result__meta").is_visible()  # no "2 matching documents"
    notice = page.locator(".md-search-result__link").first
    assert notice.get_attribute("href").startswith(f"{site_url}activities/")
    assert "activity finder" in notice.inner_text()


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

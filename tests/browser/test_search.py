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
    for title in ("Peg pinch game", "Tiny crayon drawing for a better pencil grip",
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

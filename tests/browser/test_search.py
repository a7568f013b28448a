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


def result_links(page) -> list[tuple[str, str]]:
    """(address, heading) of every page and section in the results shown."""
    return [(link.get_attribute("href"), link.locator("h1, h2").first.inner_text())
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
    assert "Tiny crayon drawing for a better pencil grip" in search(page, site_url, "pencil grip")
    without = search(page, site_url, "pencil grip -crayons")
    assert "Tiny crayon drawing for a better pencil grip" not in without and "Peg pinch game" in without
    assert search(page, site_url, '+"pencil grip" +crayons') == ["Tiny crayon drawing for a better pencil grip"]


SEARCH = """async ([url, docs, queries]) => {
  const worker = new Worker(url);
  const reply = () => new Promise(resolve => worker.addEventListener("message", e => resolve(e.data), {once: true}));
  worker.postMessage({type: 0, data: {config: {fields: {title: {boost: 1000}, text: {boost: 1}}}, docs,
                                      options: {suggest: false}}});
  await reply();
  const shown = [];
  for (const query of queries) {
    worker.postMessage({type: 2, data: query});
    const result = (await reply()).data;
    // Render the way Material does (innerHTML), then read back what a reader would see.
    shown.push(result.items.flat().map(item => {
      const element = document.createElement("div");
      element.innerHTML = item.title + "|" + item.text;
      return {html: item.title + "|" + item.text, text: element.textContent,
              tags: [...element.querySelectorAll("*")].map(child => child.tagName)};
    }));
  }
  worker.terminate();
  return shown;
}"""


def test_marks_never_break_escaped_text(page, site_url):
    """The worker only adds <mark> around whole words: never inside &amp; or a tag Material kept (<li>)."""
    page.goto(site_url)
    docs = [{"location": "a/", "title": "Tom &amp; Jerry &lt;b&gt;amp&lt;/b&gt;",
             "text": "<ul><li>&quot;lt&quot; and li gt</li></ul>"}]
    for query in ("amp", "lt", "li", "gt", "b", "quot", "x27"):
        [shown] = page.evaluate(SEARCH, [site_url + "assets/javascripts/search-worker.js", docs, [query]])
        for result in shown:
            assert result["text"] == 'Tom & Jerry <b>amp</b>|"lt" and li gt', (query, result)
            assert set(result["tags"]) <= {"MARK", "UL", "LI"}, (query, result)
    [[result]] = page.evaluate(SEARCH, [site_url + "assets/javascripts/search-worker.js", docs, ["li"]])
    assert result["html"].endswith("<li>&quot;lt&quot; and <mark>li</mark> gt</li></ul>")


def test_a_long_text_shows_the_part_that_matched(page, site_url):
    page.goto(site_url)
    text = " ".join(["Pegs and plates."] * 60) + " Finally, tidy away the scissors."
    [[result]] = page.evaluate(SEARCH, [site_url + "assets/javascripts/search-worker.js",
                                        [{"location": "a/", "title": "A", "text": text}], ["scissors"]])
    assert result["html"].startswith("A|… ") and result["html"].endswith("tidy away the <mark>scissors</mark>.")

"""Search entries of the generated pages: made from the records, escaped, sorted; and in a real build."""

import dataclasses
import html
import json
import re
from functools import partial

import pytest

from conftest import build, copy_project, search_pages, write
from live_markup import live_payloads
from otkb.content.kinds import KINDS
from otkb.site.search import record_entries, search_entries

HOSTILE = '<img src=x onerror=alert(1)> Tom & "Jerry" <b>it\'s</b>'


@pytest.fixture(scope="module")
def entries(library):
    return {entry["location"]: entry for entry in search_entries(library)}


def test_an_activity_is_found_by_its_fields_under_the_headings_of_its_page(entries):
    assert entries["activities/peg-game/"] == {
        "location": "activities/peg-game/", "title": "Peg game",
        "text": "Clip clothes pegs onto a paper plate to build pinch strength. "
                "Ages 30 months–6 years · 10 minutes · Home, school. Pom-poms are a choking hazard.",
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
                            "4 to 6 in two preschools · Typically developing children · 40 children · Benefit found. "
                            "What was tested: Clothes-peg games at home, a few minutes a day · Compared with: Usual play · What was measured: Pinch strength · Smith, J., "
                            "&amp; Okafor, N. (2020). Peg games at home. Journal of Hand Play, 12(3), 45–52. "
                            "https://doi.org/10.5555/otkb.2020.0001")
    assert entries["research/smith-2020-pegs/#how-sure-is-this"]["text"] == "One small trial."
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
    # A listing whose h1 is not its name is found by both: "is my child on track" finds the milestones.
    assert entries["milestones/"]["title"] == "Milestones"
    assert entries["milestones/"]["heading"] == "Is my child on track?"
    assert "heading" not in entries["articles/"]  # its h1 is its name
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


@pytest.fixture
def site(fixture_site):
    return fixture_site


def test_pages_fetch_no_index_only_materials_config(site):
    """Every page fetches search_index.json: it holds Material's config and no entries."""
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["fields"]["title"] == {"boost": 1000}
    assert (site / "search/search_index.json").stat().st_size < 1000


def test_the_sharded_index_holds_our_entries_for_generated_pages_and_materials_for_the_rest(site, library):
    pages = search_pages(site)
    meta = json.loads((site / "search/meta.json").read_text(encoding="utf-8"))
    assert meta["pages"] == len(pages)
    ours = [entry["location"] for entry in search_entries(library)]
    shown = [entry["location"] for page in pages.values() for entry in page]
    assert shown[-len(ours):] == ours  # nothing Material parsed from a record, listing or topic page
    assert {"", "editors/"} <= set(pages)  # the hand-written pages
    assert pages["activities/peg-game/"][0]["aliases"] == ["hand skills", "pencil grip"]
    # Every word of a page is in the shard of its first three letters, pointing at the page.
    number = list(pages).index("activities/peg-game/")
    shard = json.loads((site / "search/t/peg.json").read_text(encoding="utf-8"))
    pairs = shard["peg"]
    numbers = [sum(pairs[0:at + 1:2]) for at in range(0, len(pairs), 2)]
    assert number in numbers


def test_ages_and_the_search_words_reach_the_index(site, library):
    pages = list(search_pages(site))
    ages = json.loads((site / "search/ages.json").read_text(encoding="utf-8"))
    assert [pages.index("activities/peg-game/"), 30, 72] in ages
    meta = json.loads((site / "search/meta.json").read_text(encoding="utf-8"))
    assert meta["finder"][0] == "activities/"
    assert {"the", "and"} <= set(meta["stop"]) and {"worried", "normal"} <= set(meta["soft"])


def test_every_anchor_in_the_index_is_on_its_page(site, library):
    for entry in search_entries(library):
        page, _, anchor = entry["location"].partition("#")
        if anchor:
            assert f'id="{anchor}"' in (site / page / "index.html").read_text(encoding="utf-8"), entry["location"]


def test_pages_search_with_the_sites_worker(site):
    page = (site / "activities/peg-game/index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="\.\./\.\./assets/javascripts/search-config\.js" '
                     r'data-worker="\.\./\.\./assets/javascripts/search-worker\.js">', page)
    assert (site / "assets/javascripts/search-worker.js").is_file()
    assert not (site / "assets/javascripts/workers").exists()  # Material's lunr worker is not shipped


def test_a_bad_search_words_file_stops_the_check_naming_file_line_and_field(tmp_path):
    from otkb.content.pipeline import build_library
    project = copy_project(tmp_path / "project")
    write(project / "data/search.yml", "ages:\n  toddler: {min: 3 years, max: 1 year}\nignore: child\n")
    library, errors = build_library(project)
    messages = [str(error) for error in errors]
    assert library is None
    assert any(m.startswith("data/search.yml:2") and "toddler" in m for m in messages), messages
    assert any(m.startswith("data/search.yml:3") and "ignore" in m and "list" in m for m in messages), messages


def test_ages_for_search_come_from_an_ages_range_or_one_age_of_any_kind(library):
    """Milestones (one `age`) reach age searches the way activities (`ages`) do, with no code of their own."""
    from otkb.content.models import Age
    from otkb.site.search import record_ages
    card = library.records["research/smith-2020-pegs"]
    one_age = dataclasses.replace(card, data=card.data.model_copy(update={"age": Age(18, "18 months")}))
    ages = record_ages(dataclasses.replace(library, records={**library.records, card.id: one_age}))
    assert ages["research/smith-2020-pegs/"] == (18, 18)
    assert ages["activities/peg-game/"] == (30, 72)


WORDS = "apple banana cherry date elder fig grape hazel ice jam kiwi lemon mango nut olive pear".split()


def random_words(rng, words: list[str]) -> list[str]:
    """A page's words for the random edits below: one to eight of `words`, some with an ending."""
    return [rng.choice(words) + rng.choice(["", "s", "x", "zz"]) for _ in range(rng.randint(1, 8))]


def two_entries(number: int, page: list[str]) -> list[dict]:
    """Page `number`'s entries, with `page`'s words: its own and a section's."""
    return [{"location": f"p/{number:03d}/", "title": page[0], "text": " ".join(page)},
            {"location": f"p/{number:03d}/#more", "title": "More", "text": " ".join(reversed(page))}]


def test_an_index_updated_in_place_equals_one_written_anew(tmp_path):
    """`mkdocs serve` updates a changed page's files (ShardIndex.update); after many random edits,
    which add and drop words, shards and letters, every file equals a fresh write_shards."""
    import random
    from otkb.site.search_shards import write_shards
    rng = random.Random(1)
    text, entries = partial(random_words, rng, WORDS), two_entries

    pages = [text() for _ in range(40)]
    ages = {f"p/{n:03d}/": (n, n + 5) for n in range(0, 40, 3)}
    extra = {"milestones": [[18, "p/001/", "At 18 months", "https://example.org/18"]],
             "finder": ["activities/", "activity finder"]}
    index = write_shards(tmp_path / "a", {}, (e for n, p in enumerate(pages) for e in entries(n, p)),
                         {**extra, "page_ages": dict(ages)}, keep=True)
    for step in range(80):
        number = rng.randrange(40)
        pages[number] = text()
        location = f"p/{number:03d}/"
        if step % 3 == 0:
            ages.pop(location, None)
        elif step % 3 == 1:
            ages[location] = (step, step + 1)
        index.update(entries(number, pages[number]), ages.get(location))
    write_shards(tmp_path / "b", {}, (e for n, p in enumerate(pages) for e in entries(n, p)),
                 {**extra, "page_ages": dict(ages)})

    def tree(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_an_index_written_from_the_last_builds_files_equals_one_written_anew(tmp_path):
    """A warm build writes the last build's files (write_shards' `files`) and makes again only those a
    changed page's words or entries are in; after many random edits, one or a few pages at a time,
    which add and drop words, shards and letters, every file equals a fresh write_shards, and an
    unchanged page's entries are not made."""
    import random
    from otkb.content.cache import Memo
    from otkb.site.search_shards import PageEntries, write_shards
    rng = random.Random(2)
    text, entries = partial(random_words, rng, [*WORDS, "ünd"]), two_entries

    made = []

    def stream(pages):
        yield {"location": "", "title": "Home", "text": "hand written"}  # not a PageEntries: its entries
        for number, page in enumerate(pages):
            yield PageEntries(f"p/{number:03d}/", f"{number} {' '.join(page)}",
                              lambda number=number, page=page: made.append(number) or entries(number, page))

    def tree(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    pages = [text() for _ in range(40)]
    extra = {"milestones": [[18, "p/001/", "At 18 months", "https://example.org/18"]]}
    memo, files = Memo(), Memo()
    write_shards(tmp_path / "warm", {}, stream(pages), {**extra, "page_ages": {"p/003/": (3, 8)}}, memo=memo, files=files)
    for step in range(60):
        changed = rng.sample(range(40), rng.choice([1, 1, 2, 5]))
        for number in changed:
            pages[number] = text()
        memo, files = Memo(previous=memo.current), Memo(previous=files.current)
        made.clear()
        write_shards(tmp_path / "warm", {}, stream(pages), {**extra, "page_ages": {"p/003/": (3, step)}},
                     memo=memo, files=files)
        assert sorted(made) == sorted(changed)
        write_shards(tmp_path / "cold", {}, stream(pages), {**extra, "page_ages": {"p/003/": (3, step)}})
        assert tree(tmp_path / "warm") == tree(tmp_path / "cold"), step

"""Milestones: the kind's checks, its chart and pages, and the links between milestones and activities.

The chart's phone layout, print and accessibility are in tests/browser/.
"""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from conftest import build, search_pages, text_of, write
from otkb.content.pipeline import build_library
from otkb.site.render import checklist_key

MILESTONE = """\
title: Milestones at 3 years
summary: What most children do by 3 years.
topics: [gross-motor]
reviewed: 2026-11-01
age: 3 years
skills:
  fine-motor:
    - Scribbles.
  gross-motor:
    - Runs.
seek_help:
  - Your child has lost skills they could do before.
source:
  name: A checklist
  url: https://example.org/3-years
"""


def html(site, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def main_text(page: str) -> str:
    return text_of(page.split('<article class="md-content__inner')[1].split('<aside class="otkb-trust"')[0])


def check(project, text: str) -> list[str]:
    write(project / "data/milestones/3-years.yml", text)
    library, errors = build_library(project)
    return [str(e) for e in errors]


# --- the checks: file, line and field ----------------------------------------------------------

def test_a_valid_milestone_record_links_and_counts_its_skill_areas_as_topics(project):
    assert check(project, MILESTONE) == []
    library, _ = build_library(project)
    record = library.records["milestones/3-years"]
    assert library.topics_of(record) == ["gross-motor", "fine-motor"]
    assert [area for area, _ in record.data.areas()] == ["gross-motor", "fine-motor"]  # movement first


@pytest.mark.parametrize("old, new, expected", [
    ("  gross-motor:\n", "  gros-motor:\n",
     "data/milestones/3-years.yml:9:3: skills.gros-motor: unknown topic 'gros-motor' (did you mean 'gross-motor'?)"),
    ("  gross-motor:\n", "  \"<script>alert(1)</script>\":\n",
     "data/milestones/3-years.yml:9:3: skills.<script>alert(1)</script>: '<script>alert(1)</script>' is not a "
     "valid topic id; expected lower-case words joined by hyphens, like 'fine-motor'"),
    ("skills:\n  fine-motor:\n    - Scribbles.\n  gross-motor:\n    - Runs.\n", "skills:\n  - fine-motor\n",
     "data/milestones/3-years.yml:6:1: skills: expected topic ids, each followed by a colon and its list of "
     "points (key: value lines), but received a list"),
    ("  gross-motor:\n    - Runs.\n", "  gross-motor: []\n",
     "data/milestones/3-years.yml:9:3: skills.gross-motor: needs at least one item"),
    ("age: 3 years\n", "age: three\n",
     "data/milestones/3-years.yml:5:1: age: expected an age like '18 months' or '4 years' (a bare number means "
     "years), but received 'three'"),
    ("source:\n  name: A checklist\n  url: https://example.org/3-years\n", "",
     "data/milestones/3-years.yml:1:1: source: 'source' is required but missing"),
    ("seek_help:\n  - Your child has lost skills they could do before.\n", "",
     "data/milestones/3-years.yml:1:1: seek_help: 'seek_help' is required but missing"),
    ("source:", "background: [research/nope]\nsource:",
     "data/milestones/3-years.yml:13:14: background[1]: unknown research card 'research/nope'; add "
     "data/research/nope.yml or fix the reference"),
])
def test_a_bad_milestone_record_names_file_line_and_field(project, old, new, expected):
    assert old in MILESTONE
    assert check(project, MILESTONE.replace(old, new, 1)) == [expected]


def test_one_checklist_per_age_whatever_the_unit(project):
    write(project / "data/milestones/12-months.yml", MILESTONE.replace("3 years", "12 months"))
    write(project / "data/milestones/one-year.yml", MILESTONE.replace("3 years", "1 year"))
    _, errors = build_library(project)
    assert [str(e) for e in errors] == [
        "data/milestones/one-year.yml:5:1: age: '1 year' is the same age as data/milestones/12-months.yml "
        "('12 months'); there is one milestone checklist per age: merge the two files or change one age"]


# --- the chart and the pages (the sample content) ----------------------------------------------

AGES = ["2 months", "4 months", "6 months", "9 months", "1 year", "15 months", "18 months", "2 years",
        "30 months", "3 years", "4 years", "5 years"]


def test_the_chart_has_every_age_in_order_and_the_skill_areas_movement_first(sample_site):
    page = html(sample_site, "milestones")
    chart = page.split('<table class="otkb-chart"')[1].split("</table>")[0]
    columns = [text_of(th) for th in re.findall(r'<th scope="col">(.*?)</th>', chart)]
    assert columns == ["Age", "Gross motor skills", "Fine motor skills", "Self-care"]
    rows = [text_of(th) for th in re.findall(r'<th scope="row">(.*?)</th>', chart)]
    assert [row.replace("12 months", "1 year") for row in rows] == AGES
    assert '<a href="4-years/">4 years</a>' in chart
    assert "Catches a large ball most of the time." in text_of(chart)
    assert "Is my child on track?" in main_text(page)
    assert ("These are the movement, hand and self-care milestones only. Each age's page credits the published "
            "checklist its milestones come from and links the full checklist, which also covers talking, playing "
            "and learning.") in main_text(page)


def test_a_milestone_page_puts_when_to_seek_help_first_and_credits_its_source(sample_site):
    page = main_text(html(sample_site, "milestones/4-years"))
    assert page.index("When to talk to a doctor or therapist") < page.index("What most children can do by 4 years")
    assert page.index("Gross motor skills") < page.index("Fine motor skills") < page.index("Self-care")
    assert "Based on facts from CDC Learn the Signs. Act Early., milestone checklist for 4 years" in page
    assert 'href="https://www.cdc.gov/ncbddd/actearly/milestones/milestones-4yr.html"' in html(
        sample_site, "milestones/4-years")
    assert "The research behind the checklist ¶ Evidence-informed milestones" in page


def activities_on(site, url: str) -> list[str]:
    page = html(site, url)
    section = page.split('id="activities-for-this-age"')[1].split("<h2")[0]
    return re.findall(r'href="\.\./\.\./activities/([a-z0-9-]+)/"', section)


def test_a_milestone_page_lists_the_activities_for_its_age_and_skill_areas(sample_site):
    three = activities_on(sample_site, "milestones/3-years")  # fine motor and self-care at 3 years
    assert "tiny-crayon-drawing" in three and "button-and-zip-practice" in three
    assert "animal-walks" not in three  # 3 to 8 years, but gross motor only
    eighteen = activities_on(sample_site, "milestones/18-months")
    assert "sand-and-water-play-tray" in eighteen and "scoop-and-spear-snack-game" in eighteen
    assert "tiny-crayon-drawing" not in eighteen  # fine motor, but from 3 years
    assert activities_on(sample_site, "milestones/2-months") == []
    assert "No activities for 2 months in these skill areas yet." in main_text(html(sample_site, "milestones/2-months"))


def test_an_activity_page_links_the_milestones_for_its_ages(sample_site):
    page = html(sample_site, "activities/tiny-crayon-drawing")
    links = page.split("Milestones for these ages")[1].split("</dd>")[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', links) == [
        ("../../milestones/3-years/", "3 years"), ("../../milestones/4-years/", "4 years"),
        ("../../milestones/5-years/", "5 years")]


def test_the_home_page_leads_with_is_my_child_on_track(sample_site):
    page = main_text(html(sample_site, ""))
    assert page.index("Is my child on track?") < page.index("Articles")
    assert 'href="milestones/"' in html(sample_site, "")


def test_topic_pages_list_milestones_by_age_not_title(sample_site):
    page = html(sample_site, "topics/gross-motor")
    section = page.split('id="milestones"')[1]
    titles = re.findall(r'<a href="\.\./\.\./milestones/([a-z0-9-]+)/"', section)
    assert titles[:4] == ["2-months", "4-months", "6-months", "9-months"]


def test_milestones_are_searchable_and_described_for_machines(sample_site):
    index = search_pages(sample_site)
    text = " ".join(entry["text"] for entry in index["milestones/4-years/"])
    assert "Catches a large ball most of the time." in text
    assert "Undoes some buttons." in text and "Fine motor skills" in index["milestones/4-years/"][0]["tags"]
    assert "milestones/" in index
    page = html(sample_site, "milestones/4-years")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "Article" and data["isBasedOn"].endswith("milestones-4yr.html")
    assert data["citation"][0]["identifier"]["value"] == "10.1542/peds.2021-052138"


def test_a_hostile_milestone_in_a_small_site_builds_only_when_valid(project):
    """The build stops on a bad milestone with the same message `otkb check` gives."""
    write(project / "data/milestones/3-years.yml", MILESTONE.replace("  gross-motor:\n", "  gros-motor:\n"))
    result = build(project)
    assert result.returncode == 1
    assert "data/milestones/3-years.yml:9:3: skills.gros-motor: unknown topic 'gros-motor'" in result.stderr


def test_the_research_card_lists_the_milestones_that_use_it_as_background_by_age(sample_site):
    page = html(sample_site, "research/zubler-2022-milestones")
    section = page.split('id="pages-that-use-it-as-background"')[1].split("<h2")[0]
    assert re.findall(r'href="\.\./\.\./milestones/([a-z0-9-]+)/"', section)[:3] == ["2-months", "4-months", "6-months"]


# --- part of the checklist, and the parent's own checklist (issue 22; the browser side is in
# tests/browser/test_checklist.py) ----------------------------------------------------------------

def sample_milestones():
    from conftest import PROJECT
    library, errors = build_library(PROJECT)
    assert errors == []
    return library, library.of_kind("milestones")


def test_every_milestone_page_says_it_shows_part_of_the_checklist_and_links_the_whole_of_it(sample_site):
    library, records = sample_milestones()
    assert len(records) == 12
    for record in records:
        page = html(sample_site, f"milestones/{record.slug}")
        text = re.sub(r" ([.,;:])", r"\1", main_text(page))  # no space where a link ended
        age = str(record.data.age)
        assert (f"Part of the checklist. These are the movement, hand and self-care milestones from the checklist "
                f"for {age}; the full checklist also covers talking, playing and learning. "
                f"See the full checklist for {age}.") in text, record.slug
        full = html_lib.escape(record.data.source.url)  # the record's own source, whatever it is
        assert f'<a class="otkb-full-checklist" href="{full}" rel="noopener">See the full checklist for {age}</a>' in page
        # The first thing the doctor box says is about the full checklist, with the same link.
        box = page.split('class="admonition warning otkb-seek-help" role="note">')[1].split("</div>")[0]
        assert re.sub(r" ([.,;:])", r"\1", text_of(box)).startswith(
            f"When to talk to a doctor or therapist Talk to your child's doctor if your child is not yet doing one or "
            f"more of the things on the full checklist for {age}, in any area: this page shows only part of it.")
        assert f'<a href="{full}" rel="noopener">the full checklist for {age}</a>' in box


def test_each_milestone_is_a_labelled_checkbox_keyed_by_its_area_and_words(sample_site):
    library, records = sample_milestones()
    for record in records:
        page = html(sample_site, f"milestones/{record.slug}")
        boxes = re.findall(r'<li><label><input type="checkbox" name="seen" value="([0-9a-f]{12})" '
                           r'data-area="([^"]+)"> <span class="otkb-checklist__text">(.*?)</span></label>', page)
        points = [(area, p.text) for area, items in record.data.areas() for p in items]
        assert [(html_lib.unescape(area), text_of(label)) for _, area, label in boxes] == points, record.slug
        assert len({key for key, _, _ in boxes}) == len(boxes)
    # A tick follows its milestone's words, not its place in the list.
    assert checklist_key("fine-motor", "Scribbles.") == checklist_key("fine-motor", "Scribbles.")
    assert checklist_key("fine-motor", "Scribbles.") != checklist_key("fine-motor", "Scribbles a lot.")
    assert checklist_key("fine-motor", "Runs.") != checklist_key("gross-motor", "Runs.")


def test_the_checklist_script_is_loaded_on_milestone_pages_only(sample_site):
    script = '<script src="../../assets/javascripts/checklist.js" defer></script>'
    assert script in html(sample_site, "milestones/18-months")
    for other in ("milestones", "activities/peg-pinch-game", "research/zubler-2022-milestones", ""):
        assert "checklist.js" not in html(sample_site, other), other
    assert (sample_site / "assets/javascripts/checklist.js").is_file()


def test_the_summary_offers_each_skill_areas_activities(sample_site):
    page = html(sample_site, "milestones/18-months")
    summary = page.split('<section class="otkb-summary"')[1].split("</section>")[0]
    areas = re.findall(r'<div class="otkb-summary__area" data-area="([^"]+)">\s*<h4>([^<]+)</h4>(.*?)</div>', summary, re.S)
    found = {html_lib.unescape(area): re.findall(r'href="\.\./\.\./activities/([a-z0-9-]+)/"', body) for area, _, body in areas}
    assert list(found) == ["gross-motor", "fine-motor", "self-care"]
    assert "scoop-and-spear-snack-game" in found["self-care"] and "scoop-and-spear-snack-game" not in found["gross-motor"]
    assert all(set(links) <= set(activities_on(sample_site, "milestones/18-months")) for links in found.values())


CRAWLING = "Why is crawling not on the checklist?"


def test_why_crawling_is_not_on_the_checklist_is_said_where_parents_look_for_it(sample_site):
    note_pages = ["milestones", "milestones/6-months", "milestones/9-months", "milestones/12-months",
                  "milestones/15-months"]
    for url in note_pages:
        page = html(sample_site, url)
        assert CRAWLING in main_text(page), url
        assert "crawling varies a lot from one baby to the next, and that it is not essential" in main_text(page)
        assert 'href="https://doi.org/10.1097/PEP.0000000000000937"' in page  # the source says why
    for url in ("milestones/4-months", "milestones/18-months", "milestones/3-years"):
        assert CRAWLING not in main_text(html(sample_site, url)), url

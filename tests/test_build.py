"""Real builds into a temporary folder: the HTML a reader gets, and what an editor sees on failure."""

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, SHARED, build, copy_project, search_pages, text_of, tree_digest, write
from live_markup import live_payloads_in_site

RECORDS = sorted(p.relative_to(PROJECT / "data").with_suffix("").as_posix()
                 for p in (PROJECT / "data").glob("*/*.yml"))


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")




# --- the sample site -------------------------------------------------------

def test_sample_content_covers_the_contract():
    kinds = {r.split("/")[0] for r in RECORDS}
    assert kinds == {"articles", "research", "activities"}
    assert len([r for r in RECORDS if r.startswith("activities/")]) >= 10
    assert "research/bos-2013-preterm-motor" in RECORDS


@pytest.mark.parametrize("record", RECORDS)
def test_every_record_has_its_page_with_trust_signals(sample_site, record):
    page = html(sample_site, record)
    text = text_of(page)
    assert "This is information, not medical advice." in text
    assert re.search(r"Last reviewed \d{1,2} \w+ 20\d\d", text)
    assert f'href="https://github.com/otkb/otkb/edit/main/data/{record}.yml"' in page


@pytest.mark.parametrize("url, reviewed", [
    ("", "Last reviewed 1 November 2026 Next review due 1 November 2027"),
    ("activities/", "The records listed here were last reviewed on 1 November 2026"),
    ("topics/fine-motor/", "The records listed here were last reviewed on 1 November 2026"),
    ("articles/", "reviewed"), ("research/", "reviewed"), ("topics/", "reviewed")])
def test_every_other_page_carries_the_disclaimer_and_review_dates(sample_site, url, reviewed):
    text = text_of(html(sample_site, url))
    assert "This is information, not medical advice." in text and reviewed in text


def test_research_card_page(sample_site):
    page = html(sample_site, "research/bos-2013-preterm-motor")
    text = text_of(page)
    assert '<a href="https://doi.org/10.1111/dmcn.12297">' in page
    assert "Meta-analysis" in text and "73 studies" in text and "1 month–12 years" in text
    assert "40%" in text and "20%" in text
    assert re.search(r'<ul class="otkb-points otkb-points--nested">', page)  # findings nest
    assert 'class="otkb-takeaway otkb-takeaway--therapists"' in page
    assert 'class="otkb-takeaway otkb-takeaway--parents"' in page
    assert "Activities that apply this research" in text


def test_activity_page(sample_site):
    page = html(sample_site, "activities/peg-pinch-game")
    text = text_of(page)
    for label in ("Ages 3–7 years", "Time 10 minutes", "Where Home, school, clinic", "What you need",
                  "Make it easier or harder", "Safety first", "The research behind it"):
        assert label in text
    steps = re.search(r'<ol class="otkb-steps">(.*?)</ol>', page, re.S).group(1)
    assert steps.count("<li>") == 6
    assert page.index("Safety first") < page.index('<h2 id="what-you-need"')  # set apart, up front


def test_article_page(sample_site):
    page = html(sample_site, "articles/fine-vs-gross-motor-skills-ot-and-pt")
    assert len(re.findall(r"<h2 id=", page)) >= 4
    assert "Questions and answers" in page
    assert 'class="otkb-source">Based on facts from <a href="https://www.abilotkidstherapy.com/' in page


def test_listings_list_every_record_and_topics_group_by_kind(sample_site):
    for kind in ("articles", "research", "activities"):
        page = html(sample_site, kind)
        for record in RECORDS:
            if record.startswith(kind + "/"):
                assert f'href="{record.split("/")[1]}/"' in page
    topic = html(sample_site, "topics/fine-motor")
    assert topic.index('<h2 id="articles"') < topic.index('<h2 id="research"') < topic.index('<h2 id="activities"')


def test_records_stay_out_of_the_nav(sample_site):
    nav = re.search(r'<nav class="md-nav md-nav--primary.*?</nav>', html(sample_site, "activities/peg-pinch-game"),
                    re.S).group(0)
    assert "Peg pinch game" not in nav and "Hopscotch" not in nav


def test_search_index_holds_record_fields(sample_site):
    docs = [entry for page in search_pages(sample_site).values() for entry in page]
    texts = " ".join(d.get("text", "") for d in docs)
    assert "bronchopulmonary dysplasia" in texts.lower()
    assert any(d["title"] == "Peg pinch game" for d in docs)


def test_home_page_leads_to_the_kinds_and_topics(sample_site):
    page = html(sample_site, "")
    for link in ('href="articles/"', 'href="research/"', 'href="activities/"', 'href="topics/fine-motor/"'):
        assert link in page


# --- failures an editor sees -------------------------------------------------

def test_bad_records_fail_together_with_file_line_and_field_and_keep_the_old_site(project):
    first = build(project)
    assert first.returncode == 0 and f"the finished build replaced {project / 'site'}" in first.stderr
    before = tree_digest(project / "site")
    write(project / "data/activities/bad-one.yml", "title: A\ntitle: B\n")
    write(project / "data/articles/bad-two.yml", "title: T\nsummary: S\nreviewed: 2026-06-01\n"
                                                 "published: soon\nbody: x\n")
    result = build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("data/activities/bad-one.yml:2:1: title: 'title' is given twice (first on line 1); keep one, "
            "since YAML would silently use only the last") in result.stderr
    assert ("data/articles/bad-two.yml:4:1: published: expected a date written YYYY-MM-DD, like "
            "2026-06-01, but received 'soon'") in result.stderr
    assert "2 problems in the records (listed above); the site was not built" in result.stderr
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.*"))


def test_strict_warnings_keep_the_old_site(project):
    assert build(project).returncode == 0
    before = tree_digest(project / "site")
    write(project / "docs/extra.md", "[broken](missing.md)\n")
    result = build(project, "--strict")
    assert result.returncode == 1 and "missing.md" in result.stderr
    assert tree_digest(project / "site") == before


def test_a_generated_page_may_not_replace_a_hand_written_one(project):
    write(project / "docs/activities/peg-game.md", "# Mine\n")
    result = build(project)
    assert result.returncode == 1
    assert ("data/activities/peg-game.yml: its page activities/peg-game.md would replace the hand-written "
            "docs/activities/peg-game.md; rename one of them") in result.stderr


# --- the hostile samples in ../shared/bad-records ---------------------------

KNOWN_GOOD = re.search(r"```yaml\n(.*?)```", (SHARED / "bad-records/README.md").read_text(), re.S).group(1)
FAIL = {  # file -> (line numbers allowed, field)
    "activities/duplicate-nested-key": ({13, 15}, "ages.min"),
    "activities/tab-indent": ({9, 10}, "skills"),
    "articles/colon-in-value": ({5}, "summary"),
    "articles/latin1-bytes": ({4}, "title"),
    "activities/wrong-types": ({11, 15, 16, 19}, "skills"),
    "activities/ages-inverted": ({12, 13, 14}, "ages"),
    "research/misspelled-keys": ({12, 26}, "citaton"),
    "articles/unknown-reference": ({18, 19}, "related"),
    "activities/billion-laughs": (set(range(17, 27)), "steps"),
    "articles/long-fields": ({7, 8}, "summary"),
}
BUILD = ["articles/utf8-bom", "articles/xss-title", "research/xss-citation", "articles/xss-raw-html",
         "articles/xss-link-schemes", "articles/yes-no-answers"]


def bad_record_project(tmp_path: Path, *names: str) -> Path:
    project = copy_project(tmp_path / "project", data=PROJECT / "data")
    good = KNOWN_GOOD
    if "research/xss-citation" in names:
        good = good.replace("safety:", "supports: [research/xss-citation]\nsafety:")
    write(project / "data/activities/finger-painting-shapes.yml", good)
    for name in names:
        shutil.copy(SHARED / "bad-records" / f"{name}.yml", project / "data" / f"{name}.yml")
    return project


@pytest.mark.parametrize("name", sorted(FAIL))
def test_bad_record_fails_naming_file_line_and_field(tmp_path, name):
    lines, field = FAIL[name]
    result = build(bad_record_project(tmp_path, name), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = re.findall(rf"data/{name}\.yml:(\d+):\d+: ([\w.\[\]]+):", result.stderr)
    assert any(int(line) in lines and f.split("[")[0] == field for line, f in found), result.stderr


def test_hostile_records_build_and_nothing_is_live(tmp_path):
    project = bad_record_project(tmp_path, *BUILD)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert live_payloads_in_site(site) == {}
    assert "OTXSS" in json.dumps(search_pages(site))  # the payloads are in the search index, as text
    title_page = html(site, "articles/xss-title")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&quot;OTXSS-title&quot;)" in title_page
    answers = text_of(html(site, "articles/yes-no-answers"))
    assert "Is W-sitting always harmful? No" in answers and "False" not in answers
    bom = html(site, "articles/utf8-bom")
    assert "\ufeff" not in bom and "<h1 id=\"why-heavy-work-helps-some-children\">" in bom
    schemes = html(site, "articles/xss-link-schemes")
    assert '<a href="https://example.org/"' in schemes and '<a href="mailto:ot@example.org"' in schemes

"""Real builds into a temporary folder: the HTML a reader gets, and what an editor sees on failure."""

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import HOSTILE_RECORDS as HOSTILE, PROJECT, build, copy_project, search_pages, text_of, tree_digest, write
from live_markup import live_payloads_in_site

RECORDS = sorted(p.relative_to(PROJECT / "data").with_suffix("").as_posix()
                 for p in (PROJECT / "data").glob("*/*.yml"))


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")




# --- the sample site -------------------------------------------------------

def test_sample_content_covers_the_contract():
    kinds = {r.split("/")[0] for r in RECORDS}
    assert kinds == {"articles", "research", "activities", "milestones"}
    assert len([r for r in RECORDS if r.startswith("activities/")]) >= 10
    assert "research/bos-2013-preterm-motor" in RECORDS


@pytest.mark.parametrize("record", RECORDS)
def test_every_record_has_its_page_with_trust_signals(sample_site, record):
    page = html(sample_site, record)
    text = text_of(page)
    assert "This is information, not medical advice." in text
    assert re.search(r"Last reviewed \d{1,2} \w+ 20\d\d", text)
    assert "/edit/" not in page  # no repository configured (OTKB_REPO_URL): no edit links


@pytest.mark.parametrize("url, reviewed", [
    ("", "Last reviewed 1 November 2026 Next review due 1 November 2027"),
    ("activities/", "The records listed here were last reviewed on 1 November 2026"),
    ("topics/fine-motor/", "The records listed here were last reviewed between 1 November 2026 and 27 November 2026"),
    ("articles/", "reviewed"), ("research/", "reviewed"), ("milestones/", "reviewed"), ("topics/", "reviewed")])
def test_every_other_page_carries_the_disclaimer_and_review_dates(sample_site, url, reviewed):
    text = text_of(html(sample_site, url))
    assert "This is information, not medical advice." in text and reviewed in text


def test_research_card_page(sample_site):
    page = html(sample_site, "research/bos-2013-preterm-motor")
    text = text_of(page)
    assert '<a href="https://doi.org/10.1111/dmcn.12297">' in page
    # A literature review of risk (its abstract): no pooled analysis, no count of studies, no level.
    assert "Narrative review No evidence level: it asked who is at risk, and why" in text
    assert "Meta-analysis" not in text and "73 studies" not in text and "Evidence level" not in text
    assert "40%" in text and "20%" in text
    assert re.search(r'<ul class="otkb-points otkb-points--nested">', page)  # findings nest
    assert 'class="otkb-takeaway otkb-takeaway--therapists"' in page
    assert 'class="otkb-takeaway otkb-takeaway--parents"' in page
    assert "Activities that cite it as background" in text and "Activities that apply this research" not in text


def test_activity_page(sample_site):
    page = html(sample_site, "activities/peg-pinch-game")
    text = text_of(page)
    for label in ("Ages 3–7 years", "Time 10 minutes", "Where Home, school, clinic", "What you need",
                  "Make it easier or harder", "Safety first", "Does it work?", "Why this matters"):
        assert label in text
    steps = re.search(r'<ol class="otkb-steps">(.*?)</ol>', page, re.S).group(1)
    assert steps.count("<li>") == 6
    assert page.index("Safety first") < page.index('<h2 id="what-you-need"')  # set apart, up front


def test_article_page(sample_site):
    page = html(sample_site, "articles/fine-vs-gross-motor-skills-ot-and-pt")
    assert len(re.findall(r"<h2 id=", page)) >= 4
    assert "Questions and answers" in page
    notes = re.search(r'<ol class="otkb-notes">(.*?)</ol>', page, re.S).group(1)  # the sources, numbered
    assert '<li id="note-1"><a href="https://' in notes
    assert '<sup class="otkb-note-ref">[<a href="#note-1" aria-label="source 1">1</a>' in page


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


def test_a_records_text_reads_as_typed_even_where_it_looks_like_a_search_attribute(project):
    """Material's search plugin deletes `data-search-*="..."` from the content it reads; it reads a
    generated page before its HTML is put back (hooks/main.py's on_page_context runs after it), so
    an editor's text that looks like one stays."""
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("Draw dots around the plate.",
                                             'Draw dots around the plate, data-search-tip="dots".'))
    assert build(project).returncode == 0
    page = (project / "site/activities/peg-game/index.html").read_text()
    assert 'data-search-tip="dots"' in page


def test_a_topic_page_may_not_replace_a_hand_written_one(project):
    write(project / "docs/topics/grasp.md", "# Mine\n")
    result = build(project)
    assert result.returncode == 1
    assert ("data/topics.yml: its page topics/grasp.md would replace the hand-written docs/topics/grasp.md; "
            "rename one of them") in result.stderr


# --- the hostile records in tests/hostile_records/ ---------------------------
# Each file's first comment lines say what it tests and the outcome it must get:
#   "# Outcome: FAIL naming this file, line 11 or 13, field ages.min"
#   "# Outcome: BUILD ..."               (it builds, its text shown as text, nothing live)
#   "# Outcome: SAFE: ... or FAIL naming this file, line 12-18, field body"
#   "# Outcome: EITHER ... or FAIL naming this file, ..."
# SAFE and EITHER accept a build (checked below) or the failure the header describes.

COMPANION = "activities/chalk-shape-trail"  # the valid activity the hostile records refer to


def _header(path: Path) -> str:
    lines = []
    for raw in path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        if not raw.startswith(b"#"):
            break
        lines.append(raw.decode("latin-1")[1:].strip())
    return " ".join(lines)


def _expected(path: Path) -> tuple[str, set[int] | None, str | None]:
    """(outcome, the lines a failure may name, the field it must name) from the file's header."""
    header = _header(path)
    outcome = re.search(r"Outcome: (FAIL|BUILD|SAFE|EITHER)\b", header)
    assert outcome, f"{path}: the first comment lines need 'Outcome: FAIL|BUILD|SAFE|EITHER'"
    failure = re.search(r"FAIL naming this file, lines? ([\d ,or-]+?), field ([\w.]+)", header)
    if not failure:
        assert outcome.group(1) == "BUILD", f"{path}: say which line and field a failure names"
        return outcome.group(1), None, None
    lines: set[int] = set()
    for part in re.split(r",|\bor\b", failure.group(1)):
        first, _, last = part.strip().partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return outcome.group(1), lines, failure.group(2)


HOSTILE_RECORDS = {p.relative_to(HOSTILE).with_suffix("").as_posix(): p
                   for p in sorted(HOSTILE.glob("*/*.yml"))}
EXPECTED = {name: _expected(path) for name, path in HOSTILE_RECORDS.items()}
FAIL = sorted(name for name, (outcome, _, _) in EXPECTED.items() if outcome == "FAIL")
BUILD = sorted(name for name, (outcome, _, _) in EXPECTED.items() if outcome != "FAIL")
# Every class of hostile record the project has promised to handle (SECURITY.md): one file or more each.
CLASSES = {
    "duplicate nested key": "activities/duplicate-nested-key", "YAML 1.1 yes/no": "articles/yes-no-answers",
    "tab indent": "activities/tab-indent", "colon in a value": "articles/colon-in-value",
    "UTF-8 BOM": "articles/utf8-bom", "Latin-1 bytes": "articles/latin1-bytes",
    "wrong container types": "activities/wrong-types", "inverted ages": "activities/ages-inverted",
    "misspelled keys": "research/misspelled-keys", "unknown reference": "articles/unknown-reference",
    "billion laughs": "activities/billion-laughs", "long fields": "articles/long-fields",
    "XSS in a title": "articles/xss-title", "XSS in citation plain text": "research/xss-citation",
    "raw HTML in Markdown": "articles/xss-raw-html", "dangerous link schemes": "articles/xss-link-schemes",
}


def test_the_hostile_records_cover_every_class_and_say_what_they_test():
    assert set(CLASSES.values()) <= set(HOSTILE_RECORDS), set(CLASSES.values()) - set(HOSTILE_RECORDS)
    for name, path in HOSTILE_RECORDS.items():
        assert _header(path).startswith("Tests: "), f"{name}: the first comment line says what it tests"
    assert EXPECTED["articles/utf8-bom"][0] == "BUILD" and "activities/billion-laughs" in FAIL


def hostile_project(tmp_path: Path, *names: str) -> Path:
    """The sample content, the companion activity and the named hostile records."""
    project = copy_project(tmp_path / "project", data=PROJECT / "data")
    companion = (HOSTILE / "companion.yml").read_text(encoding="utf-8")
    if "research/xss-citation" in names:
        companion = companion.replace("safety:", "supports: [research/xss-citation]\nsafety:")
    write(project / "data" / f"{COMPANION}.yml", companion)
    for name in names:
        shutil.copy(HOSTILE_RECORDS[name], project / "data" / f"{name}.yml")
    return project


def _named_failures(name: str, stderr: str) -> list[tuple[int, str]]:
    return [(int(line), field.split("[")[0])
            for line, field in re.findall(rf"data/{name}\.yml:(\d+):\d+: ([\w.\[\]]+):", stderr)]


@pytest.mark.parametrize("name", FAIL)
def test_hostile_record_fails_naming_file_line_and_field(tmp_path, name):
    _, lines, field = EXPECTED[name]
    result = build(hostile_project(tmp_path, name), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(line in lines and f == field for line, f in _named_failures(name, result.stderr)), result.stderr


def test_hostile_records_build_and_nothing_is_live(tmp_path):
    project = hostile_project(tmp_path, *BUILD)
    result = build(project, "--strict")
    if result.returncode != 0:  # only a SAFE or EITHER record may fail, and only as its header says
        for name in BUILD:
            outcome, lines, field = EXPECTED[name]
            named = _named_failures(name, result.stderr)
            assert not named or (outcome in ("SAFE", "EITHER")
                                 and any(line in lines and f == field for line, f in named)), result.stderr
        pytest.fail(f"a SAFE or EITHER record failed as allowed; build the rest on their own:\n{result.stderr}")
    site = project / "site"
    assert live_payloads_in_site(site) == {}
    assert "OTXSS" in json.dumps(search_pages(site))  # the payloads are in the search index, as text
    title_page = html(site, "articles/xss-title")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&quot;OTXSS-title&quot;)" in title_page
    backlinks = text_of(html(site, COMPANION))  # the related article and the supporting card, as text
    assert '</title><script>alert("OTXSS-title")' in backlinks and 'onerror=alert("OTXSS-cardtitle")' in backlinks
    card = text_of(html(site, "research/xss-citation"))
    for payload in ("OTXSS-journal", "OTXSS-population", "OTXSS-size", "OTXSS-author", "OTXSS-citetitle"):
        assert payload in card  # shown, as text
    answers = text_of(html(site, "articles/yes-no-answers"))
    assert "Does every toe walker need therapy? No" in answers and "Can a therapist check my child" in answers
    assert "False" not in answers and "True" not in answers
    bom = html(site, "articles/utf8-bom")
    assert "\ufeff" not in bom and '<h1 id="calm-corners-in-the-classroom">' in bom
    assert "\ufeff" not in (site / "search/search_index.json").read_text(encoding="utf-8")
    schemes = html(site, "articles/xss-link-schemes")
    assert '<a href="https://example.org/"' in schemes and '<a href="mailto:ot@example.org"' in schemes
    raw = html(site, "articles/xss-raw-html")
    assert "<strong>bold</strong>" in raw and "Plain words" in raw


def test_no_heading_swallows_a_block(sample_site):
    """A template's whitespace control can glue a block onto a heading ('## Related<div ...>'); the
    browser then closes the page's article early and the trust block falls out of the content."""
    glued = re.compile(r"<h([1-6])\b[^>]*>(?:(?!</h\1>).)*?<(div|article|section|ul|ol|p|table)\b", re.S)
    bad = [path.relative_to(sample_site).as_posix() for path in sample_site.rglob("*.html")
           if glued.search(path.read_text(encoding="utf-8"))]
    assert bad == []

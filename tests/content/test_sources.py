"""Article sources: `sources`, the `[n]` and `[research/slug]` markers, their notes, and the warnings
about claims without a source and sources that are a site's home page."""

import datetime as dt
import shutil
from pathlib import Path

from conftest import PROJECT, TESTS, copy_project, validate_one
from otkb.content.notes import claims, is_home_page
from otkb.content.pipeline import build_library, check_library
from otkb.content.validate import Record
from otkb.site.render import make_environment, render_record

TODAY = dt.date(2026, 11, 21)
OLD_RECORDS = TESTS / "old_records"
ARTICLE = "data/articles/hand-skills-at-home.yml"

CITED_BODY = """body: |
  Short games count [1].

  ## Why small games help

  A few minutes with **pegs** each day
  adds up [2, research/smith-2020-pegs].

  Try these [1]:

  - Pegs
  - Paint

  Code stays as typed: `[1]`, and so does a [link](https://example.org/dough) [2].
"""
SOURCES = """sources:
  - name: Example Parenting, Hand skills
    url: https://example.org/hand-skills
  - name: Example Clinic, <b>Pegs</b>
    url: https://example.org/clinic/pegs
"""


def cited_article(project: Path, body: str = CITED_BODY, sources: str = SOURCES) -> Path:
    path = project / ARTICLE
    text = path.read_text()
    start, end = text.index("body: |"), text.index("faq:")
    text = text[:start] + body + text[end:]
    text = text.replace("source:\n  name: Example Parenting, Hand skills\n  url: https://example.org/hand-skills\n",
                        sources)
    path.write_text(text)
    return path


def checked(project: Path):
    library, errors, warnings = check_library(project, today=TODAY)
    return library, [str(e) for e in errors], [str(w) for w in warnings]


def article_html(library) -> str:
    record = library.records["articles/hand-skills-at-home"]
    env = make_environment()
    env.globals["library"] = library
    return render_record(record, library, env)


# --- the page -------------------------------------------------------------------------

def test_markers_become_numbered_notes_that_link_to_the_sources(project):
    cited_article(project)
    library, errors, warnings = checked(project)
    assert errors == []
    assert [w for w in warnings if "articles/" in w] == []
    page = article_html(library)
    assert '<p>Short games count<sup class="otkb-note-ref">[<a href="#note-1" aria-label="source 1">1</a>]</sup>.</p>' in page
    assert ('adds up<sup class="otkb-note-ref">[<a href="#note-2" aria-label="source 2">2</a>, <a href="#note-3" aria-label="source 3">3</a>]</sup>.'
            in page)
    assert "<code>[1]</code>" in page  # a marker in code is left as typed
    notes = page[page.index("## Sources"):]
    assert ('<li id="note-1"><a href="https://example.org/hand-skills" rel="noopener">Example Parenting, '
            'Hand skills</a></li>') in notes
    assert '<li id="note-2"><a href="https://example.org/clinic/pegs" rel="noopener">Example Clinic, &lt;b&gt;Pegs&lt;/b&gt;</a></li>' in notes
    assert ('<li id="note-3">Research card: <a href="../../research/smith-2020-pegs/">Peg games and pinch strength &#40;Smith et al&#46;, 2020&#41;</a></li>'
            in notes)
    assert "Based on facts from" not in page  # the notes replace the single-source line


def test_the_old_single_source_is_note_1(library):
    page = article_html(library)
    assert '<sup class="otkb-note-ref">[<a href="#note-1" aria-label="source 1">1</a>]</sup>' in page
    assert '<li id="note-1"><a href="https://example.org/hand-skills" rel="noopener">' in page


def test_an_article_reads_the_cards_it_cites_so_the_preview_redraws_it_when_they_change(project):
    from otkb.site.reads import Reads
    from otkb.site.render import make_environment, page_sources
    cited_article(project)
    library, errors = build_library(project)
    reads = Reads()
    page_sources(library, make_environment(), reads)["articles/hand-skills-at-home.md"]()
    assert ("records", "research/smith-2020-pegs") in reads.pages["articles/hand-skills-at-home.md"]


def test_a_cited_card_is_not_an_orphan(project):
    cited_article(project)
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]\n", ""))
    _, errors, warnings = checked(project)
    assert errors == [] and not any("no record links to this research card" in w and "smith" in w
                                    for w in warnings)


# --- errors ---------------------------------------------------------------------------------

def test_a_marker_past_the_sources_or_to_an_unknown_card_is_an_error(project):
    cited_article(project, body=CITED_BODY.replace("[2, research/smith-2020-pegs]", "[3, research/smith-2020-peg]"))
    _, errors = build_library(project)
    assert [str(e) for e in errors] == [
        "data/articles/hand-skills-at-home.yml:15:3: body: [3] cites source 3, but the article lists 2 "
        "sources; number the 'sources' from 1 in the order they are listed, or add the missing one",
        "data/articles/hand-skills-at-home.yml:15:3: body: [research/smith-2020-peg] cites an unknown research "
        "card (did you mean 'research/smith-2020-pegs'?)"]


def test_source_and_sources_together_is_an_error():
    _, errors = validate_one({"title": "T", "summary": "S", "reviewed": "2026-01-01", "published": "2026-01-01",
                              "body": "Text [1].", "source": {"name": "A", "url": "https://a.org/x"},
                              "sources": [{"name": "B", "url": "https://b.org/y"}]}, kind="articles")
    assert errors == ["data/articles/x.yml:1:1: source: an article lists its sources under 'sources:' only; "
                      "move the 'source:' entry into that list (as the first, if the body cites it as [1])"]


# --- warnings ---------------------------------------------------------------------------------

def test_claims_without_a_source_and_unused_sources_warn_on_their_lines(project):
    cited_article(project, body=CITED_BODY.replace(" [2, research/smith-2020-pegs]", "").replace(" [1]:", ":")
                  .replace(" [2].", "."))
    _, errors, warnings = checked(project)
    assert errors == []
    advice = ("; add [n] after it for the source it comes from (n counts the article's 'sources' from 1) or "
              "[research/slug], or reword it to what a source says")
    assert [w for w in warnings if w.startswith(ARTICLE)] == [
        f"{ARTICLE}:15:3: body: warning: this claim cites no source: 'A few minutes with pegs each day adds "
        f"up.'{advice}",
        f"{ARTICLE}:18:3: body: warning: this claim cites no source: 'Try these:'{advice}",
        f"{ARTICLE}:20:3: body: warning: this claim cites no source: 'Pegs'{advice}",
        f"{ARTICLE}:21:3: body: warning: this claim cites no source: 'Paint'{advice}",
        f"{ARTICLE}:23:3: body: warning: this claim cites no source: 'Code stays as typed: [1], and so does a "
        f"link.'{advice}",
        f"{ARTICLE}:31:5: sources[2]: warning: source 2 is cited nowhere; add [2] after the claims it supports, "
        "or remove it"]


def test_an_article_is_read_once_for_the_lines_of_its_claims_and_not_for_right_markers(project, monkeypatch):
    """The warnings about an article's claims read its file once for all their lines (at 10,000 records
    each claim read it again: 11,960 reads), and linking reads it only for a marker that is wrong."""
    read = []
    file_lines = Record.file_lines
    monkeypatch.setattr(Record, "file_lines", lambda self, *args: read.append(self.path) or file_lines(self, *args))
    cited_article(project)
    _, errors = build_library(project)
    assert errors == [] and read == []
    cited_article(project, body=CITED_BODY.replace(" [2, research/smith-2020-pegs]", "").replace(" [1]:", ":"))
    _, errors, warnings = checked(project)
    assert errors == [] and sum(w.startswith(f"{ARTICLE}:") and "cites no source" in w for w in warnings) == 4
    assert read == [ARTICLE]


def test_a_lead_in_and_its_list_cover_each_other():
    assert claims("Try these [1]:\n\n- Pegs\n- Paint") == [("Try these [1]:", True), ("- Pegs", True),
                                                            ("- Paint", True)]
    assert claims("Try these:\n\n- Pegs [1]\n- Paint [2]") == [("Try these:", True), ("- Pegs [1]", True),
                                                               ("- Paint [2]", True)]
    assert claims("Try these:\n\n- Pegs [1]\n- Paint") == [("Try these:", False), ("- Pegs [1]", True),
                                                           ("- Paint", False)]
    assert claims("## A heading\n\nText [1].") == [("Text [1].", True)]
    assert claims("**In the UK:**\n\n- Ask your GP [1]") == [("**In the UK:**", True), ("- Ask your GP [1]", True)]


def test_home_pages():
    assert is_home_page("https://www.wonderparenting.com/") and is_home_page("https://example.org")
    assert not is_home_page("https://example.org/hand-skills") and not is_home_page("https://example.org/?p=12")


def test_the_new_checks_flag_the_old_records(tmp_path):
    # The fine-motor article as it was: a home page for a source and no claim citing it. The DCD
    # article: sources listed in the body, none cited.
    project = copy_project(tmp_path / "project", data=PROJECT / "data")
    for old in OLD_RECORDS.glob("*.yml"):
        shutil.copy(old, project / "data/articles" / old.name)
    _, errors, warnings = checked(project)
    assert errors == []
    fine = "data/articles/how-occupational-therapy-helps-fine-motor-skills.yml"
    assert (f"{fine}:22:3: source.url: warning: 'https://www.wonderparenting.com/' is a site's home page, not "
            "the page the facts come from; give the address of the page itself") in warnings
    assert f"{fine}:20:1: source: warning: source 1 is cited nowhere; add [1] after the claims it supports, or remove it" in warnings
    unsourced = [w for w in warnings if "this claim cites no source" in w]
    assert any(w.startswith(f"{fine}:29:3: body:") for w in unsourced)
    dcd = "data/articles/developmental-coordination-disorder-dyspraxia.yml"
    assert any(w.startswith(f"{dcd}:113:3: body:") and "'One approach OTs use is called CO-OP" in w for w in unsourced)
    assert any(w.startswith(f"{dcd}:93:3: body:") and "'There is no medicine that cures DCD." in w for w in unsourced)
    assert any(w.startswith(f"{dcd}:177:7: faq[1].answer:") and "'Yes, in children the two names" in w
               for w in unsourced)


def test_json_ld_cites_the_sources(project):
    import json

    from otkb.site.structured_data import json_ld

    cited_article(project)
    library, errors = build_library(project)
    record = library.records["articles/hand-skills-at-home"]
    data = json.loads(json_ld(record, library, "https://x.org/articles/hand-skills-at-home/", "otkb",
                              "https://x.org/"))
    article = data["@graph"][0]
    assert article["citation"] == [
        {"@type": "CreativeWork", "name": "Example Parenting, Hand skills", "url": "https://example.org/hand-skills"},
        {"@type": "CreativeWork", "name": "Example Clinic, <b>Pegs</b>", "url": "https://example.org/clinic/pegs"}]


def test_search_reads_the_claims_without_their_note_numbers(project):
    from otkb.site.search import page_entries

    cited_article(project)
    library, errors = build_library(project)
    text = " ".join(entry["text"] for entry in page_entries(library.records["articles/hand-skills-at-home"], library))
    assert "Short games count." in text and "each day adds up." in text
    assert "[1]" in text  # the one in code, shown as typed
    assert "[2" not in text and "research/smith" not in text

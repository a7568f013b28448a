"""Render stage: golden Markdown per kind, and editor text that can never become markup."""

from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_DATA, GOLDEN, PROJECT
from otkb.content.markup import escape_text, inline_markdown_to_html, markdown_to_html, split_sections
from otkb.content.pipeline import build_library
from otkb.site.render import render_pages


@pytest.fixture(scope="module")
def pages():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return render_pages(library)


@pytest.mark.parametrize("src_uri", ["articles/hand-skills-at-home.md", "research/smith-2020-pegs.md",
                                     "activities/peg-game.md", "activities/index.md", "research/index.md",
                                     "topics/grasp.md"])
def test_golden_pages(pages, src_uri, update_goldens):
    golden = GOLDEN / src_uri
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(pages[src_uri], encoding="utf-8")
    assert pages[src_uri] == golden.read_text(encoding="utf-8"), f"run pytest --update-goldens to accept"


def test_every_page_is_generated_at_the_contract_urls(pages):
    assert sorted(p for p in pages if not p.startswith("topics/")) == [
        "activities/index.md", "activities/peg-game.md", "articles/hand-skills-at-home.md",
        "articles/index.md", "milestones/index.md", "research/index.md", "research/jones-2019-preterm-grip.md",
        "research/map.md", "research/smith-2020-pegs.md"]
    assert "topics/index.md" in pages and "topics/grasp.md" in pages


def test_front_matter_is_yaml_with_escaped_title_and_topic_tags(pages):
    meta = yaml.safe_load(pages["activities/peg-game.md"].split("---\n")[1])
    assert meta["title"] == "Peg game"
    assert meta["description"] == "Clip clothes pegs onto a paper plate to build pinch strength."
    assert meta["tags"] == ["Fine motor skills", "Hand strength", "Grasp"]
    assert meta["otkb"]["reviewed_label"] == "1 June 2026"


def test_plain_text_is_inert_in_html_and_markdown():
    assert escape_text('</title><script>x</script> *a* [b](javascript:c) {: onclick=d}') == (
        "&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &#42;a&#42; &#91;b&#93;&#40;javascript&#58;c&#41; "
        "&#123;&#58; onclick&#61;d&#125;")


@pytest.mark.parametrize("markdown, expected", [
    ("<script>alert(1)</script>ok", "<p>ok</p>"),
    ("[a](javascript:alert(1))", "<p><a rel=\"noopener nofollow\">a</a></p>"),
    ("[a](JaVaScRiPt:alert(1))", "<p><a rel=\"noopener nofollow\">a</a></p>"),
    ("[a](java&#x09;script:alert(1))", "<p><a rel=\"noopener nofollow\">a</a></p>"),
    ("![i](data:text/html,x)", '<p><img alt="i"></p>'),
    ('<img src="x" onerror="alert(1)">', '<p><img src="x"></p>'),
    ("<a href='vbscript:x' onclick='y'>z</a>", '<p><a rel="noopener nofollow">z</a></p>'),
    ("[x](https://example.org) **b**", '<p><a href="https://example.org" rel="noopener nofollow">x</a> '
                                       "<strong>b</strong></p>"),
    ("<details open ontoggle=alert(1)><summary>S</summary>x</details>", "Sx"),
    ("<style>body{}</style><iframe src=x></iframe>", ""),
])
def test_markdown_is_sanitised(markdown, expected):
    assert markdown_to_html(markdown) == expected


def test_inline_markdown_drops_the_paragraph():
    assert inline_markdown_to_html("Take *one* step.") == "Take <em>one</em> step."


def test_article_bodies_split_at_headings_outside_code():
    body = "Intro.\n\n## First\nText.\n\n```\n## not a heading\n```\n### Deeper\nMore."
    assert split_sections(body) == [(2, None, "Intro."), (2, "First", "Text.\n\n```\n## not a heading\n```"),
                                    (3, "Deeper", "More.")]


def test_editor_text_is_never_run_as_a_template(tmp_path):
    import shutil
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("title: Peg game", "title: \"{{ 7*7 }} {% raw %}\""))
    library, errors = build_library(tmp_path)
    page = render_pages(library)["activities/peg-game.md"]
    body = page.split("---\n", 2)[2]
    assert "# &#123;&#123; 7&#42;7 &#125;&#125; &#123;&#37; raw &#37;&#125;" in body and "49" not in body


@pytest.mark.parametrize("project", ["sample", "many_activities"])
def test_memoised_cards_equal_cards_rendered_each_time(monkeypatch, request, project):
    """Cards are rendered once per page folder; every page (listing pages 2, 3... too) must come out as if
    rendered afresh."""
    from conftest import PROJECT
    from otkb.site import render

    library, errors = build_library(PROJECT if project == "sample" else request.getfixturevalue(project))
    assert errors == []
    memoised = render_pages(library)

    def afresh(env, cache):
        def card(record, here, show_kind=False, level=3, evidence=True):
            parts = render._card_parts(record, env.get_template("_macros.md.j2").module.card_meta(record, evidence))
            return render.card_html(record, render.href(here, render.url_of(record)), parts, show_kind, level)
        return card
    monkeypatch.setattr(render, "_card_renderer", afresh)
    assert render_pages(library) == memoised


def test_a_card_on_pages_in_two_folders_links_from_each_page(library):
    """A card's meta, title and summary are rendered once per record (render._card_renderer); the card on
    each page links to its record from that page, and shows the kind and heading level the page asks for."""
    from otkb.site.render import make_environment

    env = make_environment()
    env.globals["library"] = library
    activity = library.records["activities/peg-game"]
    on_a_topic = str(env.globals["cards"]([activity], "topics/grasp/"))
    on_a_letter_page = str(env.globals["cards"]([activity], "activities/a-z/p/", show_kind=True, level=2))
    on_its_own_page = str(env.globals["card"](activity, "activities/peg-game/"))
    assert '<a href="../../activities/peg-game/">Peg game</a></h3>' in on_a_topic
    assert '<p class="otkb-card__kind">Activity</p><h2 class="otkb-card__title"><a href="../../peg-game/">' \
        in on_a_letter_page
    assert '<h3 class="otkb-card__title"><a href="./">Peg game</a></h3>' in on_its_own_page
    summary = on_a_topic[on_a_topic.index('<p class="otkb-card__summary">'):]
    assert summary.endswith("</article>\n</div>") and summary[:-len("\n</div>")] in on_a_letter_page
    assert on_its_own_page.endswith(summary[:-len("\n</div>")]) and "otkb-badge" in summary


def test_relative_links_are_relpaths_answers():
    """`href` works out relative links on the folders' names; it must answer as posixpath.relpath does."""
    import itertools
    import posixpath

    from otkb.site.render import href

    urls = ["", "activities/", "activities/x/", "activities/y/", "activities/page/2/", "activities/page/12/",
            "topics/", "topics/fine-motor/", "research/map/", "research/smith-2020/", "articles/a-b/",
            "activities/x", "a//b/", "./", "../", "activities/../topics/", "/abs/", "docs/v1.2/"]
    for here, target in itertools.product(urls, repeat=2):
        expected = posixpath.relpath(target or ".", here or ".").rstrip("/") + "/" if target != here else "./"
        assert href(here, target) == expected, (here, target)


def test_front_matter_is_what_the_safe_dumper_writes():
    """front_matter's dumper takes a shorter way for text; it must write what yaml's safe dumper writes,
    for values that read as other types, need quotes or span lines, and for a list given twice."""
    import html

    import yaml

    from otkb.site.render import front_matter

    shared = ["navigation", "toc"]
    values = ["true", "no", "1.0", "0x1F", "null", "~", "", " lead", "a: b", "- x", "#x", "x #y", "2026-01-02",
              "Crème brûlée", "line\nbreak", "'quoted'", '"double"', "@at", "%pc", "*star", "&amp;", "=", "<<"]
    extra = {"tags": values, "otkb": {"kind": "activities", "flag": True, "count": 3, "nested": {"v": values[:5]}},
             "hide": shared, "again": shared, "search": {"exclude": True}}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for title in values:
        shown = html.escape(title, quote=True)  # as Material needs them (the test above)
        expected = yaml.dump({"title": shown, "description": shown, **extra}, Dumper=dumper, allow_unicode=True,
                             sort_keys=False, width=10_000)
        assert front_matter(title, title, **extra) == "---\n" + expected + "---\n\n", title


def test_templates_print_every_value_escaped_unless_it_is_markup():
    """Our templates print `_finalize(value)` without Jinja's escape() around it (render._Printing): a value
    is still escaped for HTML and Markdown unless it is Markup, in macros, loops and blocks alike, and a
    template that turns escaping off still gets escaped text."""
    from markupsafe import Markup

    from otkb.site.render import make_environment

    env = make_environment()
    template = env.from_string(
        "{% macro m(v) %}<{{ v }}>{% endmacro %}{{ a }}|{{ b }}|{{ m(a) }}|{% for x in [a, b, none] %}{{ x }};{% endfor %}"
        "|{% autoescape false %}{{ a }}{% endautoescape %}|{% autoescape flag %}{{ a }}{{ b }}{% endautoescape %}")
    for flag in (True, False):
        assert template.render(a="<i>*x_", b=Markup("<b>"), flag=flag) == (
            "&lt;i&gt;&#42;x&#95;|<b>|<&lt;i&gt;&#42;x&#95;>|&lt;i&gt;&#42;x&#95;;<b>;;|&lt;i&gt;&#42;x&#95;"
            "|&lt;i&gt;&#42;x&#95;<b>")
    assert "escape(environment.finalize(" not in env.compile("{{ a }}", raw=True)


def test_a_new_kind_on_the_default_listing_says_only_its_own_intro(monkeypatch, library):
    """The listing's first paragraph comes from the kind's declaration: a new kind gets its own, or
    none, never the articles' (the template once fell back to their text for any other kind)."""
    from dataclasses import replace

    from otkb.content.kinds import KINDS
    from otkb.site.render import make_environment, render_listing

    env = make_environment()
    env.globals["library"] = library
    monkeypatch.setitem(KINDS, "guides", replace(KINDS["articles"], name="guides", label="Guides",
                                                    description="Guides.", listing_intro=""))
    assert "otkb-lede" not in render_listing("guides", library, env)
    monkeypatch.setitem(KINDS, "guides", replace(KINDS["guides"], listing_intro="Step-by-step guides for families."))
    page = render_listing("guides", library, env)
    assert '<p class="otkb-lede">Step-by-step guides for families.</p>' in page
    assert "Plain-language articles" not in page


@pytest.mark.build
def test_a_fifth_kind_gets_its_own_pages_and_links_from_its_declaration(tmp_path, monkeypatch):
    """A kind declared once (here a copy of the articles' declaration, 'guides') is built with no other
    change: its listing with its own intro, the nav and the 404 page link it, and its pages have its
    JSON-LD type; nothing of another kind's listing leaks in."""
    import shutil
    from dataclasses import replace

    from conftest import FIXTURE_DATA, copy_project
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from otkb.content.kinds import KINDS

    monkeypatch.setitem(KINDS, "guides", replace(
        KINDS["articles"], name="guides", singular="Guide", label="Guides", description="Guides.",
        listing_intro="Step-by-step guides for families.", json_ld_type="TechArticle",
        notfound_word="Learn", notfound_summary="Guides, one step at a time."))
    project = copy_project(tmp_path / "project")
    article = sorted((FIXTURE_DATA / "articles").glob("*.yml"))[0]
    text = article.read_text(encoding="utf-8").replace("title: ", "title: A guide to ", 1)
    (project / "data" / "guides").mkdir()
    (project / "data" / "guides" / "a-guide.yml").write_text(text, encoding="utf-8")
    shutil.rmtree(project / "data" / "articles")
    monkeypatch.setenv("OTKB_CACHE_DIR", "")
    monkeypatch.chdir(project)
    mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site")))

    listing = (tmp_path / "site" / "guides" / "index.html").read_text(encoding="utf-8")
    assert '<p class="otkb-lede">Step-by-step guides for families.</p>' in listing
    assert "Plain-language articles" not in listing and "otkb-finder" not in listing
    assert 'href="../guides/"' in (tmp_path / "site" / "topics" / "index.html").read_text(encoding="utf-8")  # nav
    not_found = (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    assert '<p class="otkb-card__kind">Learn</p>' in not_found and ">Guides</a>" in not_found
    page = (tmp_path / "site" / "guides" / "a-guide" / "index.html").read_text(encoding="utf-8")
    assert '"@type":"TechArticle"' in page


def test_a_title_edit_changes_only_its_old_and_new_letters_pages(tmp_path, monkeypatch):
    """A long listing goes by first letter (urls.by_letter): moving an activity from one letter to
    another changes the listing's pages of those two letters (and its first page, whose finder reads
    every activity), where numbered pages would shift between its old place and its new one."""
    import sys

    from otkb.content.link import initial
    from otkb.site import urls
    from otkb.site.render import listing_pages
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    from synthetic import generate

    monkeypatch.setattr(urls, "BY_LETTER_FROM", 100)
    generate(150, tmp_path / "data", FIXTURE_DATA / "topics.yml")  # 120 activities
    before_library = build_library(tmp_path)[0]
    before = render_pages(before_library)
    moved = before_library.records["activities/activity-00001"]
    old_letter = initial(moved.title)
    new_title = ("Zigzag " if old_letter != "Z" else "Again ") + moved.title
    path = tmp_path / "data/activities/activity-00001.yml"
    path.write_text(path.read_text().replace(f"title: {moved.title}", f"title: {new_title}", 1))
    after_library = build_library(tmp_path)[0]
    after = render_pages(after_library)

    def pages_of(library, letters):
        return {urls.source_of(url) for url, _, letter in listing_pages("activities", library) if letter in letters}

    touched = pages_of(before_library, {old_letter, initial(new_title)}) | pages_of(after_library, {old_letter, initial(new_title)})
    listings = {src for src in before.keys() | after.keys() if src.startswith("activities/") and (
        src == "activities/index.md" or "/a-z/" in src)}
    changed = {src for src in listings if before.get(src) != after.get(src)}
    assert changed - {"activities/index.md"} <= touched and len(listings - touched) > 5
    assert "# Activities starting with" in after[min(touched - {"activities/index.md"})]


@pytest.mark.parametrize("title, letter", [("Peg games", "P"), ("élan walks", "E"), ("'Tummy time' for babies", "T"),
                                           ("3 ways to hold a crayon", "#"), ("Ходьба", "#"), ("ﬁnger games", "F")])
def test_a_title_is_listed_under_its_first_letter_without_accents(title, letter):
    from otkb.content.link import initial
    assert initial(title) == letter

"""The incremental preview: after edits, what `mkdocs serve` shows equals a full build of the result.

The serve session runs in this process, as `mkdocs serve` runs it: a full
build, then on_serve, then the rebuild the file watcher calls after each
save. Each project's session is its own (otkb.host.session), so no separate
process is needed for a clean state.
"""

import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from conftest import add_neighbours, copy_project, swap_contents, text_of, write_milestone
from otkb.host import session

SERVE_URL = "http://127.0.0.1:8000/"


def retitle_a_record_others_link_to(project):
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("title: Peg games and pinch strength", "title: Peg play and pinch"))

def add_a_record(project):
    (project / "data/activities/bead-threading.yml").write_text(
        "title: Bead threading\nsummary: Thread big beads on a lace.\ntopics: [fine-motor]\n"
        "reviewed: 2026-06-01\nskills: [bilateral-coordination]\nages: {min: 3 years, max: 6 years}\n"
        "materials: [Beads, A lace]\nsteps: [Thread a bead.]\nrelated: [activities/peg-game]\n")

def rename_a_topic(project):
    path = project / "data/topics.yml"
    path.write_text(path.read_text().replace("name: Hand strength", "name: Strong hands"))

def delete_a_record(project):
    (project / "data/articles/hand-skills-at-home.yml").unlink()
    path = project / "data/activities/peg-game.yml"
    path.write_text(path.read_text().replace("supports: [research/smith-2020-pegs]", "supports: []"))

def change_what_a_study_found(project):
    """The activity's card on every listing and topic page shows its study's result: they must update."""
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("result: benefit", "result: no-difference"))

EDITS = [retitle_a_record_others_link_to, add_a_record, rename_a_topic, delete_a_record, change_what_a_study_found]


@contextmanager
def serving(project: Path, site: Path, monkeypatch):
    """`mkdocs serve` of `project` into `site`, in this process; yields the rebuild a save triggers."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.chdir(project)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
    config.plugins.on_serve(server, config=config, builder=lambda: None)

    def rebuild() -> None:
        server.builder()
        answers_are_current(project)

    try:
        yield rebuild
    finally:
        config.plugins.on_shutdown()


def answers_are_current(project: Path) -> None:
    """After a rebuild, every answer the preview kept (only those an edit may change were asked
    again, reads.may_change) is the answer a fresh library gives."""
    from otkb.content.pipeline import check_library
    from otkb.site.reads import answer_digest

    incremental = session.of(str(project / "mkdocs.yml")).incremental
    library = check_library(project)[0]
    if library is None or incremental.renewed:  # a failed check or build: nothing was kept
        return
    asked = {query for queries in incremental.reads.pages.values() for query in queries}
    wrong = [query for query in asked if incremental.answers[query] != answer_digest(library, query)]
    assert wrong == []


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_rebuilds_equal_a_full_build(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    failed = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: failed.append(record.getMessage())
    logging.getLogger().addHandler(handler)
    try:
        with serving(project, tmp_path / "served", monkeypatch) as rebuild:
            untouched = tmp_path / "served/articles/hand-skills-at-home/index.html"
            written = untouched.stat().st_mtime_ns
            for edit in EDITS:
                edit(project)
                rebuild()  # what the file watcher calls after a save
                if edit is EDITS[0]:  # the first rebuild, too, writes only the pages the edit touched
                    assert untouched.stat().st_mtime_ns == written
        assert session.SESSIONS == {}  # on_shutdown ended it
        full = copy_project(tmp_path / "full", data=project / "data")
        with serving(full, tmp_path / "fresh", monkeypatch):
            pass
    finally:
        logging.getLogger().removeHandler(handler)
    assert failed == []

    incremental, fresh = tree(tmp_path / "served"), tree(tmp_path / "fresh")
    assert sorted(incremental) == sorted(fresh)
    different = [name for name in fresh if incremental[name] != fresh[name]]
    assert different == []
    page = incremental["activities/peg-game/index.html"].decode()
    assert "Strong hands" in page and "Bead threading" in page and "Hand skills at home" not in page


def add_activities(project: Path, count: int = 70) -> None:
    """Enough activities for a listing of two pages, each citing the fixture's trial, and a
    milestone checklist, which lists the activities for its age."""
    (project / "data/milestones").mkdir(exist_ok=True)
    (project / "data/milestones/4-years.yml").write_text(
        "title: Milestones at 4 years\nsummary: What most children do by 4 years.\ntopics: [fine-motor]\n"
        "reviewed: 2026-06-01\nage: 4 years\nskills:\n  fine-motor: [Holds a crayon with fingers and thumb.]\n"
        "seek_help: [Your child has lost skills they had.]\n"
        "source: {name: A checklist, url: 'https://example.org/checklist'}\n")
    for n in range(count):
        (project / f"data/activities/extra-{n:02d}.yml").write_text(
            f"title: Extra activity {n:02d}\nsummary: Practice number {n}.\ntopics: [fine-motor]\n"
            "reviewed: 2026-06-01\nskills: [grasp]\nages: {min: 3 years, max: 6 years}\n"
            f"materials: [Pegs]\nsteps: [Step {n}.]\nsupports: [research/smith-2020-pegs]\n")


def change_a_step(project):
    path = project / "data/activities/extra-61.yml"
    path.write_text(path.read_text().replace("steps: [Step 61.]", "steps: [Squeeze a peg 61 times.]"))

def weaken_the_trial(project):  # every card citing it shows another level
    path = project / "data/research/smith-2020-pegs.yml"
    path.write_text(path.read_text().replace("design: rct", "design: cohort"))

def retitle_to_another_page(project):  # from the second page of the listing to the first
    path = project / "data/activities/extra-65.yml"
    path.write_text(path.read_text().replace("title: Extra activity 65", "title: An extra activity"))

def change_the_ages(project):  # the finder's data, the search index's ages, the milestone page
    path = project / "data/activities/extra-03.yml"
    path.write_text(path.read_text().replace("min: 3 years, max: 6 years", "min: 5 years, max: 9 years"))

def change_the_guides_example(project):  # the editor's guide shows the first activity's summary
    path = project / "data/activities/extra-00.yml"
    path.write_text(path.read_text().replace("summary: Practice number 0.", "summary: Squeeze and let go."))

IN_PLACE_EDITS = [change_a_step, weaken_the_trial, retitle_to_another_page, change_the_ages,
                  change_the_guides_example]


def test_record_edits_update_pages_in_place_and_equal_a_full_build(tmp_path, monkeypatch, caplog):
    """An edit of records only: the touched pages, search index and generated files are updated
    without a MkDocs build, and the result equals a full build byte for byte."""
    project = copy_project(tmp_path / "project")
    add_activities(project)
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        for edit in IN_PLACE_EDITS:
            edit(project)
            caplog.clear()
            with caplog.at_level(logging.INFO):
                rebuild()
            assert any("in place" in r.getMessage() for r in caplog.records), edit.__name__
            assert not any(r.levelno >= logging.ERROR for r in caplog.records), edit.__name__
    full = copy_project(tmp_path / "full", data=project / "data")
    with serving(full, tmp_path / "fresh", monkeypatch):
        pass
    served, fresh = tree(tmp_path / "served"), tree(tmp_path / "fresh")
    assert sorted(served) == sorted(fresh)
    assert [name for name in fresh if served[name] != fresh[name]] == []
    assert "Squeeze a peg 61 times" in served["activities/extra-61/index.html"].decode()
    assert "An extra activity" in served["activities/index.html"].decode()
    assert "Squeeze and let go" in served["editors/index.html"].decode()
    milestone = served["milestones/4-years/index.html"].decode()
    assert "Extra activity 61" in milestone and "Extra activity 03" not in milestone


def retitle_within_its_letter(project):  # from E's first page to its second
    path = project / "data/activities/extra-10.yml"
    path.write_text(path.read_text().replace("title: Extra activity 10", "title: Extra activity 99"))


def test_a_listing_by_first_letter_changes_only_the_letters_a_title_edit_touches(tmp_path, monkeypatch):
    """Past `BY_LETTER_FROM` records a listing goes by first letter (urls.by_letter), so a title edit
    rebuilds only its old and new letters' pages: numbered pages would all shift between its old and
    new place. The preview equals a full build after a new first letter and after a move inside one."""
    from otkb.site import urls
    monkeypatch.setattr(urls, "BY_LETTER_FROM", 60)
    project = copy_project(tmp_path / "project")
    add_activities(project)  # 70 "Extra activity" (E, two pages) and the peg game (P)
    site = tmp_path / "served"
    with serving(project, site, monkeypatch) as rebuild:
        assert "Activities starting with E, page 2 of 2" in (site / "activities/a-z/e/page/2/index.html").read_text()
        retitle_to_another_page(project)  # E to A, a letter of its own: A leads the listing now
        rebuild()
        assert not (site / "activities/a-z/a").exists()
        pages = ("a-z/p/", "a-z/e/", "a-z/e/page/2/")  # (the first page has the finder, whose data changes)
        written = {page: (site / f"activities/{page}index.html").stat().st_mtime_ns for page in pages}
        retitle_within_its_letter(project)
        rebuild()
        assert [page for page in pages if (site / f"activities/{page}index.html").stat().st_mtime_ns != written[page]
                ] == ["a-z/e/", "a-z/e/page/2/"]  # P's page is as it was
        served = tree(site)
    full = copy_project(tmp_path / "full", data=project / "data")
    with serving(full, tmp_path / "fresh", monkeypatch):
        pass
    fresh = tree(tmp_path / "fresh")
    assert sorted(served) == sorted(fresh)
    assert [name for name in fresh if served[name] != fresh[name]] == []
    lead = served["activities/index.html"].decode()
    assert "71 activities. Starting with A: 1 to 1 on this page." in text_of(lead)
    assert '<nav class="otkb-letters" aria-label="Activities by first letter"' in lead
    assert '<a class="otkb-letters__letter" href="./" aria-current="page">A</a>' in lead
    assert '<a class="otkb-letters__letter" href="a-z/e/">E</a>' in lead
    second_e = served["activities/a-z/e/page/2/index.html"].decode()
    assert "Activities starting with E, page 2 of 2" in text_of(second_e)
    assert '<a class="otkb-letters__letter" href="../../" aria-current="true">E</a>' in second_e
    assert '<nav class="otkb-pager" aria-label="Pages of activities starting with E"' in second_e
    assert "Extra activity 99" in second_e and "Extra activity 10" not in served["activities/a-z/e/index.html"].decode()


def test_a_page_whose_markdown_and_json_ld_are_as_built_is_not_built_again(tmp_path, monkeypatch):
    """A step of the peg game changes: the article related to it renders again (its card of the game
    reads the game) to the same Markdown, and its JSON-LD is the same too, so it is not written again
    (Incremental._same_json_ld); the site still equals a full build."""
    project = copy_project(tmp_path / "project")
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        article = tmp_path / "served/articles/hand-skills-at-home/index.html"
        written = article.stat().st_mtime_ns
        path = project / "data/activities/peg-game.yml"
        path.write_text(path.read_text().replace("Draw dots around the plate.", "Draw six dots around the plate."))
        rebuild()
        assert article.stat().st_mtime_ns == written
    full = copy_project(tmp_path / "full", data=project / "data")
    with serving(full, tmp_path / "fresh", monkeypatch):
        pass
    served, fresh = tree(tmp_path / "served"), tree(tmp_path / "fresh")
    assert [name for name in fresh if served.get(name) != fresh[name]] == []
    assert "Draw six dots" in served["activities/peg-game/index.html"].decode()


def delete_a_milestone(project):  # its neighbours link each other instead
    (project / "data/milestones/30-months.yml").unlink()

def add_a_milestone(project):  # between 3 and 4 years
    write_milestone(project, "42-months", "42 months")

def re_age_a_milestone(project):  # 3 years moves after 4 years
    write_milestone(project, "3-years", "54 months")

def swap_two_milestones(project):
    swap_contents(project / "data/milestones/2-years.yml", project / "data/milestones/4-years.yml")

def swap_two_activities(project):
    swap_contents(project / "data/activities/peg-game.yml", project / "data/activities/bead-game.yml")

def rename_an_activity(project):
    (project / "data/activities/bead-game.yml").rename(project / "data/activities/bead-play.yml")

NEIGHBOUR_EDITS = [delete_a_milestone, add_a_milestone, re_age_a_milestone, swap_two_milestones, swap_two_activities,
                   rename_an_activity]


def test_neighbours_renames_and_swaps_in_the_preview_equal_a_full_build(tmp_path, monkeypatch):
    """Issue 24: the preview keys a page by the address and content of every record it shows, the
    milestones before and after it included; after each edit it equals a full build."""
    project = copy_project(tmp_path / "project")
    add_neighbours(project)
    served = {}
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        for edit in NEIGHBOUR_EDITS:  # the served site and the records after each edit
            edit(project)
            rebuild()
            served[edit.__name__] = tree(tmp_path / "served")
            shutil.copytree(project / "data", tmp_path / "data" / edit.__name__)
    for name, pages in served.items():
        full = copy_project(tmp_path / f"full-{name}", data=tmp_path / "data" / name)
        with serving(full, tmp_path / f"fresh-{name}", monkeypatch):
            pass
        fresh = tree(tmp_path / f"fresh-{name}")
        assert sorted(pages) == sorted(fresh), name
        assert [page for page in fresh if pages[page] != fresh[page]] == [], name


def test_a_template_that_shows_another_record_is_rebuilt_when_that_record_changes(tmp_path, monkeypatch):
    """Pages know what they read (otkb.site.reads): an article's template edited to print a study's
    title, a study the article neither links nor cites, gets the article rebuilt when the study is
    retitled, with no change to the code that keys pages (page_keys, which listed what each template
    shows, left it stale)."""
    from otkb.site import render
    templates = shutil.copytree(render.TEMPLATES, tmp_path / "templates")
    article = templates / "article.md.j2"
    article.write_text(article.read_text(encoding="utf-8") + '<p>See also '
                       '{{ library.records["research/jones-2019-preterm-grip"].title }}.</p>\n', encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    project = copy_project(tmp_path / "project")
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        change_what_a_study_found(project)  # a first update in place, so the second is keyed as every later one
        rebuild()
        study = project / "data/research/jones-2019-preterm-grip.yml"
        study.write_text(study.read_text().replace("title: Grip in", "title: Hand grip in"))
        rebuild()
    full = copy_project(tmp_path / "full", data=project / "data")
    with serving(full, tmp_path / "fresh", monkeypatch):
        pass
    served, fresh = tree(tmp_path / "served"), tree(tmp_path / "fresh")
    assert "See also Hand grip in children" in served["articles/hand-skills-at-home/index.html"].decode()
    assert [name for name in fresh if served[name] != fresh[name]] == []


def test_a_page_reads_through_the_view_what_its_key_holds(tmp_path):
    """The queries a page notes are asked again of a library: unchanged answers, an unchanged key;
    a record the page read, changed, another key; a record it never read, changed, the same key."""
    from otkb.content.pipeline import check_library
    from otkb.site.reads import Reads, base_key, page_key
    from otkb.site.render import TEMPLATES, make_environment, page_sources

    project = copy_project(tmp_path / "project")
    library, _, _ = check_library(project)
    reads = Reads()
    page_sources(library, make_environment(), reads)["activities/peg-game.md"]()
    queries = reads.pages["activities/peg-game.md"]
    assert ("records", "activities/peg-game") in queries
    base = base_key(library, TEMPLATES)
    key = page_key(queries, library, base)
    assert page_key(queries, check_library(project)[0], base) == key
    article = project / "data/articles/hand-skills-at-home.yml"  # related: its card is on the page
    article.write_text(article.read_text().replace("title: Hand skills at home", "title: Hand play"))
    assert page_key(queries, check_library(project)[0], base) != key


def test_the_view_hands_out_each_method_and_mapping_once_and_notes_every_ask(library):
    """A view keeps the wrappers it hands out (a topic page at 10,000 records asks `evidence_of` of
    1,800 cards), and each ask through them is still noted, for the page being rendered."""
    from otkb.site.reads import LibraryView, Reads

    reads = Reads()
    view = LibraryView(library, reads)
    assert view.evidence_of is view.evidence_of and view.records is view.records
    peg = library.records["activities/peg-game"]
    for src_uri in ("a.md", "b.md"):
        with reads.page(src_uri):
            assert view.evidence_of(peg) == library.evidence_of(peg) and view.records.get(peg.id) is peg
    assert list(reads.pages["a.md"]) == list(reads.pages["b.md"]) == [
        ("evidence_of", ("activities/peg-game",)), ("records", "activities/peg-game")]


def test_packed_reads_give_back_what_the_pages_asked(tmp_path):
    """A build that writes the warm cache holds every page's queries from its Markdown to its writing:
    packed (`Reads(packed=True)`), as bytes, they are given back as asked, JSON-LD's added, in order."""
    from otkb.content.pipeline import check_library
    from otkb.site.reads import LibraryView, Reads
    from otkb.site.render import make_environment, page_sources

    library, _, _ = check_library(copy_project(tmp_path / "project"))
    held, packed = Reads(), Reads(packed=True)
    for reads in (held, packed):
        page_sources(library, make_environment(), reads)["activities/peg-game.md"]()
        with reads.page("activities/peg-game.md", fresh=False):  # as record_json_ld adds its queries
            LibraryView(library, reads).targets(library.records["activities/peg-game"], "supports")
    assert isinstance(packed.pages["activities/peg-game.md"], bytes)
    queries = held.take("activities/peg-game.md")
    assert ("records", "activities/peg-game") in queries
    assert list(queries)[-1] == ("targets", ("activities/peg-game",), "supports")
    assert list(packed.take("activities/peg-game.md")) == list(queries)
    assert packed.pages == {} and packed.take("activities/peg-game.md") is None


def test_the_answers_share_one_copy_of_each_name_and_id(tmp_path):
    """A build that writes the cache holds the answer to each query every page asked until the last
    page is keyed (66,000 at 10,000 records): the queries they are kept under share their strings."""
    from otkb.content.pipeline import check_library
    from otkb.site.reads import answer_digest

    library, _, _ = check_library(copy_project(tmp_path / "project"))
    by_id = ("records", "".join(["activities/", "peg-game"]))  # each its own copy of the id
    by_relation = ("targets", ("".join(["activities/", "peg-game"]),), "supports")
    answer_digest(library, by_id), answer_digest(library, by_relation)
    kept = list(library.derived["answers"])
    assert kept == [by_id, by_relation] and kept[0][1] is kept[1][1][0]


def test_an_edit_asks_again_only_the_queries_it_may_change(tmp_path):
    """A step of one activity changed: its own queries are asked again, and those of its kind's
    lists, but not an unrelated study's (reads.may_change), and every query it leaves alone has the
    same answer from the new library."""
    from otkb.content.pipeline import check_library
    from otkb.site.reads import Reads, answer_digest, may_change, touched_by
    from otkb.site.render import make_environment, page_sources

    project = copy_project(tmp_path / "project")
    add_activities(project)
    before, _, _ = check_library(project)
    reads = Reads()
    for render in page_sources(before, make_environment(), reads).values():
        render()
    asked = {query for queries in reads.pages.values() for query in queries}
    change_a_step(project)
    after, _, _ = check_library(project)
    touched, kinds = touched_by(before, after)
    again = {query for query in asked if may_change(query, touched, kinds)}
    assert ("records", "activities/extra-61") in again and ("of_kind_between", "activities", 50, 100) in again
    assert ("records", "research/jones-2019-preterm-grip") not in again
    # what is beside a record (its JSON-LD asks) changes only for a kind whose pages step through it
    assert "activities" in kinds and not may_change(("beside", ("activities/extra-10",)), touched, kinds)
    assert may_change(("beside", ("milestones/4-years",)), touched, kinds | {"milestones"})
    assert len(again) < len(asked) / 2
    assert [q for q in asked - again if answer_digest(before, q) != answer_digest(after, q)] == []


def test_a_save_works_out_again_only_the_answers_it_may_change(tmp_path, monkeypatch):
    """A step edit: the only answers worked out of the new library are those of queries the edit may
    change (reads.may_change); every other is the last library's, for `stale` and for the pages
    rendered again (`seal`) alike."""
    from otkb.site import reads

    project = copy_project(tmp_path / "project")
    add_activities(project)
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        incremental = session.of(str(project / "mkdocs.yml")).incremental
        before, worked_out, ask = incremental.library, [], reads._ask
        monkeypatch.setattr(reads, "_ask", lambda library, query: worked_out.append((library, query))
                            or ask(library, query))
        change_a_step(project)
        rebuild()
        after = incremental.library
        touched, kinds = reads.touched_by(before, after)
        asked = [query for library, query in worked_out if library is after]
        assert ("records", "activities/extra-61") in asked
        assert [query for query in asked if not reads.may_change(query, touched, kinds)] == []


def test_a_save_holds_only_its_own_answers_and_finds_the_others_in_the_last(tmp_path, monkeypatch):
    """The answers an edit cannot change are looked up in the last library's (reads.answer_digest),
    not copied into the new library's (66,000 at 10,000 records, 6 ms of each save): after a step
    edit, the new library holds the answers it worked out."""
    project = copy_project(tmp_path / "project")
    add_activities(project)
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:  # rebuild checks every answer
        incremental = session.of(str(project / "mkdocs.yml")).incremental
        change_a_step(project)
        rebuild()
        own = incremental.library.derived["answers"]
        assert ("records", "activities/extra-61") in own and len(own) < len(incremental.answers) / 2


def test_a_save_reads_the_templates_once(tmp_path, monkeypatch):
    """The key every page shares (reads.base_key) reads every template: worked out once a save."""
    from otkb.host import incremental

    project = copy_project(tmp_path / "project")
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        keyed, base_key = [], incremental.base_key
        monkeypatch.setattr(incremental, "base_key", lambda *args: keyed.append(args) or base_key(*args))
        change_what_a_study_found(project)
        rebuild()
        assert len(keyed) == 1


def test_the_queries_no_name_finds_are_kept_by_the_kind_an_edit_must_touch(tmp_path, monkeypatch):
    """`stale` takes the queries an edit may change without naming them from the kinds it touched
    (reads.kind_it_hangs_on), not by asking may_change of each of them: at 10,000 records 8,000 of them
    were activities' `beside`, which no edit changes without naming them."""
    project = copy_project(tmp_path / "project")
    add_activities(project)
    with serving(project, tmp_path / "served", monkeypatch):
        unnamed = session.of(str(project / "mkdocs.yml")).incremental.unnamed
        assert ("of_kind_between", "activities", 50, 100) in unnamed["activities"]
        assert not any(query[0] == "beside" and query[1][0].startswith("activities/")
                       for queries in unnamed.values() for query in queries)


def test_seal_looks_up_no_answer_it_already_holds(tmp_path, monkeypatch):
    """`seal` notes the rendered pages' queries: an answer `stale` kept or asked again is not looked
    up once more (a title edit renders three topic pages of 1,800 cards again at 10,000 records), and
    a page that asks what it asked before keeps its entries. The answers stay current (`serving`)."""
    from otkb.host import incremental as module

    project = copy_project(tmp_path / "project")
    add_activities(project)
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        incremental = session.of(str(project / "mkdocs.yml")).incremental
        looked_up, answer_digest, seal = [], module.answer_digest, incremental.seal

        def sealing(library):
            monkeypatch.setattr(module, "answer_digest", lambda *args: looked_up.append(args[1]) or answer_digest(*args))
            seal(library)
        monkeypatch.setattr(incremental, "seal", sealing)
        held = set(incremental.answers)
        retitle_to_another_page(project)
        rebuild()
        assert incremental.renewed == [] and not held.intersection(looked_up)


def test_the_log_counts_the_pages_a_save_built_again(tmp_path, monkeypatch, caplog):
    """"updated N pages in place" says how many pages the save wrote: it said 1 (the guide) or 0, having
    counted them after `seal` emptied the list."""
    project = copy_project(tmp_path / "project")
    with serving(project, tmp_path / "served", monkeypatch) as rebuild:
        written = {page: page.stat().st_mtime_ns for page in (tmp_path / "served").rglob("*.html")}
        path = project / "data/activities/peg-game.yml"
        path.write_text(path.read_text().replace("title: Peg game", "title: Pinch the pegs"))
        with caplog.at_level(logging.INFO):
            rebuild()
        built = [page for page, mtime in written.items() if page.stat().st_mtime_ns != mtime]
    assert len(built) > 3  # the activity's page, its listing, its topics', the guide
    assert f"otkb: updated {len(built)} pages in place" in caplog.messages

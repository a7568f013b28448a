"""Warm builds (otkb.host.warm): from the previous build's cache, `mkdocs build` gives the same bytes
as a cold build, whatever changed in between."""

import json
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from otkb.host.cachefiles import unseal

from conftest import add_neighbours, build, build_in_this_process, copy_project, leftovers, swap_contents, write_milestone


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def warm_build(project: Path) -> int:
    """Build `project` with its cache; returns how many pages came from the cache."""
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    copied = re.search(r"(\d+) of \d+ generated pages are unchanged", result.stderr)
    return int(copied.group(1)) if copied else 0


def assert_same_as_cold(project: Path, tmp_path: Path, monkeypatch, name: str) -> None:
    cold = copy_project(tmp_path / name, data=project / "data")
    for changed in ("hooks", "overrides", "docs"):  # the same code and theme as the warm build
        for path in (project / changed).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:  # as bytes: docs/ holds images too
                (cold / path.relative_to(project)).parent.mkdir(parents=True, exist_ok=True)
                (cold / path.relative_to(project)).write_bytes(path.read_bytes())
    monkeypatch.setenv("OTKB_CACHE_DIR", "")  # no cache at all
    result = build(cold, "--strict")
    monkeypatch.delenv("OTKB_CACHE_DIR")
    assert result.returncode == 0, result.stderr
    warm, fresh = tree(project / "site"), tree(cold / "site")
    assert sorted(warm) == sorted(fresh)
    assert [name for name in fresh if warm[name] != fresh[name]] == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_warm_builds_equal_cold_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("OTKB_COMMIT", "0123456789abcdef0123456789abcdef01234567")
    project = copy_project(tmp_path / "project")
    home = project / "docs/index.md"  # a hand-written link to a page's source: MkDocs must know the page
    home.write_text(home.read_text(encoding="utf-8") + "\n[Gross motor skills](topics/gross-motor.md)\n",
                    encoding="utf-8")
    assert warm_build(project) == 0  # no cache yet: cold
    assert (project / ".cache/otkb/state.json").is_file()

    # A changed record, on a new commit (every footer changes): most pages come from the cache.
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")
    monkeypatch.setenv("OTKB_COMMIT", "89abcdef0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790086400")
    assert warm_build(project) > 0
    assert "Peg play and pinch" in (project / "site/activities/peg-game/index.html").read_text()
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold1")

    # A deleted record (the pages that linked to it change), then a renamed topic (every page that
    # shows topics: all of them) and a changed template.
    (project / "data/articles/hand-skills-at-home.yml").unlink()
    assert warm_build(project) > 0
    assert not (project / "site/articles/hand-skills-at-home").exists()
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold2")

    # Every page prints topic names, and a template or code change may change any page: no reuse.
    edit(project / "data/topics.yml", "name: Hand strength", "name: Strong hands")
    assert warm_build(project) == 0
    edit(project / "hooks/otkb/site/templates/activity.md.j2", "<p class=\"otkb-lede\">", "<p class=\"otkb-lede\" data-edited>")
    assert warm_build(project) == 0
    assert "data-edited" in (project / "site/activities/peg-game/index.html").read_text()



def test_a_warm_build_adds_its_pages_to_the_pack_while_the_reused_ones_are_most_of_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    warm_build(project)
    pack = project / ".cache/otkb/pages.pack"
    first = pack.read_bytes()
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")
    assert warm_build(project) > 0
    second = pack.read_bytes()
    assert second.startswith(first) and len(second) > len(first)  # the reused pages stayed where they were
    edit(project / "data/topics.yml", "name: Hand strength", "name: Strong hands")  # every page built anew
    assert warm_build(project) == 0
    state = json.loads(unseal((project / ".cache/otkb/state.json").read_bytes()))
    assert len(pack.read_bytes()) == sum(length for _, length, _ in state["packed"].values())  # a new pack


def test_a_message_about_a_record_from_the_cache_names_its_line(tmp_path, monkeypatch):
    """The cache keeps records without their field positions: a message reads the file again."""
    project = copy_project(tmp_path / "project")
    assert warm_build(project) == 0  # writes the cache
    (project / "data/research/smith-2020-pegs.yml").unlink()  # the activity (unchanged) still cites it

    def errors(folder: Path) -> list[str]:
        result = build(folder, "--strict")
        assert result.returncode == 1
        return [line for line in result.stderr.splitlines() if "smith-2020-pegs" in line]

    warm = errors(project)
    monkeypatch.setenv("OTKB_CACHE_DIR", "")
    cold = errors(copy_project(tmp_path / "cold", data=project / "data"))
    assert warm == cold and any("data/activities/peg-game.yml:24:" in line for line in warm)


def with_milestones(tmp_path: Path, monkeypatch) -> Path:
    """The fixture site with four milestone checklists (each links the ages before and after it) and
    a second activity, built cold: the cache is written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    add_neighbours(project)
    assert warm_build(project) == 0
    return project


def test_milestone_neighbours_in_warm_builds_equal_cold_builds(tmp_path, monkeypatch):
    """Issue 24: a milestone's page links the ages before and after it; deleting, adding or
    re-ageing a checklist changes its neighbours' pages, which a warm build must build anew."""
    project = with_milestones(tmp_path, monkeypatch)
    page = project / "site/milestones/2-years/index.html"
    assert 'href="../30-months/"' in page.read_text(encoding="utf-8")

    (project / "data/milestones/30-months.yml").unlink()
    assert warm_build(project) > 0
    assert 'href="../3-years/"' in page.read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path, monkeypatch, "deleted")

    write_milestone(project, "30-months", "30 months")
    assert warm_build(project) > 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "added")

    write_milestone(project, "30-months", "42 months")  # now between 3 and 4 years
    assert warm_build(project) > 0
    assert 'href="../3-years/"' in page.read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path, monkeypatch, "re-aged")


def test_renamed_and_swapped_records_in_warm_builds_equal_cold_builds(tmp_path, monkeypatch):
    """Issue 24: pages are keyed by the address of each record they show, not only its content, so a
    renamed file or two files that swap contents never leave a link to the old address."""
    project = with_milestones(tmp_path, monkeypatch)
    swap_contents(project / "data/milestones/3-years.yml", project / "data/milestones/4-years.yml")
    assert warm_build(project) > 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "swapped-milestones")

    swap_contents(project / "data/activities/peg-game.yml", project / "data/activities/bead-game.yml")
    assert warm_build(project) > 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "swapped-activities")

    (project / "data/activities/bead-game.yml").rename(project / "data/activities/bead-play.yml")
    assert warm_build(project) > 0
    assert "bead-game" not in (project / "site/research/smith-2020-pegs/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path, monkeypatch, "renamed")


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:]


def swap_two_pages(pack: bytes, state: dict) -> bytes:
    """The pack with the bytes of its first two pages swapped."""
    (a, a_len, _), (b, b_len, _) = sorted(state["packed"].values())[:2]
    assert a + a_len == b
    return pack[:a] + pack[b: b + b_len] + pack[a: a + a_len] + pack[b + b_len:]


def swap_offsets(state: dict) -> dict:
    """The index with the places of two pages in the pack swapped: one page's bytes under another's address."""
    first, second = sorted(state["packed"])[:2]
    state["packed"][first][:2], state["packed"][second][:2] = state["packed"][second][:2], state["packed"][first][:2]
    return state


def edit_a_record(records: bytes) -> bytes:
    """records.json with a record's data edited and its file's digest kept."""
    assert b"Peg game" in records
    return records.replace(b"Peg game", b"Peg gamX")


def swap_two_memo_values(data: bytes) -> bytes:
    """memo.json with the values of its first entry and the next one that differs swapped, each under the
    other's key."""
    head, rest = data.split(b"\n", 1)
    entries = []
    while rest:
        header, rest = rest.split(b"\n", 1)
        table, key, length = json.loads(header)
        entries.append([table, key, rest[:length]])
        rest = rest[length:]
    first = next(i for i, entry in enumerate(entries) if entry[2] != entries[0][2])  # two values that differ
    entries[0][2], entries[first][2] = entries[first][2], entries[0][2]
    return head + b"\n" + b"".join(json.dumps([t, k, len(v)]).encode() + b"\n" + v for t, k, v in entries)


def swap_two_lines(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join([lines[0], lines[2], lines[1], *lines[3:]])


def test_a_damaged_or_swapped_cache_builds_what_a_cold_build_builds(tmp_path, monkeypatch):
    """Issue 24: every cache file emptied, cut in half, with a byte flipped or two entries swapped (the
    index resealed too, as if written that way): each warm build equals a cold one, and one line says
    what failed its check."""
    from otkb.host.cachefiles import seal, unseal

    def state_of(data: bytes) -> dict:
        return json.loads(unseal(data))

    def resealed(change):
        return lambda data, state: seal(json.dumps(change(state)).encode())

    damages = {
        "emptied": lambda data, state: b"",
        "halved": lambda data, state: data[: len(data) // 2],
        "flipped": lambda data, state: flip_a_byte(data),
    }
    cases = [(name, how, damage) for name in ("state.json", "pages.pack", "records.json")
             for how, damage in damages.items()]
    cases += [("memo.json", "flipped", lambda data, state: flip_a_byte(data)),
              ("memo.json", "two values swapped", lambda data, state: swap_two_memo_values(data))]
    cases += [("pages.pack", "two pages swapped", lambda data, state: swap_two_pages(data, state)),
              ("state.json", "offsets swapped", lambda data, state:  # the old checksum kept
               data.partition(b"\n")[0] + b"\n" + json.dumps(swap_offsets(state)).encode()),
              ("state.json", "offsets swapped and resealed", resealed(swap_offsets)),
              ("records.json", "two lines swapped", lambda data, state: swap_two_lines(data)),
              ("records.json", "data edited, digest kept", lambda data, state: edit_a_record(data))]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    assert warm_build(project) == 0
    cache = project / ".cache/otkb"
    pristine = {name: (cache / name).read_bytes() for name in ("state.json", "pages.pack", "records.json", "memo.json")}
    monkeypatch.setenv("OTKB_CACHE_DIR", "")
    cold = copy_project(tmp_path / "cold", data=project / "data")
    assert build(cold, "--strict").returncode == 0
    monkeypatch.delenv("OTKB_CACHE_DIR")
    fresh = tree(cold / "site")

    for name, how, damage in cases:
        for each, data in pristine.items():
            (cache / each).write_bytes(data)
        (cache / name).write_bytes(damage(pristine[name], state_of(pristine["state.json"])))
        result = build(project, "--strict")
        assert result.returncode == 0, (name, how, result.stderr)
        warm = tree(project / "site")
        assert sorted(warm) == sorted(fresh), (name, how)
        assert [page for page in fresh if warm[page] != fresh[page]] == [], (name, how)
        failed = [line for line in result.stderr.splitlines() if "failed" in line]
        assert len(failed) == 1 and "check" in failed[0], (name, how, result.stderr)


POISON = b"<p>POISON from a cache</p>"
REUSED_PAGE = "articles/hand-skills-at-home/index.html"


def forge(cache: Path) -> None:
    """Put a page of its own into a cache, with the digests and checksum a build would write: what a
    cache from an untrusted place could hold."""
    from otkb.host.cachefiles import page_digest, seal, unseal

    state = json.loads(unseal((cache / "state.json").read_bytes()))
    pack = (cache / "pages.pack").read_bytes()
    state["packed"][REUSED_PAGE] = [len(pack), len(POISON), page_digest(REUSED_PAGE, POISON)]
    (cache / "pages.pack").write_bytes(pack + POISON)
    (cache / "state.json").write_bytes(seal(json.dumps(state).encode()))


def test_a_cache_from_git_a_link_or_outside_the_project_is_not_used(tmp_path, monkeypatch):
    """Issue 24: a cache is only read from, and written to, a real folder inside the project that git
    does not track; otherwise one line says why and the build is cold (no page of it is published)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("OTKB_COMMIT", "0123456789abcdef0123456789abcdef01234567")  # the same stamp in git
    project = copy_project(tmp_path / "project")
    cold = copy_project(tmp_path / "cold", data=project / "data")
    monkeypatch.setenv("OTKB_CACHE_DIR", "")
    assert build(cold, "--strict").returncode == 0
    monkeypatch.delenv("OTKB_CACHE_DIR")
    fresh = tree(cold / "site")
    cache = project / ".cache/otkb"
    assert warm_build(project) == 0
    forge(cache)
    forged = {p.name: p.read_bytes() for p in cache.iterdir()}
    assert warm_build(project) > 0  # where it may be trusted, a well-formed cache is used
    assert POISON in (project / "site" / REUSED_PAGE).read_bytes()

    def restore(folder: Path) -> None:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in forged.items():
            (folder / name).write_bytes(data)

    def assert_cold(why: str, folder: Path) -> None:
        result = build(project, "--strict")
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stderr.splitlines() if "is not used" in line]
        assert len(lines) == 1 and why in lines[0], result.stderr
        assert "unchanged: copied" not in result.stderr
        assert tree(project / "site") == fresh
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == forged  # nor written

    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    restore(cache)
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".cache"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a cache in a pull request"], check=True)
    assert_cold("git tracks .cache/otkb/", cache)
    shutil.rmtree(project / ".git")

    outside = tmp_path / "outside"
    restore(outside / "otkb")
    (project / ".cache").symlink_to(outside)
    assert_cold(".cache is a symbolic link", outside / "otkb")
    (project / ".cache").unlink()

    (project / ".cache").mkdir()
    (project / ".cache/otkb").symlink_to(outside / "otkb")
    assert_cold(".cache/otkb is a symbolic link", outside / "otkb")
    (project / ".cache/otkb").unlink()

    monkeypatch.setenv("OTKB_CACHE_DIR", str(outside / "otkb"))
    assert_cold("outside the project", outside / "otkb")


def test_record_edits_in_warm_builds_equal_cold_builds(tmp_path, monkeypatch):
    """The preview's edits through warm builds: a step, a study's level (every card citing it, on the
    listings and topic pages), a title that moves an activity to the listing's other page, the ages
    (the finder, the search index's ages), the guide's example. What the warm cache keeps by content
    (memo.json: a record page's search postings, a topic page's cards, a page's links) is used for the
    rest and worked out again for what changed: the site equals a cold build's byte for byte."""
    from test_incremental import IN_PLACE_EDITS, add_activities

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    add_activities(project)
    assert warm_build(project) == 0
    assert (project / ".cache/otkb/memo.json").is_file()
    for number, change in enumerate(IN_PLACE_EDITS):
        change(project)
        assert warm_build(project) > 0, change.__name__
        assert_same_as_cold(project, tmp_path, monkeypatch, f"cold{number}")
    # Without an edit, no query whose answer an edit may change is asked again (reads.may_change).
    result = build(project, "--strict")
    kept, asked = map(int, re.search(r"(\d+) of (\d+) queries the pages asked keep", result.stderr).groups())
    assert kept == asked > 100


def test_a_page_none_of_whose_queries_may_change_keeps_its_key_unasked(tmp_path, monkeypatch):
    """A warm build keeps the numbers of each page's queries (memo.json's `answers`): a page that asks
    none an edit may change (reads.may_change) keeps the last build's key without its queries being
    decoded or its key worked out again; the others are keyed as before."""
    from otkb.host import warm

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    build_in_this_process(project)
    keyed = []
    monkeypatch.setattr(warm, "page_key", lambda queries, *args: keyed.append(queries) or "changed")
    build_in_this_process(project)  # nothing changed: no page is keyed
    assert keyed == []
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")
    build_in_this_process(project)
    assert 0 < len(keyed) < 20, len(keyed)


def test_a_warm_build_dumps_only_the_web_editors_new_choices(tmp_path, monkeypatch):
    """The web editor's configuration lists every record to choose from; a warm build keeps each
    choice as dumped (memo.json's `admin`) and dumps only the choices it did not have."""
    from otkb.site import admin

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    build_in_this_process(project)
    dumped = []
    dump = admin.yaml.dump
    monkeypatch.setattr(admin.yaml, "dump", lambda data, **options: dumped.append(data) or dump(data, **options))
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")
    build_in_this_process(project)
    choices = [data for data in dumped if isinstance(data, list)]
    assert [choice[0]["value"] for choice in choices] == ["research/smith-2020-pegs"] * len(choices) != []


def test_a_warm_build_makes_the_finders_rows_of_changed_activities_only(tmp_path, monkeypatch):
    """The finder's index has a row for every activity; a warm build keeps the rows (memo.json's
    `finder`) and makes again those of the activities changed, or naming a record changed."""
    from otkb.site import finder
    from test_incremental import add_activities

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    add_activities(project)
    build_in_this_process(project)
    made = []
    row = finder._row
    monkeypatch.setattr(finder, "_row", lambda record, library: made.append(record.id) or row(record, library))
    edit(project / "data/activities/extra-07.yml", "title: Extra activity 07", "title: Another activity 07")
    build_in_this_process(project)
    assert made == ["activities/extra-07"]
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")  # every activity names it
    made.clear()
    build_in_this_process(project)
    assert len(made) == 71


def test_a_memo_a_killed_build_left_half_written_is_not_read(tmp_path, monkeypatch):
    """A build writes the next memo.json as values come (memo.json.new), and puts it in place only when
    it succeeds: what a killed build leaves is never read, a stale memo.json whose digest the index
    does not give is not read either, and the next warm build equals a cold one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    assert warm_build(project) == 0
    cache = project / ".cache/otkb"
    memo = (cache / "memo.json").read_bytes()
    (cache / "memo.json.new").write_bytes(swap_two_memo_values(memo)[: len(memo) // 2])
    record = project / "data/activities/peg-game.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title: ", "title: Quiet ", 1), encoding="utf-8")
    assert warm_build(project) > 0
    assert not (cache / "memo.json.new").exists()
    assert (cache / "memo.json").read_bytes() != memo
    (cache / "memo.json").write_bytes(memo)  # the last build's but one: stale
    result = build(project, "--strict")
    assert result.returncode == 0 and "memo.json failed its check" in result.stderr, result.stderr
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold")


def memo_keys(project: Path, table: str) -> set[str]:
    """The keys memo.json holds in `table`."""
    data, keys = (project / ".cache/otkb/memo.json").read_bytes(), set()
    at = data.index(b"\n") + 1
    while at < len(data):
        end = data.index(b"\n", at) + 1
        name, key, length = json.loads(data[at:end])
        keys.add(key) if name == table else None
        at = end + length
    return keys


def test_cards_kept_across_builds_equal_cold_builds(tmp_path, monkeypatch):
    """A warm build keeps each card by its record's content, what the card shows besides and the topic
    vocabulary and templates (memo.json's `cards`). A card a build did not render (its pages were
    reused) is carried to the next build while its record is unchanged; a card whose record, or a
    study it cites (a neighbour), changed is rendered again; a renamed topic renders every card."""
    from test_incremental import add_activities

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    add_activities(project, count=12)
    assert warm_build(project) == 0
    cards = memo_keys(project, "cards")
    assert any(key.startswith("activities/extra-03|") for key in cards)

    edit(project / "data/articles/hand-skills-at-home.yml", "title: ", "title: Edited ")  # no activity card
    assert warm_build(project) > 0
    assert {key for key in cards if key.startswith("activities/extra-03|")} <= memo_keys(project, "cards")

    edit(project / "data/activities/extra-05.yml", "title: Extra", "title: Retitled")  # the topic's page again
    assert warm_build(project) > 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold1")
    edit(project / "data/research/smith-2020-pegs.yml", "design: rct", "design: cohort")  # every citing card
    assert warm_build(project) > 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold2")
    edit(project / "data/topics.yml", "name: Fine motor", "name: Small movements")
    assert warm_build(project) == 0
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold3")


def test_a_page_is_packed_without_its_stamp_from_views_of_its_bytes():
    """The cache packs each page with the build stamp replaced by its mark, from views of the page's
    bytes, not copies: at 10,000 records the last pages written are of 1 to 1.7 MB, and their copies
    were the peak of the build that writes the cache."""
    import hashlib

    from otkb.host.cachefiles import page_digest
    from otkb.host.warm import _STAMP_MARK_BYTES, _unstamped

    page = '<p>café</p><div class="otkb-build">Built from <a href="x">abc</a></div></footer>'.encode()
    parts = _unstamped(page)
    assert len(parts) == 3 and parts[0].obj is page and parts[2].obj is page
    unstamped = b"".join(parts)
    assert unstamped == "<p>café</p>".encode() + _STAMP_MARK_BYTES + b"</footer>"
    assert page_digest("a/index.html", *parts) == hashlib.sha256(b"a/index.html\0" + unstamped).hexdigest()
    assert _unstamped(b"<p>no stamp</p>") == (b"<p>no stamp</p>",)


def test_a_one_off_build_lets_go_of_what_its_pages_needed_but_the_answers(tmp_path):
    """Once its pages are written, a one-off build lets go of what the library worked out for them
    (and the finder's last index), which made room for the pages' keys' answers; the answers stay,
    and what is asked again is worked out again, the same."""
    from otkb.content.pipeline import check_library
    from otkb.host.steps import _forget_worked_out
    from otkb.site import finder

    library, _, _ = check_library(copy_project(tmp_path / "project"))
    files = finder.finder_files(library)
    library.derived["answers"] = answers = {("records",): "kept"}
    assert {"finder_index", "finder_texts"} <= library.derived.keys() and finder._LAST["index"] is not None
    _forget_worked_out(library)
    assert library.derived == {"answers": answers} and finder._LAST["index"] is None
    assert finder.finder_files(library) == files


def test_title_edits_in_a_listing_by_first_letter_in_warm_builds_equal_cold_builds(tmp_path, monkeypatch, caplog):
    """Past `BY_LETTER_FROM` records the listing goes by first letter (urls.by_letter): a title that
    makes a new first letter (its page leads the listing) and one that moves inside its letter give,
    through warm builds, a cold build's bytes. In this process, so that the lower bound applies."""
    from otkb.site import urls
    from test_incremental import add_activities, retitle_to_another_page, retitle_within_its_letter

    monkeypatch.setattr(urls, "BY_LETTER_FROM", 60)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")

    def built(project: Path, cache: bool = True) -> dict[str, bytes]:
        with monkeypatch.context() as patch:
            if not cache:
                patch.setenv("OTKB_CACHE_DIR", "")
            build_in_this_process(project)
        return tree(project / "site")

    project = copy_project(tmp_path / "project")
    add_activities(project)  # 70 "Extra activity" (E, two pages) and the peg game (P)
    built(project)
    for number, change in enumerate((retitle_to_another_page, retitle_within_its_letter)):
        change(project)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            warm = built(project)
        assert any(re.search(r"[1-9]\d* of \d+ generated pages are unchanged", r.getMessage()) for r in caplog.records)
        cold = built(copy_project(tmp_path / f"cold{number}", data=project / "data"), cache=False)
        assert sorted(warm) == sorted(cold)
        assert [name for name in cold if warm[name] != cold[name]] == []
    assert "activities/a-z/e/page/2/index.html" in warm and "activities/a-z/a/index.html" not in warm


def test_a_reused_page_whose_link_lost_its_anchor_is_checked_again(tmp_path, monkeypatch):
    """A warm build keeps each page's link check result by the page's key (otkb.site.linkcheck). A
    research card links to a heading of the article, which it reads nothing of: when the heading is
    renamed, the card is reused as it was, but its link is checked again and found broken, with the
    warning a cold build gives, so --strict fails as it would."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    link = "../../articles/hand-skills-at-home/#why-small-games-help"
    edit(project / "data/research/jones-2019-preterm-grip.yml", "after very preterm birth.",
         f"after very preterm birth ([why games help]({link})).")
    assert warm_build(project) == 0

    def card_key() -> list[str]:
        state = json.loads(unseal((project / ".cache/otkb/state.json").read_bytes()))
        return state["pages"]["research/jones-2019-preterm-grip.md"]

    before = card_key()
    edit(project / "data/articles/hand-skills-at-home.yml", "## Why small games help", "## Why little games help")
    warm = build(project)
    assert warm.returncode == 0 and card_key() == before  # reused
    monkeypatch.setenv("OTKB_CACHE_DIR", "")
    cold = build(copy_project(tmp_path / "cold", data=project / "data"))

    def broken(result) -> list[str]:
        return [line for line in result.stderr.splitlines() if "broken link" in line]

    assert broken(warm) == broken(cold) == [
        f"WARNING -  otkb: data/research/jones-2019-preterm-grip.yml:18:76: findings[1].text: broken link '{link}' "
        "(no anchor '#why-small-games-help' on articles/hand-skills-at-home/)"]
    monkeypatch.delenv("OTKB_CACHE_DIR")
    assert build(project, "--strict").returncode == 1


def test_the_reused_pages_are_written_beside_the_build_and_a_failure_fails_it(tmp_path, monkeypatch):
    """A warm build writes the pages it copies from the cache in a process of its own
    (otkb.host.pagewriter) while it builds the rest; when that process fails, the build fails and the
    last site stays as it was, with no staging folder left behind."""
    import subprocess

    from otkb.host import pagewriter, warm

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project = copy_project(tmp_path / "project")
    build_in_this_process(project)
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg games and pinch strength",
         "title: Peg play and pinch")
    started, popen = [], subprocess.Popen
    monkeypatch.setattr(warm.subprocess, "Popen", lambda args, **kwargs: (started.append(args), popen(args, **kwargs))[1])
    build_in_this_process(project)
    assert [args for args in started if pagewriter.__file__ in args] != []  # git is run too
    assert_same_as_cold(project, tmp_path, monkeypatch, "cold")

    before = tree(project / "site")
    edit(project / "data/research/smith-2020-pegs.yml", "title: Peg play and pinch", "title: Pinch play")
    failing = tmp_path / "failing.py"
    failing.write_text("raise SystemExit(1)\n")
    monkeypatch.setattr(pagewriter, "__file__", str(failing))
    with pytest.raises(OSError, match="could not all be written"):
        build_in_this_process(project)
    assert tree(project / "site") == before and leftovers(project) == []


def test_the_page_writer_stops_once_its_build_is_gone(tmp_path):
    """A build killed outright leaves its page writer without a parent: it stops at the next page, so
    that the next build clears the staging folder alone."""
    import io

    from otkb.host import pagewriter

    pack = io.BytesIO(b"<p>one</p><p>two</p>")
    pages = [["one/index.html", 0, 10], ["two/index.html", 10, 10]]
    with pytest.raises(SystemExit, match="the build is gone"):
        pagewriter.write_pages(pack, tmp_path, b"", b"", pages, build=-1)  # not this process's parent
    assert list(tmp_path.iterdir()) == []
    pagewriter.write_pages(pack, tmp_path, b"", b"", pages, build=os.getppid())
    assert (tmp_path / "two/index.html").read_bytes() == b"<p>two</p>"

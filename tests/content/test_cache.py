"""otkb.content.cache.Memo: what a build keeps for the next one, each value once."""

from __future__ import annotations

from pathlib import Path

from otkb.content.cache import Memo, RecordCache, compressed, compressed_list, decompressed


def test_a_memo_keeps_each_value_once_and_nothing_for_none():
    kept = []
    memo = Memo(previous={"old": compressed(["from the last build"])}, keep=lambda key, blob: kept.append(key))
    assert memo.get("old", lambda: ["worked out"]) == ["from the last build"]
    assert memo.get("new", lambda: {"worked": "out"}) == {"worked": "out"}
    memo.get("new", lambda: {"worked": "out"})  # asked again: kept once
    # A page with nothing recorded yet (warm.PageCache.previous_key) leaves no empty entry behind
    # its real one, which `put` gives once the page is built.
    assert memo.get("page", lambda: None) is None
    memo.put("page", [["records", "activities/x"]])
    assert kept == ["old", "new", "page"]


def test_a_list_compressed_a_thousand_items_at_a_time_reads_back_as_the_whole():
    """`compressed_list` (the answers a warm build keeps, 66,000 at 10,000 records) never holds the
    list's whole JSON, and reads back as `compressed` of the list does, whatever its length."""
    for length in (0, 1, 999, 1000, 1001, 2500):
        items = [(("targets", (f"activities/x-{n}",), "supports"), f"é{n}") for n in range(length)]
        assert decompressed(compressed_list(iter(items))) == decompressed(compressed(items))


def test_the_ids_of_the_files_are_kept_for_the_same_listing_only():
    """`mkdocs serve` reuses its listing of the data folder while no file is added or removed
    (load.record_paths), and with it the ids the files stand for (pipeline.ids_of_files)."""
    from otkb.content.pipeline import ids_of_files

    cache = RecordCache()
    paths = [Path("/d/activities/a.yml"), Path("/d/topics.yml")]
    first = ids_of_files(paths, "/d", cache)
    assert first == {"activities/a"} and ids_of_files(paths, "/d", cache) is first
    assert ids_of_files([*paths, Path("/d/research/b.yml")], "/d", cache) == {"activities/a", "research/b"}
    assert ids_of_files(paths, "/e", cache) == {"activities/a", "d/topics"}


def test_the_fingerprints_walk_hands_on_each_files_lstat_but_a_links(tmp_path):
    """check_library's files_state gives load_records the files' lstat, so it need not look again;
    a link's stat would be its target's, so load_records looks at a link itself."""
    import os

    from otkb.content.cache import files_state

    (tmp_path / "activities").mkdir()
    record = tmp_path / "activities/a.yml"
    record.write_text("title: A\n")
    (tmp_path / "activities/b.yml").symlink_to(record)
    seen = {}
    assert files_state(tmp_path, seen=seen) == files_state(tmp_path)
    assert seen.keys() == {os.fspath(record)} and seen[os.fspath(record)] == os.lstat(record)

"""otkb.content.cache.Memo: what a build keeps for the next one, each value once."""

from __future__ import annotations

from otkb.content.cache import Memo, compressed


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

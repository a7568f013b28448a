"""Run the stages in order: load -> validate -> link. Shared by the build and `otkb check`."""

from __future__ import annotations

import datetime as dt
import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .checks import as_errors, editor_warnings
from .errors import RecordError
from .link import Library, Unvalidated, link_records
from .cache import RecordCache, files_state
from .load import SEARCH_WORDS, display_path, load_records, record_paths
from .search_words import validate_search_words
from .validate import validate_records, validate_topics


def build_library(project_dir: Path, data_dir: Path | None = None, partial: bool = False,
                  parsed: RecordCache | None = None, previous: Library | None = None,
                  ) -> tuple[Library | None, list[RecordError]]:
    """Load, validate and link every record; returns (library, errors).

    Errors of every file are collected. A reference to a record (or topic)
    whose file exists but has errors of its own is not reported again as
    unknown. The library is None when there are errors, unless `partial`
    asks for the valid records anyway (for listings, never for a build). `previous`: a library of
    the same files checked without errors before, whose unchanged records linking need not check again.
    """
    data_dir = data_dir or project_dir / "data"
    paths = record_paths(data_dir, parsed)
    raws, raw_topics, errors = load_records(data_dir, project_dir, paths=paths, cache=parsed)
    topics, topic_errors = validate_topics(raw_topics, display_path(data_dir / "topics.yml", project_dir))
    records, record_errors = validate_records(raws, parsed)
    errors += topic_errors + record_errors
    present = ids_of_files(paths, os.fspath(data_dir), parsed) | set(raw_topics.data if raw_topics else {})
    valid = {r.id for r in records}
    failed = _fields_with_errors(record_errors)
    unvalidated = tuple(Unvalidated(raw, failed.get(raw.path, set())) for raw in raws if raw.id not in valid)
    library, link_errors = link_records(records, topics, frozenset(present - valid - set(topics)), unvalidated,
                                         previous)
    errors += link_errors
    search_words, word_errors = validate_search_words(data_dir / SEARCH_WORDS,
                                                      display_path(data_dir / SEARCH_WORDS, project_dir), topics)
    errors += word_errors
    if library:
        library.search_words = search_words
    return (None if errors and not partial else library), sorted(errors)


def ids_of_files(paths: list[Path], folder: str, cache: RecordCache | None = None) -> frozenset[str]:
    """The record ids the files at `paths` under `folder` stand for ('activities/x' for .../activities/x.yml).
    A `cache` keeps the last answer for the same list, which `mkdocs serve` reuses while no file was
    added or removed (load.record_paths): at 10,000 files this took 0.04 CPU s of every save."""
    if cache is not None and cache.ids_of_files[0] is paths and cache.ids_of_files[1] == folder:
        return cache.ids_of_files[2]
    ids = frozenset(f"{os.path.basename(parent)}/{os.path.splitext(name)[0]}"  # by name: Path's parts cost 20 ms
                    for parent, name in map(os.path.split, paths) if parent != folder)
    if cache is not None:
        cache.ids_of_files = (paths, folder, ids)
    return ids


def _fields_with_errors(errors: list[RecordError]) -> dict[str, set[str]]:
    """{file: its top-level fields that failed validation} (`supports` for `supports[2]`)."""
    failed: dict[str, set[str]] = {}
    for e in errors:
        failed.setdefault(e.path, set()).add(e.field.split(".")[0].split("[")[0])
    return failed


def check_library(project_dir: Path, data_dir: Path | None = None, today: dt.date | None = None,
                  strict_warnings: bool = False, cache: PipelineCache | None = None,
                  ) -> tuple[Library | None, list[RecordError], list[RecordError]]:
    """build_library plus the editor warnings: returns (library, errors, warnings).

    Warnings are only looked for once every record is valid. With
    `strict_warnings` they are returned as errors instead. A `cache` reuses
    parsed files and, while no file changed, the last result.

    No automatic garbage collection runs meanwhile: the records, their models and the library pile
    up and stay alive, and the check makes next to no cyclic garbage, so each collection walked them
    again for nothing (at 10,000 records, 2,251 collections, 1.6 of 8.4 CPU s; the peak is the same).
    """
    with collection_paused():
        return _check_library(project_dir, data_dir, today, strict_warnings, cache)


def _check_library(project_dir: Path, data_dir: Path | None, today: dt.date | None, strict_warnings: bool,
                   cache: PipelineCache | None) -> tuple[Library | None, list[RecordError], list[RecordError]]:
    today = today or dt.date.today()
    seen: dict = {}  # each file's lstat, which load_records looks at again
    fingerprint, racy = files_state(data_dir or project_dir / "data", seen=seen if cache is not None else None)
    key = (project_dir, data_dir, today, strict_warnings, fingerprint)
    if cache is not None and cache.last_check[0] == key:
        return cache.last_check[1]
    previous = cache.linked[1] if cache is not None and cache.linked[0] == (project_dir, data_dir) else None
    if cache is not None:
        cache.records.seen = seen
    try:
        library, errors = build_library(project_dir, data_dir, parsed=cache.records if cache else None,
                                        previous=previous)
    finally:
        if cache is not None:
            cache.records.seen = {}
    if cache is not None and library is not None and not errors:
        cache.linked = ((project_dir, data_dir), library)
    warnings = editor_warnings(library, project_dir, today, cache.records if cache else None) if library else []
    result = (None, sorted(errors + as_errors(warnings)), []) if strict_warnings and warnings else (
        library, errors, warnings)
    if cache is not None:  # not reused while a file was just saved: another save may keep its whole stat
        cache.last_check = (None if racy else key, result)
    return result


@contextmanager
def collection_paused(resume: Callable[[], None] = gc.enable):
    """No automatic garbage collection inside this block; `resume` turns the collector back on after
    it, if it was on (otkb.host.preview's saves resume it only once the server is idle)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            resume()


class PipelineCache:
    """What `mkdocs serve` keeps between rebuilds: parsed files (keyed by their bytes) and the last
    check's result (keyed by its arguments and the data files' names, sizes, times and inodes), so
    the preview's check and the build that follows it read the files once (twice while a file was
    saved in the last two seconds, see cache.files_state), and the last library linked without
    errors, so that linking checks only the records changed since (link._errors_since)."""

    def __init__(self) -> None:
        self.records = RecordCache()
        self.last_check: tuple = (None, None)
        self.linked: tuple = (None, None)  # (its project and data folders, the last library linked without errors)

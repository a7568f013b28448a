"""What builds keep so that only what changed is worked out again.

- `RecordCache`: parsed files by the digest of their bytes (and their
  validated records, editor warnings and the field positions a build looked
  up), kept by `mkdocs serve` for its session and, through records.json, by
  warm builds (otkb.host.warm), which skip the text checks of a file the
  last build found valid (`known_valid`);
- `Memo`: values a build worked out from some content (a record page's
  search postings, a record's card, a page's links), by a key of that
  content; a warm build reads the last build's and writes its own;
- `files_state`: a digest of files' names, sizes, times and inodes, which
  says without reading them whether any file changed.

The keys hold everything a value comes from; the code that works values out
is in the warm cache's fingerprint, which voids every value when it changes.
"""

from __future__ import annotations

import json
import os
import stat
import time
import zlib
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable
from weakref import WeakKeyDictionary

from .digest import digest as content_digest, hasher
from .errors import RecordError
from .load import RACY_NS, PositionsOnDemand, RawRecord, seen, unchanged_since


class RecordCache:
    """Parsed files, keyed by a digest of their bytes: a file is parsed again only when its bytes change.

    `mkdocs serve` keeps one for its whole session (otkb.host.session); a
    warm build reads the last build's from JSON (`dump`, `load`: plain data,
    never pickle). Later stages only read the parsed data, so sharing it
    between builds is safe.
    """

    def __init__(self) -> None:
        self.parsed: dict[str, tuple[str, tuple]] = {}  # shown path -> (digest, read_yaml's result)
        self.used: set[str] = set()  # the files read through this cache
        self.warnings: dict[str, tuple[str, list[RecordError]]] = {}  # shown path -> (digest, warnings)
        # each record's warnings (checks.editor_warnings): here, not in a module, so that a one-off build,
        # which lets go of its cache once its records are checked, does not hold them to its end
        # (the records by id, (the day, the topics), each record's warnings) of the last check
        self.record_warnings: tuple = ({}, None, {})
        self.records: dict[str, tuple[str, object]] = {}  # shown path -> (digest, its validate.Record)
        self.stats: dict[str, tuple] = {}  # shown path -> its file's stat when parsed (not kept by `dump`)
        self.valid: dict[str, str] = {}  # shown path -> digest, of the files read from records.json (`known_valid`)
        self.lines: dict[str, tuple] = {}  # shown path -> where its line was in records.json, and what it held (`dump`)
        self.listing: tuple | None = None  # load.record_paths' last list, with its folders' times (not dumped)
        self.loads: dict[str, tuple] = {}  # a file -> its lstat, when read, what load_records made of it (not dumped)
        self.ids_of_files: tuple = (None, None, frozenset())  # pipeline.ids_of_files' last (list, folder, answer)
        self.seen: dict[str, os.stat_result] = {}  # each file's lstat as this check's files_state took it

    def remember_stat(self, shown: str, info: os.stat_result) -> None:
        """Note the file's size, times and inode as read, so `unchanged` can skip reading it next time."""
        self.stats[shown] = seen(info)

    def parsed_bytes(self, path: Path, shown: str, raw: bytes, info: os.stat_result, parse: Callable[[], tuple]):
        """load.read_yaml's result for the file's bytes `raw`: the one kept for the same bytes, or `parse()`'s,
        then kept."""
        digest = content_digest(raw)
        self.used.add(shown)
        cached = self.parsed.get(shown)
        if cached is not None and cached[0] == digest:
            cached[1][1].path = path  # records.json names the file as shown
            return cached[1]
        data, positions, errors = parse()
        result = (data, PositionsOnDemand(path, shown, read=positions), errors)  # noting what is asked (`dump`)
        self.parsed[shown] = (digest, result)
        self.remember_stat(shown, info)
        return result

    def unchanged(self, path: Path, shown: str, info: os.stat_result | None = None):
        """The parsed result of a file whose stat (`info`, if just taken) is as it was when parsed,
        without reading it; None when it may have changed. As git does, a file changed within two
        seconds of being parsed is read again: on a file system with coarse times, a second save
        could keep the same time."""
        kept, parsed = self.stats.get(shown), self.parsed.get(shown)
        if kept is None or parsed is None:
            return None
        try:
            info = info or os.lstat(path)
        except OSError:
            return None
        if stat.S_ISREG(info.st_mode) and unchanged_since(kept, info):
            self.used.add(shown)
            return parsed[1]
        return None

    def valid_record(self, raw: RawRecord):
        """The Record validated from this file's current bytes before, if any (not kept by `dump`)."""
        kept = self.records.get(raw.path)
        return kept[1] if kept is not None and kept[0] == self.parsed.get(raw.path, ("",))[0] != "" else None

    def known_valid(self, raw: RawRecord) -> bool:
        """Whether the file has the bytes it had in records.json, which holds only files a build with the
        same code validated (a warm build writes it only when every record is valid)."""
        return raw.path in self.valid and self.valid[raw.path] == self.parsed.get(raw.path, ("",))[0]

    def keep_record(self, record) -> None:
        if record.path in self.parsed:
            self.records[record.path] = (self.parsed[record.path][0], record)

    def remember_warnings(self, shown: str, compute) -> list[RecordError]:
        """The file's warnings from `compute()`, kept until its bytes change (checks.editor_warnings)."""
        digest = self.parsed.get(shown, ("",))[0]
        kept = self.warnings.get(shown)
        if kept is None or kept[0] != digest or not digest:
            kept = self.warnings[shown] = (digest, compute())
        return kept[1]

    def dump(self, path: Path, key: str, previous=None) -> None:
        """Write the files read through it that parsed without errors, with `key` (the code that
        parsed them).

        JSON Lines: `key`, then one line per file, each encoded on its own by json's C encoder
        (json.dump of the whole took 7 s at 10,000 records in its Python one). Of the field
        positions (a third of the bytes) only those this build looked up are kept (PositionsOnDemand):
        a message that needs another reads the file again, as a record does once it forgot them.
        `previous`: the records file this cache was read from (`from_lines`), open and checked; the
        line of a file whose bytes, warnings and looked-up positions are as it read them is copied
        from there rather than encoded again (a warm build rewrote 10,000 lines for one changed file).
        """
        with path.open("wb") as out:
            out.write(json.dumps(key).encode("utf-8") + b"\n")
            for shown, (digest, (data, positions, errors)) in self.parsed.items():
                if shown in self.used and data is not None and not errors:
                    line = self.lines.get(shown)
                    if (previous is not None and line is not None and line[2] == digest
                            and self.warnings.get(shown) is line[3] and len(positions.asked) == line[4]):
                        previous.seek(line[0])
                        out.write(previous.read(line[1]))
                        continue
                    warnings = self.warnings.get(shown, ("",))
                    kept = [asdict(w) for w in warnings[1]] if warnings[0] == digest else None
                    asked = positions.asked_json() if isinstance(positions, PositionsOnDemand) else []
                    out.write(json.dumps([shown, digest, data, kept, asked], ensure_ascii=False).encode("utf-8") + b"\n")

    @classmethod
    def load(cls, path: Path, key: str) -> RecordCache:
        """What `dump` wrote under the same `key`; an empty cache when there is none."""
        try:
            with path.open("rb") as lines:
                return cls.from_lines(lines, key)
        except OSError:
            return cls()

    @classmethod
    def from_lines(cls, lines, key: str) -> RecordCache:
        """`load` from the lines of the file, as bytes (a warm build reads it and checks its digest
        first); an empty cache when they are not what `dump` writes."""
        cache, lines = cls(), iter(lines)
        try:
            first = next(lines, b"null")
            if json.loads(first) != key:
                return cache
            at = len(first)
            for line in lines:
                shown, digest, data, warnings, asked = json_value(line)
                positions = PositionsOnDemand(Path(shown), shown, PositionsOnDemand.known_from_json(asked))
                cache.parsed[shown] = (digest, (data, positions, []))
                cache.valid[shown] = digest
                if warnings is not None:
                    cache.warnings[shown] = (digest, [RecordError(**w) for w in warnings])
                cache.lines[shown] = (at, len(line), digest, cache.warnings.get(shown), len(positions.asked))
                at += len(line)
        except (ValueError, TypeError):
            return cls()
        return cache


class Memo:
    """Values by a key of what they come from: the last build's (`previous`) and this build's, each
    kept as zlib-compressed JSON: at 10,000 records the search postings and links as Python objects
    took about 200 MB, compressed 23 MB. This build's go to `keep(key, blob)` once each when given (a
    warm build writes them to the next build's file as they come: held to the end, they were 23 MB
    of the build's peak), else into `current`. A value is always given back decoded from its JSON, so
    a value worked out now and one from the last build are alike."""

    def __init__(self, previous: dict[str, bytes] | None = None,
                 keep: Callable[[str, bytes], None] | None = None) -> None:
        self.previous: dict[str, bytes] = previous or {}
        self.current: dict[str, bytes] = {}
        self._keep, self._kept = keep, set()

    def get(self, key: str, make: Callable[[], object]):
        """The value under `key`: the last build's, or `make()`'s; kept for the next build either way,
        but for a None from `make` (nothing to keep: a page that read nothing yet is `put` later)."""
        blob = self.previous.pop(key, None) or self.current.get(key)
        if blob is None:
            value = make()
            if value is None:
                return None
            blob = compressed(value)
        if key not in self._kept:
            self._store(key, blob)
        return decompressed(blob)

    def known(self, key: str) -> bool:
        """Whether the last build kept a value under `key` (not yet asked for)."""
        return key in self.previous

    def peek(self, key: str):
        """The last build's value under `key` (None if none), left where it is: `get` or `carry` keeps it."""
        blob = self.previous.get(key)
        return decompressed(blob) if blob is not None else None

    def take(self, key: str):
        """The last build's value under `key` (None if none), not kept for the next build."""
        blob = self.previous.pop(key, None)
        return decompressed(blob) if blob is not None else None

    def put(self, key: str, value) -> None:
        """Keep `value` under `key` for the next build, whatever the last build kept (or this one: what
        `keep` is given last under a key is what the next build reads)."""
        self._store(key, compressed(value))

    def put_list(self, key: str, items: Iterable) -> None:
        """`put(key, list(items))`, without the list or its whole JSON in memory (`compressed_list`)."""
        self._store(key, compressed_list(items))

    def put_text(self, key: str, text: str) -> None:
        """Keep `text` as it is (not as JSON) under `key`, for `peek_text`."""
        self._store(key, zlib.compress(text.encode("utf-8"), 1))

    def peek_text(self, key: str) -> str | None:
        """The last build's text under `key` (`put_text`; None if none), left where it is."""
        blob = self.previous.get(key)
        return zlib.decompress(blob).decode("utf-8") if blob is not None else None

    def adopt(self, key: str, blob: bytes) -> None:
        """Keep `blob` under `key` as `get` would have (the last build's value, or this build's): a
        value a fork of this build made (otkb.host.pagerender)."""
        self.previous.pop(key, None)
        if key not in self._kept:
            self._store(key, blob)

    def divert(self, keep: Callable[[str, bytes], None]) -> None:
        """From now on, give this build's values to `keep` (in a fork of the build: otkb.host.pagerender)."""
        self._keep = keep

    def carry(self, wanted: Callable[[str], bool]) -> None:
        """Keep for the next build the last build's values this one did not ask for, where `wanted(key)`."""
        for key, blob in self.previous.items():
            if key not in self._kept and wanted(key):
                self._store(key, blob)

    def _store(self, key: str, blob: bytes) -> None:
        if self._keep is None:
            self.current[key] = blob
        else:
            self._kept.add(key)
            self._keep(key, blob)


def compressed(value) -> bytes:
    return zlib.compress(_json(value).encode("utf-8"), 1)


def compressed_list(items: Iterable) -> bytes:
    """`compressed(list(items))`, made a thousand items at a time: the JSON of a long list is never
    whole in memory (the answers a warm build keeps: 66,000 items, 5 MB of text, at 10,000 records)."""
    items, packer, out, opening = iter(items), zlib.compressobj(1), [], "["
    while batch := list(islice(items, 1000)):
        out.append(packer.compress((opening + _json(batch)[1:-1]).encode("utf-8")))
        opening = ","
    out += [packer.compress(b"[]" if opening == "[" else b"]"), packer.flush()]
    return b"".join(out)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decompressed(blob: bytes):
    """A value as `compressed` kept it."""
    return json_value(zlib.decompress(blob))


_DECODER = json.JSONDecoder()


def json_value(text: bytes):
    """`json.loads(text)` of JSON that json.dumps wrote as UTF-8 (a value alone, or followed by a line's
    end): without loads' look at the encoding and at the whitespace around, which were a third of
    the time of a warm build's 64,000 small values (its cache's lines and memo values, 0.15 CPU s at
    10,000 records)."""
    return _DECODER.raw_decode(text.decode("utf-8"))[0]


def files_fingerprint(*places: Path) -> str:
    """A digest of the path, size, times and inode of these files and every file in these folders."""
    return files_state(*places)[0]


def files_state(*places: Path, seen: dict[str, os.stat_result] | None = None) -> tuple[str, bool]:
    """(files_fingerprint, whether a file was modified in the last two seconds), in one walk
    (os.scandir: a tenth of the time of Path.rglob and stat at 10,000 files).

    An edit that keeps the size and puts the modification time back (`touch -r`) still moves the
    change time, and a save by rename changes the inode. A file modified in the last two seconds
    is "racy", as git says: on a file system with coarse times, a second save could keep all of
    them, so a result keyed by this fingerprint should not be reused.

    `seen` gets each file's stat that is not a link (so also its lstat), by path: the check's
    load_records looks at each file again (a second walk of 10,000 stats, 0.03 s of every save).
    """
    digest = hasher()
    recent = time.time_ns() - RACY_NS
    racy = False

    def add(path: str, info: os.stat_result) -> None:
        nonlocal racy
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}\n".encode())
        racy = racy or info.st_mtime_ns >= recent

    def walk(folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif entry.is_file():
                info = entry.stat()
                add(entry.path, info)
                if seen is not None and not entry.is_symlink():
                    seen[entry.path] = info

    for place in places:
        if place.is_dir():
            walk(str(place))
        elif place.is_file():
            add(str(place), place.stat())
    return digest.hexdigest(), racy


class PerRecord:
    """Values worked out from a record, kept while the record object lives and its `key` reads the
    same: `mkdocs serve` reuses an unchanged file's record, and every rebuild asks again for each
    record's cited cards, evidence key and finder badge. Records compare by identity."""

    def __init__(self):
        self._kept: WeakKeyDictionary = WeakKeyDictionary()  # Record -> (key, value)

    def get(self, record, key, make: Callable[[], object]):
        kept = self._kept.get(record)
        if kept is None or kept[0] != key:
            kept = self._kept[record] = (key, make())
        return kept[1]

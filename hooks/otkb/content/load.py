"""Load: read YAML records so that nothing an editor typed is changed or dropped.

PyYAML's loaders apply YAML 1.1 typing (`no` -> False, `012` -> 10, `10:30`
-> 630, `2026-06-01` -> a date), keep the last of two duplicate keys, expand
aliases (an alias bomb is 600 bytes on disk and billions of strings in
memory) and recurse once per nesting level (the C composer segfaults on deep
input). So we never call them: we walk libyaml's *events* and build the tree
ourselves, iteratively. Every scalar stays the exact text that was typed
(the typed models in `models.py` decide what a field means), and duplicate
keys, anchors, aliases, tags, extra documents, deep nesting and a ` #` that
would silently cut an unquoted value short are errors that name the line.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

from .errors import RecordError, field_name
from .kinds import KINDS, folders_in_words
from .models import SLUG

SLUG_PATTERN = re.compile(SLUG)
# Names the site gives its own pages in a kind's folder and in topics/: a record or topic with one of them
# would be replaced by that page (`index`: the listing, articles/index.md -> articles/).
RESERVED_SLUGS = {"index": "the listing page of its folder"}
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 24
# Line breaks that YAML honours but editors cannot see: they split a value
# into hidden keys.
INVISIBLE_BREAKS = {"\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR",
                    "\x85": "U+0085 NEXT LINE"}
_EventParser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_TRAILING_COMMENT = re.compile(r"[ \t]+(#.*)")


@dataclass
class RawRecord:
    """One parsed YAML file: its data and where each field sits.

    `positions` maps a field path such as ('ages', 'min') or ('steps', 0) to
    the (line, column) of its key, or of the item for list entries.
    """

    kind: str
    slug: str
    path: str
    data: dict
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    file: Path | None = None  # where it was read from, to read the positions again (validate.Record)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.slug}"


class _Stop(Exception):
    """A problem after which the rest of the file cannot be trusted."""

    def __init__(self, error: RecordError):
        self.error = error


SEARCH_WORDS = "search.yml"
"""The search's everyday words, beside topics.yml."""


def reserved_slugs(kind: str) -> dict[str, str]:
    """The names a record of `kind` cannot have: the listing's, and the kind's own pages' (the evidence map)."""
    return {**RESERVED_SLUGS, **dict(KINDS[kind].reserved_slugs)}


def load_records(data_dir: Path, display_root: Path | None = None, paths: list[Path] | None = None,
                 cache=None) -> tuple[list[RawRecord], RawRecord | None, list[RecordError]]:
    """Read every record under `data_dir` and `data_dir/topics.yml`.

    Returns (records, topics, errors); errors of every file are collected.
    Paths in messages are relative to `display_root` (the project folder).
    A `cache` (otkb.content.cache.RecordCache) reuses what it parsed before for files whose bytes
    are unchanged.
    """
    display_root = display_root or data_dir.parent
    records, errors, topics, resolved = [], [], None, {}
    if data_dir.is_symlink():
        return [], None, [RecordError(display_path(data_dir, display_root), 0, 0, "", not_a_regular_file(data_dir))]
    folders: dict[str, tuple[str, bool, bool]] = {}  # a folder's (name, whether it is / is in data_dir)
    loads = cache.loads if cache is not None else None
    looked = cache.seen if cache is not None else {}  # the check's files_state looked at them already
    for path in paths if paths is not None else record_paths(data_dir):
        key = os.fspath(path)
        info = looked.get(key)
        if info is None:
            try:  # one look at the file, which read_yaml reuses (10,000 files: three looks took 0.1 s a preview)
                info = os.lstat(path)
            except OSError:
                info = None
        kept = loads.get(key) if loads is not None and info is not None else None
        if kept is not None and unchanged_since(kept[0], info):
            raw, file_errors = kept[1]
        else:
            raw, file_errors = _load_file(path, info, data_dir, display_root, resolved, folders, cache)
            if loads is not None and info is not None:
                loads[key] = (seen(info), (raw, file_errors))
        errors += file_errors
        if raw is None:
            continue
        if raw.kind == "topics":
            topics = raw
        else:
            records.append(raw)
    return records, topics, errors


RACY_NS = 2_000_000_000
"""A file changed this close (ns) to being read may change again keeping its size and times (as git says)."""


def seen(info: os.stat_result) -> tuple:
    """A file's lstat `info` as just read, for `unchanged_since`."""
    return _stat_key(info), time.time_ns()


def unchanged_since(kept: tuple, info: os.stat_result) -> bool:
    """Whether the file whose lstat is now `info` is as it was when `seen` gave `kept`: the same type, size,
    times and inode, and not changed within RACY_NS of being read (a second save could keep them all)."""
    return kept[0] == _stat_key(info) and info.st_mtime_ns < kept[1] - RACY_NS


def _stat_key(info: os.stat_result) -> tuple:
    return info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _load_file(path: Path, info: os.stat_result | None, data_dir: Path, display_root: Path, resolved: dict,
               folders: dict, cache) -> tuple[RawRecord | None, list[RecordError]]:
    """One file of `load_records`: its record (kind "topics" for topics.yml), or None, and its errors.
    What it gives hangs on the file's path and bytes alone, so `mkdocs serve` keeps it while the
    file's lstat is the same (`RecordCache.loads`: at 10,000 records, a tenth of a second a save)."""
    shown = display_path(path, display_root, resolved)
    folder = os.path.dirname(path)
    if folder not in folders:
        parent = Path(folder)
        folders[folder] = (parent.name, parent == data_dir, parent.parent == data_dir)
    kind, in_data, in_kind_folder = folders[folder]
    linked = info is not None and stat.S_ISLNK(info.st_mode)
    not_a_file = None if info is not None and stat.S_ISREG(info.st_mode) else not_a_regular_file(path)
    if not_a_file and not (linked and in_kind_folder and kind in KINDS):
        return None, [RecordError(shown, 0, 0, "", not_a_file)]
    if path.name == "topics.yml" and in_data:
        kind = "topics"
    elif path.name == SEARCH_WORDS and in_data:
        return None, []  # read by otkb.content.search_words.validate_search_words
    elif kind not in KINDS or not in_kind_folder:
        return None, [RecordError(shown, 0, 0, "", f"records live in {folders_in_words('or')}; move this file into one of them")]
    elif linked:
        return None, [RecordError(shown, 0, 0, "", "records must be ordinary files, not links to other "
                                  "files; copy the record here instead")]
    elif path.suffix != ".yml":
        return None, [RecordError(shown, 0, 0, "", f"record files end in .yml; rename it to '{path.stem}.yml'")]
    elif not SLUG_PATTERN.match(path.stem):
        return None, [RecordError(shown, 0, 0, "", f"the file name '{path.name}' must be a slug: lower-case "
                                  "letters and digits joined by single hyphens, e.g. 'shoe-tying.yml'")]
    elif kind != "topics" and path.stem in (reserved := reserved_slugs(kind)):
        return None, [RecordError(shown, 0, 0, "", f"the name '{path.stem}' is taken by "
                                  f"{reserved[path.stem]}, which would replace this record; "
                                  "rename the file")]
    data, positions, file_errors = read_yaml(path, shown, cache, info)
    return (None if data is None else RawRecord(kind, path.stem, shown, data, positions, path)), file_errors


def record_paths(data_dir: Path, cache=None) -> list[Path]:
    """Every YAML file under `data_dir`, in a stable order.

    `.yaml` and `.YML` files are included so that a misnamed record is
    reported rather than silently ignored.
    Links, folders named like a YAML file, pipes and devices are included too (anywhere under
    `data_dir`), so that `load_records` reports them instead of skipping or following them.

    A `cache` (otkb.content.cache.RecordCache, `mkdocs serve`'s) keeps the list while no folder under
    `data_dir` changed (a name added, removed or renamed changes its folder's times) and none had
    changed within two seconds of being listed: at 10,000 files, listing them took 0.06 to 0.1 CPU s
    of every save.
    """
    if cache is not None and cache.listing is not None and cache.listing[0] == data_dir:
        _, when, folders, paths = cache.listing
        if all(_folder_key(folder, when) == key for folder, key in folders):
            return paths
    when = time.time_ns()
    found, folders = [], []
    for top, names, files in os.walk(data_dir):
        folders.append((top, _folder_key(top, when)))
        found += [p for p in map(partial(Path, top), (*names, *files)) if p.suffix.lower() in (".yml", ".yaml")
                  or (not_a_regular_file(p) and not (p.is_dir() and not p.is_symlink()))]
    paths = sorted(found, key=lambda p: p.as_posix())
    if cache is not None:  # not kept while a folder changed just before it was listed
        cache.listing = None if any(key is None for _, key in folders) else (data_dir, when, tuple(folders), paths)
    return paths


def _folder_key(folder: str, listed: int) -> tuple | None:
    """A folder's inode and times, None if it is gone or changed within two seconds of `listed`."""
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    return None if info.st_mtime_ns >= listed - RACY_NS else (info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` is not an ordinary file the build may read (None when it is one); never follows a link."""
    try:
        mode = path.lstat().st_mode
    except OSError as e:
        return f"cannot read the file: {e.strerror}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return ("is a link to another file or folder; the build reads only ordinary files inside data/, "
                "so copy the file here instead")
    if stat.S_ISDIR(mode):
        return "is a folder, not a file; a record is one .yml file: rename or remove the folder"
    what = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"is {what}, not an ordinary file; the build reads only ordinary files: remove it"


def display_path(path: Path, root: Path, resolved: dict[str, str | None] | None = None) -> str:
    """`path` as messages show it: relative to the project folder `root` where it lies inside it.

    `resolved` keeps each folder's place in `root` (one `root` per dict), by the folder's name:
    load_records resolves each folder once, not once per file (a second of a 10,000-record build),
    and hashes no Path (a tenth of a second of each 10,000-record preview).
    """
    folder, name = os.path.split(path)
    resolved = {} if resolved is None else resolved
    if folder not in resolved:
        resolved[folder] = _relative_folder(Path(folder).resolve(), root.resolve())
    shown = resolved[folder]
    return Path(path).as_posix() if shown is None else f"{shown}{name}"


def _relative_folder(folder: Path, root: Path) -> str | None:
    """`folder` relative to `root`, as the start of a path ('data/activities/', '' for `root`); None outside it."""
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative + "/"


def read_yaml(path: Path, shown: str, cache=None, info: os.stat_result | None = None,
              ) -> tuple[dict | None, dict, list[RecordError]]:
    """Read one file into (mapping, positions, errors); `cache` as in `load_records`, `info` the
    file's lstat if just taken."""
    if cache is not None and (unchanged := cache.unchanged(path, shown, info)) is not None:
        return unchanged
    try:  # never through a link, and never waiting on a pipe: only an ordinary file is read
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)),
                  "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, {}, [RecordError(shown, 0, 0, "", not_a_regular_file(path) or "is not an ordinary file")]
            raw = file.read()
    except OSError as e:
        return None, {}, [RecordError(shown, 0, 0, "", not_a_regular_file(path) or f"cannot read the file: {e.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, {}, [RecordError(shown, 0, 0, "", f"the file is {len(raw) // 1024} KB; a record may be at "
                                      f"most {MAX_FILE_BYTES // 1024} KB")]
    if cache is not None:
        return cache.parsed_bytes(path, shown, raw, info, lambda: _parse_bytes(raw, shown))
    return _parse_bytes(raw, shown)


def _parse_bytes(raw: bytes, shown: str) -> tuple[dict | None, dict, list[RecordError]]:
    try:
        return (*parse_yaml(_decode(raw, shown), shown), [])
    except _Stop as stop:
        return None, {}, [stop.error]


class PositionsOnDemand(Mapping):
    """The field positions of a file parsed by an earlier build: those that build looked up (`known`),
    else read from the file when first asked for; or a file's fresh positions (`read`).

    Every lookup is noted in `asked` (None where the file has no such field), and records.json keeps
    it, so the next build's messages about an unchanged file (an editor warning's line) need not read
    it: at 10,000 records, 2,144 files were read again for the lines of their cross-record warnings.
    """

    __slots__ = ("path", "shown", "read", "asked")  # one per record file: 10,000 in a build

    def __init__(self, path: Path, shown: str, known: dict | None = None, read: dict | None = None) -> None:
        self.path, self.shown, self.read = path, shown, read
        self.asked: dict[tuple, tuple[int, int] | None] = known if known is not None else {}

    def _positions(self) -> dict:
        if self.read is None:
            self.read = read_yaml(self.path, self.shown)[1]
        return self.read

    def _lookup(self, loc: tuple):
        if loc in self.asked:
            return self.asked[loc]
        found = self.asked[loc] = self._positions().get(loc)
        return found

    def __contains__(self, loc) -> bool:
        return self._lookup(loc) is not None

    def __getitem__(self, loc: tuple) -> tuple[int, int]:
        found = self._lookup(loc)
        if found is None:
            raise KeyError(loc)
        return found

    def __iter__(self):
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())

    def asked_json(self) -> list:
        """`asked` as JSON for records.json (the locations JSON can hold: text and whole numbers)."""
        return [[list(loc), position] for loc, position in self.asked.items()
                if all(type(part) in (str, int) for part in loc)]

    @staticmethod
    def known_from_json(asked: list) -> dict:
        """`asked_json`'s list back as `known`."""
        return {tuple(loc): tuple(position) if position is not None else None for loc, position in asked}


def _decode(raw: bytes, shown: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte order mark from Windows Notepad
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        text = raw.decode("utf-8", errors="replace")
        raise _Stop(RecordError(shown, line, column, _key_at(text, line),
                                f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x}); save it as "
                                "UTF-8 in your editor and retype the character")) from None


def _key_at(text: str, line: int) -> str:
    """The top-level field whose block contains `line` (1-based)."""
    lines = text.split("\n")[:line]
    for candidate in reversed(lines):
        match = _TOP_KEY.match(candidate)
        if match:
            return match.group(1)
    return ""


def _field_at(text: str, line: int) -> str:
    """The field a syntax error on `line` is in: `_key_at`, except that a key indented with a tab is named
    itself ('\tsummary: x' after 'title: ...' is `summary`, not `title`; after 'ages:' it is `ages.min`)."""
    lines = text.split("\n")
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    own = _TOP_KEY.match(bad.lstrip(" \t"))
    if not own or "\t" not in bad[: len(bad) - len(bad.lstrip(" \t"))]:
        return _key_at(text, line)
    for above in reversed(lines[: line - 1]):
        parent = _TOP_KEY.match(above)
        if parent:
            opens_block = not above[parent.end():].split(" #")[0].strip()
            return f"{parent.group(1)}.{own.group(1)}" if opens_block else own.group(1)
    return own.group(1)


def parse_yaml(text: str, shown: str) -> tuple[dict, dict]:
    """Build (mapping, positions) from YAML text; raises _Stop on the first problem."""
    for char, name in INVISIBLE_BREAKS.items():
        index = text.find(char)
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            raise _Stop(RecordError(shown, line, index - text.rfind("\n", 0, index), _key_at(text, line),
                                    f"an invisible {name} is in this line; YAML reads it as a line break "
                                    "and would create a hidden field. Delete it and retype the line"))
    content = text.lstrip()  # a file whose first line of content is no comment is not empty: nearly all
    if not content or content[0] == "#" and all(not ln.strip() or ln.lstrip().startswith("#")
                                                for ln in text.splitlines()):
        raise _Stop(RecordError(shown, 0, 0, "", "the file is empty; a record needs at least a title "
                                "and a summary"))
    try:
        return _build_tree(_EventParser(text), text, shown)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise _Stop(RecordError(shown, line, column, _field_at(text, line), _explain_syntax(e, text, line))) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow anywhere
        line = text.count("\n", 0, e.position) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character or "\0")
        raise _Stop(RecordError(shown, line, e.position - text.rfind("\n", 0, e.position), _key_at(text, line),
                                f"contains an invisible character that YAML does not allow (U+{code:04X}); "
                                "delete it")) from None
    except yaml.YAMLError as e:
        raise _Stop(RecordError(shown, 0, 0, "", f"this is not valid YAML: {e}")) from None


def _explain_syntax(error: yaml.MarkedYAMLError, text: str, line: int) -> str:
    problem = f"{error.problem or ''} {error.context or ''}"
    lines = text.split("\n")
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "\\t" in problem or any("\t" in ln[: len(ln) - len(ln.lstrip())]
                                                    for ln in lines[max(0, line - 2): line]):
        return "a tab is used for indentation; use spaces, not tabs"
    if "mapping values are not allowed" in problem:
        key = _TOP_KEY.match(bad)
        example = f'{key.group(1)}: "{bad.split(":", 1)[1].strip()}"' if key else 'field: "text: with a colon"'
        return ("a ': ' inside a value confuses YAML; put the whole value in quotes, "
                f"for example {example}")
    if "found undefined alias" in problem or "found character '*'" in problem:
        return "'*' starts a YAML alias here; put the value in quotes"
    if "expected '<document start>'" in problem or "expected <block end>" in problem:
        return ("the indentation is inconsistent here; line each field up with the ones around it "
                "(use spaces, and the same number for each level)")
    return f"this is not valid YAML here ({' '.join(problem.split())}); check the quotes and indentation"


_NULLS = ("", "~", "null", "Null", "NULL")  # a plain scalar of these means "no value"


def _build_tree(parser, text: str, shown: str) -> tuple[dict, dict]:
    """Turn libyaml events into plain dicts, lists and strings, iteratively.

    Plain empty, `~` and `null` scalars mean "no value" (None); every other scalar is the text as typed.
    One pass, in the order of the events, with one place that puts a value where it goes and the open
    list or mapping in local variables: a 10,000-record build walks 870,000 events.
    """
    positions: dict[tuple, tuple[int, int]] = {}
    stack: list[tuple] = []  # (container, path, key) of the lists and mappings around the open one
    container = path = key = None  # the open list or mapping, its path and (in a mapping) the field named last
    root = None
    documents = 0

    def stop(event, field_path: tuple, message: str):
        mark = event.start_mark
        raise _Stop(RecordError(shown, mark.line + 1, mark.column + 1,
                                field_name(field_path) or _key_at(text, mark.line + 1), message))

    def here() -> tuple:
        """The path of the value the event at hand brings."""
        if container is None:
            return ()
        if type(container) is list:
            return path + (len(container),)
        return path + ((key,) if key is not None else ())

    def refuse_anchor_or_tag(event) -> None:
        if event.anchor:
            stop(event, here(), "YAML anchors and aliases (&name, *name) are not allowed; "
                 "write the value out in full")
        stop(event, here(), f"YAML tags such as '{event.tag}' are not allowed; remove the tag "
             "(put the value in quotes if it is text)")

    may_cut_short = "#" in text  # a plain value can only lose a ' #...' to a comment where there is a '#'
    next_event = parser.get_event  # None after the stream's end
    while (event := next_event()) is not None:
        kind = type(event)  # libyaml's event classes, compared by identity: the walk's every step
        if kind is _SCALAR:
            if event.anchor or (event.tag is not None and event.tag != "!"):
                refuse_anchor_or_tag(event)
            if event.style:  # quoted or block text keeps its "#"
                value = event.value
            else:
                if may_cut_short and (comment := _comment_after(event, text)):
                    stop(event, here(), f"YAML reads ' #' as the start of a comment, so '{comment}' would be "
                         "dropped from the value; put the whole value in quotes, or put a note for editors "
                         "on a line of its own")
                value = None if event.value in _NULLS else event.value
        elif kind is _MAPPING_START or kind is _SEQUENCE_START:
            if event.anchor or (event.tag is not None and event.tag != "!"):
                refuse_anchor_or_tag(event)
            if len(stack) >= MAX_DEPTH:
                stop(event, here(), f"the values are nested more than {MAX_DEPTH} levels deep")
            value = {} if kind is _MAPPING_START else []
        elif kind is _MAPPING_END or kind is _SEQUENCE_END:
            container, path, key = stack.pop()
            continue
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            # the first line of content (after any comments): where a problem of the whole file is shown
            positions.setdefault((), (event.start_mark.line + 1, event.start_mark.column + 1))
            if documents > 1:
                stop(event, (), "a record file holds one record; remove the '---' and split the "
                     "records into separate files")
            continue
        elif kind is yaml.AliasEvent:
            stop(event, here(), "YAML anchors and aliases (&name, *name) are not allowed; "
                 "write the value out in full")
        else:  # the stream's start and end, a document's end
            continue
        # the value goes into the open list or mapping (or is the whole file)
        mark = event.start_mark
        if container is None:
            root, where = value, ()
        elif type(container) is list:
            where = path + (len(container),)
            container.append(value)
            positions[where] = (mark.line + 1, mark.column + 1)
        elif key is None:  # a field's name
            if type(value) is not str:
                stop(event, path, "a field name must be plain text, like 'title:'")
            where = path + (value,)
            if value in container:
                stop(event, where, f"'{value}' is given twice (first on line {positions[where][0]}); "
                     "keep one, since YAML would silently use only the last")
            key = value
            positions[where] = (mark.line + 1, mark.column + 1)
            continue
        else:  # a field's value
            where = path + (key,)
            container[key] = value
            key = None
        if kind is not _SCALAR:  # a list or mapping opens
            stack.append((container, path, key))
            container, path, key = value, where, None
    if not isinstance(root, dict):
        found = "a list" if isinstance(root, list) else "a single value"
        raise _Stop(RecordError(shown, *positions.get((), (1, 1)), "", f"the file must be a set of fields (title: ..., summary: ...), "
                                f"but it is {found}"))
    return root, positions


_SCALAR, _MAPPING_START, _SEQUENCE_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


def _comment_after(event, text: str) -> str | None:
    """What YAML drops as a comment after a plain value (` #...`, shortened), or None."""
    mark = event.end_mark
    line_end = text.find("\n", mark.index)
    comment = _TRAILING_COMMENT.match(text[mark.index: line_end if line_end >= 0 else len(text)])
    if comment is None:
        return None
    return comment.group(1) if len(comment.group(1)) <= 40 else comment.group(1)[:40] + "…"


def parse_text(text: str, shown: str) -> tuple[dict | None, dict, list[RecordError]]:
    """What `read_yaml` makes of a file holding `text`, without a file: the editor's guide checks its
    15 examples on every save (writing each to a temporary folder cost 0.04 s a save on a busy disk)."""
    return _parse_bytes(text.encode("utf-8"), shown)

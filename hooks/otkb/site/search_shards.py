"""The search index as small files the worker fetches as a visitor types, so no page pays for search.

One file with everything (Material's search_index.json) was 7 MB gzipped at
10,000 records, fetched by every page. Here, under search/:

- `meta.json`: page count, shard names, the vocabulary the worker needs
  (stop, soft and age words, words to ignore, synonyms, out-of-scope words),
  the milestone checklists by age and the finder's address;
- `t/<first 3 letters>.json`: {term: [page, weight, page, weight, ...]}, the
  pages (numbers, delta-coded) holding each word that starts with those
  letters, and how strongly (title, tags, aliases, headings, text): a query
  word fetches one shard;
- `w/<first letter>.json`: every indexed word by first letter, fetched only
  when a query word is found nowhere (to correct one typo);
- `d/<n>.json`: the entries (page, then sections) of `PAGES_PER_CHUNK` pages,
  fetched for the results shown;
- `ages.json`: [page, youngest, oldest] in months, fetched for an age query.

Words are split and folded as the worker does (otkb.content.search_text), and a page's weight for a word is worked out here once, so the
worker only adds numbers: overrides/assets/javascripts/search-worker.js.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from ..content.cache import Memo
from ..content.search_text import MAX_WORDS_PER_PAGE, html_words

PREFIX = 3  # a term's shard: its first three characters
PAGES_PER_CHUNK = 8
TEXT_LIMIT = 1500  # characters of an entry's text kept for the teaser and the phrase check
HEADING_BOOST = 10  # a section's heading, against 1 for text


def shard_name(term: str) -> str:
    """The file of a term's shard; as `shardName` in the worker."""
    key = term[:PREFIX]
    return key if re.fullmatch(r"[a-z0-9]+", key) else "u" + key.encode().hex()


def page_weights(entries: list[dict], boosts: dict[str, float]) -> dict[str, int]:
    """{term: weight} of one page: per field, boost x saturated count (BM25's k1 = 1.2), on a log scale.

    Fields: the page's title (and its h1 where that differs: `heading`), its sections' headings, tags,
    aliases and all text; Material's `search.boost` of a hand-written page (front matter) scales them all. A page keeps its `MAX_WORDS_PER_PAGE`
    strongest words, so one record can add at most that many words (and shard files) to the index."""
    text = boosts.get("text", 1)
    fields = ((boosts.get("title", 1), [entries[0].get("title", ""), entries[0].get("heading", "")]),
              (text * HEADING_BOOST, [entry.get("title", "") for entry in entries[1:]]),
              (boosts.get("tags", 1), [tag for entry in entries for tag in entry.get("tags", ())]),
              (boosts.get("aliases", 1), [alias for entry in entries for alias in entry.get("aliases", ())]),
              (text, [entry.get("text", "") for entry in entries]))
    scores: dict[str, float] = {}
    page_boost = float(entries[0].get("boost", 1))
    for boost, texts in fields:
        for term, n in Counter(html_words(" ".join(texts))).items():
            scores[term] = scores.get(term, 0) + page_boost * boost * n * 2.2 / (n + 1.2)
    if len(scores) > MAX_WORDS_PER_PAGE:  # the strongest words (titles, headings) stay; the rarest text goes
        scores = dict(sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:MAX_WORDS_PER_PAGE])
    return {term: max(1, round(8 * math.log2(1 + score))) for term, score in scores.items()}


def _indexed(page: list[dict], boosts: dict[str, float]) -> list:
    """[terms, their weights, location, shown entries as JSON] of a page. Its chunk file is written from
    the JSON as it is, so a warm build neither decodes nor encodes again the entries of a page it keeps;
    and two lists decode from its memo in a third of the time of a {term: weight} object."""
    weights = page_weights(page, boosts)
    return [list(weights), list(weights.values()), page[0]["location"], _json([_shown(entry) for entry in page])]


def _shown(entry: dict) -> dict:
    """What the worker shows (and checks a phrase against) of an entry: its text cut at a space."""
    shown = {"location": entry["location"], "title": entry.get("title", ""),
             **{key: entry[key] for key in ("heading", "text", "tags", "aliases") if entry.get(key)}}
    text = shown.get("text", "")
    if len(text) > TEXT_LIMIT:
        text = text[:text.rfind(" ", 0, TEXT_LIMIT)]
        shown["text"] = re.sub(r"<[^>]*$|&[#\w]*$", "", text) + " …"
    return shown


@dataclass(frozen=True)
class PageEntries:
    """A whole page's entries in a stream of entries, made (`make()`) only when `write_shards`' memo
    has no weights and shown entries for the page under `key` (a warm build's: the key holds
    everything the entries come from; the boosts are mkdocs.yml's, which voids the whole memo)."""

    location: str
    key: str
    make: Callable[[], list[dict]]


def _pages(entries: Iterable[dict | PageEntries]) -> Iterable[list[dict] | PageEntries]:
    """Entries grouped by page (a page's sections follow its own entry); a PageEntries is a page."""
    page: list[dict] = []
    for entry in entries:
        if isinstance(entry, PageEntries) or (page and entry["location"].split("#")[0]
                                              != page[0]["location"].split("#")[0]):
            if page:
                yield page
            page = []
        if isinstance(entry, PageEntries):
            yield entry
        else:
            page.append(entry)
    if page:
        yield page


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dump(path: Path, value, files: Memo | None = None) -> None:
    _write(path, _json(value), files)


def _dump_chunk(path: Path, shown: list[str], files: Memo | None = None) -> None:
    """A chunk file from its pages' shown entries as JSON: the same text as `_dump` of the list."""
    _write(path, "[" + ",".join(shown) + "]", files)


def _write(path: Path, text: str, files: Memo | None = None) -> None:
    """Write a file of the index; and keep its text in `files` (a warm build's), by its folder and name."""
    path.write_text(text, encoding="utf-8")
    if files is not None:
        files.put_text(f"{path.parent.name}/{path.name}", text)


def write_shards(search_dir: Path, config: dict, entries: Iterable[dict | PageEntries], extra: dict,
                 keep: bool = False, memo: Memo | None = None, files: Memo | None = None) -> ShardIndex | None:
    """Write the files above from `entries` (streamed: only the postings are held, as arrays).

    `extra` holds `page_ages` ({page location: (min, max) months}), `milestones` ([months, location, ...]:
    the location becomes its page's number, then the location and the rest) and
    what `meta.json` passes on as it is. With `keep` (`mkdocs serve`), returns the index, which
    can then update a page's files in place (`ShardIndex.update`). A page given as `PageEntries` is
    looked up in `memo` (a warm build's) by its key. `files` (a warm build's) keeps the text of
    the files written, and the pages' keys: when the next build has the same pages in the same
    order and only pages given as `PageEntries` changed, it writes the last build's files, with
    only those that hold a changed page's words or entries made again (`_write_kept`).
    """
    boosts = {name: spec.get("boost", 1) for name, spec in (config.get("fields") or {}).items()}
    for folder in ("t", "w", "d"):  # anew: `mkdocs serve` rebuilds into the same folder
        shutil.rmtree(search_dir / folder, ignore_errors=True)
        (search_dir / folder).mkdir(parents=True)
    ages_by_location, ages, locations = extra.pop("page_ages", {}), [], {}
    pages: Iterable[list[dict] | PageEntries] = _pages(entries)
    if files is not None and memo is not None and not keep:
        pages = list(pages)
        keys = [_page_key(page) for page in pages]
        files.put("pages", keys)
        shards, letters = _write_kept(search_dir, boosts, pages, keys, memo, files)
        if shards is not None:
            for number, (location, _) in enumerate(keys):
                locations[location] = number
                if location in ages_by_location:
                    ages.append([number, *ages_by_location[location]])
            _write_rest(search_dir, extra, ages, locations, len(keys), shards, letters)
            return None
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    page_terms: list[tuple[tuple[str, ...], array]] = []
    chunk: list[str] = []  # its pages' shown entries, as JSON
    count = 0
    for count, page in enumerate(pages, start=1):
        if isinstance(page, PageEntries):
            make = partial(lambda page: _indexed(page.make(), boosts), page)
            terms, weights, location, shown = memo.get(page.key, make) if memo is not None else make()
        else:
            terms, weights, location, shown = _indexed(page, boosts)
        number = count - 1
        locations[location] = number
        for term, weight in zip(terms, weights):
            postings[term].extend((number, weight))
        if keep:
            page_terms.append((tuple(terms), array("I", weights)))
        if location in ages_by_location:
            ages.append([number, *ages_by_location[location]])
        chunk.append(shown)
        if len(chunk) == PAGES_PER_CHUNK:
            _dump_chunk(search_dir / "d" / f"{number // PAGES_PER_CHUNK}.json", chunk, files)
            chunk = []
    if chunk:
        _dump_chunk(search_dir / "d" / f"{(count - 1) // PAGES_PER_CHUNK}.json", chunk, files)
    shards: dict[str, list[str]] = defaultdict(list)  # each shard's terms
    by_letter: dict[str, list[str]] = defaultdict(list)
    for term in sorted(postings):
        shards[shard_name(term)].append(term)
        by_letter[term[0]].append(term)
    for name, terms in shards.items():  # one shard's lists at a time: all of them held at once were most of write_index's peak
        _dump(search_dir / "t" / f"{name}.json",
              {term: _coded(postings[term] if keep else postings.pop(term)) for term in terms}, files)
    for letter, words in by_letter.items():
        _dump(search_dir / "w" / f"{shard_name(letter)}.json", words, files)
    meta = _write_rest(search_dir, extra, ages, locations, count, shards, {shard_name(letter) for letter in by_letter})
    if keep:
        return ShardIndex(search_dir, boosts, dict(postings), page_terms, locations, meta)
    return None


def _write_rest(search_dir: Path, extra: dict, ages: list, locations: dict[str, int], count: int, shards,
                letters) -> dict:
    """ages.json and meta.json (`letters`: the file names of the letters), made anew every time: they are
    small; returns the meta."""
    _dump(search_dir / "ages.json", ages)
    extra["milestones"] = [[months, locations[location], location, *rest]
                           for months, location, *rest in extra.get("milestones", []) if location in locations]
    meta = {"pages": count, "chunk": PAGES_PER_CHUNK, **extra}
    _write_meta(search_dir, meta, shards, letters)
    return meta


def _page_key(page: list[dict] | PageEntries) -> list[str]:
    """[location, key] of a page: a PageEntries' key, else 'entries ' and the digest of its entries."""
    if isinstance(page, PageEntries):
        return [page.location, page.key]
    return [page[0]["location"], "entries " + hashlib.sha256(_json(page).encode("utf-8")).hexdigest()]


def _write_kept(search_dir: Path, boosts: dict, pages: list, keys: list[list[str]], memo: Memo,
                files: Memo) -> tuple:
    """Write the last build's files (`files`), made again where a changed page's words or entries
    are, when the pages are those of the last build in the same order and only pages given as
    PageEntries, whose last entries `memo` still has, changed; returns (shard names, letter file
    names) for meta.json, or (None, None) when it wrote nothing. Each shard a changed page's
    words are in is decoded, the page's pairs replaced and encoded again: the same text as
    `write_shards` writes for the whole (tests/site/test_search.py)."""
    last = files.peek("pages")
    if last is None or len(last) != len(keys) or any(old[0] != new[0] for old, new in zip(last, keys)):
        return None, None
    changed = [number for number, (old, new) in enumerate(zip(last, keys)) if old[1] != new[1]]
    olds = {number: memo.peek(last[number][1]) for number in changed}
    if any(not isinstance(pages[number], PageEntries) or olds[number] is None for number in changed):
        return None, None
    names = [name for name in files.previous if "/" in name]
    shards = {name[2:-5] for name in names if name.startswith("t/")}
    letters = {name[2:-5] for name in names if name.startswith("w/")}
    news = {number: memo.get(keys[number][1], partial(lambda page: _indexed(page.make(), boosts), pages[number]))
            for number in changed}
    postings: dict[str, dict[str, list[int]]] = {}  # shard name -> {term: [page, weight, ...]}, of those decoded
    came, went = set(), set()  # terms no page had before, terms no page has now
    for number in changed:
        old, new = dict(zip(*olds[number][:2])), dict(zip(*news[number][:2]))
        for term in old.keys() | new.keys():
            if old.get(term) == new.get(term):
                continue
            name = shard_name(term)
            if name not in postings:
                text = files.peek_text(f"t/{name}.json") if name in shards else "{}"
                postings[name] = {t: _decoded(coded) for t, coded in json.loads(text).items()}
            pairs = postings[name].setdefault(term, [])
            had = bool(pairs)
            _set_pair(pairs, number, new.get(term))
            if not pairs:
                del postings[name][term]
            if had != bool(pairs):
                (came if pairs else went).add(term)
                (went if pairs else came).discard(term)
    made: dict[str, str | None] = {}  # the files made again, by folder and name (None: no longer written)
    for name, terms in postings.items():
        made[f"t/{name}.json"] = _json({t: _coded(array("I", terms[t])) for t in sorted(terms)}) if terms else None
        (shards.add if terms else shards.discard)(name)
    for name in {shard_name(term[0]) for term in came | went}:
        words = set(json.loads(files.peek_text(f"w/{name}.json"))) if name in letters else set()
        words = sorted((words | {t for t in came if shard_name(t[0]) == name})
                       - {t for t in went if shard_name(t[0]) == name})
        made[f"w/{name}.json"] = _json(words) if words else None
        (letters.add if words else letters.discard)(name)
    for chunk in {number // PAGES_PER_CHUNK for number in changed}:
        shown = []
        for number in range(chunk * PAGES_PER_CHUNK, min(len(keys), (chunk + 1) * PAGES_PER_CHUNK)):
            page = pages[number]
            kept = news.get(number) or (memo.peek(page.key) if isinstance(page, PageEntries) else _indexed(page, boosts))
            if kept is None:
                return None, None
            shown.append(kept[3])
        made[f"d/{chunk}.json"] = "[" + ",".join(shown) + "]"
    for name in names:
        if name not in made:
            (search_dir / name).write_text(files.peek_text(name), encoding="utf-8")
    for name, text in made.items():
        if text is not None:
            _write(search_dir / name, text, files)
    files.carry(lambda name: "/" in name and name not in made)
    current = {key for _, key in keys}
    memo.carry(lambda key: key in current)
    return shards, letters


def _decoded(coded: list[int]) -> list[int]:
    """(page, weight) pairs from `_coded`'s."""
    pairs, page = list(coded), 0
    for at in range(0, len(pairs), 2):
        page = pairs[at] = page + pairs[at] if at else pairs[at]
    return pairs


def _coded(pairs: array) -> list[int]:
    """(page, weight) pairs with the pages delta-coded."""
    coded, pages = pairs.tolist(), pairs[0::2]
    coded[2::2] = [page - before for page, before in zip(pages[1:], pages)]
    return coded


def _write_meta(search_dir: Path, meta: dict, shards, letters) -> None:
    """meta.json; `letters`: the file names (shard_name) of the letters."""
    _dump(search_dir / "meta.json", {"pages": meta["pages"], "chunk": meta["chunk"], "shards": sorted(shards),
                                     "letters": sorted(letters),
                                     **{k: v for k, v in meta.items() if k not in ("pages", "chunk")}})


def _set_pair(pairs: array | list[int], number: int, weight: int | None) -> None:
    """Put page `number`'s (page, weight) pair in a term's `pairs` in place of the one it had, or only
    take that away when `weight` is None."""
    at = 2 * _first_pair_at_or_after(pairs, number)
    if at < len(pairs) and pairs[at] == number:
        del pairs[at:at + 2]
    if weight is not None:
        pairs.insert(at, weight)
        pairs.insert(at, number)


def _first_pair_at_or_after(pairs: array | list[int], number: int) -> int:
    """The index of the first (page, weight) pair whose page is `number` or after (pages ascend)."""
    low, high = 0, len(pairs) // 2
    while low < high:
        middle = (low + high) // 2
        if pairs[2 * middle] < number:
            low = middle + 1
        else:
            high = middle
    return low


class ShardIndex:
    """A written index, kept while `mkdocs serve` runs, so that a changed page rewrites only the
    files its old and new words are in: the same files `write_shards` would write for the result."""

    def __init__(self, search_dir: Path, boosts: dict, postings: dict[str, array],
                 page_terms: list[tuple[tuple[str, ...], array]], locations: dict[str, int], meta: dict) -> None:
        self.search_dir, self.boosts, self.postings = search_dir, boosts, postings
        self.page_terms, self.locations, self.meta = page_terms, locations, meta
        self.by_shard: dict[str, set[str]] = defaultdict(set)  # shard name -> its terms
        self.by_letter: dict[str, set[str]] = defaultdict(set)
        for term in postings:
            self.by_shard[shard_name(term)].add(term)
            self.by_letter[term[0]].add(term)

    def update(self, page: list[dict], ages: tuple[int, int] | None) -> None:
        """Replace the entries of the page at `page[0]`'s location (a page the index has)."""
        number = self.locations[page[0]["location"]]
        weights = page_weights(page, self.boosts)
        old = dict(zip(*self.page_terms[number]))
        touched = {term for term in old.keys() | weights.keys() if old.get(term) != weights.get(term)}
        before = (set(self.by_shard), set(self.by_letter))
        letters = set()  # whose words changed
        for term in touched:
            pairs = self.postings.setdefault(term, array("I"))
            _set_pair(pairs, number, weights.get(term))
            if pairs:
                self.by_shard[shard_name(term)].add(term)
                if term not in self.by_letter[term[0]]:
                    self.by_letter[term[0]].add(term)
                    letters.add(term[0])
            else:
                del self.postings[term]
                self.by_shard[shard_name(term)].discard(term)
                self.by_letter[term[0]].discard(term)
                letters.add(term[0])
        self.page_terms[number] = (tuple(weights), array("I", weights.values()))
        for name in {shard_name(term) for term in touched}:
            path = self.search_dir / "t" / f"{name}.json"
            if self.by_shard[name]:
                _dump(path, {term: _coded(self.postings[term]) for term in sorted(self.by_shard[name])})
            else:
                del self.by_shard[name]
                path.unlink(missing_ok=True)
        for letter in letters:
            path = self.search_dir / "w" / f"{shard_name(letter)}.json"
            if self.by_letter[letter]:
                _dump(path, sorted(self.by_letter[letter]))
            else:
                del self.by_letter[letter]
                path.unlink(missing_ok=True)
        chunk_path = self.search_dir / "d" / f"{number // PAGES_PER_CHUNK}.json"
        chunk = json.loads(chunk_path.read_text(encoding="utf-8"))
        chunk[number % PAGES_PER_CHUNK] = [_shown(entry) for entry in page]
        _dump(chunk_path, chunk)
        ages_path = self.search_dir / "ages.json"
        by_page = {row[0]: row for row in json.loads(ages_path.read_text(encoding="utf-8"))}
        by_page.pop(number, None)
        if ages is not None:
            by_page[number] = [number, *ages]
        _dump(ages_path, [by_page[n] for n in sorted(by_page)])
        if (set(self.by_shard), set(self.by_letter)) != before:
            _write_meta(self.search_dir, self.meta, self.by_shard, {shard_name(letter) for letter in self.by_letter})

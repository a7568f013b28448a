"""Editor warnings: problems a reader can live with, so they never block publishing.

- a review that is overdue: `review_due` has passed, or, without one,
  `reviewed` is more than two years old;
- parent-facing text that reads above the plain-language target (NHS: a
  reading age of 9 to 11): each kind's `parent_texts` (parents' takeaways,
  activity steps, the milestones and the signs to talk to a doctor, and the
  body and answers of articles written for parents);
- a research card that no record links to;
- a research card that does not say what its study asked (`study.question`),
  or that tested an approach but does not say how sure the evidence is
  (`certainty`), what it found (`study.result`) or who was studied
  (`study.conditions`);
- an activity that lists one study twice under `supports`, or cites a study
  whose children's ages or condition differ from the activity's (evidence.py);
- a record with more different words than search indexes for one page
  (`MAX_WORDS_PER_PAGE`): the rarest are left out of search;
- a source address that is only a site's home page, an article's claim that
  cites no source, and a listed source no claim cites (content/notes.py).

They are RecordError values with severity "warning": `otkb check` lists them and
the build logs them. `extra.otkb.strict_warnings: true` in mkdocs.yml (or
OTKB_STRICT_WARNINGS=true, through its `!ENV`) turns them into errors.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

from .errors import RecordError, warning as _warning
from .evidence import evidence_warnings
from .kinds import KINDS, kind_of
from .link import Library, changed_since
from .cache import RecordCache
from .markup import long_date, visible_text
from .models import Activity, Point, ResearchCard
from .search_text import MAX_WORDS_PER_PAGE, fold, words
from .notes import source_warnings
from .readability import TARGET_READING_AGE, grade, plain_sentences, reading_age
from .validate import Record

REVIEW_EVERY_YEARS = 2
MIN_WORDS_FOR_WORST = 8  # a three-word step is too short to judge on its own
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def editor_warnings(library: Library, project_dir: Path, today: dt.date,
                    cache: RecordCache | None = None) -> list[RecordError]:
    """Every warning about the records of a valid library. A `cache` keeps each file's own warnings
    (reading age, word limit, sources: the slow part) until its bytes change, and each record's
    warnings while the record and the studies it cites are the objects they were, and the day and the
    topics are the same (`mkdocs serve` reuses an unchanged file's record): only the records
    changed since the cache's last check, and those naming one, are checked again (at 10,000 records,
    keying each record's warnings took 0.05 CPU s a save)."""
    warnings = []
    topic_names = {topic_id: topic.name for topic_id, topic in library.topics.items()}
    last_records, last_key, kept = cache.record_warnings if cache is not None else ({}, None, {})
    if cache is None or last_key != (today, library.topics):
        kept = {}
    else:  # what a record's warnings read: the record, the studies it cites (which name it), the day, the topics
        changed = changed_since(last_records, library)
        kept = {rid: found for rid, found in kept.items() if rid not in changed}
    for record in library.records.values():
        found = kept.get(record.id)
        if found is None:
            found = kept[record.id] = _record_warnings(record, library, topic_names, project_dir, today, cache)
        warnings += found
    if cache is not None:
        cache.record_warnings = (library.records, (today, library.topics), kept)
    warnings += orphan_cards(library)
    return sorted(warnings, key=_order)  # in RecordError's order, each warning's fields compared once


def _order(warning: RecordError) -> tuple:
    return warning.path, warning.line, warning.column, warning.field, warning.message, warning.severity


def _record_warnings(record: Record, library: Library, topic_names: dict[str, str], project_dir: Path,
                     today: dt.date, cache: RecordCache | None) -> list[RecordError]:
    """The warnings about one record (but whether it is an orphan card)."""
    if cache is None:
        warnings = _slow_warnings(record, project_dir)
    else:
        warnings = list(cache.remember_warnings(record.path, lambda: _slow_warnings(record, project_dir)))
    warnings += overdue_review(record, today) + unclear_evidence(record)
    if isinstance(record.data, Activity):
        warnings += evidence_warnings(record, library.records, topic_names, library.topics_of(record))
    return warnings


def warnings_summary(warnings: list[RecordError]) -> str:
    """The build log's one line about the editor warnings: how many, of which fields, and where to see
    them; `otkb check` lists each one (a build that listed every sample card's missing certainty would bury
    the line an editor needs)."""
    fields: dict[str, int] = {}
    for warning in warnings:
        name = warning.field.split("[")[0].split(".")[0] or "the whole record"
        fields[name] = fields.get(name, 0) + 1
    count = len(warnings)
    files = len({w.path for w in warnings})
    return (f"{count} editor warning{'' if count == 1 else 's'} in {files} file{'' if files == 1 else 's'}, "
            "which never stop publishing "
            f"({', '.join(f'{name} {n}' for name, n in sorted(fields.items()))}): 'otkb check' lists each with "
            "its file, line and field; 'otkb review' lists the records due for review")


def _slow_warnings(record: Record, project_dir: Path) -> list[RecordError]:
    """The warnings a file keeps until its bytes change: reading age, search's word limit and the
    sources its claims cite (each depends on the record alone)."""
    return hard_to_read(record, project_dir) + too_many_words(record) + source_warnings(record)


def as_errors(warnings: list[RecordError]) -> list[RecordError]:
    """The warnings, made errors (for `strict_warnings`)."""
    return [replace(w, severity="error") for w in warnings]


def strict_warnings(extra: dict | None) -> bool:
    """The `extra.otkb.strict_warnings` setting of mkdocs.yml."""
    settings = (extra or {}).get("otkb") or {}
    return settings.get("strict_warnings") in (True, "true", "True", "1", 1)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- overdue reviews ----------------------------------------------------------

def overdue_review(record: Record, today: dt.date) -> list[RecordError]:
    data = record.data
    if data.review_due is not None:
        if data.review_due >= today:
            return []
        return [_warning(record, ("review_due",), f"the review was due on {long_date(data.review_due)}; "
                         "check the content, then set 'reviewed' to the day you checked it and move "
                         "'review_due' on")]
    if years_after(data.reviewed, REVIEW_EVERY_YEARS) >= today:
        return []
    return [_warning(record, ("reviewed",), f"last reviewed on {long_date(data.reviewed)}, more than "
                     f"{REVIEW_EVERY_YEARS} years ago; check the content, then set 'reviewed' to the day "
                     "you checked it (and add a 'review_due' date)")]


# --- readability ----------------------------------------------------------------

def parent_texts(record: Record) -> list[tuple[str, list[tuple[tuple, str]]]]:
    """The parent-facing texts of a record (its kind's `parent_texts`): [(what, [(field path, Markdown)])];
    a long text is measured paragraph by paragraph, a list item by item."""
    data, kind = record.data, KINDS[record.kind]
    if kind.parent_texts_need_audience and "parents" not in data.audiences:
        return []
    found = [(what, list(_texts_at(data, tuple(path.split(".")), ()))) for what, path in kind.parent_texts]
    return [(what, parts) for what, parts in found if parts]


def _texts_at(value, path: tuple[str, ...], loc: tuple):
    """(field path, Markdown) of each text under `path`: a list's items and a mapping's values one by one,
    a point with its details, a field of the record that is one long text by paragraph."""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if not path and loc and isinstance(item, str):  # an item: what the last branch but one yields
                yield loc + (index,), item
            else:
                yield from _texts_at(item, path, loc + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts_at(item, path, loc + (key,))
    elif path:
        yield from _texts_at(getattr(value, path[0]), path[1:], loc + (path[0],))
    elif isinstance(value, Point):
        yield loc, value.text
        yield from _texts_at(value.details, (), loc + ("details",))
    elif isinstance(value, str) and len(loc) > 1:
        yield loc, value
    elif isinstance(value, str):  # a record's own long text, like an article's body
        yield from ((loc, paragraph) for paragraph in _PARAGRAPHS.split(value) if paragraph.strip())


def hard_to_read(record: Record, project_dir: Path) -> list[RecordError]:
    """One warning per parent-facing text above the target, at its hardest part."""
    warnings = []
    for what, parts in parent_texts(record):
        measured = [(loc, text, plain_sentences(text)) for loc, text in parts]
        age = reading_age(grade([s for _, _, sentences in measured for s in sentences]))
        if age <= TARGET_READING_AGE[1]:
            continue
        long_enough = [m for m in measured if sum(len(s.split()) for s in m[2]) >= MIN_WORDS_FOR_WORST]
        loc, text, sentences = max(long_enough or measured, key=lambda m: grade(m[2]))
        snippet = visible_text(text, one_line=True)
        snippet = snippet if len(snippet) <= 70 else snippet[:69].rstrip() + "…"
        warnings.append(_warning(
            record, loc, f"{what} read at about age {age}; the plain-language target is a reading age of "
            f"{TARGET_READING_AGE[0]} to {TARGET_READING_AGE[1]}. Hardest here (age "
            f"{reading_age(grade(sentences))}): '{snippet}'. Shorter sentences and everyday words help",
            at=_line_of(record, loc, text, project_dir)))
    return warnings


def _line_of(record: Record, loc: tuple, text: str, project_dir: Path) -> tuple[int, int]:
    """Where `text` starts: its item's line, or, for a paragraph of a long field, the line holding it."""
    return record.line_of_text(loc, text, project_dir) if loc == ("body",) else record.line_of(loc)


# --- orphan research cards --------------------------------------------------------

def orphan_cards(library: Library) -> list[RecordError]:
    """Research cards that no record names (under `related`, `supports`, `background`, ...)."""
    return [_warning(card, (), f"no record links to this research card; list '{card.id}' under "
                     "'supports:' of an activity it tested, under 'background:' of one it explains, "
                     "or under 'related:' of an article",
                     at=card.line_of(("title",)))
            for card in library.of_kind(kind_of(ResearchCard))
            if not library.related.get(card.id) and not any(index.get(card.id) for index in library.linked_from.values())]


# --- what a study asked, and how sure it is ------------------------------------------

def unclear_evidence(record: Record) -> list[RecordError]:
    """A card without `study.question` gets no evidence level; an `effect` card should say its certainty,
    what the study found and who was studied."""
    if not isinstance(record.data, ResearchCard):
        return []
    study = record.data.study
    if study.question is None:
        return [_warning(record, ("study",), "the card does not say what the study asked, so it shows no "
                         "evidence level; add 'question:' under 'study:': effect (does an approach work?), "
                         "prevalence, risk, assessment or experience")]
    if study.question != "effect":
        return []
    # (missing?, the field, the line that asks for it, what to do): a missing field is named, at that line
    unclear = [
        (record.data.certainty is None, ("certainty",), ("study", "question"), "the study tested an approach "
         "but the card does not say how sure the evidence is; add 'certainty:' (high, moderate, low or "
         "very-low) as the authors or a reviewing clinician rate it"),
        (study.result is None, ("study", "result"), ("study", "question"), "the study tested an approach but "
         "the card does not say what it found, so badges say 'result not stated'; add 'result:' under 'study:' "
         "(benefit, mixed, no-difference or harm) as the abstract states it"),
        (study.design == "cohort" and bool(study.compared_with), ("study", "design"), ("study", "design"),
         "a cohort study only observes; this card says the study tested an approach and compared it with "
         "another group. If the researchers gave the approach to some groups and not others, not at random "
         "(by school or class, say), the design is non-randomised-trial"),
        (study.conditions is None, ("study", "conditions"), ("study", "population"), "the card does not say "
         "whether the children studied had a condition, so badges cannot say who was tested; add "
         "'conditions:' under 'study:' with their topic ids, or 'conditions: []' for typically developing "
         "children"),
    ]
    return [_warning(record, field, message, at=record.line_of(where))
            for missing, field, where, message in unclear if missing]


def too_many_words(record: Record) -> list[RecordError]:
    """A record with more different words than search keeps for one page, naming the field with most."""
    dumped = record.data.model_dump_json()
    # runs of letters and digits are apart, so at most half the characters (rounded up) start one
    if dumped.isascii() and (len(dumped) < 2 * MAX_WORDS_PER_PAGE or _runs(dumped) <= MAX_WORDS_PER_PAGE):
        return []
    texts = {name: " ".join(_strings(value)) for name, value in json.loads(dumped).items()}  # model_dump(mode="json")
    if sum(len(fold(text)) for text in texts.values()) <= MAX_WORDS_PER_PAGE:  # a word has a character at least
        return []
    by_field = {name: set(words(text)) for name, text in texts.items()}
    count = len(set().union(*by_field.values()))
    if count <= MAX_WORDS_PER_PAGE:
        return []
    most = max(by_field, key=lambda name: len(by_field[name]))
    return [_warning(record, (most,), f"the record has {count:,} different words, and search keeps "
                     f"{MAX_WORDS_PER_PAGE:,} for one page (its title, headings and most used words): the rest "
                     f"will not find it; split the record, or shorten '{most}' ({len(by_field[most]):,} different words)")]


_LETTERS_AND_DIGITS = re.compile(r"[A-Za-z0-9]+")


def _runs(ascii_json: str) -> int:
    """How many runs of letters and digits a record's JSON has (in ASCII): never fewer than its texts'
    words, which are such runs once folding drops their apostrophes, since JSON writes a text's other
    characters as themselves or as an escape that starts with a backslash (so an escaped line break may
    put an 'n' before a word, never join two words). Counting them takes a third of finding the words."""
    return _LETTERS_AND_DIGITS.subn("", ascii_json)[1]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in _strings(item)] if isinstance(value, list) else []

"""`data/search.yml`, the search's everyday words: read, validated, and checked against the topics.

Besides each field's own rules (otkb.content.models.SearchWords), words that would break search are
errors naming the file, the line and the field: an ignored word that is a word of a topic's name or
aliases (`ignore: [fine]` and "fine motor" finds nothing), an age word search drops anyway ("the"), a
word in two synonym groups, and a synonym or out-of-scope word that search would ignore.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .errors import RecordError, field_name
from .load import read_yaml
from .models import SearchWords, Topic
from .search_text import STOP_WORDS, words
from .validate import explain, position


def validate_search_words(path: Path, shown: str, topics: dict[str, Topic]) -> tuple[SearchWords, list[RecordError]]:
    """`data/search.yml`, checked against `topics`; a site without it has none."""
    if not path.is_file():
        return SearchWords(), []
    data, positions, errors = read_yaml(path, shown)
    if errors or data is None:
        return SearchWords(), errors
    try:
        search_words, errors = SearchWords.model_validate(data), []
    except ValidationError as e:
        search_words, errors = SearchWords(), explain(e, SearchWords, data, positions, shown)
    errors += word_conflicts(data if isinstance(data, dict) else {}, topics, positions, shown)
    return (SearchWords() if errors else search_words), sorted(errors)


def _texts(value) -> list:
    """The text items of a list as read (anything else counts as no text: its own error says why)."""
    return [item if isinstance(item, str) else "" for item in value] if isinstance(value, list) else []


def word_conflicts(data: dict, topics: dict[str, Topic], positions: dict, shown: str) -> list[RecordError]:
    """The errors of words (in the file's `data` as read, valid or not) that contradict the topics or
    each other."""
    def error(loc: tuple, message: str) -> RecordError:
        return RecordError(shown, *position(positions, loc), field_name(loc), message)

    named: dict[str, str] = {}  # a word of a topic's name or alias -> how the message names it
    for topic_id, topic in topics.items():
        for what, text in [("name", topic.name), *(("alias", alias) for alias in topic.aliases)]:
            for word in words(text):
                named.setdefault(word, f"the topic {topic_id}'s {what} '{text}'")
    ignore = _texts(data.get("ignore"))
    ignored = {" ".join(words(word)): at for at, word in enumerate(ignore)}
    errors = [error(("ignore", at), f"'{ignore[at]}' is a word of {named[word]}: search would "
                    f"leave it out, so a search for that topic would miss its pages; remove it from ignore")
              for word, at in ignored.items() if word in named]
    for phrase in data.get("ages") if isinstance(data.get("ages"), dict) else ():
        dropped = [word for word in words(phrase) if word in STOP_WORDS]
        if dropped:
            errors.append(error(("ages", phrase), f"'{dropped[0]}' is a word search always leaves out (like "
                                f"'the' or 'and'), so it cannot be part of the age word '{phrase}'"))
    seen: dict[str, tuple] = {}
    groups = data.get("synonyms") if isinstance(data.get("synonyms"), list) else []
    for group_at, group in enumerate(groups):
        for at, word in enumerate(_texts(group)):
            loc, folded = ("synonyms", group_at, at), " ".join(words(word))
            if not folded:  # not text: its own error says so
                continue
            if folded in seen and seen[folded][1] != group_at:
                errors.append(error(loc, f"'{word}' is also in the group on line {position(positions, seen[folded])[0]}: "
                                    f"a word belongs to one group of synonyms; merge the groups or remove one"))
            seen.setdefault(folded, loc)
    listed = [(loc, word) for word, loc in seen.items()]
    listed += [(("out_of_scope", at), " ".join(words(word))) for at, word in enumerate(_texts(data.get("out_of_scope")))]
    for loc, word in listed:
        if word in ignored or word in STOP_WORDS:
            errors.append(error(loc, f"'{word}' is a word search leaves out (it is under ignore, or is a word like "
                                f"'the'), so it would never be searched; remove it from one list"))
    return errors

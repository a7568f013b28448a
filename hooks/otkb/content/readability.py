"""Readability: a Flesch-Kincaid grade and the reading age it stands for.

The NHS writes for a reading age of 9 to 11. A reading age is roughly the
US school grade plus 5, so the target is a Flesch-Kincaid grade of at most 6.

We count syllables ourselves rather than use textstat: its current release
downloads the CMU dictionary through NLTK at run time, which a build must
not do. The counter below is the usual vowel-group rule with the common
English exceptions; it is right for most everyday words, and the grade is a
nudge for editors, not a verdict.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .markup import visible_text

TARGET_READING_AGE = (9, 11)
AGE_OVER_GRADE = 5  # reading age = grade + 5

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:-]\d+)*%?")
_SENTENCE_END_OR_LINE = re.compile(r"[.!?]+(?=\s|$)|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Endings whose written vowel is silent or merges with the one before it.
_SILENT_ENDING = re.compile(r"(?<=[^aeiouy])(e|es|ed)$")
# A silent e before a suffix: safe-ly, move-ment, care-ful.
_SILENT_INNER = re.compile(r"[^aeiouy]e(?:ly|ment|ments|ful|ness)$")
# ...except in ta-ble, wan-ted, hor-ses, wat-ches.
_SOUNDED = re.compile(r"[^aeiouy]le[sd]?$|[td]ed$|(?:[cszgx]|sh|ch)es$")
# Vowel pairs that are said as two syllables (pi-ano, stu-dio, du-et, po-em, play-er, cray-on).
_TWO_SOUNDS = re.compile(r"ia|(?<![stcx])io(?!u)|iu|ea(?=l$)|eo|ua|uo|oa$|ie(?=r$)|ue(?=l|t)|oe(?!s?$)"
                         r"|(?<=[aeiou])y[aeio](?!s?$)")
_EXCEPTIONS = {
    "the": 1, "our": 1, "hour": 1, "fire": 1, "tired": 1, "toys": 1, "area": 3, "idea": 3, "being": 2,
    "doing": 2, "going": 2, "seeing": 2, "lying": 2, "trying": 2, "people": 2, "every": 2, "everyday": 3,
    "everyone": 3, "everything": 3, "business": 2, "different": 3, "interest": 3, "family": 3,
    "families": 3, "poem": 2, "science": 2, "quiet": 2, "diet": 2, "create": 2, "created": 3, "video": 3,
    "really": 2, "usually": 4, "actually": 4, "coordination": 5,
}


@lru_cache(maxsize=65536)  # a site's vocabulary is small; its words repeat thousands of times
def syllables(word: str) -> int:
    """Syllables in one English word (at least 1)."""
    word = word.lower().replace("’", "'").split("'")[0]
    if not word.isalpha():
        return 1  # a number such as 40% reads as one short word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if len(word) <= 3:
        return 1
    if word.startswith(("some", "home", "care")) and len(word) > 5:
        return 1 + syllables(word[4:])  # some-times, home-work, care-ful
    count = len(_VOWEL_GROUPS.findall(word)) + len(_TWO_SOUNDS.findall(word))
    if _SILENT_ENDING.search(word) and not _SOUNDED.search(word):
        count -= 1
    if _SILENT_INNER.search(word):
        count -= 1
    return max(count, 1)


def plain_sentences(markdown: str) -> tuple[str, ...]:
    """The sentences of a Markdown text; each paragraph, item or heading ends one."""
    pieces = _SENTENCE_END_OR_LINE.split(visible_text(markdown))  # its lines hold no other line break
    return tuple(piece.strip() for piece in pieces if _WORD.search(piece))


def grade(sentences: list[str]) -> float:
    """The Flesch-Kincaid grade of these sentences (0 for no words)."""
    words = _WORD.findall(" ".join(sentences))  # a word never holds a space: each sentence's words
    if not words:
        return 0.0
    total = sum(map(syllables, words))
    return 0.39 * len(words) / len(sentences) + 11.8 * total / len(words) - 15.59


def reading_age(grade_value: float) -> int:
    """The reading age a grade stands for, in whole years (never below 5)."""
    return max(5, round(grade_value + AGE_OVER_GRADE))

"""Search's one tokenizer: how text is split into words and folded, here for the index and in the
worker (overrides/assets/javascripts/search-worker.js, `fold`, `words`, `htmlWords`) for the query.

- A word is a run of letters, digits and combining marks (\\p{M}): the vowel signs of हिंदी or
  விளையாட்டு are part of their word, never a break. A Chinese or Japanese character (Han, kana) is
  a word of its own, since those scripts put no spaces between words.
- Folding: lower case; Latin accents (é -> e), Arabic harakat and the tatweel dropped, since
  writers leave them out as often as not; apostrophes dropped ("don't" -> dont); the rest in NFC.
- Index text is HTML (ours escaped, Material's with <p> or <li>): tags become spaces and the six
  entities our escaping and Material's write are decoded, once. A query is typed text: `<b>` and
  `&amp;` there are the characters typed, never markup.

tests/search_tokens.json is the table both tokenizers are tested against.
"""

from __future__ import annotations

import re
import unicodedata

# Marks that writers leave out: Latin (and Greek, Cyrillic) accents, Arabic harakat and the tatweel.
OPTIONAL_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                            "\u064b-\u065f\u0670\u0640]")
# Han and kana: one character, one word (as CJK in the worker).
CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ffff"
# The most words one page adds to the search index: the strongest are kept (titles, headings, then the
# words it uses most), and `otkb check` warns about a record with more (otkb.content.checks). The
# longest sample record has about 430, the editor's guide about 880; one record of 10,000 different
# words made 8,273 shard files.
MAX_WORDS_PER_PAGE = 2000
# lunr's English stop words, which Material's search leaves out too: search drops them from a query
# (the worker reads them from search/meta.json).
STOP_WORDS = frozenset((
    "a able about across after all almost also am among an and any are as at be because been but by can cannot "
    "could dear did do does either else ever every for from get got had has have he her hers him his how however "
    "i if in into is it its just least let like likely may me might most must my neither no nor not of off often "
    "on only or other our own rather said say says she should since so some than that the their them then there "
    "these they this tis to too twas us wants was we were what when where which while who whom why will with "
    "would yet you your").split())
# Question words, feelings, denials and "vs": they rank a page that has them higher but never keep a page out
# ("when to worry about crawling" finds the crawling pages).
SOFT_WORDS = frozenset((
    "worry worried worries worrying concern concerned concerns concerning anxious scared normal typical ok okay "
    "struggle struggles struggling still yet late slow behind isnt doesnt dont wont cant hasnt havent arent "
    "didnt wasnt hate hates refuses refuse upset cries crying getting gets lot lots really very many much "
    "vs versus").split())
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'"}
_ENTITY = re.compile("|".join(ENTITIES))
_TAGS = re.compile(r"<[^>]*>")


def _mark_class() -> str:
    """Every combining mark (\\p{M} in the worker), as ranges for a character class."""
    ranges, start, previous = [], None, None
    for code in (*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(code))[0] == "M":
            if start is None or code != previous + 1:
                if start is not None:
                    ranges.append((start, previous))
                start = code
            previous = code
    ranges.append((start, previous))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


_WORD = re.compile(f"[{CJK}]|(?:[^\\W_{CJK}]|[{_mark_class()}])+")


def fold(text: str) -> str:
    """Typed text as it is searched: lower case, without optional marks or apostrophes (as `fold`)."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFC", OPTIONAL_MARKS.sub("", unicodedata.normalize("NFD", text)))
    return text.replace("'", "").replace("\u2019", "")


def words(text: str) -> list[str]:
    """The words of typed text, folded (as `words` in the worker)."""
    folded = fold(text)
    return _ASCII_WORD.findall(folded) if folded.isascii() else _WORD.findall(folded)


# What _WORD finds in folded ASCII text (no capitals, marks or CJK there), ten times faster.
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def html_words(value: str | list[str]) -> list[str]:
    """The words of index text (HTML: tags are spaces, entities decoded once; as `htmlWords`)."""
    text = " ".join(value) if isinstance(value, list) else value or ""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda match: ENTITIES[match.group()], text)
    return words(text)

"""Cite this: a research card's citation as formatted text, BibTeX and RIS.

Each format has its own escaping, because editor text must not break out of
it: HTML and Markdown on the page, braces and backslashes in BibTeX, lines
in RIS (a line break would start a new tag). Validation already keeps plain
text on one line; the writers here do not rely on it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup

from ..content.cache import PerRecord
from ..content.link import Library
from ..content.markup import escape_text, html_text
from ..content.kinds import kind_of
from ..content.models import Citation, ResearchCard
from ..content.validate import Record
from .urls import file_url

DOI_RESOLVER = "https://doi.org/"
CITATION_FILES = {"bib": "citation.bib", "ris": "citation.ris"}


def doi_url(doi: str) -> str:
    """The DOI's address at the resolver, percent-encoded as the DOI Handbook (2.5.2.4) says: '%', '"', '#',
    '?', spaces, '<', '>' and the other characters a URL cannot carry as they are (non-ASCII as UTF-8)."""
    return DOI_RESOLVER + quote(doi, safe="/;:@&=+$,!*'()")


def link(citation: Citation) -> str | None:
    """Where the study can be read: its DOI as a link, else its URL."""
    return doi_url(citation.doi) if citation.doi else citation.url


def short_citation(citation: Citation) -> Markup:
    """'Ferguson et al. 2013': the first author's family name and the year, as cards, badges and the
    evidence map name a study; the name escaped for HTML and Markdown, as `formatted_html` does."""
    family = escape_text(citation.authors[0].split(",")[0])
    return Markup(f"{family}{' et al.' if len(citation.authors) > 1 else ''} {citation.year}")


def _authors(authors: list[str]) -> str:
    """APA style: 'A, B, & C'."""
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + ", & " + authors[-1]


def _sentence(text: str) -> str:
    return text if text[-1:] in ".?!" else text + "."


def _page_range(pages: str) -> str:
    return re.sub(r"(?<=\w)\s*-{1,2}\s*(?=\w)", "–", pages)


def formatted_text(citation: Citation) -> str:
    """The reference in APA 7 style, as plain text."""
    c = citation
    text = f"{_authors(c.authors)} ({c.year}). {_sentence(c.title)} {c.journal}"
    text += (f", {c.volume}" if c.volume else "") + (f"({c.issue})" if c.issue else "")
    text += (f", {_page_range(c.pages)}" if c.pages else "") + "."
    return text + (f" {link(c)}" if link(c) else "")


def formatted_html(citation: Citation) -> Markup:
    """The same reference for the page: journal and volume in italics, the DOI as a link.

    Every piece of editor text is escaped for HTML and Markdown alike.
    """
    c = citation
    html = f"{escape_text(_authors(c.authors))} ({c.year}). {escape_text(_sentence(c.title))} "
    html += f"<i>{escape_text(c.journal)}</i>" + (f", <i>{escape_text(c.volume)}</i>" if c.volume else "")
    html += (f"({escape_text(c.issue)})" if c.issue else "")
    html += (f", {escape_text(_page_range(c.pages))}" if c.pages else "") + "."
    if link(c):
        html += f' <a href="{html_text(link(c))}">{escape_text(link(c))}</a>'
    return Markup(html)


# --- BibTeX ------------------------------------------------------------------

# BibTeX counts every brace, escaped or not, to find where a field ends: a brace in the text is written
# as a command whose own braces balance. '@' and '"' get a group of their own, so neither a reader that
# looks for the next entry at an '@' nor one that reads quoted fields can be misled.
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&",
                   "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                   "~": r"\textasciitilde{}", "@": "{@}", '"': '{"}'}


def one_line(value: str) -> str:
    """Any line break or control character becomes a space, so a value cannot start a new line."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", str(value)).split())


def bibtex_text(value: str) -> str:
    """Text for a braced BibTeX field: LaTeX's special characters escaped, and no brace of its own, so the
    field's braces always balance."""
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in one_line(value))


def bibtex_verbatim(value: str) -> str:
    """A DOI or URL for a verbatim field: characters that could end the field are percent-encoded."""
    return re.sub(r"[{}\\\s]|%(?![0-9A-Fa-f]{2})", lambda m: f"%{ord(m.group()):02X}", one_line(value))


def _bibtex_name(name: str) -> str:
    """'and' separates authors in BibTeX, so a name that contains the word is kept whole in braces."""
    text = bibtex_text(name)
    return "{" + text + "}" if re.search(r"\band\b", name, re.I) else text


def bibtex(record: Record) -> str:
    c = record.data.citation
    fields = [("author", " and ".join(_bibtex_name(a) for a in c.authors)), ("title", bibtex_text(c.title)),
              ("journal", bibtex_text(c.journal)), ("year", str(c.year))]
    fields += [(name, bibtex_text(value)) for name, value in
               (("volume", c.volume), ("number", c.issue)) if value]
    if c.pages:
        fields.append(("pages", bibtex_text(_page_range(c.pages)).replace("–", "--")))
    if c.doi:
        fields.append(("doi", bibtex_verbatim(c.doi)))
    if link(c):
        fields.append(("url", bibtex_verbatim(link(c))))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@article{{{record.slug},\n{body}}}\n"


# --- RIS ---------------------------------------------------------------------

def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {one_line(value)}\r\n"


def ris(record: Record) -> str:
    """RIS, the format reference managers import: one `TAG  - value` per line, CRLF line ends."""
    c = record.data.citation
    lines = [_ris_line("TY", "JOUR")] + [_ris_line("AU", author) for author in c.authors]
    lines += [_ris_line("PY", str(c.year)), _ris_line("TI", c.title), _ris_line("T2", c.journal)]
    lines += [_ris_line(tag, value) for tag, value in (("VL", c.volume), ("IS", c.issue)) if value]
    if c.pages:
        first, _, last = _page_range(c.pages).partition("–")
        lines += [_ris_line("SP", first)] + ([_ris_line("EP", last)] if last else [])
    if c.doi:
        lines.append(_ris_line("DO", c.doi))
    if link(c):
        lines.append(_ris_line("UR", link(c)))
    return "".join(lines) + "ER  - \r\n"


def citation_files(library: Library) -> dict[str, str]:
    """{site path: content} of every research card's citation files, next to its page. Each card's are
    kept while its record lives: `mkdocs serve` makes them again for the cards a save changed only."""
    files = {}
    for record in library.of_kind(kind_of(ResearchCard)):
        files.update(_CITATION_FILES.get(record, None, lambda: {
            file_url(record, CITATION_FILES["bib"]): bibtex(record), file_url(record, CITATION_FILES["ris"]): ris(record)}))
    return files


_CITATION_FILES = PerRecord()

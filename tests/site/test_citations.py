"""Cite this: formatted text, BibTeX and RIS, and text from a record that must not break out of them."""

import re
import shutil

import pytest
import yaml

from conftest import FIXTURE_DATA
from otkb.site.citations import bibtex, bibtex_text, bibtex_verbatim, citation_files, formatted_html, formatted_text, ris
from otkb.content.pipeline import build_library

HOSTILE_TITLE = 'Pegs} @misc{evil, note={x}} \\input{/etc/passwd} 100% $5 #1 a_b ^ ~ & "q" <script>x</script>'


@pytest.fixture(scope="module")
def card():
    library, errors = build_library(FIXTURE_DATA.parent)
    assert errors == []
    return library.records["research/smith-2020-pegs"]


@pytest.fixture
def hostile_card(tmp_path):
    """The fixture card with hostile text in every citation field an editor types."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data/research/smith-2020-pegs.yml"
    record = yaml.safe_load(path.read_text())
    record["citation"].update(title=HOSTILE_TITLE, journal="J} and {K \\par",
                              authors=["Smith and Sons, A.}", "O'Brien, {B.}"], volume="1}", issue="2\\",
                              pages="45-52}", doi="10.5555/a}b{c\\d%zz")
    path.write_text(yaml.safe_dump(record))
    library, errors = build_library(tmp_path)
    assert errors == []
    return library.records["research/smith-2020-pegs"]


def test_formatted_text_is_apa_style(card):
    assert formatted_text(card.data.citation) == (
        "Smith, J., & Okafor, N. (2020). Peg games at home. Journal of Hand Play, 12(3), 45–52. "
        "https://doi.org/10.5555/otkb.2020.0001")


def test_formatted_html_italicises_the_journal_and_links_the_doi(card):
    html = formatted_html(card.data.citation)
    assert "<i>Journal of Hand Play</i>, <i>12</i>(3)" in html
    assert '<a href="https://doi.org/10.5555/otkb.2020.0001">' in html


def test_bibtex(card):
    assert bibtex(card) == (
        "@article{smith-2020-pegs,\n"
        "  author = {Smith, J. and Okafor, N.},\n"
        "  title = {Peg games at home},\n"
        "  journal = {Journal of Hand Play},\n"
        "  year = {2020},\n"
        "  volume = {12},\n"
        "  number = {3},\n"
        "  pages = {45--52},\n"
        "  doi = {10.5555/otkb.2020.0001},\n"
        "  url = {https://doi.org/10.5555/otkb.2020.0001},\n"
        "}\n")


def test_ris(card):
    assert ris(card) == (
        "TY  - JOUR\r\nAU  - Smith, J.\r\nAU  - Okafor, N.\r\nPY  - 2020\r\nTI  - Peg games at home\r\n"
        "T2  - Journal of Hand Play\r\nVL  - 12\r\nIS  - 3\r\nSP  - 45\r\nEP  - 52\r\n"
        "DO  - 10.5555/otkb.2020.0001\r\nUR  - https://doi.org/10.5555/otkb.2020.0001\r\nER  - \r\n")


def test_citation_files_sit_next_to_the_card(card):
    library, _ = build_library(FIXTURE_DATA.parent)
    assert sorted(citation_files(library)) == ["research/jones-2019-preterm-grip/citation.bib",
                                               "research/jones-2019-preterm-grip/citation.ris",
                                               "research/smith-2020-pegs/citation.bib",
                                               "research/smith-2020-pegs/citation.ris"]


def bibtex_fields(entry: str) -> dict[str, str]:
    """Parse the file with pybtex, which counts braces as BibTeX does (a backslash does not stop a brace
    from counting): its one entry's fields, authors as written."""
    from pybtex.database import parse_string

    entries = parse_string(entry, "bibtex").entries
    assert list(entries) == ["smith-2020-pegs"]
    parsed = entries["smith-2020-pegs"]
    return {"author": " and ".join(str(p) for p in parsed.persons.get("author", [])), **parsed.fields}


def test_hostile_text_stays_inside_its_bibtex_field(hostile_card):
    fields = bibtex_fields(bibtex(hostile_card))
    assert list(fields) == ["author", "title", "journal", "year", "volume", "number", "pages", "doi", "url"]
    assert fields["title"] == (r"Pegs\textbraceright{} {@}misc\textbraceleft{}evil, note=\textbraceleft{}x"
                               r"\textbraceright{}\textbraceright{} \textbackslash{}input\textbraceleft{}/etc/passwd"
                               r"\textbraceright{} 100\% \$5 \#1 a\_b \textasciicircum{} \textasciitilde{} \& "
                               r'{"}q{"} <script>x</script>')
    assert fields["author"] == r"{Smith and Sons, A.\textbraceright{}} and O'Brien, \textbraceleft{}B.\textbraceright{}"
    assert fields["journal"] == r"J\textbraceright{} and \textbraceleft{}K \textbackslash{}par"
    assert fields["doi"] == "10.5555/a%7Db%7Bc%5Cd%25zz"
    assert bibtex(hostile_card).count("\n@") == 0


def test_bibtex_escaping_and_verbatim_urls():
    assert bibtex_text("a\nb\u2028c") == "a b c"  # never a new line
    assert bibtex_verbatim("https://x.org/a b?q=%20&r={1}") == "https://x.org/a%20b?q=%20&r=%7B1%7D"


def test_hostile_text_cannot_start_a_ris_line(hostile_card):
    text = ris(hostile_card)
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert [line[:2] for line in lines[:-1]].count("ER") == 1 and lines[-2] == "ER  - "
    assert f"TI  - {HOSTILE_TITLE}" in lines
    assert "\n" not in text.replace("\r\n", "")

"""`otkb links`: is every external source address still alive?

The addresses are the ones a reader follows to check a page: each record's
`source.url` and `sources[n].url` (milestones' checklists, articles'
sources), research cards' `citation.url`, and their DOIs (https://doi.org/…).
Each distinct address gets one request (HEAD, then GET when a server refuses
HEAD), never following a redirect, with a timeout, a few at a time and a
limit on how many in one run. A dead address (4xx, 5xx, no answer) and a
redirected one (3xx: the page moved; the message says where) are reported
with the file, line and field that name them. A DOI is meant to redirect, so
for a DOI only a DOI that doi.org does not know (404) is reported.

The weekly workflow `.github/workflows/links.yml` runs `otkb links --format
github`, so each problem is an annotation on its line.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..content.errors import RecordError, field_name
from ..content.pipeline import build_library

TIMEOUT_SECONDS = 15.0
WORKERS = 4
MAX_ADDRESSES = 1000
USER_AGENT = "otkb-links/1 (checks that a knowledge base's source addresses still work)"


@dataclass(frozen=True)
class Address:
    """An external address and where a record names it."""

    url: str
    path: str
    line: int
    column: int
    field: str
    doi: bool = False


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (timeout, refused, unknown host)
    location: str = ""
    reason: str = ""


def addresses(project: Path) -> tuple[list[Address], list[RecordError]]:
    """Every external source address of the records, in file order; the records' errors, if any."""
    library, errors = build_library(project, partial=True)
    found = []
    for record in sorted(library.records.values(), key=lambda r: r.path) if library else []:
        data = record.data
        named = [(("source", "url"), data.source.url, False)] if data.source else []
        named += [(("sources", i, "url"), s.url, False) for i, s in enumerate(getattr(data, "sources", ()))]
        citation = getattr(data, "citation", None)
        if citation is not None and citation.url:
            named.append((("citation", "url"), citation.url, False))
        if citation is not None and citation.doi:
            named.append((("citation", "doi"), f"https://doi.org/{citation.doi}", True))
        for loc, url, doi in named:
            found.append(Address(url, record.path, *record.line_of(loc), field_name(loc), doi))
    return found, errors


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx comes back as an HTTPError with its Location


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, timeout: float = TIMEOUT_SECONDS) -> Answer:
    """One request's answer, without following redirects: HEAD, or GET when HEAD is refused."""
    answer = Answer(None)
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return Answer(response.status, reason=response.reason)
        except urllib.error.HTTPError as e:
            answer = Answer(e.code, e.headers.get("Location", ""), e.reason)
            if e.code not in (403, 405, 501):  # servers that refuse HEAD say one of these
                return answer
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            return Answer(None, reason="no answer within the timeout" if "timed out" in str(reason)
                          else f"no answer ({reason})")
    return answer


def check(found: list[Address], timeout: float = TIMEOUT_SECONDS, workers: int = WORKERS,
          limit: int = MAX_ADDRESSES) -> tuple[list[RecordError], int]:
    """(the problems, one per place that names a bad address; how many addresses were asked)."""
    urls = list(dict.fromkeys(a.url for a in found))[:limit]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = dict(zip(urls, pool.map(lambda url: fetch(url, timeout), urls)))
    problems = []
    for address in found:
        answer = answers.get(address.url)
        message = _problem(address, answer) if answer else None
        if message:
            severity = "warning" if answer.status and 300 <= answer.status < 400 else "error"
            problems.append(RecordError(address.path, address.line, address.column, address.field,
                                        message, severity=severity))
    return problems, len(urls)


def _problem(address: Address, answer: Answer) -> str | None:
    status, url = answer.status, address.url
    if address.doi:
        if status == 404:
            return f"doi.org does not know this DOI (404): {url}; check the DOI on the paper itself"
        return None if status is not None and status < 500 else (
            f"doi.org gave no usable answer ({status or answer.reason}): {url}")
    if status is None:
        return f"dead: {answer.reason}: {url}"
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        moved = f" to {answer.location}" if answer.location else ""
        return f"redirected ({status}){moved}: {url}; if the new page has the same facts, use its address"
    return f"dead ({status} {answer.reason}): {url}; find the page's new address or another source"

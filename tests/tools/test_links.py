"""`otkb links`: dead and redirected source addresses, against a local HTTP server on 127.0.0.1 that
answers 200, 301, 404, 405 to HEAD, and too slowly (no other network is used)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from otkb.tools.cli import main
from otkb.tools.links import Address, check, fetch

SLOW_SECONDS = 2
TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    def _answer(self, head: bool):
        path = self.path
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/new-place")
        elif path in ("/ok", "/new-place", "/slow") or (path == "/no-head" and not head):
            self.send_response(200)
        elif path == "/no-head":
            self.send_response(405)
        elif path.startswith("/doi/known"):
            self.send_response(302)
            self.send_header("Location", "https://publisher.example/paper")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer(head=False)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_each_kind_of_answer(server):
    assert fetch(f"{server}/ok", TIMEOUT).status == 200
    moved = fetch(f"{server}/moved", TIMEOUT)
    assert (moved.status, moved.location) == (301, "/new-place")
    assert fetch(f"{server}/gone", TIMEOUT).status == 404
    assert fetch(f"{server}/no-head", TIMEOUT).status == 200  # HEAD refused: asked again with GET
    slow = fetch(f"{server}/slow", TIMEOUT)
    assert (slow.status, slow.reason) == (None, "no answer within the timeout")


def test_problems_name_the_place_and_say_what_to_do(server):
    found = [Address(f"{server}/ok", "data/a.yml", 3, 8, "source.url"),
             Address(f"{server}/moved", "data/b.yml", 4, 8, "sources[1].url"),
             Address(f"{server}/gone", "data/c.yml", 5, 8, "citation.url"),
             Address(f"{server}/gone", "data/d.yml", 6, 8, "source.url"),  # asked once, reported twice
             Address(f"{server}/slow", "data/e.yml", 7, 8, "source.url"),
             Address(f"{server}/doi/known", "data/f.yml", 8, 8, "citation.doi", doi=True),
             Address(f"{server}/doi/unknown", "data/g.yml", 9, 8, "citation.doi", doi=True)]
    problems, asked = check(found, timeout=TIMEOUT, workers=2)
    assert asked == 6
    assert [str(p) for p in problems] == [
        f"data/b.yml:4:8: sources[1].url: warning: redirected (301) to /new-place: {server}/moved; if the "
        "new page has the same facts, use its address",
        f"data/c.yml:5:8: citation.url: dead (404 Not Found): {server}/gone; find the page's new address or "
        "another source",
        f"data/d.yml:6:8: source.url: dead (404 Not Found): {server}/gone; find the page's new address or "
        "another source",
        f"data/e.yml:7:8: source.url: dead: no answer within the timeout: {server}/slow",
        f"data/g.yml:9:8: citation.doi: doi.org does not know this DOI (404): {server}/doi/unknown; check the "
        "DOI on the paper itself"]


def test_the_limit_bounds_the_requests(server):
    found = [Address(f"{server}/gone?{n}", "data/a.yml", n, 1, "source.url") for n in range(1, 6)]
    problems, asked = check(found, timeout=TIMEOUT, limit=2)
    assert asked == 2 and len(problems) == 2


def test_otkb_links_reports_the_records_lines_as_github_annotations(server, project, capsys):
    for card in (project / "data/research").glob("*.yml"):  # their DOIs would ask doi.org
        card.write_text("".join(line for line in card.read_text().splitlines(True) if "doi:" not in line))
    article = project / "data/articles/hand-skills-at-home.yml"
    article.write_text(article.read_text().replace("https://example.org/hand-skills", f"{server}/moved"))
    code = main(["--project", str(project), "links", "--format", "github", "--timeout", str(TIMEOUT)])
    out, err = capsys.readouterr()
    assert code == 0  # a redirect is a warning
    assert out == ("::warning file=data/articles/hand-skills-at-home.yml,line=25,col=3,title=otkb links%3A "
                   f"source.url::redirected (301) to /new-place: {server}/moved; if the new page has the same "
                   "facts, use its address\n")
    assert err == "otkb links: 1 address checked: 0 dead, 1 redirected.\n"
    article.write_text(article.read_text().replace(f"{server}/moved", f"{server}/gone"))
    assert main(["--project", str(project), "links", "--timeout", str(TIMEOUT)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("data/articles/hand-skills-at-home.yml:25:3: source.url: dead (404 Not Found)")
    assert err == "otkb links: 1 address checked: 1 dead, 0 redirected.\n"

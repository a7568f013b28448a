"""What the browser enforces: the site runs under its Content-Security-Policy (header and <meta>) with no
violation, and no page load contacts anyone but the site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import header_rules
from .conftest import _screenshots_module
from .test_not_found import _NotFoundHandler

# Every console message and securitypolicyviolation event a policy causes, in one list on the page.
WATCH = """
window.__otkbViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__otkbViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
                               " in " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""


class _HeadersHandler(_NotFoundHandler):
    """Serves the site as Netlify or Cloudflare Pages do: with the headers its _headers file gives a path
    (and 404.html for a missing one)."""

    rules: list = []

    def end_headers(self):
        path = urlsplit(self.path).path
        for pattern, headers in self.rules:
            if pattern.match(path):
                for name, value in headers.items():
                    self.send_header(name, value)
        super().end_headers()


@pytest.fixture(scope="module")
def host(sample_site):
    """The sample site served with the headers of its own _headers file."""
    rules = header_rules((sample_site / "_headers").read_text(encoding="utf-8"))
    assert any("Content-Security-Policy" in headers for _, headers in rules)
    server = _screenshots_module().serve(sample_site, type("Handler", (_HeadersHandler,), {"rules": rules}))
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def use_finder(page):
    page.get_by_label("Child's age").select_option(label="4 years")
    page.get_by_label("Skill").select_option(label="Grasp and pencil grip")


def use_search(page):
    page.locator(".md-search__input").click()
    page.keyboard.type("pencil grip")
    page.wait_for_selector(".md-search-result__item")


def switch_audience(page):
    page.get_by_role("radio", name="Parents").check()


def use_checklist(page):
    page.get_by_role("checkbox", name="Scribbles.").check()
    page.get_by_role("button", name="Clear my ticks").click()
    assert page.locator(".otkb-summary").is_visible()  # checklist.js ran


def toggle_dark_mode(page):
    page.locator("label[title='Switch to dark mode']").first.click()
    page.reload()  # the palette script restores the choice from storage


VISITS = {
    "home page": ("", None),
    "activity finder": ("activities/", use_finder),
    "research card": ("research/bos-2013-preterm-motor/", switch_audience),
    "search": ("", use_search),
    "milestone checklist": ("milestones/18-months/", use_checklist),
    "dark mode": ("articles/", toggle_dark_mode),
    "missing page": ("activities/no-such-page/", None),
}


@pytest.mark.parametrize("name", list(VISITS))
def test_pages_run_under_the_policy_and_contact_only_the_site(context, host, name):
    path, use = VISITS[name]
    page = context.new_page()
    console, requests, errors = [], [], []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(WATCH)
    response = page.goto(host + path)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if use:
        use(page)
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    violations = page.evaluate("window.__otkbViolations")
    policy_messages = [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m
                       or "Permissions-Policy" in m]
    assert violations == [] and policy_messages == [] and errors == [], (violations, policy_messages, errors)
    outside = [url for url in requests if not url.startswith(host) and not url.startswith(("data:", "blob:"))]
    assert outside == [], f"requests outside the site: {outside}"
    # the <meta> policy is there for hosts without headers (GitHub Pages)
    assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1


def test_an_inline_script_would_be_refused(context, host):
    """The policy really bites: a script written into the page is blocked and reported."""
    page = context.new_page()
    page.add_init_script(WATCH)
    page.goto(host)
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                  " document.body.append(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__otkbViolations"))

"""What a browser may do on the site: one Content-Security-Policy and Permissions-Policy.

Every script the pages run is a file from the site itself: Material's
inline scripts are moved into files (overrides/partials/javascripts/), and
the JSON-LD and Material's `#__config` are data blocks, which a policy does
not govern. So the policy needs no hashes and never changes with a page.

Hosts that read `_headers` (Netlify, Cloudflare Pages) send it as a header,
with `frame-ancestors` (no site may frame ours); GitHub Pages cannot send
headers, so every page also carries it as a <meta> element (overrides/main.html),
where browsers ignore `frame-ancestors` and warn about it: the <meta> copy
leaves it out. tests/site/test_hostile_output.py checks docs/_headers and
netlify.toml say the same as this module.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # Material's icons are data: SVGs in its stylesheet
    "font-src": "'self'",
    "connect-src": "'self'",  # the search index; Material's repository facts only if a host is added here
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The web editor (/admin/, Decap CMS) gets its own, still narrow, policy: its own files, the git host's
# API (sign-in opens api.netlify.com in a window of its own, which no policy of ours governs), the
# signed-in editor's avatar, and nothing else. Decap needs more than the public pages: it styles with
# inline <style> (emotion) and compiles its configuration's JSON Schema checks with `new Function` (ajv).
# It also asks www.githubstatus.com whether GitHub is up: this policy refuses that, and Decap then
# assumes it is.
GIT_HOST_API = "https://api.github.com"
ADMIN_CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob: https://avatars.githubusercontent.com",
    "font-src": "'self' data:",
    "connect-src": f"'self' {GIT_HOST_API}",
    "worker-src": "'self' blob:",
    "frame-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Directives a <meta> policy cannot carry.
HEADER_ONLY = ("frame-ancestors",)
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")
HEADERS = {
    "Content-Security-Policy": "; ".join(f"{name} {value}" for name, value in CSP.items()),
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


ADMIN_HEADERS = {**HEADERS, "Content-Security-Policy": "; ".join(f"{k} {v}" for k, v in ADMIN_CSP.items()),
                 "X-Robots-Tag": "noindex"}


def admin_policy(local_editor: str | None = None) -> str:
    """The web editor's <meta> policy; with `otkb edit`'s local backend, that address may be asked too."""
    policy = dict(ADMIN_CSP)
    if local_editor:
        parts = urlsplit(local_editor)
        policy["connect-src"] += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(f"{name} {value}" for name, value in policy.items() if name not in HEADER_ONLY)


def repository_api(repo_url: str | None) -> str | None:
    """Where Material asks for a repository's facts (stars, forks) when `repo_url` names one."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    host = "api.github.com" if parts.hostname == "github.com" else parts.netloc
    return f"{parts.scheme}://{host}" if host else None


def meta_policy(repo_url: str | None = None) -> str:
    """The policy for <meta http-equiv="Content-Security-Policy">; a configured repository's host may be asked
    for its facts (docs/_headers, which the build copies as it is, needs that host added by hand)."""
    policy = dict(CSP, **({"connect-src": f"{CSP['connect-src']} {repository_api(repo_url)}"}
                          if repository_api(repo_url) else {}))
    return "; ".join(f"{name} {value}" for name, value in policy.items() if name not in HEADER_ONLY)

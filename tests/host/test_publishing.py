"""What a published site needs, in real builds: one site_url setting behind canonical links,
sitemap, robots.txt and feeds; the 404 page; the build stamp; cache headers; the host configs."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import PROJECT, build, copy_project, header_rules, write
from otkb.host.stamp import BuildStamp, build_stamp

ENV_STAMP = ("OTKB_COMMIT", "GITHUB_SHA", "SOURCE_DATE_EPOCH")
SHA = "0123456789abcdef0123456789abcdef01234567"
EPOCH = 1780000000  # 2026-05-28 UTC
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$")
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def clean_env(monkeypatch):
    """No build stamp or site address from the machine running the tests (GitHub Actions sets GITHUB_SHA)."""
    for name in (*ENV_STAMP, "OTKB_SITE_URL", "OTKB_REPO_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def built(project: Path, *args: str) -> Path:
    result = build(project, "--strict", *args)
    assert result.returncode == 0, result.stderr
    return project / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def files_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


# --- one setting for the address -----------------------------------------------------

def test_otkb_site_url_moves_canonical_links_sitemap_and_robots(project, clean_env):
    clean_env.setenv("OTKB_SITE_URL", "https://docs.example.net/otkb/")
    site = built(project)
    assert '<link rel="canonical" href="https://docs.example.net/otkb/activities/peg-game/">' in read(
        site, "activities/peg-game/index.html")
    locs = re.findall(r"<loc>(.*?)</loc>", read(site, "sitemap.xml"))
    assert "https://docs.example.net/otkb/activities/peg-game/" in locs
    assert locs and all(loc.startswith("https://docs.example.net/otkb/") for loc in locs)
    assert "Sitemap: https://docs.example.net/otkb/sitemap.xml\n" in read(site, "robots.txt")
    for feed in ("feed.xml", "feed.json"):
        assert "https://docs.example.net/otkb/activities/peg-game/" in read(site, feed)
    everything = "".join(read(site, name) for name in ("robots.txt", "sitemap.xml", "feed.xml", "feed.json"))
    assert "otkb.example.org" not in everything


def test_robots_allows_everything_and_is_not_copied_as_a_template(project, clean_env):
    robots = read(built(project), "robots.txt")
    assert robots.splitlines()[1:3] == ["User-agent: *", "Allow: /"]
    assert "{" not in robots and robots.endswith("sitemap.xml\n")


# --- the 404 page ----------------------------------------------------------------------

def test_404_page_has_absolute_links_a_search_box_and_no_index(project, clean_env):
    clean_env.setenv("OTKB_SITE_URL", "https://example.github.io/otkb/")
    page = read(built(project), "404.html")
    assert "<title>Page not found - otkb</title>" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "We can't find that page" in page
    assert '<form class="otkb-notfound__search" action="/otkb/" method="get" role="search">' in page
    assert 'name="q"' in page
    for section in ("articles", "research", "activities", "topics"):
        assert f'href="/otkb/{section}/"' in page
    assert 'href="/otkb/assets/stylesheets/otkb.css"' in page  # the site's look, from any depth


# --- build stamp -----------------------------------------------------------------------

def test_build_stamp_from_the_environment(project, clean_env):
    clean_env.setenv("OTKB_COMMIT", SHA)
    clean_env.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    clean_env.setenv("OTKB_REPO_URL", "https://github.com/someone/otkb")
    site = built(project)
    footer = read(site, "activities/peg-game/index.html").split('<div class="md-copyright">')[1]
    assert 'Content as of <time datetime="2026-05-28">28 May 2026</time>' in footer
    assert f'<a href="https://github.com/someone/otkb/commit/{SHA}"' in footer and ">0123456</a>" in footer
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", read(site, "sitemap.xml"))) == {"2026-05-28"}


def git(project: Path, *args: str, **env: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **env}).stdout.strip()


def test_build_stamp_from_git_and_the_same_commit_builds_the_same_site(project, clean_env):
    git(project, "init", "-q")
    git(project, "add", "-A")
    when = "2026-03-04T05:06:07+00:00"
    git(project, "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "commit", "-q", "-m", "records",
        GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    commit = git(project, "rev-parse", "HEAD")
    clean_env.setenv("OTKB_REPO_URL", "https://github.com/otkb/otkb")  # the commit links to it
    site = built(project)
    footer = read(site, "index.html").split('<div class="md-copyright">')[1]
    assert '<time datetime="2026-03-04">4 March 2026</time>' in footer
    assert f"/commit/{commit}\"" in footer and f">{commit[:7]}</a>" in footer
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", read(site, "sitemap.xml"))) == {"2026-03-04"}
    first = {path: (site / path).read_bytes() for path in files_of(site)}
    again = built(project)
    assert {path: (again / path).read_bytes() for path in files_of(again)} == first


def test_no_stamp_without_git_or_environment_never_the_clock(project, clean_env):
    footer = read(built(project), "index.html").split('<div class="md-copyright">')[1].split("</footer>")[0]
    assert "otkb-build" not in footer and "Content as of" not in footer


def test_stamp_prefers_environment_and_rejects_anything_but_a_commit_id(tmp_path):
    env = {"OTKB_COMMIT": "ABCDEF1", "GITHUB_SHA": SHA, "SOURCE_DATE_EPOCH": "0"}
    assert build_stamp(tmp_path, env) == BuildStamp("abcdef1", 0)
    assert build_stamp(tmp_path, {"GITHUB_SHA": SHA}).short_commit == "0123456"
    hostile = build_stamp(tmp_path, {"OTKB_COMMIT": '"><script>alert(1)</script>', "SOURCE_DATE_EPOCH": "soon"})
    assert hostile == BuildStamp(None, None)


# --- cache headers -------------------------------------------------------------------

def test_headers_file_is_published_and_caches_exactly_the_fingerprinted_assets(sample_site):
    rules = header_rules(read(sample_site, "_headers"))
    assert rules, "no rules in _headers"
    for path in files_of(sample_site):
        url = "/" + path
        cache = [h["Cache-Control"] for pattern, h in rules if pattern.match(url) and "Cache-Control" in h]
        assert len(cache) <= 1, f"{url}: hosts would join {cache}"
        assert (cache == [IMMUTABLE]) == bool(FINGERPRINTED.search(path)), url
        assert any(pattern.match(url) and "X-Content-Type-Options" in h for pattern, h in rules), url
    assert any(FINGERPRINTED.search(p) for p in files_of(sample_site))


# --- host configurations -------------------------------------------------------------

def test_netlify_builds_strictly_into_site_for_the_netlify_address(project, clean_env, tmp_path):
    config = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "site"
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"
    command = config["build"]["command"]
    assert command.startswith("pip install --require-hashes -r requirements/site.txt && pip install --no-deps -e . && ")
    # Run Netlify's command as Netlify would, with pip already done (a stub) and $URL set.
    stubs = write(tmp_path / "stubs" / "pip", "#!/bin/sh\nexit 0\n").parent
    (stubs / "pip").chmod(0o755)
    path = os.pathsep.join([str(stubs), str(Path(sys.executable).parent), os.environ["PATH"]])
    result = subprocess.run(["bash", "-c", command], cwd=project, capture_output=True, text=True, timeout=240,
                            env={**os.environ, "PATH": path, "URL": "https://otkb-test.netlify.app",
                                 "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert "Sitemap: https://otkb-test.netlify.app/sitemap.xml" in read(project / "site", "robots.txt")


def aws_calls(log: Path) -> list[list[str]]:
    return [shlex.split(line) for line in log.read_text(encoding="utf-8").splitlines()]


def uploaded_by(call: list[str], path: str) -> bool:
    """`aws s3 sync` filters: everything is included, then each --exclude/--include in order; the last match wins."""
    included = True
    for flag, pattern in zip(call, call[1:]):
        if flag in ("--exclude", "--include") and fnmatch.fnmatchcase(path, pattern):
            included = flag == "--include"
    return included


def fake_aws(tmp_path: Path) -> tuple[dict, Path]:
    log = tmp_path / "aws.log"
    stub = write(tmp_path / "bin" / "aws", f'#!/usr/bin/env bash\nprintf "%q " "$@" >> {shlex.quote(str(log))}\n'
                                           f'echo >> {shlex.quote(str(log))}\n')
    stub.chmod(0o755)
    return {**os.environ, "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}"}, log


def test_s3_deploy_uploads_fingerprinted_assets_first_with_a_year_of_cache(sample_site, tmp_path):
    env, log = fake_aws(tmp_path)
    result = subprocess.run(["bash", str(PROJECT / "scripts" / "deploy-s3.sh"), str(sample_site)],
                            env={**env, "OTKB_BUCKET": "otkb-site"}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    syncs = aws_calls(log)
    assert [c[:2] for c in syncs] == [["s3", "sync"], ["s3", "sync"]]
    assets, rest = syncs
    assert assets[2:4] == [f"{sample_site}/", "s3://otkb-site/"] and "--delete" not in assets
    assert "--delete" in rest
    assert assets[assets.index("--cache-control") + 1] == IMMUTABLE
    assert rest[rest.index("--cache-control") + 1] == "public, max-age=300"
    for path in files_of(sample_site):
        takers = [c for c in syncs if uploaded_by(c, path)]
        if path == "_headers":
            assert takers == []
        else:
            assert takers == [assets if FINGERPRINTED.search(path) else rest], path


def test_s3_deploy_refuses_an_unbuilt_site_and_a_missing_bucket(tmp_path):
    env, log = fake_aws(tmp_path)
    script = str(PROJECT / "scripts" / "deploy-s3.sh")
    no_bucket = subprocess.run(["bash", script, str(tmp_path)], env=env, capture_output=True, text=True)
    assert no_bucket.returncode != 0 and "OTKB_BUCKET" in no_bucket.stderr
    unbuilt = subprocess.run(["bash", script, str(tmp_path / "site")], env={**env, "OTKB_BUCKET": "b"},
                             capture_output=True, text=True)
    assert unbuilt.returncode == 1 and "build the site first" in unbuilt.stderr
    assert not log.exists()


def test_s3_deploy_can_clear_the_cloudfront_cache(sample_site, tmp_path):
    env, log = fake_aws(tmp_path)
    subprocess.run(["bash", str(PROJECT / "scripts" / "deploy-s3.sh"), str(sample_site)], check=True,
                   env={**env, "OTKB_BUCKET": "b", "OTKB_CLOUDFRONT_DISTRIBUTION": "E123"}, capture_output=True)
    assert aws_calls(log)[-1] == ["cloudfront", "create-invalidation", "--distribution-id", "E123", "--paths", "/*"]

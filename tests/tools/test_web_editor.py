"""The web editor (/admin/): its vendored code is what requirements/browser.json pins, its configuration
covers every kind, field and vocabulary value of the models, and the local backend only touches records.

The browser side (the form creates, edits and refuses records) is tests/browser/test_web_editor.py.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request

import pytest
import yaml

from conftest import PROJECT, copy_project
from otkb.content.kinds import KINDS
from otkb.site.admin import cms_config, config_file, repository
from otkb.site.security import ADMIN_CSP, admin_policy
from otkb.tools.local_editor import LocalEditorError, answer, start_server

VENDOR = PROJECT / "overrides/admin/vendor"
MANIFEST = json.loads((PROJECT / "requirements/browser.json").read_text(encoding="utf-8"))


def test_every_vendored_file_is_the_one_pinned():
    on_disk = {p.relative_to(VENDOR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in VENDOR.rglob("*") if p.is_file()}
    assert on_disk == MANIFEST["sha256"], "run scripts/vendor-cms.sh (never edit overrides/admin/vendor/ by hand)"
    assert MANIFEST["packages"]["decap-cms"]["version"] == "3.16.3"
    version = MANIFEST["packages"]["decap-cms"]["version"]
    assert f'"decap-cms@{version}"' in (VENDOR / "decap/decap-cms.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def config(request):
    from otkb.content.pipeline import build_library
    library, errors = build_library(PROJECT)
    assert errors == []
    return cms_config(library, "https://github.com/acme/otkb", "https://otkb.example.org/"), library


def _schema(kind: str) -> dict:
    return json.loads((PROJECT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def _resolve(schema: dict, root: dict) -> dict:
    if "$ref" in schema:
        schema = root["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    model = [s for s in options if "$ref" in s or s.get("type") == "object"]
    if model:
        return _resolve(model[0], root)
    return _resolve(options[0], root) if len(options) == 1 else schema


def _missing(schema: dict, fields: list[dict], root: dict, path: str, seen: tuple = ()) -> list[str]:
    """Every property of `schema` (recursively) without a form field, and every vocabulary value without
    an option."""
    missing = []
    by_name = {f["name"]: f for f in fields}
    for name, prop in schema.get("properties", {}).items():
        where = f"{path}.{name}".lstrip(".")
        if name not in by_name:
            missing.append(where)
            continue
        field = by_name[name]
        prop = _resolve(prop, root)
        items = _resolve(prop["items"], root) if prop.get("type") == "array" else prop
        if "enum" in items:
            values = [o if isinstance(o, str) else o["value"] for o in field.get("options", [])]
            missing += [f"{where}: {v}" for v in items["enum"] if v not in values]
        if "properties" in items and items.get("title") not in seen:
            missing += _missing(items, field.get("fields", []), root, where, (*seen, items.get("title")))
        if "patternProperties" in items:  # milestones' skills: {area: points}
            assert field.get("otkb_mapping") == ["area", "points"], where
    return missing


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_and_vocabulary_value_has_a_form_field(config, kind):
    collections = {c["name"]: c for c in config[0]["collections"]}
    assert kind in collections, f"no collection for {kind}"
    collection = collections[kind]
    assert collection["folder"] == f"data/{kind}" and collection["extension"] == "yml"
    assert _missing(_schema(kind), collection["fields"], _schema(kind), "") == []


def test_one_collection_per_kind_and_nothing_else(config):
    assert [c["name"] for c in config[0]["collections"]] == list(KINDS)


def test_required_fields_are_required_and_optional_ones_are_not(config):
    for collection in config[0]["collections"]:
        schema = _schema(collection["name"])
        for field in collection["fields"]:
            assert (field.get("required", True) is True) == (field["name"] in schema["required"]), \
                (collection["name"], field["name"])


def _field(config, kind: str, path: str) -> dict:
    fields = next(c for c in config[0]["collections"] if c["name"] == kind)["fields"]
    for name in path.split("."):
        field = next(f for f in fields if f["name"] == name)
        fields = field.get("fields", [])
    return field


def test_references_offer_only_records_and_topics_of_the_right_kind(config):
    library = config[1]
    research = {r.id for r in library.of_kind("research")}
    for kind, path in [("activities", "supports"), ("activities", "background"), ("milestones", "background")]:
        field = _field(config, kind, path)
        values = {o["value"] for o in field.get("options") or _card_options(field)}
        assert values == research, (kind, path)
    related = _field(config, "articles", "related")
    assert {o["value"] for o in related["options"]} == set(library.records)
    for kind, path in [("activities", "skills"), ("articles", "topics"), ("milestones", "skills.area")]:
        assert {o["value"] for o in _field(config, kind, path)["options"]} == set(library.topics), (kind, path)


def _card_options(field: dict) -> list[dict]:
    """A supports entry that may be {card, part}: the card's choices."""
    return next(f for f in field["fields"] if f["name"] == "card")["options"]


def test_the_file_is_one_dump_of_the_configuration_however_its_choices_are_kept(config):
    """config_file dumps each choice alone (a serve session keeps them): the text must be one dump's,
    long titles folded and quoted as that dump folds them."""
    _, library = config
    record = next(iter(library.records.values()))
    original = record.data.title
    try:
        for title in ("Tricky: it's “quoted” # and long " + "word " * 40, "x" * 300):
            object.__setattr__(record.data, "title", title)
            kept: dict = {}
            for _ in range(2):  # dumping the choices, then reusing them
                text = config_file(library, "https://github.com/acme/otkb", "https://otkb.example.org/", None, kept)
                whole = yaml.safe_dump(cms_config(library, "https://github.com/acme/otkb", "https://otkb.example.org/"),
                                       sort_keys=False, allow_unicode=True, width=120)
                assert text["admin/config.yml"].split("\n", 1)[1] == whole
    finally:
        object.__setattr__(record.data, "title", original)


def test_a_save_that_changes_no_choice_dumps_nothing_again(config, monkeypatch):
    """Serve keeps the file's texts (`items`): a rebuild whose choices are the same dumps no YAML
    and writes the same text; a changed title dumps that one choice."""
    import otkb.site.admin as admin
    _, library = config
    kept: dict = {}
    first = config_file(library, "https://github.com/acme/otkb", "https://otkb.example.org/", None, kept)
    dumps, dump = [], yaml.dump
    monkeypatch.setattr(admin.yaml, "dump", lambda *args, **kwargs: dumps.append(args) or dump(*args, **kwargs))
    assert config_file(library, "https://github.com/acme/otkb", "https://otkb.example.org/", None, kept) == first
    assert dumps == []
    record = library.of_kind("research")[0]
    original = record.data.title
    try:
        object.__setattr__(record.data, "title", "A title no choice had")
        text = config_file(library, "https://github.com/acme/otkb", "https://otkb.example.org/", None, kept)
    finally:
        object.__setattr__(record.data, "title", original)
    assert "A title no choice had" in text["admin/config.yml"]
    assert {args[0][0]["label"] for args in dumps} == {"Research card: A title no choice had"}


def test_hints_are_the_models_docstrings(config):
    assert _field(config, "activities", "materials")["hint"] == "What you need, one thing per line. Plain text."
    assert "(optional)" not in _field(config, "activities", "easier")["hint"].lower()
    assert _field(config, "activities", "easier")["required"] is False


def test_points_keep_their_details_and_markdown_gets_an_editor(config):
    findings = _field(config, "research", "findings")
    assert findings["otkb_short"] == "text"
    details = next(f for f in findings["fields"] if f["name"] == "details")
    assert next(f for f in details["fields"] if f["name"] == "details")["widget"] == "list"
    assert _field(config, "articles", "body")["widget"] == "markdown"
    assert _field(config, "research", "study.design")["widget"] == "select"


def test_saving_opens_a_pull_request_on_github(config):
    assert config[0]["publish_mode"] == "editorial_workflow"
    assert config[0]["backend"]["repo"] == "acme/otkb" and config[0]["backend"]["name"] == "github"
    assert "local_backend" not in config[0]  # only with `otkb edit`
    assert repository(None) == "OWNER/REPOSITORY"


def test_admin_has_its_own_narrow_policy():
    assert ADMIN_CSP["connect-src"] == "'self' https://api.github.com"
    assert "frame-ancestors" not in admin_policy() and "http://127.0.0.1:8081" not in admin_policy()
    assert "connect-src 'self' https://api.github.com http://127.0.0.1:8081;" in \
        admin_policy("http://127.0.0.1:8081/api/v1")


def test_the_built_site_has_the_editor_and_keeps_it_out_of_search(sample_site):
    page = (sample_site / "admin/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert f'content="{admin_policy()}"' in page
    assert yaml.safe_load((sample_site / "admin/config.yml").read_text())["collections"]
    assert "admin" not in (sample_site / "sitemap.xml").read_text()
    assert "Disallow: /admin/" in (sample_site / "robots.txt").read_text()
    assert not any('"location":"admin/' in p.read_text(encoding="utf-8").replace(": ", ":")
                   for p in (sample_site / "search").rglob("*.json"))
    headers = (sample_site / "_headers").read_text()
    assert "/admin/*" in headers and "X-Robots-Tag: noindex" in headers


def test_the_local_backend_reads_and_writes_records_only(tmp_path):
    project = copy_project(tmp_path / "p")
    entries = answer(project, "entriesByFolder", {"folder": "data/activities", "extension": "yml"})
    assert entries and all(e["file"]["path"].startswith("data/activities/") for e in entries)
    answer(project, "persistEntry", {"entry": {"path": "data/activities/new-one.yml", "raw": "title: x\n"},
                                     "assets": []})
    assert (project / "data/activities/new-one.yml").read_text() == "title: x\n"
    for path in ["../outside.yml", "data/activities/../../x.yml", "mkdocs.yml", "data/nokind/x.yml",
                 "data/activities/Bad Name.yml", "data/topics.yml"]:
        with pytest.raises(LocalEditorError):
            answer(project, "persistEntry", {"entry": {"path": path, "raw": "x"}})
    with pytest.raises(LocalEditorError):
        answer(project, "deleteFile", {"path": "data/activities/new-one.yml"})


def test_the_local_backend_answers_only_the_preview(tmp_path):
    project = copy_project(tmp_path / "p")
    server = start_server(project, "http://127.0.0.1:8000")
    try:
        def post(origin):
            request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}/api/v1",
                                             data=b'{"action": "info"}', headers={"Origin": origin})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.headers.get("Access-Control-Allow-Origin")
            except urllib.error.HTTPError as e:
                return e.code, None
        assert post("http://127.0.0.1:8000") == (200, "http://127.0.0.1:8000")
        assert post("https://evil.example") == (403, None)
    finally:
        server.shutdown()
        server.server_close()


def test_the_hosts_send_the_editors_policy_on_admin_only():
    import tomllib
    from conftest import header_rules
    from otkb.site.security import ADMIN_HEADERS
    rules = header_rules((PROJECT / "docs/_headers").read_text(encoding="utf-8"))
    last = [headers for pattern, headers in rules if pattern.match("/admin/") and "Content-Security-Policy" in headers]
    assert last[-1]["Content-Security-Policy"] == ADMIN_HEADERS["Content-Security-Policy"]
    assert not any(pattern.match("/activities/") for pattern, headers in rules if headers is last[-1])
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    assert [rule["values"] for rule in netlify["headers"] if rule["for"] == "/admin/*"] == [ADMIN_HEADERS]


def test_the_guide_shows_the_web_editor_and_no_note_for_source_readers(sample_site):
    page = (sample_site / "editors/index.html").read_text(encoding="utf-8")
    assert 'id="edit-on-the-web"' in page and 'src="images/web-editor-form.png"' in page
    assert "On the site</strong>" not in page  # the notes for readers of the source are replaced
    source = (PROJECT / "docs/editors/index.md").read_text(encoding="utf-8")
    markers = source.count("<!-- otkb:")
    assert markers >= 6 and source.count("> **On the site** (`/editors/`)") == markers
    assert (sample_site / "editors/images/web-editor-form.png").is_file()


def test_the_pull_request_template_asks_for_the_reviewing_clinician():
    template = (PROJECT / ".github/pull_request_template.md").read_text(encoding="utf-8")
    assert "Reviewing clinician" in template and "reviewed_by" in template


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_otkb_edit_serves_the_preview_with_the_editor_on_the_local_files(tmp_path):
    """The one command of the guide: the preview, whose /admin/ uses the local backend it started."""
    import os
    import subprocess
    import sys
    project = copy_project(tmp_path / "p")
    port, api_port = _free_port(), _free_port()
    process = subprocess.Popen([sys.executable, "-m", "otkb.tools.cli", "--project", str(project), "edit",
                                "--port", str(port), "--api-port", str(api_port)], cwd=project,
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(PROJECT / "hooks"), "NO_MKDOCS_2_WARNING": "1",
                                    "TMPDIR": str(tmp_path)})  # the temporary site a terminated serve leaves
    try:
        for line in process.stderr:  # wait for the preview to say it is serving
            if "Serving on" in line:
                break
        else:
            pytest.fail("otkb edit stopped before serving")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/config.yml") as response:
            config = yaml.safe_load(response.read())
        assert config["local_backend"]["url"] == f"http://127.0.0.1:{api_port}/api/v1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/") as response:
            assert f"http://127.0.0.1:{api_port}" in response.read().decode()  # its policy lets it ask
        request = urllib.request.Request(config["local_backend"]["url"], data=b'{"action": "info"}',
                                         headers={"Origin": f"http://127.0.0.1:{port}"})
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["type"] == "local_fs"
    finally:
        process.terminate()
        process.wait()
        process.stderr.close()
    assert process.returncode is not None
    with pytest.raises(OSError):  # the preview stopped with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)


def test_the_config_file_is_the_text_yaml_safe_dump_writes(config):
    """config.yml is written by libyaml's emitter, for speed: the same text as PyYAML's own, names
    with quotes, colons and non-ASCII letters included."""
    from otkb.site.admin import config_file
    cms, library = config
    text = config_file(library, "https://github.com/acme/otkb", "https://otkb.example.org/", None)["admin/config.yml"]
    assert text.split("\n", 1)[1] == yaml.safe_dump(cms, sort_keys=False, allow_unicode=True, width=120)
    tricky = {"a": ["Ça: \"quoted\" 'x' #1", "é" * 130, "- dash", "yes", "", None, "multi\nline", "  spaced "]}
    assert yaml.dump(tricky, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=120) == \
        yaml.safe_dump(tricky, sort_keys=False, allow_unicode=True, width=120)

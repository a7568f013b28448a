"""Compiled templates on disk (otkb.host.templatecache): shared across projects, never trusted blindly."""

import os
import shutil

import jinja2
from conftest import PROJECT
from otkb.host.templatecache import SharedTemplateBytecode, template_cache_dir
from otkb.site import render
from otkb.site.render import TEMPLATES, make_environment


def environment(templates, folder, **settings):
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=SharedTemplateBytecode(folder),
                              **settings)


def never_compile(env):
    def compile(*args, **kwargs):
        raise AssertionError(f"compiled {args[1:]}")
    env.compile = compile
    return env


def test_a_second_project_reuses_what_the_first_compiled(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    first = make_environment(SharedTemplateBytecode(cache))
    names = first.list_templates()
    for name in names:
        first.get_template(name)
    assert len(os.listdir(cache)) == len(names)
    copy = shutil.copytree(TEMPLATES, tmp_path / "elsewhere")  # another checkout: another path, same sources
    monkeypatch.setattr(render, "TEMPLATES", copy)
    second = never_compile(make_environment(SharedTemplateBytecode(cache)))
    for name in names:
        assert second.get_template(name).filename == str(copy / name)


def test_an_edited_template_or_other_settings_compile_afresh(tmp_path):
    (tmp_path / "t.html").write_text("{{ 'a' | upper }}\n{% if x %}x{% endif %}")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    assert environment(tmp_path, cache).get_template("t.html").render(x=1) == "A\nx"
    never_compile(environment(tmp_path, cache)).get_template("t.html")
    compiled = []
    for settings in ({"trim_blocks": True}, {"autoescape": True}, {"extensions": ["jinja2.ext.do"]}):
        env = environment(tmp_path, cache, **settings)
        env.compile = lambda *args, compile=env.compile, **kwargs: compiled.append(settings) or compile(*args, **kwargs)
        env.get_template("t.html")
    env = environment(tmp_path, cache)
    env.filters["upper"] = jinja2.pass_context(lambda context, value: value.upper())  # passed a context now
    env.compile = lambda *args, compile=env.compile, **kwargs: compiled.append("filter") or compile(*args, **kwargs)
    assert env.get_template("t.html").render(x=0) == "A\n"
    assert len(compiled) == 4
    (tmp_path / "t.html").write_text("{{ 'b' | upper }}")
    assert environment(tmp_path, cache).get_template("t.html").render() == "B"


def test_a_damaged_entry_is_compiled_again(tmp_path):
    (tmp_path / "t.html").write_text("{{ 1 + 1 }}")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    environment(tmp_path, cache).get_template("t.html")
    [entry] = cache.iterdir()
    good = entry.read_bytes()
    for damaged in (b"", good[:-7], good[:40] + b"\xff" * 60, b"j2 nothing like bytecode"):
        entry.write_bytes(damaged)
        assert environment(tmp_path, cache).get_template("t.html").render() == "2"
    assert entry.read_bytes() == good


def test_the_folder_is_the_users_own_or_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("OTKB_TEMPLATE_CACHE", str(tmp_path / "mine"))
    assert template_cache_dir() == tmp_path / "mine"
    assert (tmp_path / "mine").stat().st_mode & 0o777 == 0o700
    (tmp_path / "shared").mkdir(mode=0o777)
    os.chmod(tmp_path / "shared", 0o777)
    monkeypatch.setenv("OTKB_TEMPLATE_CACHE", str(tmp_path / "shared"))
    assert template_cache_dir() is None  # others could write code the build runs
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("OTKB_TEMPLATE_CACHE", str(tmp_path / "file"))
    assert template_cache_dir() is None
    monkeypatch.setenv("OTKB_TEMPLATE_CACHE", "")
    assert template_cache_dir() is None
    monkeypatch.delenv("OTKB_TEMPLATE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert template_cache_dir() == tmp_path / "xdg/otkb/templates"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert template_cache_dir() == tmp_path / "home/.cache/otkb/templates"


def test_the_themes_templates_come_from_the_cache_too(tmp_path):
    """Material's templates, as MkDocs loads them, come back from the cache in a second environment."""
    from mkdocs.theme import Theme

    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    for compile_fails in (False, True):
        env = Theme(name="material", custom_dir=str(PROJECT / "overrides")).get_env()
        env.bytecode_cache = SharedTemplateBytecode(cache)
        if compile_fails:
            never_compile(env)
        env.get_template("main.html")

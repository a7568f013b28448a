"""MkDocs hooks: connect build events to the otkb pipeline; no logic of its own.

Each event hands its objects to a step of otkb.host.steps, with the
current build's state.

MkDocs puts `hooks/` on sys.path while it loads this file, so `otkb` is
imported here, once per process: `mkdocs serve` does not reload it, so
restart serve after changing code under hooks/otkb/ (templates reload).
MkDocs loads this file once per process (its Hooks option caches the
module), so nothing here may hold state across builds: `_build` is replaced
by on_config at the start of every build, and what a serve session keeps
between rebuilds is in its `Session` (otkb.host.session).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority

from otkb.content.checks import strict_warnings
from otkb.host import incremental, session, steps
from otkb.host.banner import Problems, show_in_pages
from otkb.host.preview import keep_last_good, watch_natively
from otkb.host.stamp import build_stamp, pin_source_date
from otkb.site.admin import setting as admin_setting
from otkb.site.navigation import not_found_links
from otkb.site.security import admin_policy, meta_policy

_build = session.Build()  # the current build's state; replaced by on_config


def on_startup(command, dirty):
    """Remember the command: the next on_config starts its session (`serve` builds into its own
    temporary folder, so no staging)."""
    global _build
    _build = session.Build(command=command)


def on_config(config):
    """A new build, in a staging folder (otkb.host.steps.begin).

    Priority: default (0).
    """
    global _build
    _build = steps.begin(config, _build.command)
    return config


def on_pre_build(config):
    """Work out the build stamp (commit and date) before any page gets its dates.

    Priority: default (0).
    """
    _build.stamp = build_stamp(Path(config.config_file_path).parent)
    pin_source_date(_build.stamp)


def on_env(env, config, files):
    """The build stamp, for the footer (overrides/partials/copyright.html), the <meta> policy and the
    404 page's kind links."""
    env.globals["otkb_build"] = _build.stamp
    env.globals["otkb_meta_csp"] = meta_policy(config.repo_url)  # overrides/main.html
    env.globals["otkb_kinds"] = not_found_links()  # overrides/404.html
    env.globals["otkb_admin_csp"] = admin_policy(admin_setting(config.extra, "local_editor"))  # overrides/admin/index.html
    env.bytecode_cache = _build.session.bytecode  # each rebuild of `mkdocs serve` compiles the theme anew without it
    _build.env = env
    steps.pages_read(_build)
    return env


def on_nav(nav, config, files):
    """Keep the navigation: `mkdocs serve` builds pages with it again (otkb.host.incremental)."""
    _build.nav = nav
    return nav


def on_files(files, config):
    """Load, validate, link and render the records, and add their pages (otkb.host.steps.add_pages).

    Priority: default (0). Every error of every file is logged, then one
    PluginError stops the build without a traceback.
    """
    return steps.add_pages(_build, files, config, Path(__file__).parent)


def on_template_context(context, template_name, config):
    """The sitemap of a warm build lists the pages copied from the cache too (otkb.host.warm)."""
    return steps.template_context(_build, context, template_name, config)


def on_serve(server, config, builder):
    """While serving, rebuilds are incremental (otkb.host.incremental), and a broken record is listed,
    in the terminal and in a banner on the pages, while the last good pages stay up (otkb.host.preview,
    otkb.host.banner).

    Priority: default (0).
    """
    _build.session.start_rebuilds()
    rebuild = incremental.rebuilder(config.config_file_path, config.site_dir, config.site_url)
    problems = Problems()
    server.builder = keep_last_good(rebuild, Path(config.config_file_path).parent, strict_warnings(config.extra),
                                    _build.session.pipeline, update=_update_in_place, problems=problems)
    watch_natively(server)
    show_in_pages(server, problems)
    return server


def _update_in_place(library) -> bool:
    """A save that changed only records: update their pages without a MkDocs build, if it can."""
    current = _build.session
    return current.incremental.update_in_place(library, current.environment(), _build)


def on_page_markdown(markdown, page, config, files):
    """Trust signals for hand-written pages, and the editor's guide filled in (otkb.host.steps.page_markdown)."""
    return steps.page_markdown(_build, markdown, page)


@event_priority(-100)
def on_page_context(context, page, config, nav):
    """A generated page's finished HTML back in place of its placeholders, and a record page's
    JSON-LD (otkb.host.steps.page_context).

    Priority: -100, after the search plugin, which then reads only a generated page's headings and
    placeholders: it indexes no generated page (otkb.site.search makes their entries), but scans
    each page's whole content for `data-search-*="..."` attributes, which our HTML never has (a
    title edit builds 116 listing pages at 10,000 records: 0.1 CPU s of scanning). A hand-written
    page's content is the same before and after this hook.
    """
    steps.page_context(_build, page, config)
    return context


def on_post_page(output, page, config):
    """The finished page without template indentation (otkb.host.steps.page_written)."""
    return steps.page_written(_build, output, page)


@event_priority(-100)
def on_post_build(config):
    """Write the search index, check the links, then swap the finished build in (otkb.host.steps.finish).

    Priority: -100 (after every other post_build, which may still write files).
    """
    steps.finish(_build, config)


def on_build_error(error):
    """A failed build leaves the previous `site/` untouched, even when it failed after the swap."""
    steps.failed(_build)


def on_shutdown():
    """The command is over: the previous site, kept for a rollback, can go, and so can the session."""
    steps.end(_build)

"""MkDocs hooks: connect build events to the otkb pipeline; no logic of its own.

MkDocs puts `hooks/` on sys.path while it loads this file, so `otkb` is
imported here, once per process: `mkdocs serve` does not reload it, so
restart serve after changing code under hooks/otkb/ (templates reload).
MkDocs loads this file once per process (its Hooks option caches the
module), so nothing here may hold state across builds: `_build` is replaced
by on_config at the start of every build, and what a serve session keeps
between rebuilds is in its `Session` (otkb.host.session).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from otkb.host import cachefiles, incremental, session, warm

from otkb.site import sitedir
from otkb.content.checks import strict_warnings, warnings_summary
from otkb.host.logs import strict_warnings_logged, warning_logger
from otkb.site.admin import config_file as admin_config, setting as admin_setting
from otkb.site.citations import citation_files
from otkb.site.compact import compact_html
from otkb.site.feeds import Site, feed_files
from otkb.site.finder import finder_files
from otkb.tools.guide import fill_guide
from otkb.site.linkcheck import site_link_problems
from otkb.content.cache import files_fingerprint
from otkb.content.pipeline import PipelineCache, check_library
from otkb.host.banner import Problems, show_in_pages
from otkb.host.preview import keep_last_good, watch_natively
from otkb.host.publish import drop_unused_theme_files, let_go_of, publish_files, publish_pages
from otkb.site.render import TEMPLATES, page_sources, trust_signals
from otkb.host.search_index import write_index
from otkb.site.search import generated_locations, index_extras, iter_search_entries
from otkb.site.security import admin_policy, meta_policy
from otkb.site.stamp import build_stamp, pin_source_date
from otkb.site.structured_data import json_ld

log = get_plugin_logger("otkb")
_build = session.Build()  # the current build's state; replaced by on_config


def on_startup(command, dirty):
    """Remember the command: the next on_config starts its session (`serve` builds into its own
    temporary folder, so no staging)."""
    global _build
    _build = session.Build(command=command)


def on_config(config):
    """A new build: find its session; build into a staging folder, so `site/` is only replaced when
    the build succeeds. Without a repository, no edit links.

    Priority: default (0).
    """
    global _build
    if not config.repo_url:  # no repository configured (OTKB_REPO_URL): no edit links to a placeholder
        config.edit_uri = config.edit_uri_template = None
    command, _build = _build.command, session.Build()
    _build.session = (session.start(config.config_file_path, command) if command
                      else session.of(config.config_file_path))
    if _build.session.incremental is not None:  # until this build succeeds, nothing to update in place
        _build.session.incremental.retained = None
    if not _build.session.serving:
        _build.site_dir = Path(config.site_dir)
        try:
            _build.staging = sitedir.begin(_build.site_dir)
        except sitedir.SiteDirError as e:
            raise PluginError(str(e)) from None
        config.site_dir = str(_build.staging)
    return config


def on_pre_build(config):
    """Work out the build stamp (commit and date) before any page gets its dates.

    Priority: default (0).
    """
    _build.stamp = build_stamp(Path(config.config_file_path).parent)
    pin_source_date(_build.stamp)


def on_env(env, config, files):
    """The build stamp, for the footer (overrides/partials/copyright.html), and the <meta> policy."""
    env.globals["otkb_build"] = _build.stamp
    env.globals["otkb_meta_csp"] = meta_policy(config.repo_url)  # overrides/main.html
    env.globals["otkb_admin_csp"] = admin_policy(admin_setting(config.extra, "local_editor"))  # overrides/admin/index.html
    env.bytecode_cache = _build.session.bytecode  # each rebuild of `mkdocs serve` compiles the theme anew without it
    _build.env = env
    return env


def on_nav(nav, config, files):
    """Keep the navigation: `mkdocs serve` builds pages with it again (otkb.host.incremental)."""
    _build.nav = nav
    return nav


def on_files(files, config):
    """Load, validate, link and render the records, and add their pages.

    Priority: default (0). Every error of every file is logged, then one
    PluginError stops the build without a traceback. Editor warnings are
    logged where --strict does not count them (see otkb.checks).
    """
    project_dir = Path(config.config_file_path).parent
    current = _build.session
    pipeline = current.pipeline
    if not current.serving and (folder := cachefiles.cache_dir(project_dir)) is not None:
        _build.warm = warm.PageCache(folder, warm.build_fingerprint(config, _build.stamp, Path(__file__).parent))
        pipeline = PipelineCache()
        pipeline.records = _build.warm.records  # the last build's parsed files
    library, errors, warnings = check_library(project_dir, strict_warnings=strict_warnings(config.extra),
                                              cache=pipeline)
    if warnings:
        warning_logger().warning(f"otkb: {warnings_summary(warnings)}")
    if _build.warm is not None and not errors:
        _build.warm.set_records_aside()
    if library and not current.serving:
        for record in library.records.values():
            record.forget_positions()
    if not errors:
        env = current.environment()
        sources = page_sources(library, env)
        if current.serving:  # every page's Markdown now, to hash it: a rebuild converts only what changed
            rendered, keys = (current.incremental or incremental.Incremental()).render_changed(
                sources, library, TEMPLATES, env)
            sources = {src_uri: partial(str, markdown) for src_uri, markdown in rendered.items()}
        _build.pages, errors = publish_pages(sources, library, files, config)
        if _build.warm is not None and not errors:
            _build.sitemap = files.documentation_pages()  # every page, in the order a cold build lists them
            warm.drop_unchanged_pages(_build.warm, sources, library, files, env)
        if current.incremental:
            current.incremental.mark_changes(
                files, keys, files_fingerprint(Path(config.config_file_path), Path(config.theme.custom_dir)),
                Path(config.site_dir))
        _build.downloads = downloads(library, config)
        publish_files(_build.downloads, files, config)
        drop_unused_theme_files(files)
        _build.library = library
        _build.files = files
    if errors:
        for error in errors:
            log.error(str(error))
        raise PluginError(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the records "
                          "(listed above); the site was not built")
    return files


def downloads(library, config) -> dict[str, str]:
    """The generated files copied to the site as they are: citation files, feeds, finder data, the web
    editor's configuration."""
    return {**citation_files(library), **feed_files(library, Site.of(config)), **finder_files(library),
            **admin_config(library, config.repo_url, config.site_url, config.extra)}


def on_template_context(context, template_name, config):
    """The sitemap of a warm build lists the pages copied from the cache too (otkb.host.warm)."""
    if template_name == "sitemap.xml" and _build.sitemap is not None:
        for file in _build.sitemap:
            if file.page is None:
                Page(None, file, config)
        context["pages"] = _build.sitemap
    return context


def on_serve(server, config, builder):
    """While serving, rebuilds are incremental (otkb.incremental), and a broken record is listed,
    in the terminal and in a banner on the pages, while the last good pages stay up (otkb.preview,
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

    def use(library) -> None:  # on_page_context reads it while a page is built
        _build.library = library

    return current.incremental.update_in_place(library, current.environment(), downloads, fill_guide, use)


def on_page_markdown(markdown, page, config, files):
    """Give hand-written pages the same trust signals as records (from `reviewed:` in their front matter)."""
    if "otkb" not in page.meta and "reviewed" in page.meta:
        page.meta["otkb"] = trust_signals(page.meta["reviewed"], page.meta.get("review_due"))
    filled = fill_guide(markdown, _build.library)
    if filled != markdown:
        _build.filled[page.file.src_uri] = (markdown, filled)
    return filled


@event_priority(100)
def on_page_context(context, page, config, nav):
    """A generated page's finished HTML back in place of its placeholders (see otkb.publish), and a
    record page's JSON-LD, which overrides/main.html prints in <head>.

    Priority: 100, before the search plugin reads the content.
    """
    pages = _build.pages
    if pages:
        page.content = pages.restore(page.file.src_uri, page.content)
    library, record_id = _build.library, (page.meta.get("otkb") or {}).get("id")
    if library and record_id in library.records:
        page.meta["otkb_jsonld"] = json_ld(library.records[record_id], library,
                                           page.canonical_url or page.abs_url, config.site_name, config.site_url)
    return context


def on_post_page(output, page, config):
    """Drop template indentation from the finished page (see otkb.compact), and let go of what the
    written page no longer needs (otkb.host.publish.let_go_of)."""
    let_go_of(page)
    output = compact_html(output)
    if _build.warm is not None:
        _build.stamp_html = _build.stamp_html or warm.stamp_of(output)
        if page.file.src_uri in _build.warm.pages:
            _build.warm.keep(page.file.dest_uri, output)
    return output


@event_priority(-100)
def on_post_build(config):
    """Write the sharded search index (from Material's entries for the hand-written pages and ours),
    then swap the finished build in, unless --strict is about to abort it.

    Priority: -100 (after every other post_build, which may still write files).
    """
    if _build.warm is not None:
        _build.warm.write_reused(Path(config.site_dir), _build.stamp_html)
    index = None
    if _build.library:
        warm_build = _build.warm is not None
        index = write_index(Path(config.site_dir) / "search", iter_search_entries(_build.library, keyed=warm_build),
                            generated_locations(_build.library), index_extras(_build.library),
                            keep=_build.session.serving, memo=_build.warm.memo["search"] if warm_build else None)
    if _build.session.serving:  # what the next save may update in place
        _build.session.incremental.retained = incremental.Retained(
            config, _build.files, _build.nav, _build.env, _build.library, index, _build.downloads, _build.filled,
            incremental.docs_fingerprint(config))
    # Links in raw HTML and pre-rendered Markdown: a broken one is a warning, so --strict fails here.
    # The incremental preview skips it to stay fast; builds and the release check run it.
    if not _build.session.rebuilding:
        for problem in site_link_problems(Path(config.site_dir), _build.library, _build.files,
                                          Path(config.config_file_path).parent,
                                          _build.warm.memo["links"] if _build.warm is not None else None):
            log.warning(problem)
    if _build.staging is None:
        return
    if strict_warnings_logged():
        sitedir.discard(_build.staging)
    else:
        try:
            _build.previous = sitedir.commit(_build.staging, _build.site_dir)
        except sitedir.SiteDirError as e:
            raise PluginError(str(e)) from None
        _build.committed = True
        if _build.warm is not None:
            _build.warm.commit()
        log.info(f"the finished build replaced {_build.site_dir} (it was built in a staging folder)")
    config.site_dir = str(_build.site_dir)
    _build.staging = None



def on_build_error(error):
    """A failed build leaves the previous `site/` untouched, even when it failed after the swap."""
    if _build.staging is not None:
        sitedir.discard(_build.staging)
        _build.staging = None
    elif _build.committed:  # a post_build after ours, or --strict counting its warnings
        sitedir.rollback(_build.previous, _build.site_dir)
        _build.previous, _build.committed = None, False


def on_shutdown():
    """The command is over: the previous site, kept for a rollback, can go, and so can the session."""
    sitedir.discard(_build.previous)
    _build.previous, _build.committed = None, False
    if _build.session is not None:
        session.end(_build.session)

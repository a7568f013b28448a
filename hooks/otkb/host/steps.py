"""One MkDocs build, step by step: what the events of hooks/main.py do.

Each step takes the build's state (otkb.host.session.Build, one per build,
made by `begin`) and the MkDocs objects of its event. The site is built into
a staging folder (otkb.host.sitedir); `add_pages` checks and renders the
records and adds their pages and generated files; each page gets its HTML
blocks and JSON-LD back (`page_context`) and loses its indentation
(`page_written`); `finish` writes the search index, checks the links and
swaps the finished site in.
"""

from __future__ import annotations

import gc
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..content.checks import strict_warnings, warnings_summary
from ..content.pipeline import PipelineCache, check_library, collection_paused
from ..site.finder import forget_last
from ..site.guide import fill_guide
from ..site.navigation import nav_with_kinds
from ..site.render import page_sources, trust_signals
from ..site.search import generated_locations, index_extras, iter_search_entries
from . import cachefiles, incremental, session, sitedir, warm
from .compact import compact_html
from .linkcheck import site_link_problems
from .logs import strict_warnings_logged, warning_logger
from .publish import drop_unused_theme_files, generated_files, let_go_of, publish_files, publish_pages
from .search_index import write_index

log = get_plugin_logger("otkb")


def begin(config, command: str | None) -> session.Build:
    """A new build: find its session (a new one when `command`, which only the first build of a
    command gets from on_startup); build into a staging folder, so `site/` is only replaced when the
    build succeeds. Without a repository, no edit links. The nav gets each kind's listing."""
    if not config.repo_url:  # no repository configured (OTKB_REPO_URL): no edit links to a placeholder
        config.edit_uri = config.edit_uri_template = None
    config.nav = nav_with_kinds(config.nav)
    build = session.Build()
    build.session = (session.start(config.config_file_path, command) if command
                     else session.of(config.config_file_path))
    if build.session.incremental is not None:  # until this build succeeds, nothing to update in place
        build.session.incremental.retained = None
    if not build.session.serving:
        build.site_dir = Path(config.site_dir)
        try:
            build.staging = sitedir.begin(build.site_dir)
        except sitedir.SiteDirError as e:
            raise PluginError(str(e)) from None
        config.site_dir = str(build.staging)
    return build


def add_pages(build: session.Build, files, config, hooks_dir: Path):
    """Load, validate, link and render the records, and add their pages and generated files to `files`.

    Every error of every file is logged, then one PluginError stops the build
    without a traceback. Editor warnings are logged where --strict does not
    count them (see otkb.content.checks). `hooks_dir` (hooks/main.py's
    folder) is part of the warm cache's key.

    In a warm build no automatic garbage collection runs meanwhile (as in the preview's saves): the
    library, the parsed records and the kept answers pile up here and are nearly all still alive at
    its end, so each full collection walked them again for nothing (at 10,000 records, 9 of the
    build's 11 full collections, 1.6 CPU s). What little this leaves is collected after. A cold
    build collects as before, so its peak memory cannot rise from it (paused, the benchmark's build
    that writes the cache peaked at 394 MiB, 390 without).
    What a warm build made here is then frozen out of the collector's reach (`gc.freeze`): nearly all
    of it lives to the build's end, and the first collections after the pause walked it all for
    nothing (0.6 CPU s at 10,000 records). The cycles of it that die later (the templates'
    environment, about 13 MB) are then freed only when the process ends; and so is what reading the
    cache made, plain data (else the first young collection after it walked it all: 0.09 CPU s).
    """
    resume = partial(_resume_collection, build)
    with collection_paused(resume):
        build.warm = _page_cache(build, config, hooks_dir)
    with collection_paused(resume) if build.warm is not None and build.warm.previous else nullcontext():
        started = time.perf_counter()
        library, errors = _check(build, config)
        build.checking = time.perf_counter() - started
        if not errors:
            errors = _publish(build, library, files, config)
    if errors:
        for error in errors:
            log.error(str(error))
        raise PluginError(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the records "
                          "(listed above); the site was not built")
    return files


def _resume_collection(build: session.Build) -> None:
    """Turn automatic collection back on; in a warm build, first move every object out of its reach
    (`add_pages`)."""
    if build.warm is not None and build.warm.previous:
        gc.freeze()
    gc.enable()


def _page_cache(build: session.Build, config, hooks_dir: Path) -> warm.PageCache | None:
    """The warm cache a one-off build reads and writes (None while serving, or without a cache)."""
    if build.session.serving or (folder := cachefiles.cache_dir(Path(config.config_file_path).parent)) is None:
        return None
    return warm.PageCache(folder, warm.build_fingerprint(config, build.stamp, hooks_dir))


def _check(build: session.Build, config):
    """(library, errors): the records checked, their parsed files reused from the serve session or
    the warm cache."""
    project_dir = Path(config.config_file_path).parent
    current = build.session
    pipeline = current.pipeline
    if build.warm is not None:
        pipeline = PipelineCache()
        pipeline.records = build.warm.records  # the last build's parsed files
    library, errors, warnings = check_library(project_dir, strict_warnings=strict_warnings(config.extra),
                                              cache=pipeline)
    if warnings:
        warning_logger().warning(f"otkb: {warnings_summary(warnings)}")
    if build.warm is not None and not errors:
        build.warm.set_records_aside()
    if library and not current.serving:
        for record in library.records.values():
            record.forget_positions()
    return library, errors


def _publish(build: session.Build, library, files, config) -> list:
    """Add the library's pages and generated files to `files`; returns the pages' errors."""
    current = build.session
    env = current.environment()
    # What each page reads of the library (otkb.site.reads), to key it for the next build.
    build.reads = (current.incremental.reads if current.incremental
                   else build.warm.reads if build.warm is not None else None)
    if build.warm is not None:
        env.globals["kept_cards"] = build.warm.card
    sources = page_sources(library, env, build.reads)
    if current.incremental:  # a rebuild renders only the pages whose reads' answers changed
        rendered = current.incremental.render_changed(sources, library)
        sources = {src_uri: partial(str, markdown) for src_uri, markdown in rendered.items()}
    build.pages, errors = publish_pages(sources, library, files, config)
    if build.warm is not None and not errors:
        build.sitemap = files.documentation_pages()  # every page, in the order a cold build lists them
        warm.drop_unchanged_pages(build.warm, sources, library, files)
    if current.incremental:
        current.incremental.mark_changes(files, config)
    if build.warm is not None:  # what the last build made of the finder's rows and the web editor's choices
        build.warm.finder_rows(library)
    choices = (current.incremental.admin_choices if current.incremental
               else build.warm.admin_choices() if build.warm is not None else None)
    downloads = generated_files(library, config, choices)
    if build.warm is not None:
        build.warm.keep_choices_and_rows(choices)
    publish_files(downloads, files, config, keep=current.serving)
    if current.serving:  # to compare with the next rebuild's; a build's files hold their bytes already
        build.downloads = downloads
    drop_unused_theme_files(files)
    if not current.serving and not errors:  # the pages rendered by a second process meanwhile, from here
        build.pages.render_ahead(files, build.reads, build.warm.memo if build.warm is not None else None)
    build.library = library
    build.files = files
    return errors


def pages_read(build: session.Build) -> None:
    """MkDocs has read every page (on_env comes after): a build lets go of the pages' sources, and
    with them our templates' environment and the cards it rendered (at 10,000 records, 13 MB to the
    end of the build), and of the process that rendered them. Serve keeps them: its next save may
    update pages in place."""
    if build.pages is not None and not build.session.serving:
        build.pages.close()
        records, (pages, reading) = len(build.library.records), build.pages.reading
        log.info(f"checked {records} records in {build.checking:.2f} s; spent {reading:.2f} s on their {pages} "
                 f"page{'s' if pages != 1 else ''}"
                 + (" (rendered by a second process meanwhile)" if build.pages.process is not None else ""))


def template_context(build: session.Build, context, template_name: str, config):
    """The sitemap of a warm build lists the pages copied from the cache too (otkb.host.warm)."""
    if template_name == "sitemap.xml" and build.sitemap is not None:
        context["pages"] = warm.sitemap_pages(build.sitemap, config)
    return context


def page_markdown(build: session.Build, markdown: str, page) -> str:
    """Give hand-written pages the same trust signals as records (from `reviewed:` in their front
    matter), and fill the editor's guide's tables and examples (otkb.site.guide)."""
    if "otkb" not in page.meta and "reviewed" in page.meta:
        page.meta["otkb"] = trust_signals(page.meta["reviewed"], page.meta.get("review_due"))
    filled = fill_guide(markdown, build.library)
    if filled != markdown:
        build.filled[page.file.src_uri] = (markdown, filled)
    return filled


def page_context(build: session.Build, page, config) -> None:
    """A generated page's finished HTML back in place of its placeholders (see otkb.host.publish), and
    a record page's JSON-LD, which overrides/main.html prints in <head>."""
    pages = build.pages
    if pages:
        page.content = pages.restore(page.file.src_uri, page.content)
    record_id = (page.meta.get("otkb") or {}).get("id")
    text = incremental.record_json_ld(record_id, page, build.library, build.reads, config)
    if text is not None:
        page.meta["otkb_jsonld"] = text
        if build.session.incremental is not None:
            build.session.incremental.note_json_ld(page.file.src_uri, record_id, text)


def page_written(build: session.Build, output: str, page) -> str:
    """Drop template indentation from the finished page (see otkb.host.compact), let go of what the
    written page no longer needs (otkb.host.publish.let_go_of), and keep it for the next warm build."""
    let_go_of(page)
    output = compact_html(output)
    if build.warm is not None:
        build.stamp_html = build.stamp_html or warm.stamp_of(output)
        if build.stamp_html:  # the reused pages get it: they can be written now, beside the build
            build.warm.start_writing_reused(build.staging, build.stamp_html)
        if page.file.src_uri in build.warm.pages:
            build.warm.keep(page.file.src_uri, page.file.dest_uri, output)
    return output


def finish(build: session.Build, config) -> None:
    """Write the sharded search index (from Material's entries for the hand-written pages and ours),
    check the site's links, then swap the finished build in, unless --strict is about to abort it."""
    if build.library and not build.session.serving:
        _forget_worked_out(build.library)
    if build.warm is not None:
        build.warm.key_pages(build.library)
        if build.library:
            build.warm.carry_cards(build.library)
            build.warm.keep_answers(build.library)
    index, memo = None, build.warm.memo if build.warm is not None else {}  # a warm build's (otkb.host.warm)
    if build.library:
        index = write_index(Path(config.site_dir) / "search", iter_search_entries(build.library, keyed=bool(memo)),
                            generated_locations(build.library), index_extras(build.library),
                            keep=build.session.serving, memo=memo.get("search"), files=memo.get("search_files"))
    if build.session.serving:  # what the next save may update in place
        build.session.incremental.seal(build.library)
        build.session.incremental.retained = incremental.Retained(
            config, build.files, build.nav, build.env, build.library, index, build.downloads, build.filled)
    if build.warm is not None:  # the reused pages, written meanwhile (PageCache.start_writing_reused)
        build.warm.write_reused(Path(config.site_dir), build.stamp_html)
    # Links in raw HTML and pre-rendered Markdown: a broken one is a warning, so --strict fails here.
    # The incremental preview skips it to stay fast; builds and the release check run it.
    if not build.session.rebuilding:
        keys = build.warm.page_keys() if build.warm is not None else None
        for problem in site_link_problems(Path(config.site_dir), build.library, build.files,
                                          Path(config.config_file_path).parent, memo.get("links"), keys,
                                          build.stamp_html, memo.get("checked")):
            log.warning(problem)
    if build.staging is not None:
        _swap_in(build, config)


def _forget_worked_out(library) -> None:
    """Once a one-off build's pages and files are written, let go of what the library worked out for
    them (`Library.derived`, a memo: what is asked again is worked out again) but the answers the pages'
    keys are made of, and of the finder's last index: the finder's index and text and the records'
    clash index (1.65 MiB at 1,000 records) make room for the answers (`PageCache.key_pages`), which
    had raised the peak of the build that writes the cache."""
    answers = library.derived.get("answers")
    library.derived.clear()
    if answers is not None:
        library.derived["answers"] = answers
    forget_last()


def _swap_in(build: session.Build, config) -> None:
    """The staging folder replaces `site/`, or goes when --strict is about to abort the build."""
    if strict_warnings_logged():
        sitedir.discard(build.staging)
    else:
        try:
            build.previous = sitedir.commit(build.staging, build.site_dir)
        except sitedir.SiteDirError as e:
            raise PluginError(str(e)) from None
        build.committed = True
        if build.warm is not None:
            build.warm.commit()
        log.info(f"the finished build replaced {build.site_dir} (it was built in a staging folder)")
    config.site_dir = str(build.site_dir)
    build.staging = None


def failed(build: session.Build) -> None:
    """A failed build leaves the previous `site/` untouched, even when it failed after the swap."""
    if build.warm is not None:
        build.warm.stop_writing_reused()
    if build.pages is not None and not build.session.serving:
        build.pages.close()
    if build.staging is not None:
        sitedir.discard(build.staging)
        build.staging = None
    elif build.committed:  # a post_build after ours, or --strict counting its warnings
        sitedir.rollback(build.previous, build.site_dir)
        build.previous, build.committed = None, False


def end(build: session.Build) -> None:
    """The command is over: the previous site, kept for a rollback, can go, and so can the session."""
    sitedir.discard(build.previous)
    build.previous, build.committed = None, False
    if build.pages is not None:  # a build that stopped before its pages were read: its fork too
        build.pages.close()
    if build.session is not None:
        session.end(build.session)

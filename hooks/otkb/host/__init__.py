"""host: the MkDocs adapter, the only code that imports MkDocs or knows Material.

The MkDocs and Material internals it still relies on (a successor must offer the same; each module
says more):

- MkDocs loads hooks/main.py once per process (its Hooks option caches the module): session.py
- `mkdocs serve`: `LiveReloadServer.builder` replaced in on_serve, and its `observer` swapped for
  the system's file events (writes, creations, deletions and moves only: watchdog's `event_filter`),
  re-watching its `_watched_paths`, and its `build_delay` shortened for those events (preview.py); its `_inject_js_into_html(content, epoch)`
  replaced and its WSGI app wrapped (`get_app`, `set_app`) to add the problems banner and a
  live-reload script from a file, which speaks the `/livereload/<epoch>/<request>` poll (banner.py);
  `commands.build.build(dirty=True)` as the rebuild, which asks `File.is_modified`, and
  `commands.build._populate_page` and `_build_page` to build a page again in place with the last
  build's config, files, navigation and theme environment (incremental.py)
- generated pages override `File.content_string` and `File.is_modified` (publish.py)
- `config.site_dir` is swapped for a staging folder in on_config and back in on_post_build
  (steps.py, sitedir.py); the theme's Jinja `bytecode_cache` is set in on_env
- the log: `--strict` counts through `mkdocs.utils.CountHandler`, the terminal handler is named
  `MkDocsStreamHandler`, and dirty builds log a fixed warning (logs.py)
- `Page(None, file, config)` gives the sitemap the pages a warm build copies (warm.py)
- Material: the `search/search_index.json` its search plugin writes and its shape, and the
  plugin's `search_index.entries`, to which it adds a page's entries while the page is built
  (search_index.py), its search worker protocol and the `#__config` search settings
  (overrides/assets/javascripts/search-worker.js)
"""

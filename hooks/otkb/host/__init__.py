"""host: the MkDocs adapter, the only code that imports MkDocs or knows Material.

The MkDocs and Material internals it still relies on (a successor must offer the same; each module
says more):

- MkDocs loads hooks/main.py once per process (its Hooks option caches the module): session.py
- `mkdocs serve`: `LiveReloadServer.builder` replaced in on_serve (preview.py), and
  `commands.build.build(dirty=True)` as the rebuild, which asks `File.is_modified` (incremental.py)
- generated pages override `File.content_string` and `File.is_modified` (publish.py)
- `config.site_dir` is swapped for a staging folder in on_config and back in on_post_build
  (hooks/main.py, site/sitedir.py); the theme's Jinja `bytecode_cache` is set in on_env
- the log: `--strict` counts through `mkdocs.utils.CountHandler`, the terminal handler is named
  `MkDocsStreamHandler`, and dirty builds log a fixed warning (logs.py)
- `Page(None, file, config)` gives the sitemap the pages a warm build copies (warm.py)
- Material: the `search/search_index.json` its search plugin writes and its shape
  (search_index.py), its search worker protocol and the `#__config` search settings
  (overrides/assets/javascripts/search-worker.js)
"""

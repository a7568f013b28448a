"""otkb: the records -> Markdown pipeline behind the site.

Stages, each a plain function over plain objects (no MkDocs needed):
load_records -> validate_records -> link_records -> render_pages.
`hooks/main.py` only connects MkDocs events to them.
"""

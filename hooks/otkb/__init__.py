"""otkb: the records -> Markdown pipeline behind the site.

Stages, each a plain function over plain objects (no MkDocs needed):
load_records -> validate_records -> link_records -> render_pages.
They live in content/ and site/; host/ adapts them to MkDocs (otkb.host.steps: one build's steps),
and `hooks/main.py` only connects MkDocs events to those steps.
"""

"""Compacting built pages keeps what a reader sees."""

from otkb.host.compact import compact_html


def test_indentation_goes_and_inline_spacing_and_pre_stay():
    page = "<div>\n    <p>a <b>b</b>\n      c</p>\n\n\n  <pre>  x\n\n    y</pre>\n  <textarea>\n  t</textarea>\n</div>"
    assert compact_html(page) == "<div>\n<p>a <b>b</b>\nc</p>\n<pre>  x\n\n    y</pre>\n<textarea>\n  t</textarea>\n</div>"


def test_the_built_sample_page_is_compact(sample_site):
    page = (sample_site / "activities/peg-pinch-game/index.html").read_text()
    assert "\n  " not in page.split("<pre")[0]

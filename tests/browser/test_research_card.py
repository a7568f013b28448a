"""Research cards in a real browser: the audience switch and the citation downloads."""

CARD = "research/bos-2013-preterm-motor/"


def shown(page) -> dict[str, bool]:
    return {who: page.locator(f".otkb-takeaway--{who}").is_visible() for who in ("parents", "therapists")}


def test_the_audience_switch_changes_the_takeaways_shown_and_is_remembered(page, site_url):
    page.goto(site_url + CARD)
    assert shown(page) == {"parents": True, "therapists": True}
    assert page.get_by_role("radio", name="Both").is_checked()

    page.get_by_role("radio", name="Parents").check()
    assert shown(page) == {"parents": True, "therapists": False}
    page.get_by_role("radio", name="Therapists").check()
    assert shown(page) == {"parents": False, "therapists": True}

    page.reload()  # the choice is remembered on this device
    assert page.get_by_role("radio", name="Therapists").is_checked()
    assert shown(page) == {"parents": False, "therapists": True}
    page.goto(site_url + CARD)
    assert shown(page) == {"parents": False, "therapists": True}


def test_the_switch_works_with_the_keyboard(page, site_url):
    page.goto(site_url + CARD)
    page.get_by_role("radio", name="Both").focus()
    page.keyboard.press("ArrowLeft")  # radio group: arrows move the choice
    assert page.get_by_role("radio", name="Therapists").is_checked()
    assert shown(page) == {"parents": False, "therapists": True}
    assert page.get_by_role("group", name="Show the takeaways for").count() == 1


def test_both_audiences_print_and_show_without_javascript(page, no_js_context, site_url):
    page.goto(site_url + CARD)
    page.get_by_role("radio", name="Parents").check()
    page.emulate_media(media="print")
    assert shown(page) == {"parents": True, "therapists": True}
    assert not page.locator(".otkb-audience").is_visible()

    no_js = no_js_context.new_page()
    no_js.goto(site_url + CARD)
    assert shown(no_js) == {"parents": True, "therapists": True}
    assert not no_js.locator(".otkb-audience").is_visible()  # no switch that cannot work


def test_cite_this_offers_the_files_and_the_doi(page, site_url):
    page.goto(site_url + CARD)
    cite = page.locator("#cite-this")
    assert "Bos, A.F., Van Braeckel, K.N.J.A., Hitzert, M.M., Tanis, J.C., & Roze, E. (2013)." in cite.inner_text()
    assert cite.get_by_role("link", name="https://doi.org/10.1111/dmcn.12297").get_attribute(
        "href") == "https://doi.org/10.1111/dmcn.12297"
    for name, extension, start in (("BibTeX (.bib)", "bib", "@article{bos-2013-preterm-motor,"),
                                   ("RIS (.ris)", "ris", "TY  - JOUR\r\n")):
        with page.expect_download() as download:
            cite.get_by_role("link", name=name).click()
        assert download.value.suggested_filename == f"bos-2013-preterm-motor.{extension}"
        assert open(download.value.path(), encoding="utf-8", newline="").read().startswith(start)

"""Issue 19 in Chromium: the citizen's form with errors (the summary focused, its links lead
to the fields, the attachment kept after a failed first try), tracking with a clickable link,
closing and rating; the whole of it by keyboard alone; axe-core on every page, and screenshots
at 1280 and 390 px (VIK_SCREENSHOTS=<folder> keeps them)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from vik.conversations import services as conversations
from vik.conversations.models import Request
from vik.demo.knowledge import _form_pdf
from vik.knowledge import services as knowledge
from vik.tenancy.models import PortalIdentity
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MUNICIPALITY = "Jihlava (okres Jihlava)"
QUESTION = "Dobrý den, jaké doklady potřebuji k žádosti o nový občanský průkaz pro syna?"
REPLY = "Dobrý den, seznam dokladů je na https://www.example.cz/doklady – stačí rodný list."
SIZES = {"1280": (1280, 900), "390": (390, 844)}


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("VIK_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    current = page.viewport_size
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{folder}/{name}-{label}.png", full_page=True)
    if current:
        page.set_viewport_size(current)


def focused(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.id || e.getAttribute('data-testid') || e.tagName) : ''; }"
    )


class Keys:
    """The keyboard, counted: Tab until an element has the focus, type, press."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def tab_to(self, check: str, limit: int = 60) -> None:
        for _ in range(limit):
            if self.page.evaluate(f"() => !!document.activeElement && ({check})"):
                return
            self.page.keyboard.press("Tab")
            self.count += 1
        raise AssertionError(f"Tab never reached {check}; the focus is on {focused(self.page)}")

    def tab_to_id(self, element_id: str) -> None:
        self.tab_to(f"document.activeElement.id === {element_id!r}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def test_the_citizen_by_keyboard_alone_asks_with_a_file_after_a_failed_try_tracks_and_rates(
    world: World, live_server: Any, page: Page, tmp_path: Path
) -> None:
    PortalIdentity.objects.create(region=world.region, name="Kraj Vysočina")
    base = live_server.url
    watch = Watch(page)
    scan = tmp_path / "rodny-list.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a birth certificate\n%%EOF\n")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/")
    expect(page.get_by_test_id("portal-owner")).to_have_text("Kraj Vysočina")
    keys = Keys(page)
    # Intercept file choosers from the start: expect_file_chooser alone turns interception on
    # asynchronously, and a key pressed before the browser has it opens an unseen native dialog.
    page.on("filechooser", lambda chooser: None)

    # 1. First try: a mistyped e-mail; the file chosen by keyboard (Space on the file input).
    keys.tab_to_id("id_name")
    keys.type("Jana Dvořáková")
    keys.tab_to_id("id_email")
    keys.type("jana.dvorakova@")
    keys.tab_to_id("id_municipality")
    keys.type(MUNICIPALITY)
    keys.press("Enter")  # never sends the half-filled form: it moves on
    assert page.url == f"{base}/"
    assert focused(page) == "id_topic"
    keys.tab_to_id("id_message")
    keys.type(QUESTION)
    keys.tab_to_id("id_attachments")
    with page.expect_file_chooser() as chooser:
        keys.press("Space")
    chooser.value.set_files(str(scan))
    expect(page.locator("[data-file-list] li")).to_have_text(re.compile("rodny-list.pdf"))
    keys.tab_to("document.activeElement.type === 'submit'")
    keys.press("Enter")

    # 2. The error summary has the focus and leads to the field; the file is kept.
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible(timeout=60_000)  # a busy test machine: the upload takes time
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Zadejte e-mail ve tvaru jmeno@example.cz"])
    expect(page.get_by_test_id("kept-file")).to_contain_text("rodny-list.pdf")
    expect(page.locator("#id_message")).to_have_value(QUESTION)
    assert_accessible(page, "the form with errors")
    shoot(page, "form-errors")
    keys.press("Tab")  # the summary's link
    keys.press("Enter")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.press("End")
    keys.type("example.cz")
    keys.tab_to("document.activeElement.type === 'submit'")
    keys.press("Enter")

    # 3. Sent: the reference and the tracking link, by keyboard.
    page.wait_for_url(re.compile(r"/podani/[0-9a-f-]{36}/(#.*)?$"), timeout=60_000)
    reference = page.get_by_test_id("reference").inner_text().strip()
    item = Request.objects.get(reference=reference)
    attachments = item.interactions.get().attachments.all()
    assert [a.filename for a in attachments] == ["rodny-list.pdf"]
    keys.tab_to("document.activeElement.dataset.testid === 'tracking-link'")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/sledovani/[^/]+/$"))

    # 4. The clerk answers with a link; the page shows it clickable, never sending the referrer.
    with run_on_commit():
        conversations.request_reply(request=item, by=world.alice, text=REPLY)
    page.reload()
    link = page.locator(".vik-card--out a[href='https://www.example.cz/doklady']")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(page.get_by_test_id("subject")).to_contain_text("Dobrý den, jaké doklady")
    assert_accessible(page, "the tracking page")
    shoot(page, "tracking")

    # 5. Close (confirmed), then rate, all by keyboard.
    keys.tab_to("document.activeElement.dataset.testid === 'close-request'")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/uzavrit/$"))
    assert_accessible(page, "the close confirmation")
    keys.tab_to("document.activeElement.dataset.testid === 'close-confirm'")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/sledovani/[^/]+/#rating-heading$"))
    expect(page.get_by_test_id("status")).to_have_class(re.compile(r"vik-status--closed"))
    keys.tab_to("document.activeElement.name === 'score'")
    for _ in range(4):
        keys.press("ArrowDown")  # the fifth choice: 5 of 5, whichever way the list goes
    chosen = page.locator("input[name=score]:checked").get_attribute("value")
    keys.tab_to("document.activeElement.dataset.testid === 'rating-send'")
    keys.press("Enter")
    expect(page.get_by_test_id("rating-current")).to_be_visible()
    item.refresh_from_db()
    assert item.status == "closed"
    assert item.rating.score == int(chosen or 0)
    assert_accessible(page, "the tracking page after rating")
    watch.check()
    print(f"keystrokes for the citizen's task: {keys.count}")


def test_the_law_pages_and_an_article_are_accessible(
    world: World, live_server: Any, page: Page
) -> None:
    PortalIdentity.objects.create(region=world.region, name="Kraj Vysočina")
    base = live_server.url
    watch = Watch(page)
    for path, name in [
        ("/prohlaseni-o-pristupnosti/", "accessibility"),
        ("/osobni-udaje/", "privacy"),
        ("/sledovani/", "find"),
    ]:
        page.goto(f"{base}{path}")
        expect(page.get_by_test_id("portal-footer")).to_be_visible()
        assert_accessible(page, path)
        shoot(page, name)
    # An article: the fee the centre set, and a real PDF form served as application/pdf.
    with run_on_commit():
        article = knowledge.article_create(
            by=None,
            kind="life_situation",
            title="Poplatek ze psů",
            summary="Kdo platí poplatek ze psů, kolik a kdy.",
            sections={
                "basic_information": "Poplatek platí držitel psa staršího 3 měsíců.",
                "fees": "Sazbu stanoví obecně závazná vyhláška obce.",
            },
            fee_amount=1200,
            region=world.region,
        )
        knowledge.attachment_add(
            article=article,
            by=None,
            upload=SimpleUploadedFile("ohlaseni-psa.pdf", _form_pdf("Ohlášení držení psa")),
            title="Ohlášení držení psa",
        )
        knowledge.article_publish(article=article, by=None)
    page.goto(f"{base}/znalosti/clanek/{article.slug}/")
    expect(page.get_by_test_id("fee-amount")).to_contain_text("1\xa0200 Kč")
    href = page.get_by_test_id("attachment").get_by_role("link").get_attribute("href")
    download = page.request.get(f"{base}{href}")
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF-")
    assert_accessible(page, "an article")
    shoot(page, "article")

    page.goto(f"{base}/sledovani/")
    page.locator("#id_reference").fill("VYS-2026-000001")
    page.locator("#id_email").fill("nobody@example.cz")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("find-sent")).to_be_visible()
    watch.check()

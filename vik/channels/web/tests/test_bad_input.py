"""Bad input on the public form keeps the citizen's words: whatever fails (size, type, count,
a body too large for Django, validation), the page says why in Czech with the text still
there, and the files that were fine are kept for the next submission."""

import datetime as dt
import html
import io
import os
import re
import time

import pytest
from django.core.files.storage import default_storage

from vik.channels.core.models import InboundPayload
from vik.channels.web.kept import FOLDER, kept_files_prune
from vik.conversations.models import Request
from vik.testing.fixtures import run_on_commit, upload
from vik.testing.personas import submit_web_request, web_form_data

QUESTION = "Dobrý den, potřebuji vědět, jak požádat o příspěvek na bydlení. Děkuji, Jana."
PDF = b"%PDF-1.4 dobry soubor"
MB = 1024 * 1024


def post(client, **overrides):
    with run_on_commit():
        return client.post("/", web_form_data(message=QUESTION, **overrides))


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def kept_token(page: str) -> str:
    match = re.search(r'name="kept_files" value="([^"]*)"', page)
    assert match is not None
    return match.group(1)


def kept_names(page: str) -> list[str]:
    return re.findall(r'<span class="gov-form-file__name">([^<]*)</span>', page)


def assert_text_kept(page: str, email: str = "Jana.Dvorakova@Seznam.cz") -> None:
    assert f"\n{QUESTION}</textarea>" in page
    assert 'value="Jana Dvořáková"' in page
    assert f'value="{email}"' in page
    assert 'value="Jihlava (okres Jihlava)"' in page
    assert "Formulář nebyl odeslán" in page


def test_a_30_mb_upload_keeps_the_text_and_the_good_file(world, client):
    response = post(
        client,
        attachments=[upload("sken.pdf", b"%PDF" + b"0" * (30 * MB)), upload("dobry.pdf", PDF)],
    )
    page = page_of(response)
    assert_text_kept(page)
    assert "Soubor „sken.pdf“ má 30,0\xa0MB; limit je 10,0\xa0MB na soubor." in page
    assert kept_names(page) == ["dobry.pdf"]
    assert InboundPayload.objects.count() == 0


def test_text_fields_over_djangos_body_limit_are_not_a_bare_400(world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # what Django alone answers with "400"
    response = post(client, name="Jana Dvořáková " + "x" * 3000)
    page = page_of(response)
    assert f"\n{QUESTION}</textarea>" in page
    assert "Tato hodnota má mít nejvýše 200 znaků (nyní má 3015)" in page
    assert InboundPayload.objects.count() == 0


def test_more_files_than_django_accepts_keeps_the_text(world, client):
    files = [upload(f"strana-{n}.pdf", PDF) for n in range(120)]  # Django alone: 400 at 101
    page = page_of(post(client, email="jana@", attachments=files))
    assert_text_kept(page, email="jana@")
    assert (
        "Přiložit můžete nejvýše tento počet souborů: 5; soubor „strana-5.pdf“ jsme nepřijali."
    ) in page
    assert "soubor „strana-119.pdf“ jsme nepřijali" in page
    assert kept_names(page) == [f"strana-{n}.pdf" for n in range(5)]
    assert InboundPayload.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attachments": [upload("virus.exe", b"MZ\x90\x00")]}, "Soubor „virus.exe“ není povolen"),
        ({"attachments": [upload("f.pdf", b"MZ\x90\x00")]}, "Soubor „f.pdf“ není povolen"),
        ({"email": "jana@"}, "Zadejte e-mail ve tvaru jmeno@example.cz"),
        ({"municipality": "Atlantida"}, "Obec „Atlantida“ neznáme"),
        ({"phone": "12"}, "Zadejte telefonní číslo s 9 číslicemi"),
    ],
)
def test_every_failure_keeps_the_text_and_the_good_file(world, client, overrides, message):
    attachments = [upload("dobry.pdf", PDF), *overrides.pop("attachments", [])]
    page = page_of(post(client, attachments=attachments, **overrides))
    assert message in page
    if "municipality" not in overrides:
        assert_text_kept(page, email=overrides.get("email", "Jana.Dvorakova@Seznam.cz"))
    assert f"\n{QUESTION}</textarea>" in page
    assert kept_names(page) == ["dobry.pdf"]
    assert InboundPayload.objects.count() == 0


def test_kept_files_go_with_the_request_on_the_second_submit(world, client):
    first = web_form_data(message=QUESTION, email="jana@")
    with run_on_commit():
        page = page_of(
            client.post(
                "/", {**first, "attachments": [upload("žádost.pdf", PDF), upload("x.exe", b"MZ")]}
            )
        )
    assert kept_names(page) == ["žádost.pdf"]
    with run_on_commit():
        response = client.post(
            "/",
            {**first, "email": "jana@example.cz", "kept_files": kept_token(page),
             "attachments": [upload("foto.jpg", b"\xff\xd8\xff")]},
        )  # fmt: skip
    assert response.status_code == 302
    request = Request.objects.get()
    attachments = request.interactions.get().attachments.order_by("filename")
    assert [(a.filename, a.file.read()) for a in attachments] == [
        ("foto.jpg", b"\xff\xd8\xff"),
        ("žádost.pdf", PDF),
    ]


def test_a_kept_file_the_citizen_removes_is_not_sent(world, client):
    data = web_form_data(message=QUESTION, email="jana@")
    page = page_of(client.post("/", {**data, "attachments": [upload("a.pdf", PDF)]}))
    kept_id = re.search(r'name="kept_remove"\s+value="([0-9a-f]{32})"', page).group(1)
    with run_on_commit():
        response = client.post(
            "/",
            {**data, "email": "jana@example.cz", "kept_files": kept_token(page),
             "kept_remove": kept_id},
        )  # fmt: skip
    assert response.status_code == 302
    assert Request.objects.get().interactions.get().attachments.count() == 0


def test_a_forged_token_names_no_file(world, client):
    default_storage.save(f"{FOLDER}/{'a' * 32}", io.BytesIO(b"secret"))
    with run_on_commit():
        response = client.post(
            "/", web_form_data(kept_files='[["' + "a" * 32 + '","x.pdf","a/b",6]]:forged')
        )
    assert response.status_code == 302
    assert Request.objects.get().interactions.get().attachments.count() == 0


def test_a_kept_file_that_is_gone_is_asked_for_again(world, client):
    page = page_of(post(client, email="jana@", attachments=[upload("a.pdf", PDF)]))
    for name in default_storage.listdir(FOLDER)[1]:
        default_storage.delete(f"{FOLDER}/{name}")
    page = page_of(post(client, kept_files=kept_token(page)))
    assert "Soubor „a.pdf“ už pro vás neuchováváme; vyberte ho prosím znovu." in page
    assert f"\n{QUESTION}</textarea>" in page
    assert InboundPayload.objects.count() == 0


def test_a_very_long_file_name_is_shortened_not_refused(world, client):
    name = "Žádost o vydání " + "velmi dlouhého " * 30 + "dokladu.pdf"
    request = submit_web_request(client, attachments=[upload(name, PDF)])
    (attachment,) = request.interactions.get().attachments.all()
    assert len(attachment.filename) == 120
    assert attachment.filename.startswith("Žádost o vydání velmi dlouhého")
    assert attachment.filename.endswith("….pdf")
    assert attachment.file.read() == PDF


def test_a_body_past_the_reading_limit_says_which_file_did_not_arrive(world, client, settings):
    settings.VIK_WEB_FORM_MAX_BODY_BYTES = 2 * MB
    settings.VIK_ATTACHMENT_MAX_BYTES = 5 * MB
    page = page_of(
        post(
            client,
            attachments=[upload("prvni.pdf", PDF + b"0" * (3 * MB)), upload("druhy.pdf", PDF)],
        )
    )
    assert f"\n{QUESTION}</textarea>" in page
    assert "Formulář byl příliš velký: soubor „prvni.pdf“" in page
    assert InboundPayload.objects.count() == 0


def test_kept_files_are_deleted_after_their_time(world, settings):
    settings.VIK_WEB_FORM_KEPT_FILES_HOURS = 2
    old = default_storage.save(f"{FOLDER}/{'b' * 32}", io.BytesIO(b"old"))
    new = default_storage.save(f"{FOLDER}/{'c' * 32}", io.BytesIO(b"new"))
    three_hours_ago = time.time() - dt.timedelta(hours=3).total_seconds()
    os.utime(default_storage.path(old), (three_hours_ago, three_hours_ago))
    assert kept_files_prune() == 1
    assert default_storage.listdir(FOLDER)[1] == ["c" * 32]
    assert default_storage.exists(new)


def test_a_follow_up_with_a_too_large_file_keeps_its_text(world, client, settings):
    request = submit_web_request(client)
    settings.VIK_ATTACHMENT_MAX_BYTES = 1024
    with run_on_commit():
        response = client.post(
            f"/sledovani/{request.public_token}/",
            {"submission_id": "7f0b5b1e-8a4e-4d5e-9a51-0f6d6b0c1c11", "message": "Doplňuji sken.",
             "attachments": [upload("sken.pdf", PDF + b"0" * 4096), upload("ok.pdf", PDF)]},
        )  # fmt: skip
    page = page_of(response)
    assert ">\nDoplňuji sken.</textarea>" in page
    assert "Soubor „sken.pdf“ má 4,0\xa0KB; limit je 1,0\xa0KB na soubor." in page
    assert kept_names(page) == ["ok.pdf"]
    assert request.interactions.count() == 1

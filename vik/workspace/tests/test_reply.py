"""The reply on the request page: files sent as MIME attachments, Markdown sanitised, the
draft kept and restored, "send and set status" in one action, signatures, live updates."""

from django.core.files.uploadedfile import SimpleUploadedFile

from vik.audit.models import AuditEvent
from vik.conversations import services
from vik.conversations.choices import Direction, Status
from vik.conversations.models import Attachment, Interaction
from vik.core import clock
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit
from vik.workspace.models import ReplyDraft

HTMX = {"HX-Request": "true"}
LINK = '<a href="https://www.jihlava.cz/urad" rel="noopener noreferrer nofollow">'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_reply_with_a_file_is_mailed_as_a_mime_attachment(
    world, client, citizen_request, smtp_sink
):
    client.force_login(world.alice)
    upload = SimpleUploadedFile("formular.pdf", PDF, content_type="application/pdf")
    with run_on_commit():
        response = client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Dobrý den, posíláme formulář.", "attachments": [upload]},
        )
    assert response.status_code == 302
    reply = Interaction.objects.get(request=citizen_request, direction=Direction.OUTBOUND)
    [stored] = Attachment.objects.filter(interaction=reply)
    assert (stored.filename, stored.size) == ("formular.pdf", len(PDF))
    [mail] = smtp_sink.messages
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "formular.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == PDF
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert f"/attachments/{stored.pk}" in page and "formular.pdf" in page


def test_a_refused_file_type_sends_nothing(world, client, citizen_request, smtp_sink):
    client.force_login(world.alice)
    upload = SimpleUploadedFile("skript.exe", b"MZ\x90\x00" + b"\x00" * 60)
    with run_on_commit():
        response = client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Dobrý den.", "attachments": [upload]},
            follow=True,
        )
    assert "skript.exe" in " ".join(str(m) for m in response.context["messages"])
    assert not Interaction.objects.filter(request=citizen_request, direction=Direction.OUTBOUND)
    assert smtp_sink.messages == []


def test_send_and_resolve_in_one_action(world, client, citizen_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert f'<option value="{Status.RESOLVED}">' in page
    assert f'<option value="{Status.WAITING_CITIZEN}">' in page
    response = client.post(
        f"/staff/requests/{citizen_request.reference}/reply",
        {"text": "Vyřízeno.", "status": Status.RESOLVED},
        follow=True,
    )
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.RESOLVED
    [message] = [str(m) for m in response.context["messages"]]
    assert str(Status(Status.RESOLVED).label) in message


def test_markdown_is_previewed_and_shown_sanitised(world, client, citizen_request):
    client.force_login(world.alice)
    text = "**Termín** je *zítra*.\n\n<script>alert(1)</script>\n[formulář](javascript:alert(2))"
    preview = client.post(
        f"/staff/requests/{citizen_request.reference}/reply/preview", {"text": text},
        headers=HTMX,
    ).content.decode()  # fmt: skip
    assert "<strong>Termín</strong>" in preview and "<em>zítra</em>" in preview
    assert "<script" not in preview and "&lt;script&gt;" in preview  # shown as text
    assert "href=" not in preview  # a javascript: link is no link
    services.request_reply(request=citizen_request, by=world.alice, text=text)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert "<strong>Termín</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_the_draft_is_saved_restored_and_dropped_when_sent(world, client, citizen_request):
    client.force_login(world.alice)
    url = f"/staff/requests/{citizen_request.reference}/"
    client.post(f"{url}reply/draft", {"text": "Dobrý den, rozepsaná odpověď"}, headers=HTMX)
    assert ReplyDraft.objects.get().text == "Dobrý den, rozepsaná odpověď"
    page = client.get(url).content.decode()
    assert ">Dobrý den, rozepsaná odpověď</textarea>" in page
    client.force_login(world.carol)  # a colleague sees an empty reply
    assert "rozepsaná odpověď" not in client.get(url).content.decode()
    client.force_login(world.alice)
    client.post(f"{url}reply", {"text": "Dobrý den, hotová odpověď"})
    assert not ReplyDraft.objects.exists()


def test_signatures_of_the_agent_and_the_centre_are_appended(world, client, citizen_request):
    lead = User.objects.create_user(username="lenka", first_name="Lenka")
    Membership.objects.create(
        user=lead, region=world.region, centre=world.centre_a, role=Role.CENTRE_LEAD
    )
    client.force_login(lead)
    client.post("/staff/signature/", {"centre": world.centre_a.pk, "text": "IC Jihlava"})
    client.force_login(world.alice)
    client.post("/staff/signature/", {"text": "Alice Nováková"})
    # An agent cannot change the centre's signature.
    refused = client.post("/staff/signature/", {"centre": world.centre_a.pk, "text": "Cizí"})
    assert refused.status_code == 403
    client.post(f"/staff/requests/{citizen_request.reference}/reply", {"text": "Dobrý den."})
    reply = Interaction.objects.get(request=citizen_request, direction=Direction.OUTBOUND)
    assert reply.text == "Dobrý den.\n\nAlice Nováková\nIC Jihlava"


def test_new_entries_arrive_without_a_reload(world, client, citizen_request):
    client.force_login(world.alice)
    since = clock.now().isoformat()
    url = f"/staff/requests/{citizen_request.reference}/timeline/updates"
    empty = client.get(url, {"since": since}, headers=HTMX).content.decode()
    assert "vik-card" not in empty and 'data-testid="timeline-poll"' in empty
    services.request_note(request=citizen_request, by=world.carol, text="Kolegyně píše poznámku")
    fresh = client.get(url, {"since": since}, headers=HTMX).content.decode()
    assert "Kolegyně píše poznámku" in fresh
    assert 'data-testid="timeline-poll"' in fresh  # and the page goes on asking
    # What it showed is read like the page itself (one audit event; none for an empty answer).
    assert AuditEvent.objects.filter(action="request.view", actor=world.alice).count() == 1


def test_the_reply_offers_files_with_a_czech_chooser(world, client, citizen_request):
    """Not the browser's English "Choose Files / No file chosen": the portal's drop zone with a
    Czech button that names the field, the limits describing the input."""
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    zone = page[page.index('data-testid="reply-files"') :]
    zone = zone[: zone.index("</ul>")]
    assert 'class="gov-form-file__drop"' in zone
    assert '<label for="id_attachments"' in zone
    assert "Vybrat soubory<span" in zone and "— Přílohy</span>" in zone
    assert "nebo je sem přetáhněte" in zone
    assert 'aria-describedby="id_attachments_helptext"' in zone
    assert 'id="id_attachments_helptext">Nejvýše 5 souborů' in zone


def test_a_markdown_reply_reaches_the_citizen_formatted(world, client, citizen_request, smtp_sink):
    """What the clerk previewed is what the citizen reads: the e-mail's HTML part and the tracking
    page show the reply formatted (bold, a list, clickable links), sanitised; the plain part is
    the Markdown source, readable as it is."""
    client.force_login(world.alice)
    text = (
        "Dobrý den,\n\nprůkaz si vyzvedněte **do pátku**:\n\n- občanský průkaz\n- fotografie\n\n"
        "Otevírací doba je [na webu](https://www.jihlava.cz/urad).\n\n<img src=x onerror=alert(1)>"
    )
    with run_on_commit():
        client.post(f"/staff/requests/{citizen_request.reference}/reply", {"text": text})
    [mail] = smtp_sink.messages
    plain = mail.get_body(("plain",)).get_content()
    assert "průkaz si vyzvedněte **do pátku**" in plain and "/sledovani/" in plain
    html = mail.get_body(("html",)).get_content()
    assert "<strong>do pátku</strong>" in html and "<li>fotografie</li>" in html
    assert f"{LINK}na webu</a>" in html
    assert "<img" not in html and "&lt;img" in html
    assert f'/{citizen_request.public_token}/">' in html  # the tracking link, clickable

    client.logout()
    page = client.get(f"/sledovani/{citizen_request.public_token}/").content.decode()
    reply = page[page.index('data-testid="tracking-reply"') :]
    reply = reply[: reply.index("</div>")]
    assert "<strong>do pátku</strong>" in reply and "<li>fotografie</li>" in reply
    assert f"{LINK}na webu</a>" in reply
    assert "**" not in reply and "<img" not in reply

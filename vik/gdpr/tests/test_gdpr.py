"""The GDPR tasks: subject access, erasure that keeps the statistics, retention, the DPO's
buttons. Run on SQLite and on PostgreSQL (VIK_DATABASE_URL)."""

import base64
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.db.models.functions import TruncDate

from vik.audit.models import AuditEvent
from vik.audit.retention import audit_events_delete_before
from vik.channels.core.models import InboundPayload, OutboundMessage, PayloadFile
from vik.contacts.models import Contact, Identity
from vik.conversations.choices import RequestKind, Status
from vik.conversations.models import Attachment, Interaction, Request
from vik.core import clock
from vik.gdpr import services
from vik.gdpr.models import ErasedContact, ErasedRequest, RetentionSchedule
from vik.gdpr.selectors import PLACEHOLDER
from vik.testing.fixtures import run_on_commit
from vik.workspace.saved_views.selectors import list_views_for, saved_view_counts

from .conftest import EMAIL, MAIL_FILE, MAIL_TEXT, NAME, PHONE, WEB_FILE, WEB_TEXT


def read_zip(data: bytes) -> tuple[dict, list, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["contact.json"]), json.loads(files["requests.json"]), files


def statistics() -> dict:
    """What the statistics count: requests per channel, topic, centre, municipality and day;
    interactions per request, direction, channel and day; the references."""
    requests = list(
        Request.objects.annotate(day=TruncDate("created_at"))
        .values("origin_channel", "topic_id", "centre_id", "municipality_id", "kind", "status",
                "day")
        .annotate(n=Count("id"))
        .order_by("origin_channel", "topic_id", "centre_id", "municipality_id", "day")
    )  # fmt: skip
    interactions = list(
        Interaction.objects.values("request__reference", "direction", "channel", "occurred_at")
        .annotate(n=Count("id"))
        .order_by("request__reference", "occurred_at", "direction")
    )
    references = list(Request.objects.order_by("pk").values_list("reference", "created_at"))
    return {"requests": requests, "interactions": interactions, "references": references}


def database_dump() -> str:
    """The whole database as `dumpdata` gives it, JSON unescaped and the binary fields (raw
    payloads) decoded, so that a search finds a name wherever it is. Staff sessions are left
    out: they hold no citizen's data, and each request of the test's clerk renews its own."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        exclude=["territory", "contenttypes", "auth.permission", "topics", "sessions"],
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    for row in rows:
        if row["model"] == "channels.inboundpayload":
            row["fields"]["body"] = base64.b64decode(row["fields"]["body"] or "").decode(
                "utf-8", "replace"
            )
    return json.dumps(rows, ensure_ascii=False)


# Subject access -------------------------------------------------------------------------------


def test_export_holds_every_request_message_and_the_original_files(person, world, tmp_path):
    output = tmp_path / "export.zip"
    out = io.StringIO()
    call_command("gdpr", "export", "--contact", str(person.contact.pk), "--output", str(output),
                 stdout=out)  # fmt: skip
    assert out.getvalue().strip() == str(output.resolve())
    contact, requests, files = read_zip(output.read_bytes())

    assert contact["name"] == NAME
    assert sorted((i["kind"], i["value"]) for i in contact["identities"]) == [
        ("email", EMAIL), ("phone", PHONE),
    ]  # fmt: skip
    # the web form asks no consent any more (issue 19: the office answers under its public
    # task, GDPR Art. 6(1)(e)); consents of older submissions are still listed
    assert contact["consents"] == []
    by_reference = {item["reference"]: item for item in requests}
    assert set(by_reference) == {person.web.reference, person.mail.reference}
    assert person.other.reference not in files["requests.json"].decode()
    web, mail = by_reference[person.web.reference], by_reference[person.mail.reference]
    assert (web["channel"], mail["channel"]) == ("web", "email")
    assert [m["text"] for m in web["messages"]][:2] == [
        WEB_TEXT,
        "Vazena pani Gdprova, prukaz je hotov.",
    ]
    assert [m["direction"] for m in mail["messages"]] == ["inbound", "internal"]
    assert mail["messages"][0]["text"].startswith(MAIL_TEXT)
    assert mail["messages"][1]["text"] == f"Volala {NAME}, {PHONE}. @carol"
    assert [e["kind"] for e in web["timeline"]][:1] == ["created"]
    # The original attachments, byte for byte, where the JSON says they are.
    web_file = web["messages"][0]["attachments"][0]
    mail_file = mail["messages"][0]["attachments"][0]
    assert web_file["path_in_zip"] == f"attachments/{person.web.reference}/sken-zadosti.pdf"
    assert files[web_file["path_in_zip"]] == WEB_FILE
    assert files[mail_file["path_in_zip"]] == MAIL_FILE
    # The raw payloads: the web form's JSON and the e-mail as received.
    assert json.loads(files[web["messages"][0]["raw_payload"]])["email"] == EMAIL
    assert mail["messages"][0]["raw_payload"].endswith(".eml")
    assert f"From: {NAME} <{EMAIL}>".encode() in files[mail["messages"][0]["raw_payload"]]
    assert "Export osobních údajů" in files["README.txt"].decode()
    event = AuditEvent.objects.get(action="gdpr.contact_exported")
    assert (event.object_id, event.personal_data, event.actor_label) == (
        str(person.contact.pk),
        True,
        "system",
    )


def test_export_default_file_name_has_the_contact_and_the_date(person, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("gdpr", "export", "--contact", str(person.contact.pk), stdout=out)
    expected = tmp_path / f"gdpr-contact-{person.contact.pk}-{clock.today():%Y-%m-%d}.zip"
    assert out.getvalue().strip() == str(expected)
    assert zipfile.is_zipfile(expected)


# Erasure --------------------------------------------------------------------------------------


def test_anonymise_keeps_the_statistics_exactly_and_removes_the_person(person, world):
    before = statistics()
    views = list_views_for(world.carol)
    counts_before = saved_view_counts(user=world.carol, views=views)
    stored = [Path(a.file.path) for a in Attachment.objects.all()]
    stored += [Path(f.file.path) for f in PayloadFile.objects.all()]
    assert all(path.exists() for path in stored)
    dump = database_dump()
    assert NAME in dump and EMAIL in dump and "zdicsky" not in dump  # the search works

    out = io.StringIO()
    with run_on_commit():
        call_command("gdpr", "anonymise", "--contact", str(person.contact.pk), stdout=out)
    assert "anonymised" in out.getvalue()

    assert statistics() == before
    assert saved_view_counts(user=world.carol, views=views) == counts_before
    dump = database_dump()
    for secret in (NAME, EMAIL, PHONE, "Gdprova", "zdenka", "ridicsky prukaz", "foto-op"):
        assert secret.lower() not in dump.lower(), secret
    assert "Karel Jiny" in dump  # the other citizen is untouched
    contact = Contact.objects.get(pk=person.contact.pk)
    assert (contact.name, contact.identities.count()) == (PLACEHOLDER, 0)
    assert ErasedContact.objects.filter(contact=contact).exists()
    assert set(ErasedRequest.objects.values_list("request_id", flat=True)) == {
        person.web.pk,
        person.mail.pk,
    }
    assert not Attachment.objects.filter(interaction__request__requester=contact).exists()
    assert not any(path.exists() for path in stored if "karel" not in str(path))
    assert not PayloadFile.objects.filter(payload__interaction__request__requester=contact).exists()
    payloads = InboundPayload.objects.filter(interaction__request__requester=contact)
    assert {bytes(p.body) for p in payloads} == {b""}
    assert set(OutboundMessage.objects.filter(interaction__request=person.web)
               .values_list("recipient", flat=True)) == {PLACEHOLDER}  # fmt: skip
    event = AuditEvent.objects.get(action="gdpr.contact_anonymised")
    assert event.personal_data is False
    assert event.details == {"reason": "subject_request", "contacts": 1, "requests": 2,
                             "messages": 5, "files": 3}  # fmt: skip


def test_anonymise_twice_changes_nothing_more(person):
    with run_on_commit():
        services.contact_anonymise(contact=person.contact, actor=None)
    stats, dump = statistics(), database_dump()
    with run_on_commit():
        again = services.contact_anonymise(contact=person.contact, actor=None)
    assert again.first_time is False
    assert statistics() == stats
    assert database_dump() == dump  # not even a second audit event


def test_a_person_with_an_information_request_is_not_anonymised(person, world, login):
    Request.objects.filter(pk=person.mail.pk).update(kind=RequestKind.INFORMATION_REQUEST)
    client = login(world.dora)
    dump = database_dump()
    with pytest.raises(CommandError, match=person.mail.reference):
        call_command("gdpr", "anonymise", "--contact", str(person.contact.pk))
    url = f"/staff/gdpr/contacts/{person.contact.pk}/anonymise"
    for response in (client.get(url), client.post(url, {"confirm": "yes"})):
        html = response.content.decode()
        assert 'data-testid="gdpr-refused"' in html and person.mail.reference in html
        assert 'data-testid="gdpr-anonymise-confirm"' not in html
    assert database_dump() == dump


# Retention ------------------------------------------------------------------------------------


def _age_everything(days: int) -> None:
    past = clock.now() - dt.timedelta(days=days)
    InboundPayload.objects.update(received_at=past)
    Interaction.objects.update(occurred_at=past)
    Request.objects.update(status=Status.CLOSED, closed_at=past)


def test_retention_dry_run_lists_and_the_real_run_applies(person, settings):
    settings.VIK_RETENTION_PAYLOADS_DAYS = 30
    settings.VIK_RETENTION_ATTACHMENTS_DAYS = 60
    settings.VIK_RETENTION_CLOSED_REQUESTS_DAYS = 90
    settings.VIK_RETENTION_AUDIT_EVENTS_DAYS = 0  # off
    _age_everything(days=100)
    Request.objects.filter(pk=person.mail.pk).update(kind=RequestKind.INFORMATION_REQUEST)
    stats, dump = statistics(), database_dump()

    out = io.StringIO()
    call_command("gdpr", "retention", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    # web form of the person, the other citizen's web form (e-mail: Act 106, kept)
    assert "raw payloads: 2" in lines
    assert "attachments: 1" in lines
    assert "closed requests: 2" in lines
    assert "audit events: 0" in lines
    assert "kept: information requests (Act 106/1999): 1" in lines
    assert f"  {person.mail.reference}" in lines
    assert lines[-1] == "dry run: nothing changed"
    assert database_dump() == dump

    with run_on_commit():
        call_command("gdpr", "retention", stdout=io.StringIO())
    assert statistics() == stats
    web, other, mail = (Request.objects.get(pk=r.pk) for r in (person.web, person.other,
                                                                 person.mail))  # fmt: skip
    assert {web.subject, other.subject} == {PLACEHOLDER}
    assert set(ErasedRequest.objects.values_list("request_id", flat=True)) == {web.pk, other.pk}
    # The Act 106/1999 request keeps its file: text, attachment, the e-mail as received.
    assert mail.subject == "Priloha k zadosti"
    inbound = mail.interactions.get(direction="inbound")
    assert inbound.text.startswith(MAIL_TEXT)
    assert inbound.attachments.get().file.read() == MAIL_FILE
    assert EMAIL.encode() in bytes(inbound.inbound_payload.body)
    # The person still has a kept request: the contact keeps its name; the other is erased.
    assert Contact.objects.get(pk=person.contact.pk).name == NAME
    assert other.requester.name == PLACEHOLDER
    assert not Identity.objects.filter(contact=other.requester).exists()
    # Applied once: a second run finds nothing.
    out = io.StringIO()
    call_command("gdpr", "retention", stdout=out)
    assert out.getvalue().splitlines() == [
        "payloads: 0",
        "attachments: 0",
        "closed_requests: 0",
        "audit_events: 0",
    ]


def test_audit_events_go_by_the_one_deliberate_service(world):
    from vik.audit.services import audit_record  # local import: only this test writes events

    for _ in range(3):
        audit_record(actor=world.alice, action="request.view", target=world.region)
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()  # the append-only guard still holds
    later = clock.now() + dt.timedelta(seconds=1)
    assert audit_events_delete_before(before=later) == 3
    left = AuditEvent.objects.get()
    assert (left.action, left.details["deleted"]) == ("audit.retention_deleted", 3)
    assert audit_events_delete_before(before=left.created_at) == 0


def test_the_periodic_job_runs_once_per_interval(person, settings, django_assert_max_num_queries):
    settings.VIK_RETENTION_PAYLOADS_DAYS = 30
    _age_everything(days=40)
    assert "vik.gdpr.services.retention_apply_due" in settings.VIK_PERIODIC_JOBS
    with run_on_commit():
        assert services.retention_apply_due() == 3  # three web/e-mail payloads emptied
        with django_assert_max_num_queries(2):  # read the schedule, try to claim it
            assert services.retention_apply_due() == 0  # claimed: not due for an hour
    schedule = RetentionSchedule.objects.get()
    assert schedule.due_at > clock.now() + dt.timedelta(minutes=59)
    assert {bytes(p.body) for p in InboundPayload.objects.all()} == {b""}


# The DPO's buttons ----------------------------------------------------------------------------


def test_the_dpo_downloads_the_zip_and_anonymises_after_confirming(person, world, login):
    client = login(world.dora)
    page = client.get(f"/staff/contacts/{person.contact.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="gdpr-export"' in html and 'data-testid="gdpr-anonymise"' in html

    response = client.post(f"/staff/gdpr/contacts/{person.contact.pk}/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    _contact, requests, files = read_zip(response.content)
    assert {r["reference"] for r in requests} == {person.web.reference, person.mail.reference}
    assert WEB_FILE in files.values() and MAIL_FILE in files.values()
    assert AuditEvent.objects.get(action="gdpr.contact_exported").actor == world.dora

    url = f"/staff/gdpr/contacts/{person.contact.pk}/anonymise"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert person.web.reference in confirm.content.decode()
    tracking = f"/sledovani/{person.web.public_token}/"
    assert client.get(tracking).status_code == 200
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert Contact.objects.get(pk=person.contact.pk).name == NAME
    with run_on_commit():
        done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    assert Contact.objects.get(pk=person.contact.pk).name == PLACEHOLDER
    page = client.get(done["Location"]).content.decode()
    assert 'data-testid="gdpr-anonymised"' in page and NAME not in page
    assert AuditEvent.objects.get(action="gdpr.contact_anonymised").actor == world.dora
    # The requests still open for their workers, with nothing of the person left on them.
    carol = login(world.carol)
    for item in (person.web, person.mail):
        request_page = carol.get(f"/staff/requests/{item.reference}/")
        assert request_page.status_code == 200
        text = request_page.content.decode()
        assert PLACEHOLDER in text and "Gdprova" not in text and EMAIL not in text
    # The citizen's old tracking link shows nothing any more.
    assert client.get(tracking).status_code == 404


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "dave"])
def test_the_buttons_are_refused_to_anyone_else_and_nothing_happens(person, world, login, who):
    client = login(getattr(world, who))
    page = client.get(f"/staff/contacts/{person.contact.pk}/")
    assert 'data-testid="gdpr-' not in page.content.decode()
    dump = database_dump()
    audit_before = AuditEvent.objects.count()
    for response in (
        client.post(f"/staff/gdpr/contacts/{person.contact.pk}/export"),
        client.get(f"/staff/gdpr/contacts/{person.contact.pk}/anonymise"),
        client.post(f"/staff/gdpr/contacts/{person.contact.pk}/anonymise", {"confirm": "yes"}),
    ):
        assert response.status_code == 403
    assert AuditEvent.objects.count() == audit_before
    assert database_dump() == dump
    assert Contact.objects.get(pk=person.contact.pk).name == NAME


def test_a_dpo_of_another_region_is_refused(person, world, login):
    from vik.tenancy.choices import Role  # local import: one test needs the role
    from vik.tenancy.models import Membership  # local import: one test needs it

    Membership.objects.create(user=world.dave, region=world.other_region,
                              role=Role.DATA_PROTECTION_OFFICER)  # fmt: skip
    client = login(world.dave)
    assert client.get(f"/staff/contacts/{person.contact.pk}/").status_code == 404
    assert client.post(f"/staff/gdpr/contacts/{person.contact.pk}/export").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="gdpr.").exists()


def test_settings_are_documented():
    example = (Path(settings.BASE_DIR) / ".env.example").read_text()
    for name in ("PAYLOADS", "ATTACHMENTS", "CLOSED_REQUESTS", "AUDIT_EVENTS"):
        assert f"VIK_RETENTION_{name}_DAYS=" in example

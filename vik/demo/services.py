"""Building the Kraj Vysočina demo: centres, staff for every role, and ~300 requests.

Requests from the web form go through the real channel path (raw payload → task service →
contact + request + interaction); replies, notes and status changes through the same services
the workspace uses, with the clock moved back so that the last 90 days look lived in.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import transaction
from django.test.utils import override_settings

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import inbound_accept
from vik.channels.email.adapter import RAW_CONTENT_TYPE
from vik.channels.mail.parser import idempotency_key
from vik.channels.web.adapter import PAYLOAD_CONTENT_TYPE, payload_body
from vik.contacts.choices import IdentityKind, RequesterType
from vik.contacts.services import contact_resolve
from vik.conversations import services as conversations
from vik.conversations.choices import RequestKind, Status
from vik.conversations.models import Interaction, Request
from vik.conversations.services.intake import inbound_process
from vik.core import clock
from vik.core.text import fold
from vik.opendata.services import snapshot_publish
from vik.routing.models import Queue
from vik.sla.services import sla_policy_ensure
from vik.tenancy.choices import OfficeKind, Role
from vik.tenancy.models import (
    Competence,
    InformationCentre,
    Membership,
    Office,
    OpeningHours,
    PortalColour,
    PortalIdentity,
    User,
)
from vik.territory.models import Municipality, Orp, Region
from vik.territory.services import territory_load
from vik.topics.models import Topic
from vik.topics.services import topics_seed

from . import content
from .chat import build_chats
from .history import build_call_history, build_chat_history, build_usage_history
from .knowledge import Staff, build_guide_reads, build_knowledge
from .macros import build_macros
from .phone import ACCOUNT as PHONE_ACCOUNT
from .phone import build_phone
from .routing import build_routing
from .satisfaction import build_ratings
from .sms import build_sms
from .staff import build_staff_survey, build_trainings

REGION_CODE = "3107"  # Kraj Vysočina
DEMO_PASSWORD = "vik-demo-2026"  # noqa: S105 — printed for the demo's users; never in production
REGIONAL_SLUG = "vys-krajsky-urad"

# The classic Czech office week: long Monday and Wednesday, short Friday.
OFFICE_HOURS = [
    (0, "08:00", "17:00"), (1, "08:00", "14:00"), (2, "08:00", "17:00"),
    (3, "08:00", "14:00"), (4, "08:00", "13:00"),
]  # fmt: skip

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "inbound", "outbound"],
    }
}
DISCARD_EMAIL = "django.core.mail.backends.locmem.EmailBackend"

MOBILE_PREFIXES = [
    "601",
    "602",
    "603",
    "604",
    "605",
    "606",
    "607",
    "608",
    "720",
    "724",
    "730",
    "731",
    "732",
    "736",
    "737",
    "739",
    "773",
    "775",
    "776",
    "777",
    "792",
    "799",
]

# Share of requests in each final status, and the channels they come in on.
STATUS_MIX = [
    (Status.NEW, 40), (Status.OPEN, 50), (Status.WAITING_CITIZEN, 30),
    (Status.WAITING_OFFICE, 20), (Status.RESOLVED, 80), (Status.CLOSED, 80),
]  # fmt: skip
CHANNEL_MIX = [
    (ChannelKind.WEB, 45), (ChannelKind.EMAIL, 25), (ChannelKind.PHONE, 15),
    (ChannelKind.COUNTER, 15), (ChannelKind.LETTER, 5), (ChannelKind.DATABOX, 5),
]  # fmt: skip
# Calls, visits and letters are recorded by a clerk of the competent centre on the new-request
# form's service (issue 15); this share of the visits stays anonymous, and this share of the
# calls and visits is answered on the spot.
RECORDED = (ChannelKind.PHONE, ChannelKind.COUNTER, ChannelKind.LETTER)
ANONYMOUS_VISITS = 0.3
ANSWERED_ON_THE_SPOT = 0.4


@dataclass
class DemoReport:
    centres: int = 0
    requests: int = 0
    articles: int = 0
    recorded: int = 0  # visits, calls and letters of the Jihlava centre's clerk
    phone_token: str = ""
    ratings: int = 0  # citizens' satisfaction ratings added
    logins: list[tuple[str, object, str]] = field(default_factory=list)  # (username, role, where)


def _weighted(rng: random.Random, mix: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*mix, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def _user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@vik.localhost"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = superuser
        user.is_superuser = superuser
        user.save()
    return user


def mail_domain(slug: str) -> str:
    """The centre's mail domain: `kraj.vik.example` for the regional one, else its town's
    (`jihlava.vik.example`); its e-mail account receives `info@` and `podatelna@` there."""
    return (
        "kraj.vik.example" if slug == REGIONAL_SLUG else f"{slug.removeprefix('vys-')}.vik.example"
    )


def mailbox_addresses(slug: str) -> list[str]:
    """The addresses the centre's e-mail account receives (`vik lmtp`, the pipe); the first
    is the one its replies come from."""
    return [f"info@{mail_domain(slug)}", f"podatelna@{mail_domain(slug)}"]


def _email_account(region: Region, centre: InformationCentre) -> ChannelAccount:
    """The centre's e-mail channel account, with its addresses (an account loaded by an older
    demo gets them too, unless someone has set its own)."""
    addresses = mailbox_addresses(centre.slug)
    account, _ = ChannelAccount.objects.get_or_create(
        name=f"email-{centre.slug}",
        defaults={"region": region, "centre": centre, "kind": ChannelKind.EMAIL},
    )
    config = account.settings if isinstance(account.settings, dict) else {}
    if not config.get("addresses"):
        smtp = config.get("smtp")
        smtp = smtp if isinstance(smtp, dict) else {}
        account.settings = {
            **config, "addresses": addresses, "smtp": {"from": addresses[0], **smtp},
        }  # fmt: skip
        account.save(update_fields=["settings"])
    return account


def _centre(
    office: Office, name: str, slug: str, address: str, regional: bool
) -> InformationCentre:
    centre, created = InformationCentre.objects.get_or_create(
        slug=slug,
        defaults={
            "office": office, "name": name, "address": address, "is_regional": regional,
            "email": f"info@{mail_domain(slug)}", "phone": "+420567000000",
            "channels": [k for k, _ in CHANNEL_MIX],
        },
    )  # fmt: skip
    if created:
        for weekday, opens, closes in OFFICE_HOURS:
            OpeningHours.objects.create(centre=centre, weekday=weekday, opens=opens, closes=closes)
    return centre


def _service_levels(centre: InformationCentre) -> None:
    """A working day (8 working hours) to answer and a week to resolve; complaints twice that.
    A missed deadline tells the leads, raises the priority and moves the request to the
    centre's "Eskalace" queue."""
    escalation, _ = Queue.objects.get_or_create(centre=centre, name="Eskalace")
    sla_policy_ensure(
        centre=centre, first_response_minutes=8 * 60, resolution_minutes=40 * 60,
        warn_before_minutes=120, raise_priority=True, escalate_to_queue=escalation,
    )  # fmt: skip
    sla_policy_ensure(
        centre=centre, kind=RequestKind.COMPLAINT, first_response_minutes=16 * 60,
        resolution_minutes=80 * 60, warn_before_minutes=240, raise_priority=True,
        escalate_to_queue=escalation,
    )  # fmt: skip


def build_network(region: Region, report: DemoReport) -> dict[str, InformationCentre]:
    """The regional authority's centre and one centre per ORP, with staff for every role."""
    jihlava = Municipality.objects.get(code="586846")
    authority, _ = Office.objects.get_or_create(
        region=region, name="Krajský úřad Kraje Vysočina",
        defaults={
            "kind": OfficeKind.REGIONAL_AUTHORITY, "ico": "70890749", "municipality": jihlava,
        },
    )  # fmt: skip
    centres = {
        "regional": _centre(
            authority, "Informační centrum Krajského úřadu Kraje Vysočina", REGIONAL_SLUG,
            "Žižkova 1882/57, 586 01 Jihlava", regional=True,
        )
    }  # fmt: skip
    for orp in Orp.objects.filter(region=region).order_by("code"):
        seat = Municipality.objects.filter(orp=orp, name=orp.name).first()
        office, _ = Office.objects.get_or_create(
            region=region, name=f"Městský úřad {orp.name}",
            defaults={"kind": OfficeKind.MUNICIPAL_OFFICE, "municipality": seat},
        )  # fmt: skip
        centre = _centre(
            office, f"Informační centrum MěÚ {orp.name}", f"vys-{_slug(orp.name)}",
            f"Masarykovo náměstí 1, {orp.name}", regional=False,
        )  # fmt: skip
        Competence.objects.get_or_create(centre=centre, orp=orp, topic=None, municipality=None)
        centres[orp.code] = centre
    for centre in centres.values():
        _email_account(region, centre)
    report.centres = len(centres)
    for centre in centres.values():
        _service_levels(centre)

    admin = _user("admin", "Alena", "Správcová", superuser=True)
    people: list[tuple[User, Role, InformationCentre | None]] = [
        (admin, Role.ADMINISTRATOR, None),
        (_user("koordinator", "Karel", "Koordinátor"), Role.REGION_COORDINATOR, None),
        (_user("analytik", "Anna", "Analytická"), Role.ANALYST, None),
        (_user("poverenec", "Petr", "Pověřenec"), Role.DATA_PROTECTION_OFFICER, None),
        (_user("editor", "Eva", "Editorová"), Role.KNOWLEDGE_EDITOR, centres["regional"]),
        (_user("vedouci.jihlava", "Jiří", "Vedoucí"), Role.CENTRE_LEAD, centres["6105"]),
    ]
    rng = random.Random(7)
    for code, centre in centres.items():
        slug = "kraj" if code == "regional" else centre.slug.removeprefix("vys-")
        first = rng.choice(content.FIRST_NAMES_FEMALE)
        index = rng.randrange(len(content.SURNAMES_FEMALE))
        people.append(
            (_user(f"agent.{slug}", first, content.SURNAMES_FEMALE[index]), Role.AGENT, centre)
        )
    for user, role, where in people:
        Membership.objects.get_or_create(user=user, region=region, centre=where, role=role)
        report.logins.append(
            (user.username, Role(role).label, where.name if where else region.name)
        )
    return centres


def _web_account(region: Region) -> ChannelAccount:
    account, _ = ChannelAccount.objects.get_or_create(
        name="web-vysocina", defaults={"region": region, "kind": ChannelKind.WEB}
    )
    return account


def _portal_identity(region: Region) -> PortalIdentity:
    """The region's portal: its name and contacts in the header, footer and legal pages."""
    identity, _created = PortalIdentity.objects.get_or_create(
        region=region,
        defaults={
            "name": "Kraj Vysočina",
            "address": "Žižkova 1882/57, 586 01 Jihlava",
            "ico": "70890749",
            "web": "https://www.kr-vysocina.cz/",
            "colour": PortalColour.PRIMARY,
            "contact_email": "posta@kr-vysocina.cz",
            "contact_phone": "+420 564 602 111",
            "data_protection_officer": "Pověřenec pro ochranu osobních údajů Kraje Vysočina, "
            "e-mail poverenec@kr-vysocina.cz",
        },
    )
    return identity


def _person(rng: random.Random) -> tuple[str, str]:
    index = rng.randrange(len(content.SURNAMES_MALE))
    if rng.random() < 0.5:
        name = f"{rng.choice(content.FIRST_NAMES_MALE)} {content.SURNAMES_MALE[index]}"
    else:
        name = f"{rng.choice(content.FIRST_NAMES_FEMALE)} {content.SURNAMES_FEMALE[index]}"
    local = ".".join(fold(name).split())
    domain = rng.choice(["seznam.cz", "email.cz", "gmail.com", "centrum.cz"])
    return name, f"{local}{rng.randrange(10, 99)}@{domain}"


def build_requests(region: Region, count: int, seed: int = 2026) -> int:
    rng = random.Random(seed)
    account = _web_account(region)
    municipalities = list(Municipality.objects.filter(region=region).select_related("orp"))
    topics = {t.slug: t for t in Topic.objects.all()}
    templates = [(slug, t) for slug, items in content.REQUEST_TEMPLATES.items() for t in items]
    now = clock.now()
    created = 0
    for _ in range(count):
        slug, template = rng.choice(templates)
        municipality = rng.choice(municipalities)
        channel = _weighted(rng, CHANNEL_MIX)
        status = _weighted(rng, STATUS_MIX)
        age = dt.timedelta(minutes=rng.randrange(10, 90 * 24 * 60))
        if status == Status.NEW:
            age = dt.timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
        opened_at = now - age
        text = template["text"].format(municipality=municipality.name)
        subject = template["subject"].format(municipality=municipality.name)
        name, email = _person(rng)
        if channel in RECORDED:
            opened_at = _office_hours(rng, opened_at)
            with clock.travel(opened_at):
                request, answered = _record(
                    rng, region, channel, name, email, municipality, topics.get(slug),
                    subject, text, template["kind"],
                )  # fmt: skip
            if not answered:
                _live(rng, request, status, opened_at, now)
            created += 1
            continue
        with clock.travel(opened_at):
            request = _open(
                rng, region, account, channel, name, email, municipality, topics.get(slug),
                subject, text, template["kind"], opened_at,
            )  # fmt: skip
        _live(rng, request, status, opened_at, now)
        created += 1
    return created


def _open(
    rng: random.Random, region: Region, account: ChannelAccount, channel: str, name: str,
    email: str, municipality: Municipality, topic: Topic | None, subject: str, text: str,
    kind: str, opened_at: dt.datetime,
) -> Request:  # fmt: skip
    if channel == ChannelKind.WEB:
        phone = f"+420{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100000, 999999)}"
        body = payload_body({
            "kind": "request", "name": name, "email": email if rng.random() < 0.85 else "",
            "phone": phone, "municipality_code": municipality.code,
            "topic_id": topic.pk if topic else None, "message": text, "subject": subject,
            "language": "cs", "consent": True, "submitted_at": opened_at.isoformat(),
        })  # fmt: skip
        payload, _ = inbound_accept(
            account=account, idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128))}",
            body=body, content_type=PAYLOAD_CONTENT_TYPE,
        )  # fmt: skip
        inbound_process(payload_id=payload.pk)  # a no-op when its task has already run
        return Interaction.objects.get(inbound_payload=payload).request
    if channel == ChannelKind.EMAIL:
        return _open_by_email(rng, municipality, name, email, subject, text, opened_at)
    # Channels whose adapters come later are recorded as their interaction would be.
    identities = [(IdentityKind.EMAIL, email)]
    if channel == ChannelKind.DATABOX:
        org, ico = rng.choice(content.ORGANISATIONS)
        contact = contact_resolve(
            region=region, identities=[(IdentityKind.ICO, ico)], name=org,
            requester_type=RequesterType.COMPANY,
        )  # fmt: skip
    else:
        contact = contact_resolve(region=region, identities=identities, name=name)
    with transaction.atomic():
        request = conversations.request_open(
            region=region, requester=contact, subject=subject, channel=channel,
            kind=kind if kind in RequestKind.values else RequestKind.INQUIRY, topic=topic,
            municipality=municipality, opened_at=opened_at,
        )  # fmt: skip
        Interaction.objects.create(
            request=request, direction="inbound", channel=channel, contact=contact,
            subject=subject, text=text, occurred_at=opened_at,
        )  # fmt: skip
    return request


def _office_hours(rng: random.Random, when: dt.datetime) -> dt.datetime:
    """The same day (or the working day before) at a time the counter is open: most visitors
    come in the morning."""
    local = when.astimezone(clock.PRAGUE)
    while local.isoweekday() > 5:
        local -= dt.timedelta(days=1)
    hour = rng.choices(range(8, 17), weights=[9, 12, 10, 8, 6, 7, 6, 4, 2])[0]
    moved = local.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)
    return min(moved, clock.now() - dt.timedelta(minutes=5))


def _record(
    rng: random.Random, region: Region, channel: str, name: str, email: str,
    municipality: Municipality, topic: Topic | None, subject: str, text: str, kind: str,
) -> tuple[Request, bool]:  # fmt: skip
    """A call, a visit or a letter recorded by an agent of the municipality's centre, as the
    form `/staff/requests/new/` records it; (the request, whether it was answered on the spot)."""
    centre = InformationCentre.objects.filter(
        competences__orp_id=municipality.orp_id
    ).first() or InformationCentre.objects.get(slug=REGIONAL_SLUG)
    clerk = Membership.objects.filter(centre=centre, role=Role.AGENT).select_related("user").first()
    assert clerk is not None, centre
    anonymous = channel == ChannelKind.COUNTER and rng.random() < ANONYMOUS_VISITS
    phone = f"+420{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100000, 999999)}"
    answered = channel != ChannelKind.LETTER and rng.random() < ANSWERED_ON_THE_SPOT
    answer = ""
    if answered:
        answer = rng.choice(content.REPLY_TEMPLATES).format(
            name="" if anonymous else name, centre=centre.name
        )
    request = conversations.request_record(
        by=clerk.user, centre=centre, channel=channel, name="" if anonymous else name,
        phone="" if anonymous else phone,
        email=email if channel == ChannelKind.LETTER or rng.random() < 0.3 else "",
        municipality=municipality, topic=topic,
        kind=kind if kind in RequestKind.values else RequestKind.INQUIRY,
        subject=subject, text=text, answer=answer,
    )  # fmt: skip
    return request, answered


# The Jihlava centre's counter: enough visits over the last weeks for its log and staffing
# counts to show a shape, and a few calls and letters its agent recorded.
JIHLAVA_RECORDED = [(ChannelKind.COUNTER, 30), (ChannelKind.PHONE, 6), (ChannelKind.LETTER, 3)]


def build_recorded(region: Region, centre: InformationCentre, seed: int = 15) -> int:
    """Visits, calls and letters the Jihlava centre's clerk recorded over the last four weeks
    (`/staff/visits/`); a second run adds nothing."""
    rng = random.Random(seed)
    municipalities = list(
        Municipality.objects.filter(orp__competence__centre=centre).select_related("orp")
    )
    topics = {t.slug: t for t in Topic.objects.all()}
    templates = [(slug, t) for slug, items in content.REQUEST_TEMPLATES.items() for t in items]
    now = clock.now()
    created = 0
    for channel, wanted in JIHLAVA_RECORDED:
        have = Request.objects.filter(centre=centre, origin_channel=channel).count()
        for _ in range(max(0, wanted - have)):
            slug, template = rng.choice(templates)
            municipality = rng.choice(municipalities)
            when = _office_hours(rng, now - dt.timedelta(days=rng.randrange(0, 28)))
            name, email = _person(rng)
            with clock.travel(when):
                request, answered = _record(
                    rng, region, channel, name, email, municipality, topics.get(slug),
                    template["subject"].format(municipality=municipality.name),
                    template["text"].format(municipality=municipality.name), template["kind"],
                )  # fmt: skip
            if not answered:
                _live(rng, request, _weighted(rng, STATUS_MIX[:4]), when, now)
            created += 1
    return created


def _open_by_email(
    rng: random.Random, municipality: Municipality, name: str, address: str, subject: str,
    text: str, opened_at: dt.datetime,
) -> Request:  # fmt: skip
    """A citizen's e-mail to the mailbox of their ORP's centre, through the real channel."""
    account = ChannelAccount.objects.get(
        kind=ChannelKind.EMAIL, centre__competences__orp_id=municipality.orp_id
    )
    message = EmailMessage()
    message["From"] = formataddr((name, address))
    message["To"] = mailbox_addresses(account.centre.slug if account.centre else REGIONAL_SLUG)[1]
    message["Subject"] = subject
    message["Date"] = format_datetime(opened_at)
    message["Message-ID"] = f"<demo-{uuid.UUID(int=rng.getrandbits(128))}@example.cz>"
    message.set_content(text)
    raw = message.as_bytes()
    payload, _ = inbound_accept(
        account=account, idempotency_key=idempotency_key(raw), body=raw,
        content_type=RAW_CONTENT_TYPE,
    )  # fmt: skip
    inbound_process(payload_id=payload.pk)  # a no-op when its task has already run
    return Interaction.objects.get(inbound_payload=payload).request


def _staff_for(request: Request) -> User | None:
    membership = (
        Membership.objects.filter(centre_id=request.centre_id, role=Role.AGENT)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _live(
    rng: random.Random, request: Request, status: str, opened_at: dt.datetime, now: dt.datetime
) -> None:
    """Play the request's life up to `status`: take it, note, reply, wait, resolve, close."""
    if status == Status.NEW:
        return
    agent = _staff_for(request)
    if agent is None:
        return
    span = now - opened_at

    def at(fraction: float) -> dt.datetime:
        return opened_at + span * fraction

    with clock.travel(at(0.05)):
        conversations.request_assign(request=request, assignee=agent, by=agent)
        conversations.request_set_status(request=request, status=Status.OPEN, by=agent)
    if rng.random() < 0.4:
        with clock.travel(at(0.1)):
            conversations.request_note(
                request=request, by=agent, text=rng.choice(content.INTERNAL_NOTES)
            )
    if status == Status.OPEN:
        return
    if status == Status.WAITING_OFFICE:
        with clock.travel(at(0.2)):
            conversations.request_set_status(request=request, status=status, by=agent)
        return
    reply = rng.choice(content.REPLY_TEMPLATES).format(
        name=request.requester.name or "", centre=request.centre.name if request.centre else ""
    )
    target = Status.WAITING_CITIZEN if status == Status.WAITING_CITIZEN else Status.RESOLVED
    with clock.travel(at(0.3)):
        conversations.request_reply(request=request, by=agent, text=reply, status=target)
    if status == Status.CLOSED:
        with clock.travel(at(0.9)):
            conversations.request_set_status(request=request, status=Status.CLOSED, by=agent)


def demo_load(*, requests: int = 300) -> DemoReport:
    """Load everything; a second run adds nothing that is already there."""
    territory_load()
    topics_seed()
    region = Region.objects.get(code=REGION_CODE)
    report = DemoReport()
    centres = build_network(region, report)
    build_macros(
        region=region, centre=centres["6105"], author=User.objects.get(username="koordinator")
    )
    _web_account(region)
    _portal_identity(region)
    build_routing(
        region=region, centres=centres, second_agent=_user("agent2.jihlava", "Jana", "Druhá")
    )
    report.articles = build_knowledge(
        region=region,
        staff=Staff(
            editor=User.objects.get(username="editor"),
            coordinator=User.objects.get(username="koordinator"),
            trebic_agent=User.objects.get(username="agent.trebic"),
        ),
    )
    existing = Request.objects.filter(region=region).count()
    if existing < requests:
        # The history is played through the real services, but its tasks run at once and its
        # replies' e-mails go nowhere: they were "sent" in the past, not to today's inboxes.
        with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=DISCARD_EMAIL):
            report.requests = build_requests(region, requests - existing)
    with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=DISCARD_EMAIL):
        report.recorded = build_recorded(region, centres["6105"])
    with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=DISCARD_EMAIL):  # SMS, for real
        build_sms(region, centres["6105"])  # a few, besides the `requests` of the history
    report.phone_token = build_phone(region, centres)  # after the requests: known callers
    with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=DISCARD_EMAIL):
        build_chats(region, centres["6105"])
        # Half a year of calls, chats and knowledge use before today, for the reports.
        build_chat_history(region, centres["6105"])
    phone_account = ChannelAccount.objects.get(name=PHONE_ACCOUNT)
    build_call_history(phone_account, list(centres.values()))
    build_usage_history(region, list(centres.values()))
    report.ratings = build_ratings(region)  # after every resolved request of the history
    build_guide_reads()
    # /statistiky/ from the demo's history: today's snapshot, recomputed on every run.
    snapshot_publish(region=region)
    with override_settings(TASKS=IMMEDIATE_TASKS, EMAIL_BACKEND=DISCARD_EMAIL):
        coordinator = User.objects.get(username="koordinator")
        build_staff_survey(
            region=region, centres=centres, coordinator=coordinator, password=DEMO_PASSWORD
        )
        build_trainings(
            region=region, centres=centres, coordinator=coordinator,
            lead=User.objects.get(username="vedouci.jihlava"),
        )  # fmt: skip
    return report


def demo_summary(report: DemoReport) -> str:
    lines = [
        f"Kraj Vysočina: {report.centres} information centres, {report.requests} new requests, "
        f"{report.articles} new knowledge articles.",
        "",
        "Knowledge pages: /znalosti/ (guides and answers for citizens), /znalosti/hledat/?q=…,",
        "  /staff/knowledge/ (articles, review; log in as editor), suggestions on the form at /",
        "  and in the box “Návody a odpovědi” on every request page in the staff workspace.",
        "",
        f"Citizen satisfaction: {report.ratings} new ratings; dissatisfied ones at",
        "  /staff/satisfaction/ (log in as vedouci.jihlava or koordinator).",
        "",
        "Phone line (Zammad-compatible CTI webhook; calls at /staff/calls/, call-backs at",
        "  /staff/callbacks/, the citizen's form at /zavolejte-mi/):",
        f"  POST /api/v1/cti/{report.phone_token}  (on this server; a new token every run)",
        "  e.g. curl -d event=newCall -d from=420603000111 -d to=800100200 -d direction=in \\",
        "       -d callId=test-1 -d 'user[]=Jana Druhá' <that URL>   (agent2.jihlava: pop-up)",
        "",
        "Staff surveys and trainings: /staff/surveys/ (two rounds of a satisfaction survey;",
        "  results as koordinator, round 2 awaits vedouci.jihlava's answer), /staff/training/",
        "  (who has not been trained on the new routing rules: a centre's overview).",
        "",
        f"Staff logins (password for all: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {username:<32} {role:<22} {where}" for username, role, where in report.logins]
    return "\n".join(lines)

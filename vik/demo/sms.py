"""The demo's SMS channel: an account of the Jihlava centre and a few requests that came by SMS,
through the real channel (an HTTP gateway's messages, stored and processed as any), one of them
answered by SMS. The demo has no SMSC: `VIK_SMS_TRANSPORT=console` (config/settings/dev.py)
writes outbound SMS to the log and marks them sent."""

from __future__ import annotations

import json

from django.test.utils import override_settings

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.sms import services as sms_services
from vik.channels.sms.selectors import token_hash
from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Interaction, Request
from vik.conversations.services.intake import inbound_process
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership
from vik.territory.models import Region

# The gateway token of the demo account (POST /api/v1/sms/inbound, docs/channels/sms.md).
DEMO_GATEWAY_TOKEN = "demo-sms-token"  # noqa: S105 - the demo's, printed in the docs

MESSAGES = [
    ("+420731555101", "Dobrý den, kdy bude svoz velkoobjemového odpadu v Jihlavě? Děkuji, Novák",
     "Dobrý den, svoz velkoobjemového odpadu bude v sobotu 14. 3. od 8 do 12 h na Masarykově "
     "náměstí. S pozdravem, Centrum Jihlava"),
    ("+420603555202", "Potřebuji vyřídit nový občanský průkaz, musím se objednat?", ""),
    ("+420776555303", "Dobry den, jake jsou uredni hodiny v patek?", ""),
    ("+420608555404", "Je možné zaplatit poplatek za psa převodem? Číslo účtu prosím.", ""),
]  # fmt: skip


def sms_account(region: Region, centre: InformationCentre) -> ChannelAccount:
    account, _ = ChannelAccount.objects.get_or_create(
        name="sms-jihlava",
        defaults={
            "region": region, "centre": centre, "kind": ChannelKind.SMS,
            "settings": {
                "smpp": {"host": "127.0.0.1", "port": 2775, "system_id": "jihlava",
                         "password_secret": "jihlava"},
                "source": "MestoJI",
                "gateway_token_sha256": token_hash(DEMO_GATEWAY_TOKEN),
            },
        },
    )  # fmt: skip
    return account


def build_sms(region: Region, centre: InformationCentre) -> int:
    """The SMS account and its requests (once); returns how many requests it added."""
    account = sms_account(region, centre)
    if Request.objects.filter(origin_account=account).exists():
        return 0
    agent = Membership.objects.filter(centre=centre, role=Role.AGENT).select_related("user").first()
    added = 0
    for number, (phone, text, answer) in enumerate(MESSAGES, start=1):
        raw = json.dumps({"id": f"demo-sms-{number}", "from": phone, "to": "+420567000000",
                          "text": text}, ensure_ascii=False).encode()  # fmt: skip
        payload, _ = sms_services.gateway_store(
            account=account, message_id=f"demo-sms-{number}", raw=raw
        )
        inbound_process(payload_id=payload.pk)
        request = Interaction.objects.get(inbound_payload=payload).request
        added += 1
        if answer and agent is not None:
            with override_settings(VIK_SMS_TRANSPORT="console"):
                conversations.request_assign(request=request, assignee=agent.user, by=agent.user)
                conversations.request_reply(
                    request=request, by=agent.user, text=answer, status=Status.RESOLVED
                )
    return added

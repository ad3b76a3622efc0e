"""The demo's canned answers (macros): two for the whole region, one for the Jihlava centre."""

from __future__ import annotations

from vik.conversations.choices import Status
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

THANKS = (
    "{osloveni}\n\n"
    "děkujeme za Váš dotaz. Pokud byste ještě něco potřebovali, odpovězte prosím na tuto zprávu "
    "nebo napište na {tracking_url} (číslo požadavku {reference}).\n\n"
    "S pozdravem\n{agent}\n{centre}"
)
MORE_PLEASE = (
    "{osloveni}\n\n"
    "abychom Vám mohli odpovědět, potřebujeme ještě doplnit: …\n\n"
    "Doplnění můžete poslat odpovědí na tuto zprávu nebo na stránce {tracking_url}.\n\n"
    "S pozdravem\n{agent}\n{centre}"
)
HOURS = (
    "{osloveni}\n\n"
    "osobně nás najdete v úředních hodinách: {opening_hours}.\n\n"
    "S pozdravem\n{agent}\n{centre}"
)


def build_macros(*, region: Region, centre: InformationCentre, author: User) -> int:
    """Returns how many macros were added (a second run adds none)."""
    wanted = [
        ("Poděkování a uzavření", THANKS, None, Status.RESOLVED, ["vyřízeno"], 0),
        ("Žádost o doplnění", MORE_PLEASE, None, Status.WAITING_CITIZEN, ["doplnění"], 1),
        ("Úřední hodiny", HOURS, centre, "", [], 2),
    ]
    added = 0
    for name, body, where, status, tags, position in wanted:
        _macro, created = Macro.objects.get_or_create(
            region=region, centre=where, name=name,
            defaults={
                "body": body, "set_status": status, "add_tags": tags, "position": position,
                "scope": MacroScope.CENTRE if where else MacroScope.REGION, "created_by": author,
            },
        )  # fmt: skip
        added += created
    return added

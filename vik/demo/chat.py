"""The demo's chat: the region's chat account (the widget on /chat/demo/ and any municipal page)
and a few past chats of the Jihlava centre, played through the chat's own services: taken by an
agent, answered, closed and rated; one left as a message while no one was online."""

from __future__ import annotations

import datetime as dt

from vik.channels.chat import services as chat
from vik.channels.chat.models import ChatSession
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.core import clock
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region

CHATS = [
    ("Petra Malá", "petra.mala@example.cz",
     [("c", "Dobrý den, do kdy je potřeba zaplatit poplatek za odpady?"),
      ("a", "Dobrý den, poplatek za odpady je splatný do 31. května. Zaplatit ho můžete "
            "převodem nebo na pokladně magistrátu."),
      ("c", "Děkuji, a jaký je variabilní symbol?"),
      ("a", "Variabilní symbol je vaše rodné číslo bez lomítka. Mohu ještě s něčím pomoci?"),
      ("c", "Ne, děkuji, na shledanou.")], 5),
    ("", "",
     [("c", "Kde najdu formulář k žádosti o parkovací kartu?"),
      ("a", "Formulář najdete na webu města v sekci Doprava, nebo si ho vyzvedněte "
            "v informačním centru na Masarykově náměstí.")], 4),
    ("Karel Veselý", "",
     [("c", "Dobrý den, mám dotaz k rekonstrukci chodníku v Brněnské ulici."),
      ("a", "Dobrý den, rekonstrukce má skončit koncem října. Přeji hezký den.")], None),
]  # fmt: skip


def chat_account(region: Region) -> ChannelAccount:
    account, _created = ChannelAccount.objects.get_or_create(
        name="chat-vysocina", defaults={"region": region, "kind": ChannelKind.CHAT}
    )
    return account


def build_chats(region: Region, centre: InformationCentre) -> int:
    """The chat account and the past chats (once); returns how many chats it added."""
    chat_account(region)
    if ChatSession.objects.filter(centre=centre).exists():
        return 0
    agent = User.objects.get(username="agent.jihlava")
    target = chat.Target(region=region, centre=centre)
    for number, (name, email, lines, rating) in enumerate(CHATS, start=1):
        session = chat.chat_start(
            target=target, text=lines[0][1], name=name, email=email,
            page_url="https://www.jihlava.cz/", client_id=f"demo-{number}-0",
        )  # fmt: skip
        chat.chat_accept(session_id=session.pk, agent=agent)
        queued = clock.now() - dt.timedelta(days=number, minutes=5)  # in the past, 40 s waited
        ChatSession.objects.filter(pk=session.pk).update(
            queued_at=queued, accepted_at=queued + dt.timedelta(seconds=40 * number)
        )
        for index, (who, text) in enumerate(lines[1:], start=1):
            chat.message_post(
                session=session, sender="agent" if who == "a" else "citizen", text=text,
                client_id=f"demo-{number}-{index}", author=agent if who == "a" else None,
            )  # fmt: skip
        chat.chat_close(session_id=session.pk, by=agent)
        if rating:
            session.refresh_from_db()
            chat.chat_rate(session=session, score=rating)
    return len(CHATS)

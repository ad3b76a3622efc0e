"""The chat's writes without a server (pytest-django): what one message costs in queries, the
same client id stored once, a citizen's message on an ended chat queueing it again."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vik.channels.chat import services
from vik.channels.chat.models import ChatMessage, ChatSession, ChatState, Sender
from vik.conversations.choices import Status
from vik.testing.personas import World

# What one message costs (the transaction's BEGIN/COMMIT or SAVEPOINT included). Before the
# work on it: 10 each (a select for a known id, the number in two statements, the read mark in a
# third).
CITIZEN_QUERIES = 7
AGENT_QUERIES = 7


def _chat(world: World) -> ChatSession:
    return services.chat_start(
        target=services.Target(region=world.region, centre=world.centre_a),
        text="Dobrý den, kdy máte otevřeno?", client_id="first",
    )  # fmt: skip


def test_one_message_costs_a_few_queries(world: World):
    session = _chat(world)
    services.chat_accept(session_id=session.pk, agent=world.alice)
    session = ChatSession.objects.select_related("request", "agent").get(pk=session.pk)
    with CaptureQueriesContext(connection) as citizen:
        services.message_post(session=session, sender=Sender.CITIZEN, text="Děkuji", client_id="c1")
    services.message_post(  # the first response: the request's status and SLA change once
        session=session, sender=Sender.AGENT, text="Dobrý den", client_id="a0", author=world.alice
    )
    with CaptureQueriesContext(connection) as agent:
        services.message_post(
            session=session, sender=Sender.AGENT, text="V 8 h.", client_id="a1", author=world.alice
        )
    assert len(citizen) <= CITIZEN_QUERIES, "\n".join(q["sql"] for q in citizen.captured_queries)
    assert len(agent) <= AGENT_QUERIES, "\n".join(q["sql"] for q in agent.captured_queries)
    session.refresh_from_db()
    assert (session.last_seq, session.citizen_read_seq, session.agent_read_seq) == (5, 3, 5)
    assert list(session.messages.values_list("seq", "sender")) == [
        (1, Sender.CITIZEN), (2, Sender.SYSTEM), (3, Sender.CITIZEN), (4, Sender.AGENT),
        (5, Sender.AGENT),
    ]  # fmt: skip


def test_the_same_client_id_is_stored_once_and_answered_with_the_same_seq(world: World):
    session = _chat(world)
    first = services.message_post(
        session=session, sender=Sender.CITIZEN, text="Haló", client_id="x"
    )
    again = services.message_post(
        session=session, sender=Sender.CITIZEN, text="Haló", client_id="x"
    )
    assert first.created and not again.created
    assert again.message.seq == first.message.seq
    assert ChatMessage.objects.filter(session=session, client_id="x").count() == 1
    assert session.request.interactions.filter(text="Haló").count() == 1


def test_a_message_on_an_ended_chat_queues_it_again_even_from_a_stale_session(world: World):
    session = _chat(world)
    services.chat_accept(session_id=session.pk, agent=world.alice)
    stale = ChatSession.objects.select_related("request").get(pk=session.pk)  # the widget's copy
    services.chat_close(session_id=session.pk, by=world.alice)
    assert stale.state == ChatState.ACTIVE
    services.message_post(session=stale, sender=Sender.CITIZEN, text="Ještě dotaz", client_id="z")
    session.refresh_from_db()
    assert session.state == ChatState.WAITING and session.agent_id is None
    assert stale.state == ChatState.WAITING  # the caller learns it
    session.request.refresh_from_db()
    assert session.request.status != Status.RESOLVED

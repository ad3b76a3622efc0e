"""`{% load request_messages %}`: what the request page says about a message beyond its text."""

from __future__ import annotations

from django import template

from vik.conversations.models import Interaction

from ..requests.message_facts import MessageFacts

register = template.Library()
NOTHING = MessageFacts()


@register.filter
def facts_of(facts: dict[int, MessageFacts], interaction: Interaction) -> MessageFacts:
    """`{% with facts=message_facts|facts_of:entry %}`"""
    return facts.get(interaction.pk, NOTHING) if facts else NOTHING

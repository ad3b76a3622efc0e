"""Template helpers of the request page."""

from __future__ import annotations

from django import template

from ..models import Interaction
from ..selectors import FormattedMessage, interaction_formatted

register = template.Library()


@register.filter
def formatted_message(interaction: Interaction) -> FormattedMessage:
    """`{% with formatted=entry|formatted_message %}`: the HTML with remote images held back."""
    return interaction_formatted(interaction=interaction)

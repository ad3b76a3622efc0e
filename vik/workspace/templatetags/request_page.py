"""Template helpers of the request page: `{% load request_page %}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import template

from vik.conversations.models import Interaction, Request, Transfer
from vik.conversations.selectors import (
    FormattedMessage,
    RequestNetwork,
    interaction_formatted,
    request_network,
    request_transferred_from,
)

from ..requests.forms import ConsultForm, MergeForm, TransferForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

register = template.Library()


@register.filter
def formatted_message(interaction: Interaction) -> FormattedMessage:
    """`{% with formatted=entry|formatted_message %}`: the HTML with remote images held back."""
    return interaction_formatted(interaction=interaction)


@dataclass(frozen=True)
class NetworkPanel:
    network: RequestNetwork
    has_centres: bool
    transfer_form: TransferForm
    consult_form: ConsultForm
    merge_form: MergeForm


@register.simple_tag
def network_of(item: Request, user: StaffUser) -> NetworkPanel:
    """`{% network_of item user as panel %}`: centres to transfer to or ask, the request's
    consultations, where it was transferred from (`selectors.request_network`) and the forms."""
    network = request_network(request=item, user=user)
    centres = list(network.centres)
    transfer_form = TransferForm(centres=network.centres, auto_id="transfer_%s")
    consult_form = ConsultForm(centres=network.centres, auto_id="consult_%s")
    # The centres read once for both choosers (the POST validates against the queryset).
    choices = [("", "---------"), *((centre.pk, centre.name) for centre in centres)]
    for form in (transfer_form, consult_form):
        form.fields["centre"].choices = choices  # type: ignore[attr-defined]
    return NetworkPanel(
        network=network,
        has_centres=bool(centres),
        transfer_form=transfer_form,
        consult_form=consult_form,
        merge_form=MergeForm(auto_id="merge_%s"),
    )


@register.simple_tag
def transferred_from(item: Request) -> Transfer | None:
    """`{% transferred_from item as transfer %}`: how the request came to its centre."""
    return request_transferred_from(request=item)

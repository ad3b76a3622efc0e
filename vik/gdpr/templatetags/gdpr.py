"""`{% gdpr_contact_actions contact %}`: the DPO's panel on a contact's page (nothing for
anyone else). The workspace's template loads it by name; neither app imports the other."""

from __future__ import annotations

from typing import Any

from django import template

from vik.contacts.models import Contact
from vik.tenancy.permissions.gdpr import contact_gdpr_allowed

from .. import selectors

register = template.Library()


@register.inclusion_tag("gdpr/_contact_actions.html", takes_context=True)
def gdpr_contact_actions(context: dict[str, Any], contact: Contact) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not contact_gdpr_allowed(user, contact):
        return {"allowed": False}
    family = selectors.contact_family(contact)
    return {
        "allowed": True,
        "contact": contact,
        "anonymised": selectors.is_anonymised(contact),
        "request_count": selectors.person_requests(family).count(),
        "csrf_token": context.get("csrf_token"),
    }

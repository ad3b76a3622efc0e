"""`{% portal_identity as portal %}`: the region's portal identity for the public base layout.

A view whose page belongs to one region (the tracking page of a request) sets
`request.portal_region_id`; every other page shows the default region's portal."""

from __future__ import annotations

from django import template

from vik.tenancy.models import PortalIdentity
from vik.tenancy.portal import portal_identity as identity_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_identity(context: template.Context) -> PortalIdentity:
    request = context.get("request")
    cached = getattr(request, "_portal_identity", None)  # the header and the footer ask
    if cached is None:
        cached = identity_for(region_id=getattr(request, "portal_region_id", None))
        if request is not None:
            request._portal_identity = cached
    return cached

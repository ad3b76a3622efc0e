"""`{% kept "name" value … %}…{% endkept %}`: a fragment rendered once per process for each
combination of the values named, then printed again as it was.

For the parts of every staff page that depend on nothing but who the user is (the navigation:
two dozen permission checks and URLs on every page). The values must name everything the
fragment shows (the user's scope, their name, the language, …): the fragment is not rendered
again while they stay the same, so a role change is a new key and changes it at once. Nothing
per request (a CSRF token, the path) may be inside.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The fragments kept by this process, the least recently used dropped beyond this many.
KEPT_FRAGMENTS = 4096
_kept: OrderedDict[Hashable, SafeString] = OrderedDict()
_lock = threading.Lock()


def forget_kept_fragments() -> None:
    with _lock:
        _kept.clear()


class KeptNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, values: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context: Any) -> SafeString:
        key = (self.name, *(_hashable(value.resolve(context)) for value in self.values))
        with _lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
                return html
        html = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the template
        with _lock:
            _kept[key] = html
            while len(_kept) > KEPT_FRAGMENTS:
                _kept.popitem(last=False)
        return html


def _hashable(value: Any) -> Hashable:
    return value if isinstance(value, Hashable) else repr(value)


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} takes a name and the values it depends on")
    name = bits[1].strip("\"'")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, name, values)

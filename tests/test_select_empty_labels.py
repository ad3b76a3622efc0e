"""The staff forms' selects offer their empty choice in Czech words ("bez tématu", "— vyberte —",
"nikdo", "vše"), never Django's "---------"."""

from __future__ import annotations

import re
from typing import Any

from vik.testing.personas import World, submit_web_request

PAGES = [
    "/staff/sla/new/",
    "/staff/surveys/new/",
    "/staff/training/new/",
    "/staff/knowledge/metrics/",
]


def empty_option(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value=""[^>]*>([^<]*)</option>', select.group(1))
    assert option, name
    return option.group(1)


def test_the_request_page_names_its_empty_choices(world: World, client: Any) -> None:
    item = submit_web_request(client)
    client.force_login(world.alice)
    html = client.get(f"/staff/requests/{item.reference}/").content.decode()
    assert "---------" not in html
    panel = html[html.index('data-testid="request-panel"') :]
    assert empty_option(panel, "topic") == "bez tématu"
    assert empty_option(panel, "assignee") == "nikdo"
    transfer = html[html.index('id="transfer_centre"') - 200 :]
    assert empty_option(transfer, "centre") == "— vyberte —"


def test_no_staff_form_shows_dashes(world: World, client: Any) -> None:
    client.force_login(world.carol)
    shown = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        shown[path] = "---------" in response.content.decode()
    assert shown == dict.fromkeys(PAGES, False)
    html = client.get("/staff/sla/new/").content.decode()
    assert empty_option(html, "centre") == "— vyberte —"
    assert empty_option(html, "escalate_to_queue") == "žádná"
    html = client.get("/staff/training/new/").content.decode()
    assert (empty_option(html, "topic"), empty_option(html, "trainer")) == ("bez tématu", "nikdo")

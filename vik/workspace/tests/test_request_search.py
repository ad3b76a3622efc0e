"""The request list's search box: case and diacritics do not matter, and it finds a request by
its reference, the requester's name, e-mail address and phone number in any notation, and the
text of its messages (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re

import pytest

from vik.conversations.choices import Direction, Visibility
from vik.conversations.models import Interaction, Request
from vik.conversations.services.acknowledgements import acknowledgement_text
from vik.core import clock
from vik.testing.personas import submit_web_request

ROW = re.compile(r'data-row="([^"]+)"')
LONG = "Dobrý den, " + "prosím o radu ohledně místního poplatku za odpady. " * 6


@pytest.fixture
def three(world, client):
    """A question about an ID card; one whose long text ends with "kontejner" (not in its
    subject); one from a citizen with a phone number."""
    card = submit_web_request(client, name="Marie Svobodová", email="marie@example.cz")
    bins = submit_web_request(
        client,
        name="Petr Černý",
        email="petr.cerny@example.cz",
        message=LONG + "Kde stojí nejbližší kontejner na tříděný odpad?",
    )
    phoned = submit_web_request(
        client,
        name="Žofie Králová",
        email="zofie@example.cz",
        phone="+420 777 123 456",
        message="Jak dlouho trvá vydání řidičského průkazu?",
    )
    return {"card": card, "bins": bins, "phoned": phoned}


def found(login, world, text):
    response = login(world.alice).get("/staff/requests/", {"text": text})
    assert response.status_code == 200
    return set(ROW.findall(response.content.decode()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("obcansky", {"card"}),  # no diacritics typed
        ("OBČANSKÝ", {"card"}),  # capitals
        ("průkaz", {"card", "phoned"}),
        ("svobodova", {"card"}),  # the requester's name
        ("cerny", {"bins"}),
        ("MARIE@example.cz", {"card"}),  # the e-mail address, any case
        ("+420 777 123 456", {"phoned"}),  # the phone number as written
        ("777123456", {"phoned"}),
        ("777 123 456", {"phoned"}),
        ("00420777123456", {"phoned"}),
        ("kontejner", {"bins"}),  # the message text beyond the subject
        ("trideny odpad", {"bins"}),
        ("nic takového", set()),
    ],
)
def test_search_ignores_case_and_diacritics(three, login, world, text, expected):
    references = {three[key].reference for key in expected}
    assert found(login, world, text) == references


@pytest.mark.django_db
def test_search_by_reference_in_any_case(three, login, world):
    reference = three["bins"].reference
    assert found(login, world, reference.lower()) == {reference}
    assert Request.objects.count() == 3


@pytest.mark.django_db
def test_the_words_of_vik_s_automatic_messages_find_nothing(three, login, world):
    """Every request got VIK's acknowledgement ("… Zaevidovali jsme ji pod číslem …"): its words
    are in every request, so they find none; the words a person wrote still find theirs."""
    for request in three.values():
        Interaction.objects.create(
            request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
            channel=request.origin_channel, contact=request.requester, is_automatic=True,
            text=acknowledgement_text(request), occurred_at=clock.now(),
        )  # fmt: skip
    assert "Zaevidovali" in acknowledgement_text(three["bins"])
    assert found(login, world, "zaevidovali") == set()
    assert found(login, world, "kontejner") == {three["bins"].reference}

"""After a transfer the page says where the request went, and the next click never ends in a
404: the request read-only when the user's centre keeps access, else the list."""

import pytest

from vik.conversations.models import Request

REASON = "Týká se stavebního úřadu v Třebíči."


def _transfer(client, item, centre):
    return client.post(
        f"/staff/requests/{item.reference}/transfer",
        {"centre": centre.pk, "reason": REASON},
        follow=True,
    )


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("keeps_access", [True, False])
def test_a_transfer_says_where_the_request_went(world, client, citizen_request, keeps_access):
    world.centre_a.keeps_access_after_transfer = keeps_access
    world.centre_a.save()
    item = Request.objects.get(pk=citizen_request.pk)
    client.force_login(world.alice)
    response = _transfer(client, item, world.centre_b)
    assert response.status_code == 200
    [message] = _messages(response)
    assert world.centre_b.name in message
    assert "Uloženo" not in message and "Saved." not in message
    item.refresh_from_db()
    assert item.centre == world.centre_b
    if keeps_access:
        assert response.redirect_chain[-1][0] == f"/staff/requests/{item.reference}/"
        assert response.context["can_work"] is False
        page = response.content.decode()
        assert 'data-testid="read-only"' in page and 'data-testid="read-only-values"' in page
        # The next click: the page again, read-only, never a 404.
        assert client.get(f"/staff/requests/{item.reference}/").status_code == 200
    else:
        assert response.redirect_chain[-1][0] == "/staff/requests/"
        assert item.reference in message

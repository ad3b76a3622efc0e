"""The request page's panel of fields edited in place (workspace/requests/panel.py): each field
saved as it changes, with an undo; without script one form saves them all."""

import pytest

from vik.conversations import services
from vik.conversations.choices import EventKind, Priority, Status
from vik.conversations.models import Request, TimelineEvent
from vik.core.errors import InvalidTransition
from vik.routing.models import Queue
from vik.territory.models import Municipality

HTMX = {"HX-Request": "true"}


def _post(client, item, data, htmx=True):
    return client.post(
        f"/staff/requests/{item.reference}/fields", data, headers=HTMX if htmx else {}
    )


def test_the_page_shows_one_panel_and_no_separate_forms(world, client, citizen_request):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert page.count('data-testid="request-panel"') == 1
    for old in ('/status"', '/assign"', '/topic"'):
        assert f'action="/staff/requests/{citizen_request.reference}{old}' not in page
    for name in ("status", "assignee", "priority", "topic", "municipality", "tags", "queue"):
        assert f'id="panel-{name}"' in page
    # The conversation comes first, the panel after it.
    assert page.index('id="timeline-heading"') < page.index('data-testid="request-panel"')


def test_status_changes_in_place_and_the_undo_restores_it(world, client, citizen_request):
    client.force_login(world.alice)
    response = _post(client, citizen_request, {"field": "status", "status": Status.RESOLVED})
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert "Vyřešeno" in fragment or "resolved" in fragment.lower()
    assert 'name="undo" value="1"' in fragment and f'value="{Status.NEW}"' in fragment
    # The status in the page's heading follows (htmx swaps it out of band).
    assert 'id="request-status" class="vik-tag vik-status--resolved"' in fragment
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.RESOLVED

    # Resolved -> new is no step of the state machine; the undo of this change is.
    undo = _post(client, citizen_request, {"field": "status", "status": Status.NEW, "undo": "1"})
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.NEW
    assert 'data-testid="undo"' not in undo.content.decode()  # an undo is not undone again
    assert list(
        TimelineEvent.objects.filter(
            request=citizen_request, kind=EventKind.STATUS_CHANGED
        ).values_list("data", flat=True)
    ) == [{"old": "new", "new": "resolved"}, {"old": "resolved", "new": "new"}]


def test_an_undo_goes_back_only_to_where_the_last_change_came_from(world, citizen_request):
    services.request_set_status(request=citizen_request, status=Status.RESOLVED, by=world.alice)
    with pytest.raises(InvalidTransition):
        services.request_set_status(
            request=citizen_request, status=Status.WAITING_CITIZEN, by=world.alice, undo=True
        )
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.RESOLVED


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        ("priority", str(Priority.HIGH), lambda r: r.priority == Priority.HIGH),
        ("tags", "stavba, odpad", lambda r: sorted(r.tags.values_list("name", flat=True))
         == ["odpad", "stavba"]),
    ],
)  # fmt: skip
def test_a_field_changes_and_its_undo_restores_it(
    world, client, citizen_request, field, value, check
):
    client.force_login(world.alice)
    before = {"priority": str(citizen_request.priority), "tags": ""}[field]
    _post(client, citizen_request, {"field": field, field: value})
    item = Request.objects.get(pk=citizen_request.pk)
    assert check(item)
    _post(client, citizen_request, {"field": field, field: before, "undo": "1"})
    item = Request.objects.get(pk=citizen_request.pk)
    assert not check(item)
    assert str(item.priority) == str(citizen_request.priority)
    assert list(item.tags.all()) == []


def test_assignee_topic_queue_and_municipality_change_and_undo(world, client, citizen_request):
    queue = Queue.objects.create(centre=world.centre_a, name="Stavební dotazy")
    municipality = (
        Municipality.objects.filter(region=world.region)
        .exclude(pk=citizen_request.municipality_id)
        .first()
    )
    client.force_login(world.alice)
    _post(client, citizen_request, {"field": "assignee", "assignee": world.alice.pk})
    _post(client, citizen_request, {"field": "queue", "queue": queue.pk})
    _post(client, citizen_request, {"field": "municipality", "municipality": municipality.code})
    item = Request.objects.get(pk=citizen_request.pk)
    assert (item.assignee, item.queue, item.municipality) == (world.alice, queue, municipality)
    old_municipality = citizen_request.municipality.label if citizen_request.municipality else ""
    _post(client, citizen_request, {"field": "queue", "queue": "", "undo": "1"})
    _post(
        client, citizen_request,
        {"field": "municipality", "municipality": old_municipality, "undo": "1"},
    )  # fmt: skip
    _post(client, citizen_request, {"field": "assignee", "assignee": "", "undo": "1"})
    item = Request.objects.get(pk=citizen_request.pk)
    assert (item.assignee, item.queue, item.municipality_id) == (
        None, None, citizen_request.municipality_id,
    )  # fmt: skip
    kinds = set(TimelineEvent.objects.filter(request=item).values_list("kind", flat=True))
    assert {EventKind.QUEUE_CHANGED, EventKind.MUNICIPALITY_CHANGED, EventKind.ASSIGNED} <= kinds


def test_without_script_one_form_saves_every_changed_field(world, client, citizen_request):
    client.force_login(world.alice)
    response = _post(
        client, citizen_request,
        {"status": Status.OPEN, "assignee": world.alice.pk, "priority": str(Priority.HIGH),
         "topic": "", "municipality": citizen_request.municipality.label, "tags": "odpad",
         "queue": ""},
        htmx=False,
    )  # fmt: skip
    assert response.status_code == 302
    item = Request.objects.get(pk=citizen_request.pk)
    assert (item.status, item.assignee, item.priority) == (Status.OPEN, world.alice, Priority.HIGH)
    assert list(item.tags.values_list("name", flat=True)) == ["odpad"]


def test_a_colleague_who_may_only_read_changes_nothing(world, client, citizen_request):
    client.force_login(world.bob)  # centre B: cannot even see it
    response = _post(client, citizen_request, {"field": "status", "status": Status.RESOLVED})
    assert response.status_code == 404
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.NEW


def test_a_centre_that_only_reads_sees_the_values_and_changes_nothing(
    world, client, citizen_request
):
    world.centre_a.keeps_access_after_transfer = True
    world.centre_a.save()
    item = Request.objects.get(pk=citizen_request.pk)
    services.request_transfer(request=item, centre=world.centre_b, reason="Třebíč", by=world.alice)
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{item.reference}/").content.decode()
    assert 'data-testid="read-only-values"' in page and 'id="panel-status"' not in page
    response = _post(client, item, {"field": "status", "status": Status.RESOLVED})
    assert response.status_code == 200 and 'data-testid="undo"' not in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_without_script_the_page_offers_the_undo_as_a_plain_form(world, client, citizen_request):
    """No htmx: the panel's save button posts the form, the request page comes back with the
    change in the panel and an "undo" button in a plain POST form, which takes it back."""
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert 'data-testid="undo"' not in page  # nothing changed yet
    response = _post(
        client, citizen_request,
        {"status": Status.RESOLVED, "assignee": "", "priority": str(Priority.NORMAL),
         "topic": "", "municipality": citizen_request.municipality.label, "tags": "",
         "queue": ""},
        htmx=False,
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    panel = page[page.index('data-testid="panel-message"') : page.index('id="request-fields"')]
    assert "Uloženo: Stav je nyní „vyřešený“." in panel
    form = panel[panel.index("<form") : panel.index("</form>")]
    assert f'method="post" action="/staff/requests/{citizen_request.reference}/fields"' in form
    assert 'name="field" value="status"' in form and f'name="status" value="{Status.NEW}"' in form
    assert 'name="undo" value="1"' in form and 'type="submit"' in form
    # The offer is made once: a reload shows the page without it.
    assert 'data-testid="undo"' not in client.get(response["Location"]).content.decode()

    undone = client.post(
        f"/staff/requests/{citizen_request.reference}/fields",
        {"field": "status", "status": Status.NEW, "undo": "1"},
        follow=True,
    )
    citizen_request.refresh_from_db()
    assert citizen_request.status == Status.NEW
    html = undone.content.decode()
    assert "Vráceno zpět: Stav je opět „nový“." in html and 'data-testid="undo"' not in html

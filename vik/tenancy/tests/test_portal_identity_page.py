"""A region's coordinator edits the portal's identity on a staff page (no Django admin needed):
the name, colour and logo the portal's header shows; the change is audited like other
configuration; an agent gets 403, and so does a coordinator of another region for this one."""

from django.core.files.uploadedfile import SimpleUploadedFile

from vik.audit.models import AuditEvent
from vik.tenancy.models import PortalColour, PortalIdentity

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def _data(**overrides):
    data = {
        "region": "", "name": "Kraj Vysočina", "colour": PortalColour.PRIMARY_DARK,
        "address": "Žižkova 57, 587 33 Jihlava", "ico": "70890749", "web": "https://www.kr-vysocina.cz",
        "contact_email": "posta@kr-vysocina.cz", "contact_phone": "564 602 111",
        "data_protection_officer": "", "accessibility_statement": "",
        "accessibility_prepared_on": "", "privacy_notice": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_coordinator_edits_the_portal_and_the_change_is_audited(
    world, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.carol)
    page = client.get("/staff/requests/").content.decode()
    assert 'data-testid="nav-portal"' in page  # under "Více"
    page = client.get("/staff/portal/").content.decode()
    assert "Vzhled portálu: Kraj Vysočina" in page
    assert 'name="colour"' in page and "Vybrat soubor<span" in page  # the Czech file chooser
    logo = SimpleUploadedFile("znak.png", PNG, content_type="image/png")
    response = client.post(
        "/staff/portal/", _data(region=world.region.pk, name="Kraj Vysočina — VIK", logo=logo)
    )
    assert response.status_code == 302
    identity = PortalIdentity.objects.get(region=world.region)
    assert (identity.name, identity.colour) == ("Kraj Vysočina — VIK", PortalColour.PRIMARY_DARK)
    assert identity.logo.name.startswith("portal/znak")
    event = AuditEvent.objects.get(action="portal.identity_create")
    assert event.actor == world.carol and event.region_id == world.region.pk
    assert {"name", "colour", "logo"} <= set(event.details["fields"])
    # The portal shows it at once.
    home = client.get("/").content.decode()
    assert "gov-header--primary-800" in home and "Kraj Vysočina — VIK" in home
    assert f'src="{identity.logo.url}"' in home
    # A second change is an update; the logo can be removed without the admin.
    client.post(
        "/staff/portal/",
        _data(region=world.region.pk, name="Kraj Vysočina", logo_remove="on",
              colour=PortalColour.NEUTRAL),
    )  # fmt: skip
    identity.refresh_from_db()
    assert (identity.name, identity.colour, identity.logo.name) == (
        "Kraj Vysočina",
        PortalColour.NEUTRAL,
        "",
    )
    event = AuditEvent.objects.get(action="portal.identity_update")
    assert set(event.details["fields"]) == {"name", "colour", "logo"}


def test_a_logo_that_is_no_image_is_refused_in_czech(world, client):
    client.force_login(world.carol)
    script = SimpleUploadedFile("logo.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post("/staff/portal/", _data(region=world.region.pk, logo=script))
    assert response.status_code == 400
    assert "Logo musí být soubor SVG nebo PNG." in response.content.decode()
    assert (
        not PortalIdentity.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="portal.").exists()
    )


def test_an_agent_gets_403_and_another_regions_coordinator_gets_403_for_it(world, client):
    client.force_login(world.alice)
    assert 'data-testid="nav-portal"' not in client.get("/staff/requests/").content.decode()
    assert client.get("/staff/portal/").status_code == 403
    assert client.post("/staff/portal/", _data(region=world.region.pk)).status_code == 403
    client.force_login(world.dave)  # coordinator of Jihomoravský kraj
    assert "Vzhled portálu: Jihomoravský kraj" in client.get("/staff/portal/").content.decode()
    assert client.get(f"/staff/portal/?region={world.region.pk}").status_code == 403
    response = client.post("/staff/portal/", _data(region=world.region.pk, name="Cizí kraj"))
    assert response.status_code == 403
    assert not PortalIdentity.objects.exists()


def test_an_svg_logo_with_a_script_is_refused_and_a_plain_one_accepted(
    world, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.carol)
    active = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" onload="alert(1)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    )
    for body in active:
        logo = SimpleUploadedFile("znak.svg", body, content_type="image/svg+xml")
        response = client.post("/staff/portal/", _data(region=world.region.pk, logo=logo))
        assert response.status_code == 400, body
        assert "žádné skripty" in response.content.decode()
    fake_png = SimpleUploadedFile("znak.png", b"<svg/>", content_type="image/png")
    response = client.post("/staff/portal/", _data(region=world.region.pk, logo=fake_png))
    assert response.status_code == 400
    assert not PortalIdentity.objects.exists()
    plain = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" fill="#2362a2"/></svg>'
    logo = SimpleUploadedFile("znak.svg", plain, content_type="image/svg+xml")
    response = client.post("/staff/portal/", _data(region=world.region.pk, logo=logo))
    assert response.status_code == 302
    assert PortalIdentity.objects.get().logo.read() == plain

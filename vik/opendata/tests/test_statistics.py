"""The published statistics on crafted data: exact counts, suppression of cells under 5, the
median working time to the first answer, satisfaction, merged requests left out, no personal
data in any output; the CSV files, their CSVW metadata, the DCAT-AP-CZ records; the daily job."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Request
from vik.core import clock
from vik.knowledge import services as knowledge
from vik.knowledge.choices import UsageKind, UsageWhere
from vik.knowledge.models import Article, UsageEvent
from vik.opendata import datasets, selectors, services
from vik.opendata.models import Snapshot
from vik.satisfaction.models import Rating
from vik.testing.personas import World
from vik.topics.models import Topic

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=clock.PRAGUE)
NAME, EMAIL, SUBJECT = "Jana Tajná", "jana.tajna@example.cz", "Soukromá věc paní Tajné"
MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=clock.PRAGUE)  # a working day, 8:00–16:00
_references = count(1)


@pytest.fixture
def at_now() -> Iterator[None]:
    with clock.travel(NOW):
        yield


def make_request(world: World, **fields: Any) -> Request:
    contact, created = Contact.objects.get_or_create(region=world.region, name=NAME)
    if created:
        Identity.objects.create(
            contact=contact, region=world.region, kind=IdentityKind.EMAIL, value=EMAIL
        )
    number = next(_references)
    defaults: dict[str, Any] = {
        "region": world.region,
        "centre": world.centre_a,
        "reference": f"VY-2026-{number:06d}",
        "subject": SUBJECT,
        "requester": contact,
        "origin_channel": ChannelKind.EMAIL,
        "public_token": f"{number:032d}",
        "created_at": MONDAY,
    }
    return Request.objects.create(**{**defaults, **fields})


@pytest.fixture
def crafted(world: World, at_now: None) -> dict[str, Any]:
    """November 2026: 7 e-mails (topic: a subtopic of "Doprava"), 5 web forms (topic
    "Školství"; answered after 10, 30, 60, 90 and 480 working minutes; rated 5, 5, 4, 3, 1),
    4 calls without topic, and one e-mail merged into another. October 2026: 4 visits at the
    counter, answered, each rated."""
    transport = Topic.objects.create(slug="od-doprava", name_cs="Doprava", name_en="Transport")
    parking = Topic.objects.create(
        slug="od-parkovani", name_cs="Parkování", name_en="Parking", parent=transport
    )
    schools = Topic.objects.create(slug="od-skolstvi", name_cs="Školství", name_en="Schools")
    emails = [make_request(world, topic=parking) for _ in range(7)]
    make_request(world, topic=parking, merged_into=emails[0])
    answers = [
        MONDAY + dt.timedelta(minutes=10),
        MONDAY + dt.timedelta(minutes=30),
        MONDAY + dt.timedelta(minutes=60),
        MONDAY + dt.timedelta(minutes=90),
        MONDAY + dt.timedelta(days=1),  # 7 hours on Monday, 1 on Tuesday: 480 minutes
    ]
    for answered_at, score in zip(answers, [5, 5, 4, 3, 1], strict=True):
        request = make_request(
            world, origin_channel=ChannelKind.WEB, topic=schools, first_response_at=answered_at
        )
        Rating.objects.create(
            request=request, score=score, channel=ChannelKind.WEB,
            answered_at=MONDAY + dt.timedelta(days=3), changed_at=MONDAY + dt.timedelta(days=3),
        )  # fmt: skip
    for _ in range(4):
        make_request(world, origin_channel=ChannelKind.PHONE)
    october = dt.datetime(2026, 10, 5, 9, 0, tzinfo=clock.PRAGUE)
    for _ in range(4):
        request = make_request(
            world, origin_channel=ChannelKind.COUNTER, created_at=october,
            first_response_at=october + dt.timedelta(minutes=15),
        )  # fmt: skip
        Rating.objects.create(
            request=request, score=5, channel=ChannelKind.COUNTER, answered_at=october,
            changed_at=october,
        )  # fmt: skip
    return {"parking": parking, "schools": schools}


def _publish(world: World) -> Snapshot:
    return services.snapshot_publish(region=world.region)


def _cell(cells: list[dict[str, Any]], month: str, code: str | None = None) -> dict[str, Any]:
    return next(
        cell for cell in cells if cell["month"] == month and (code is None or cell["code"] == code)
    )


def test_counts_by_month_channel_and_topic_with_suppression(
    world: World, crafted: dict[str, Any]
) -> None:
    payload = _publish(world).payload

    assert payload["months"][0] == {"month": "2024-12", "complete": True}
    assert payload["months"][-1] == {"month": "2026-12", "complete": False}
    assert len(payload["months"]) == 25
    # 7 + 5 + 4 in November (the merged e-mail left out); 4 in October: fewer than 5.
    assert _cell(payload["by_month"], "2026-11")["count"] == 16
    assert _cell(payload["by_month"], "2026-10")["count"] is None
    assert _cell(payload["by_channel"], "2026-11", "email")["count"] == 7
    assert _cell(payload["by_channel"], "2026-11", "web")["count"] == 5
    assert _cell(payload["by_channel"], "2026-11", "phone")["count"] is None  # 4
    assert _cell(payload["by_channel"], "2026-10", "counter")["count"] is None
    assert [item["code"] for item in payload["channels"]] == ["web", "email", "phone", "counter"]
    # The subtopic counts under its top-level topic; no topic is a category of its own.
    assert _cell(payload["by_topic"], "2026-11", "od-doprava")["count"] == 7
    assert _cell(payload["by_topic"], "2026-11", "od-skolstvi")["count"] == 5
    assert _cell(payload["by_topic"], "2026-11", "bez-tematu")["count"] is None
    assert payload["channel_year"] == [
        {"code": "email", "count": 7},
        {"code": "web", "count": 5},
        {"code": "phone", "count": None},
        {"code": "counter", "count": None},
    ]


def test_median_first_response_in_working_minutes_and_satisfaction(
    world: World, crafted: dict[str, Any]
) -> None:
    payload = _publish(world).payload

    assert _cell(payload["response_time"], "2026-11") == {
        "month": "2026-11", "answered": 5, "median_minutes": 60,
    }  # fmt: skip
    # Four answered in October: neither the count nor the median is published.
    assert _cell(payload["response_time"], "2026-10") == {
        "month": "2026-10", "answered": None, "median_minutes": None,
    }  # fmt: skip
    assert _cell(payload["satisfaction"], "2026-11") == {
        "month": "2026-11", "ratings": 5, "satisfied_share": 0.6, "average": 3.6,
    }  # fmt: skip
    assert _cell(payload["satisfaction"], "2026-10") == {
        "month": "2026-10", "ratings": None, "satisfied_share": None, "average": None,
    }  # fmt: skip


@override_settings(VIK_OPENDATA_MIN_CELL=4)
def test_the_threshold_is_a_setting(world: World, crafted: dict[str, Any]) -> None:
    payload = _publish(world).payload

    assert _cell(payload["by_channel"], "2026-11", "phone")["count"] == 4
    assert _cell(payload["response_time"], "2026-10")["median_minutes"] == 15


def _publish_article(world: World, title: str) -> Article:
    with translation.override("cs"):
        article = knowledge.article_create(
            by=None, kind="faq", title=title, question=title, body="Odpověď.", region=world.region
        )
        return knowledge.article_publish(article=article, by=None)


@override_settings(SITE_URL="http://testserver")
def test_most_read_guides(world: World, at_now: None) -> None:
    read = _publish_article(world, "Jak si vyřídit občanský průkaz")
    rarely = _publish_article(world, "Jak přihlásit psa")
    for article, reads in ((read, 6), (rarely, 4)):
        UsageEvent.objects.bulk_create(
            UsageEvent(
                kind=UsageKind.ARTICLE_VIEW,
                where=UsageWhere.PORTAL,
                article=article,
                created_at=NOW - dt.timedelta(days=3),
            )
            for _ in range(reads)
        )
    payload = _publish(world).payload

    assert payload["guides"] == [
        {
            "rank": 1,
            "cs": "Jak si vyřídit občanský průkaz",
            "en": "Jak si vyřídit občanský průkaz",
            "url": f"http://testserver/znalosti/clanek/{read.slug}/",
            "reads": 6,
        }
    ]


def _csv(client: Any, slug: str) -> tuple[list[str], list[dict[str, str]], Any]:
    response = client.get(f"/statistiky/data/{slug}.csv?kraj=3107")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, response


@override_settings(SITE_URL="http://testserver")
def test_csv_files_and_their_csvw_metadata(
    world: World, crafted: dict[str, Any], client: Any
) -> None:
    _publish(world)

    header, rows, response = _csv(client, "pozadavky-podle-kanalu")
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response["Link"] == (
        "<http://testserver/statistiky/data/pozadavky-podle-kanalu.csv-metadata.json?kraj=3107>;"
        ' rel="describedby"; type="application/csvm+json"'
    )
    november = {row["kanal"]: row for row in rows if row["mesic"] == "2026-11"}
    assert november["email"] == {
        "kraj_kod": "3107", "mesic": "2026-11", "mesic_uplny": "true", "kanal": "email",
        "kanal_nazev": "e-mail", "pocet_pozadavku": "7", "poznamka": "",
    }  # fmt: skip
    assert november["phone"]["pocet_pozadavku"] == ""
    assert november["phone"]["poznamka"] == "potlačeno: méně než 5"
    assert len(rows) == 25 * 4  # every month × every channel seen
    assert rows[-1]["mesic"] == "2026-12" and rows[-1]["mesic_uplny"] == "false"

    for dataset in datasets.DATASETS.values():
        header, _rows, _response = _csv(client, dataset.slug)
        response = client.get(f"/statistiky/data/{dataset.slug}.csv-metadata.json?kraj=3107")
        assert response.status_code == 200
        metadata = json.loads(response.content)
        assert metadata["@context"][0] == "http://www.w3.org/ns/csvw"
        assert metadata["url"] == (
            f"http://testserver/statistiky/data/{dataset.slug}.csv?kraj=3107"
        )
        columns = metadata["tableSchema"]["columns"]
        assert [column["name"] for column in columns] == header
        assert [column["titles"] for column in columns] == header
        assert set(metadata["tableSchema"]["primaryKey"]) <= set(header)
        assert all(column["datatype"] for column in columns)
        assert {item["@language"] for item in metadata["dc:title"]} == {"cs", "en"}
        assert metadata["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}

    _header, rows, _response = _csv(client, "doba-odpovedi")
    assert {
        "mesic": rows[-2]["mesic"],
        "pocet_zodpovezenych": rows[-2]["pocet_zodpovezenych"],
        "median": rows[-2]["median_minut_pracovni_doby"],
    } == {"mesic": "2026-11", "pocet_zodpovezenych": "5", "median": "60"}
    _header, rows, _response = _csv(client, "spokojenost")
    assert (rows[-2]["pocet_hodnoceni"], rows[-2]["podil_spokojenych"]) == ("5", "0.6")
    assert rows[-2]["prumerne_hodnoceni"] == "3.6"


@override_settings(
    SITE_URL="https://vik.example.cz",
    VIK_OPENDATA_PUBLISHER="https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/70890749",
)
def test_dcat_ap_cz_records(world: World, crafted: dict[str, Any], client: Any) -> None:
    _publish(world)

    response = client.get("/statistiky/katalog.jsonld?kraj=VYS")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalogue = json.loads(response.content)
    assert catalogue["@context"] == datasets.OFN_CONTEXT
    assert catalogue["typ"] == "Katalog"
    assert catalogue["iri"] == "https://vik.example.cz/statistiky/katalog.jsonld?kraj=3107"
    assert set(catalogue["název"]) == {"cs", "en"}
    assert len(catalogue["datová_sada"]) == len(datasets.DATASETS)

    for iri in catalogue["datová_sada"]:
        path = iri.removeprefix("https://vik.example.cz")
        record = json.loads(client.get(path).content)
        assert record["iri"] == iri
        assert record["typ"] == "Datová sada"
        assert set(record["název"]) == set(record["popis"]) == {"cs", "en"}
        assert record["klíčové_slovo"]["cs"] and record["klíčové_slovo"]["en"]
        assert record["poskytovatel"].endswith("/70890749")
        assert record["téma"] == [
            "http://publications.europa.eu/resource/authority/data-theme/GOVE"
        ]
        assert record["periodicita_aktualizace"] == (
            "http://publications.europa.eu/resource/authority/frequency/DAILY"
        )
        assert record["prvek_rúian"] == ["https://linked.cuzk.cz/resource/ruian/vusc/108"]
        (distribution,) = record["distribuce"]
        slug = path.split("/")[-1].split(".")[0]
        assert distribution["soubor_ke_stažení"] == (
            f"https://vik.example.cz/statistiky/data/{slug}.csv?kraj=3107"
        )
        assert distribution["typ_média"] == "http://www.iana.org/assignments/media-types/text/csv"
        assert distribution["formát"] == (
            "http://publications.europa.eu/resource/authority/file-type/CSV"
        )
        assert distribution["schéma"] == (
            f"https://vik.example.cz/statistiky/data/{slug}.csv-metadata.json?kraj=3107"
        )
        terms = distribution["podmínky_užití"]
        assert terms["databáze_chráněná_zvláštními_právy"] == (
            "https://creativecommons.org/licenses/by/4.0/"
        )
        assert (
            terms["osobní_údaje"] == "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"
        )


def test_no_personal_data_in_any_output(world: World, crafted: dict[str, Any], client: Any) -> None:
    _publish(world)
    outputs = [
        client.get("/statistiky/?kraj=3107"),
        client.get("/statistiky/katalog.jsonld?kraj=3107"),
    ]
    for dataset in datasets.DATASETS.values():
        for suffix in (".csv", ".csv-metadata.json", ".jsonld"):
            outputs.append(client.get(f"/statistiky/data/{dataset.slug}{suffix}?kraj=3107"))
    for response in outputs:
        assert response.status_code == 200
        text = response.content.decode("utf-8")
        for secret in (NAME, EMAIL, SUBJECT, "Tajn", "VY-2026-"):
            assert secret not in text
    assert NAME not in json.dumps(Snapshot.objects.get(region=world.region).payload)


def test_the_page_in_czech_and_english(world: World, crafted: dict[str, Any], client: Any) -> None:
    _publish(world)

    page = client.get("/statistiky/?kraj=3107").content.decode()
    assert "V listopadu 2026 přijala centra 16 dotazů, nejvíce e-mailem." in page
    assert "V listopadu 2026 byla polovina dotazů zodpovězena do 1 h 00 min pracovní doby." in page
    assert "V listopadu 2026 bylo 60 % hodnocení 4 nebo 5 z 5 (průměr 3,6)." in page
    assert "méně než 5" in page
    assert 'href="/statistiky/"' in page  # the footer links it

    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get("/statistiky/?kraj=3107", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "In November 2026 the centres received 16 requests, most of them by e-mail." in page


def test_a_region_without_snapshot_and_an_unknown_region(world: World, client: Any) -> None:
    page = client.get("/statistiky/?kraj=3115")
    assert page.status_code == 200
    assert "dosud nebyly zveřejněny" in page.content.decode()
    assert client.get("/statistiky/data/spokojenost.csv?kraj=3115").status_code == 404
    assert client.get("/statistiky/?kraj=XYZ").status_code == 404
    assert client.get("/statistiky/data/nic.csv").status_code == 404


def test_the_daily_job_publishes_once_a_day(
    world: World, at_now: None, django_assert_num_queries: Any
) -> None:
    assert services.snapshots_publish_due() == 2  # Vysočina and Jihomoravský kraj
    first = {snapshot.region_id: snapshot.generated_at for snapshot in Snapshot.objects.all()}

    with django_assert_num_queries(1):
        assert services.snapshots_publish_due() == 0
    assert {s.region_id: s.generated_at for s in Snapshot.objects.all()} == first

    with clock.travel(NOW + dt.timedelta(days=1)):
        assert services.snapshots_publish_due() == 2
    assert Snapshot.objects.count() == 4
    latest = selectors.snapshot_latest(region=world.region)
    assert latest is not None and latest.date == dt.date(2026, 12, 7)


def test_the_command_publishes_one_region(world: World, at_now: None) -> None:
    out = io.StringIO()
    call_command("opendata", "publish", "--region", "VYS", stdout=out)
    call_command("opendata", "publish", "--region", "VYS", stdout=out)  # replaces today's

    assert out.getvalue().count("Kraj Vysočina: statistics of 2026-12-06 published") == 2
    assert list(Snapshot.objects.values_list("region__code", "date")) == [
        ("3107", dt.date(2026, 12, 6))
    ]


@override_settings(VIK_RATE_LIMITS="opendata=2/m")
def test_the_public_files_are_rate_limited(world: World, at_now: None, client: Any) -> None:
    _publish(world)
    url = "/statistiky/data/spokojenost.csv?kraj=3107"

    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]

"""The reports pages, their permissions, drill-down links, exports and scheduled e-mails."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import time
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.conversations.selectors import request_filters_from_params, requests_filtered
from vik.core import clock
from vik.reports import services
from vik.reports.document import Chart, Column, ReportDocument, Section
from vik.reports.exports import document_file
from vik.reports.models import ReportSchedule
from vik.satisfaction.models import Rating
from vik.tenancy.models import Membership

from .conftest import make_request

PERIOD = "preset=this_month"


@pytest.fixture
def requests(world, lead):
    """This month: centre A 3 e-mails (1 resolved, 2 assigned to Alice) and 1 web form,
    centre B 2 phone calls; last year one more e-mail of centre A."""
    now = clock.now()
    made = [
        make_request(world, centre=world.centre_a, assignee=world.alice),
        make_request(world, centre=world.centre_a, assignee=world.alice, status="resolved"),
        make_request(world, centre=world.centre_a),
        make_request(world, centre=world.centre_a, channel=ChannelKind.WEB),
        make_request(world, centre=world.centre_b, channel=ChannelKind.PHONE),
        make_request(world, centre=world.centre_b, channel=ChannelKind.PHONE, assignee=world.bob),
        make_request(world, centre=world.centre_a, received=now - dt.timedelta(days=400)),
    ]
    return made


def table_numbers(html: str) -> dict[str, list[str]]:
    """The report table's rows: first cell (the row header) → the other cells' texts."""
    body = (
        html.split('data-testid="report-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    )
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("carol", {"e-mail": ["3", "2"], "telefon": ["2", "2"], "webový formulář": ["1", "1"]}),
        ("erin", {"e-mail": ["3", "2"], "telefon": ["2", "2"], "webový formulář": ["1", "1"]}),
        ("lead", {"e-mail": ["3", "2"], "webový formulář": ["1", "1"]}),
        ("alice", {"e-mail": ["2", "1"]}),
        ("bob", {"telefon": ["1", "1"]}),
    ],
)
def test_each_reader_sees_their_reach(
    world, lead, requests, test_reports, client, persona, expected
):
    user = lead if persona == "lead" else getattr(world, persona)
    client.force_login(user)
    response = client.get(f"/staff/reports/test-channels/?{PERIOD}")
    assert response.status_code == 200
    rows = table_numbers(response.content.decode())
    assert {label: cells[:2] for label, cells in rows.items()} == expected


def test_who_reads_no_reports_is_refused_and_nothing_is_computed(
    world, requests, test_reports, client
):
    client.force_login(world.dora)  # a data-protection officer only
    assert client.get("/staff/reports/").status_code == 403
    assert client.get(f"/staff/reports/test-channels/?{PERIOD}").status_code == 403
    assert client.get(f"/staff/reports/test-channels/export.csv?{PERIOD}").status_code == 403
    assert test_reports == []
    assert b"nav-reports" not in client.get("/staff/requests/").content


def test_a_report_not_for_agents_is_refused_to_an_agent_before_anything_is_computed(
    world, lead, requests, test_reports, client
):
    client.force_login(world.alice)
    index = client.get("/staff/reports/").content.decode()
    assert "Požadavky podle kanálů" in index and "Vytížení týmu" not in index
    assert client.get("/staff/reports/test-leads/").status_code == 403
    assert client.get("/staff/reports/test-leads/export.pdf").status_code == 403
    assert test_reports == []
    client.force_login(lead)
    assert client.get("/staff/reports/test-leads/").status_code == 200
    assert len(test_reports) == 1


def test_a_lead_asking_for_another_centre_gets_only_their_own(
    world, lead, requests, test_reports, client
):
    client.force_login(lead)
    response = client.get(f"/staff/reports/test-channels/?{PERIOD}&centre={world.centre_b.pk}")
    assert response.status_code == 200
    assert "telefon" not in table_numbers(response.content.decode())
    filters, scope = test_reports[-1]
    assert filters.centre_ids == () and scope.centre_ids == frozenset({world.centre_a.pk})
    # A coordinator of another region asking for Vysočina sees his own region: nothing here.
    client.force_login(world.dave)
    response = client.get(f"/staff/reports/test-channels/?{PERIOD}&region={world.region.pk}")
    assert test_reports[-1][1].region_id == world.other_region.pk
    assert all(cells == [] for cells in table_numbers(response.content.decode()).values())


def test_every_number_links_to_a_request_list_of_as_many_requests(
    world, lead, requests, test_reports, client
):
    for user in (world.carol, lead, world.alice):
        client.force_login(user)
        html = client.get(f"/staff/reports/test-channels/?{PERIOD}").content.decode()
        links = re.findall(
            r'<a href="(/staff/requests/\?[^"]*received_from[^"]+)">([^<]+)</a>', html
        )
        assert len(links) >= 3
        for href, number in links:
            params = QueryDict(urlsplit(unescape(href)).query)
            listed = requests_filtered(
                user=user, filters=request_filters_from_params(params)
            ).count()
            assert listed == int(number.replace("\xa0", "")), (user, href)
            page = client.get(unescape(href))
            assert page.status_code == 200
            assert page.content.decode().count('data-testid="request-row"') == listed


def test_the_table_shows_czech_notation(world, lead, requests, test_reports, client):
    client.force_login(world.carol)
    html = client.get(f"/staff/reports/test-channels/?{PERIOD}").content.decode()
    rows = table_numbers(html)
    assert rows["e-mail"][2:] == ["67\xa0%", "2\xa0h 15\xa0min"]
    assert "<caption>Podle kanálu</caption>" in html
    assert 'th scope="col" class="vik-num">Požadavky' in html
    assert 'id="section-channels-data" type="application/json"' in html


def test_csv_export_has_the_filters_and_the_numbers(world, lead, requests, test_reports, client):
    client.force_login(lead)
    response = client.get(f"/staff/reports/test-channels/export.csv?{PERIOD}&channel=email")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    today = clock.today()
    assert rows[0] == ["Požadavky podle kanálů"]
    assert rows[1] == ["Rozsah", "Centrum jihlava"]
    assert rows[2] == [
        "Období",
        f"1. {today.month}. {today.year} – {today.day}. {today.month}. {today.year}",
    ]
    assert [
        rows[7][0],
        *rows[7][3:],
    ] == ["Kanál", "Podíl nevyřízených (%)", "První odpověď (pracovní minuty)"]
    assert rows[8] == ["e-mail", "3", "2", "66,7", "135"]
    event = AuditEvent.objects.get(action="reports.exported")
    assert (
        event.actor == lead
        and event.details["format"] == "csv"
        and event.region_id == world.region.pk
    )


def test_xlsx_export_read_back(world, lead, requests, test_reports, client):
    client.force_login(world.carol)
    response = client.get(f"/staff/reports/test-channels/export.xlsx?{PERIOD}")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Přehled", "Podle kanálu"]
    cover = list(workbook["Přehled"].iter_rows(values_only=True))
    assert cover[0][0] == "Požadavky podle kanálů"
    assert ("Rozsah", "Kraj Vysočina") in [row[:2] for row in cover]
    sheet = workbook["Podle kanálu"]
    values = list(sheet.iter_rows(values_only=True))
    header = values.index(
        (
            "Kanál",
            "Požadavky",
            "Nevyřízené",
            "Podíl nevyřízených (%)",
            "První odpověď (pracovní minuty)",
        )
    )
    assert values[header + 1] == ("e-mail", 3, 2, pytest.approx(2 / 3), 135)
    assert sheet.cell(row=header + 2, column=4).number_format == "0.0 %"
    assert values[-1][:2] == ("Celkem", 6)


def test_pdf_export_text(world, lead, requests, test_reports, client):
    client.force_login(world.carol)
    response = client.get(f"/staff/reports/test-channels/export.pdf?{PERIOD}")
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Požadavky podle kanálů" in text
    assert "Období" in text and "Kraj Vysočina" in text
    assert "Celkem přišlo 6 požadavků." in text
    assert re.search(r"e-mail\s+3\s+2\s+67 %\s+2 h 15 min", text.replace("\xa0", " "))
    assert "Strana 1 z 1" in text


def test_unknown_report_and_format(world, test_reports, client):
    client.force_login(world.carol)
    assert client.get("/staff/reports/nothing/").status_code == 404
    assert client.get("/staff/reports/test-channels/export.doc").status_code == 404


def test_index_lists_the_reports_with_descriptions(world, test_reports, client):
    client.force_login(world.carol)
    html = client.get("/staff/reports/").content.decode()
    assert "Kolik požadavků přišlo kterým kanálem." in html
    assert 'href="/staff/reports/test-channels/"' in html
    assert 'data-testid="nav-reports"' in html


# Scheduled reports -------------------------------------------------------------------------


def test_a_schedule_is_sent_exactly_once_with_its_attachment(
    world, lead, requests, test_reports, client, smtp_sink
):
    world.carol.email = "carol@example.cz"
    world.carol.save()
    client.force_login(world.carol)
    response = client.post(
        "/staff/reports/test-channels/schedule?preset=this_month&channel=email",
        {"frequency": "monthly", "file_format": "xlsx", "to_centre_leads": "on"},
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert schedule.filters == {"preset": "this_month", "channel": "email"}
    assert schedule.to_centre_leads is True
    listed = client.get("/staff/reports/schedules/").content.decode()
    assert "Požadavky podle kanálů" in listed
    ReportSchedule.objects.update(next_run_at=clock.now() - dt.timedelta(minutes=1))
    assert services.schedules_send_due() == 2  # Carol and Lena, the lead of centre A
    assert services.schedules_send_due() == 0  # claimed: the next run is next month
    assert sorted(m["To"] for m in smtp_sink.messages) == ["carol@example.cz", "lena@example.cz"]
    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    for address, expected in (
        ("carol@example.cz", "Kraj Vysočina"),
        ("lena@example.cz", "Centrum jihlava"),
    ):
        [attachment] = list(by_recipient[address].iter_attachments())
        assert attachment.get_filename().endswith(".xlsx")
        workbook = load_workbook(io.BytesIO(attachment.get_content()))
        cover = [row[:2] for row in workbook["Přehled"].iter_rows(values_only=True)]
        assert ("Rozsah", expected) in cover
    schedule.refresh_from_db()
    assert schedule.last_sent_at is not None and schedule.next_run_at > clock.now()


def test_two_workers_claim_a_due_schedule_once(world, test_reports, smtp_sink):
    world.carol.email = "carol@example.cz"
    world.carol.save()
    schedule = ReportSchedule.objects.create(
        owner=world.carol, report_slug="test-channels", region=world.region,
        filters={"preset": "last_month"}, file_format="csv", frequency="weekly",
        next_run_at=clock.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    run_at = schedule.next_run_at
    first = ReportSchedule.objects.filter(pk=schedule.pk, next_run_at=run_at).update(
        next_run_at=clock.now()
    )
    second = ReportSchedule.objects.filter(pk=schedule.pk, next_run_at=run_at).update(
        next_run_at=clock.now()
    )
    assert (first, second) == (1, 0)


def test_a_lead_who_lost_the_role_gets_nothing(world, lead, test_reports, smtp_sink):
    schedule = ReportSchedule.objects.create(
        owner=lead, report_slug="test-channels", region=world.region,
        filters={"preset": "last_month"}, file_format="pdf", frequency="monthly",
        next_run_at=clock.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    Membership.objects.filter(user=lead).delete()
    assert services.schedules_send_due() == 0
    assert smtp_sink.messages == [] and test_reports == []
    schedule.refresh_from_db()
    assert schedule.next_run_at > clock.now()


def test_only_the_owner_cancels_a_schedule(world, lead, test_reports, client):
    schedule = ReportSchedule.objects.create(
        owner=lead, report_slug="test-channels", region=world.region, filters={},
        next_run_at=clock.now(),
    )  # fmt: skip
    client.force_login(world.carol)
    assert client.post(f"/staff/reports/schedules/{schedule.pk}/delete").status_code == 403
    client.force_login(lead)
    assert client.post(f"/staff/reports/schedules/{schedule.pk}/delete").status_code == 302
    assert not ReportSchedule.objects.exists()


def test_drill_parameters_of_the_request_list(world, lead, requests, client):
    now = clock.now()
    old = requests[-1]
    orp = world.centre_a.competences.first().orp
    municipality = orp.municipalities.first()
    late = make_request(
        world, centre=world.centre_a, municipality=municipality, sla_breached_at=now
    )

    def visible(**params: str) -> set[int]:
        filters = request_filters_from_params(params)
        return set(
            requests_filtered(user=world.carol, filters=filters).values_list("pk", flat=True)
        )

    today = clock.today().isoformat()
    assert old.pk not in visible(received_from=(clock.today() - dt.timedelta(days=30)).isoformat())
    assert visible(received_to=(clock.today() - dt.timedelta(days=300)).isoformat()) == {old.pk}
    assert late.pk in visible(received_from=today, received_to=today)
    assert visible(orp=str(orp.pk)) == {late.pk}
    assert visible(municipality=str(municipality.pk)) == {late.pk}
    assert visible(overdue="1") == {late.pk}
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/?orp={orp.pk}&overdue=1").content.decode()
    assert late.reference in page and requests[0].reference not in page
    assert "Lhůta zmeškána" in page  # the active filter's chip


def test_rating_drill_parameter(world, requests):
    now = clock.now()
    for request, score in zip(requests[:3], (5, 4, 1), strict=True):
        Rating.objects.create(
            request=request, score=score, channel="web", answered_at=now, changed_at=now
        )
    filters = request_filters_from_params({"rating": "4-5"})
    rated = set(requests_filtered(user=world.carol, filters=filters).values_list("pk", flat=True))
    assert rated == {requests[0].pk, requests[1].pk}
    filters = request_filters_from_params({"rating": "1"})
    assert requests_filtered(user=world.carol, filters=filters).get() == requests[2]


def test_a_year_by_month_exports_within_five_seconds(world):
    """Six sections of twelve months and one of 53 weeks: CPU time of each file (the wall time
    of a loaded test machine says little)."""
    columns = [
        Column("period", "Období", "date"),
        Column("total", "Požadavky", "count", drill={}),
        Column("share", "Včas", "percent"),
        Column("minutes", "První odpověď", "minutes"),
    ]

    def section(number: int, rows: int) -> Section:
        return Section(
            slug=f"s{number}", title=f"Oddíl {number}", summary="Shrnutí oddílu.",
            columns=columns,
            rows=[
                {"period": dt.date(2026, 1, 1) + dt.timedelta(weeks=i), "total": 1000 + i,
                 "share": 0.9, "minutes": 135 + i}
                for i in range(rows)
            ],
            chart=Chart("bar", "period", ("total",)),
        )  # fmt: skip

    document = ReportDocument(
        slug="year", title="Rok 2026", filters_description=[("Období", "2026")],
        sections=[*(section(n, 12) for n in range(6)), section(6, 53)],
        generated_at=clock.now(),
    )  # fmt: skip
    for file_format in ("csv", "xlsx", "pdf"):
        start = time.process_time()
        assert document_file(document, file_format)
        assert time.process_time() - start < 5, file_format


@pytest.mark.parametrize(("persona", "shown"), [("carol", True), ("erin", True), ("lead", False)])
def test_the_audit_report_counts_personal_data_reads_for_readers_of_the_region(
    world, lead, client, persona, shown
):
    user = lead if persona == "lead" else getattr(world, persona)
    client.force_login(user)
    response = client.get(f"/staff/reports/audit/?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert ("data_access_by_kind" in html or "data-access-by-kind" in html) is shown
    assert ("Počty přístupů k osobním údajům vidí" in html) is not shown

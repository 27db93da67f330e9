"""Every monthly view: the right persona gets it, another township 404, the wrong role 403, the wrong
method 405, anonymous visitors the sign-in page; the overview's flags and query count; the Excel export
holds the page's figures."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import zh
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level
from gridwatch.monthly import services
from gridwatch.monthly.models import MonthlyReport, ReportStatus

from .conftest import OCTOBER, on

A, B = "522729101000", "522729103000"


def report_url(name="report_detail", code=A, month="2026-10", **extra):
    return reverse(f"monthly:{name}", kwargs={"code": code, "month": month, **extra})


@pytest.fixture
def submitted(township_a, township_officer_a):
    with on(2026, 11, 3):
        return services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)


# ------------------------------------------------------------------------------------------ the report


@pytest.mark.parametrize("persona", ["township_officer_a", "county_officer", "office", "commission_liaison"])
def test_it_shows_the_report_to_its_readers(request, as_user, persona, october_data):
    client = as_user(request.getfixturevalue(persona))
    with on(2026, 11, 2):
        response = client.get(report_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "张伟" in page and "《县社区网格干部监督信息报告表》" in page
    assert "举报人写的秘密内容" not in page


def test_it_answers_404_for_another_township(as_user, township_officer_b, township_a):
    client = as_user(township_officer_b)
    with on(2026, 11, 2):
        assert client.get(report_url()).status_code == 404
        assert client.get(report_url("report_export")).status_code == 404
        assert client.post(report_url("report_remarks"), {"remarks": "x"}).status_code == 404
        assert client.post(report_url("report_action", action="submit")).status_code == 404
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("persona", ["grid_supervisor", "unit_liaison", "cadre_user", "system_admin"])
def test_it_refuses_the_wrong_roles(request, as_user, persona, township_a):
    client = as_user(request.getfixturevalue(persona))
    with on(2026, 11, 2):
        for url in (
            report_url(),
            report_url("report_export"),
            reverse("monthly:index"),
            reverse("monthly:overview"),
        ):
            assert client.get(url).status_code == 403
        assert client.post(report_url("report_remarks"), {"remarks": "x"}).status_code == 403
        assert client.post(report_url("report_action", action="submit")).status_code == 403


def test_it_answers_404_for_a_future_month_or_an_unknown_action(as_user, township_officer_a, township_a):
    client = as_user(township_officer_a)
    with on(2026, 11, 2):
        assert client.get(report_url(month="2026-12")).status_code == 404
        assert client.get(report_url(month="2026-13")).status_code == 404
        assert client.post(report_url("report_action", action="publish")).status_code == 404


def test_it_refuses_the_wrong_method(as_user, township_officer_a, county_officer, township_a, submitted):
    client = as_user(township_officer_a)
    assert client.post(report_url()).status_code == 405
    assert client.get(report_url("report_remarks")).status_code == 405
    assert client.get(report_url("report_action", action="submit")).status_code == 405
    assert client.post(reverse("monthly:index")).status_code == 405
    client = as_user(county_officer)
    assert client.post(reverse("monthly:overview")).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, township_a):
    for url in (report_url(), reverse("monthly:index"), reverse("monthly:urgent_list")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_township_saves_remarks_then_submits_from_the_page(
    as_user, township_officer_a, township_a, county_officer
):
    client = as_user(township_officer_a)
    with on(2026, 11, 3):
        response = client.get(report_url())
        assert zh("Save and submit to the county") in response.content.decode()
        assert (
            client.post(
                report_url("report_remarks"), {"remarks": "本月无重大问题", "then": "save"}
            ).status_code
            == 302
        )
        report = MonthlyReport.objects.get()
        assert (report.status, report.remarks) == (ReportStatus.DRAFT, "本月无重大问题")
        response = client.post(
            report_url("report_remarks"), {"remarks": "本月无重大问题。", "then": "submit"}
        )
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.late is False
    # County staff may not submit, township staff may not receive.
    with on(2026, 11, 4):
        assert as_user(county_officer).post(report_url("report_remarks"), {"remarks": "x"}).status_code == 403
        assert (
            as_user(township_officer_a).post(report_url("report_action", action="receive")).status_code == 403
        )


def test_the_running_month_has_no_submit_button(as_user, township_officer_a, township_a):
    client = as_user(township_officer_a)
    with on(2026, 11, 20):
        page = client.get(report_url(month="2026-11")).content.decode()
        assert zh("Save and submit to the county") not in page
        assert client.post(report_url("report_action", month="2026-11", action="submit")).status_code == 400


def test_the_county_returns_with_a_reason_then_receives(
    as_user, county_officer, township_officer_a, submitted
):
    client = as_user(county_officer)
    with on(2026, 11, 4):
        page = client.get(report_url()).content.decode()
        assert zh("Return for correction") in page
        assert client.post(report_url("report_action", action="return"), {"reason": ""}).status_code == 400
        assert (
            client.post(
                report_url("report_action", action="return"), {"reason": "请核对网格数据"}
            ).status_code
            == 302
        )
        submitted.refresh_from_db()
        assert submitted.status == ReportStatus.RETURNED
        assert "请核对网格数据" in as_user(township_officer_a).get(report_url()).content.decode()
        assert as_user(county_officer).post(report_url("report_action", action="receive")).status_code == 400
        services.report_submit(actor=township_officer_a, township=submitted.township, month=OCTOBER)
        assert as_user(county_officer).post(report_url("report_action", action="receive")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RECEIVED


def test_it_hides_notable_items_about_a_cadre_the_reader_is_conflicted_with(
    as_user, october_data, township_officer_a, cadre_a
):
    """A township officer who declared a relation to 张伟 sees the counts but not the items naming him."""
    from gridwatch.people.models import DeclaredRelation

    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind="spouse")
    with on(2026, 11, 2):
        page = as_user(township_officer_a).get(report_url()).content.decode()
    assert "张伟" not in page
    assert "王芳" in page


# ----------------------------------------------------------------------------------------- the export


def _sheet_rows(content):
    wb = load_workbook(io.BytesIO(content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_the_excel_file_holds_the_figures_of_the_page(as_user, october_data, township_officer_a, township_a):
    """The summary, by-circle and by-grid tables of the .xlsx are the page's, number for number."""
    client = as_user(township_officer_a)
    with on(2026, 11, 2):
        page = client.get(report_url())
        response = client.get(report_url("report_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet_rows(response.content)
    document = page.context["document"]
    assert rows[0][0] == document["title"]
    flat = [[v for v in row if v is not None] for row in rows]
    for section in document["sections"]:
        if section["kind"] != "table":
            continue
        start = flat.index([section["heading"]])
        assert flat[start + 1] == section["columns"]
        for offset, expected in enumerate(section["rows"], start=2):
            assert flat[start + offset] == [v for v in expected if v != ""]
    summary = flat[flat.index([zh("Summary")]) + 2 : flat.index([zh("Summary")]) + 9]
    assert [r[1] for r in summary] == [3, 3, 2, 2, 2, 1, 1]
    assert AuditEvent.objects.filter(action="monthly.export").count() == 1


def test_the_export_writes_text_as_text(as_user, township_officer_a, township_a):
    """Remarks starting with "=" stay text in the file (no formula)."""
    client = as_user(township_officer_a)
    with on(2026, 11, 2):
        services.report_remarks_save(
            actor=township_officer_a, township=township_a, month=OCTOBER, remarks="=1+1"
        )
        rows = _sheet_rows(client.get(report_url("report_export")).content)
    assert ["=1+1"] in [[v for v in r if v is not None] for r in rows]


# --------------------------------------------------------------------------------------- the overview


def test_the_county_lands_on_the_overview_and_the_township_on_its_months(
    as_user, county_officer, township_officer_a, township_a
):
    with on(2026, 11, 2):
        assert as_user(county_officer).get(reverse("monthly:index"))["Location"] == reverse(
            "monthly:overview"
        )
        page = as_user(township_officer_a).get(reverse("monthly:index"))
        assert page.status_code == 200
        assert report_url() in page.content.decode()
        assert as_user(township_officer_a).get(reverse("monthly:overview")).status_code == 403


def _cell(page, code, month):
    html = page.content.decode()
    link = report_url(code=code, month=month)
    start = html.index(f'href="{link}"')
    return html[start : start + 200]


def test_the_overview_flags_a_missing_report_on_the_5th_and_red_after(
    as_user, county_officer, township_a, township_b, township_officer_a
):
    """On 5 November a township that has not sent October's report shows "due today" (amber); on the 6th
    "missing" (red); a report sent on the 6th shows as late."""
    with on(2026, 11, 4):
        client = as_user(county_officer)
        assert zh("Not yet due") in _cell(client.get(reverse("monthly:overview")), A, "2026-10")
    with on(2026, 11, 5):
        client = as_user(county_officer)
        cell = _cell(client.get(reverse("monthly:overview")), A, "2026-10")
        assert "badge amber" in cell and zh("Due today, not sent") in cell
    with on(2026, 11, 6):
        client = as_user(county_officer)
        cell = _cell(client.get(reverse("monthly:overview")), A, "2026-10")
        assert "badge red" in cell and zh("Not sent, past the due day") in cell
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
        page = client.get(reverse("monthly:overview"))
        cell = _cell(page, A, "2026-10")
        assert "badge red" in cell and zh("Submitted late") in cell
        assert zh("Not sent, past the due day") in _cell(page, B, "2026-10")


def _add_townships(county, n):
    for i in range(n):
        geo.area_create(
            actor=None,
            code=f"5227292{i:02d}000",
            name=f"乡{i}",
            level=Level.TOWNSHIP,
            kind=Kind.TOWNSHIP,
            parent=county,
        )


@pytest.mark.parametrize("extra", [0, 10])
def test_the_overview_costs_the_same_queries_for_any_number_of_townships(
    as_user, county_officer, county, township_a, township_b, extra, django_assert_max_num_queries
):
    _add_townships(county, extra)
    client = as_user(county_officer)
    with on(2026, 11, 6), django_assert_max_num_queries(14):
        response = client.get(reverse("monthly:overview"))
    assert response.status_code == 200


def test_the_township_list_costs_a_fixed_number_of_queries(
    as_user, township_officer_a, township_a, django_assert_max_num_queries
):
    client = as_user(township_officer_a)
    for m in range(1, 10):
        MonthlyReport.objects.create(
            township=township_a, month=datetime.date(2026, m, 1), status=ReportStatus.RECEIVED
        )
    with on(2026, 11, 6), django_assert_max_num_queries(14):
        assert client.get(reverse("monthly:index")).status_code == 200


def test_the_county_exports_the_month_summary(
    as_user, county_officer, office, october_data, township_a, township_officer_a
):
    with on(2026, 11, 3):
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    with on(2026, 11, 6):
        response = as_user(county_officer).get(reverse("monthly:summary_export", kwargs={"month": "2026-10"}))
        assert (
            as_user(office).get(reverse("monthly:summary_export", kwargs={"month": "2026-10"})).status_code
            == 200
        )
        assert (
            as_user(township_officer_a)
            .get(reverse("monthly:summary_export", kwargs={"month": "2026-10"}))
            .status_code
            == 403
        )
        assert (
            as_user(county_officer)
            .get(reverse("monthly:summary_export", kwargs={"month": "2026-11"}))
            .status_code
            == 404
        )
    rows = [[v for v in r if v is not None] for r in _sheet_rows(response.content)]
    by_name = {r[0]: r for r in rows if r and r[0] in ("广顺镇", "摆所镇")}
    assert by_name["广顺镇"][1] == zh("Submitted")
    assert by_name["广顺镇"][3:] == [3, 3, 2, 2, 2, 1, 1]
    assert by_name["摆所镇"][1] == zh("Not sent, past the due day")
    assert by_name["摆所镇"][2] == 1  # the card compiled live
    assert AuditEvent.objects.filter(action="monthly.summary_export").count() == 2


def test_a_liaison_lists_the_townships_they_are_linked_to(
    as_user, commission_liaison, township_a, township_b
):
    with on(2026, 11, 2):
        page = as_user(commission_liaison).get(reverse("monthly:index")).content.decode()
    assert "广顺镇" in page and "摆所镇" not in page


def test_it_is_in_the_menu_of_its_readers(as_user, township_officer_a, grid_supervisor):
    with on(2026, 11, 2):
        assert (
            reverse("monthly:index") in as_user(township_officer_a).get(reverse("core:home")).content.decode()
        )
        assert (
            reverse("monthly:index")
            not in as_user(grid_supervisor).get(reverse("core:home")).content.decode()
        )


def test_the_pdf_holds_the_figures_and_names_of_the_page(
    as_user, october_data, township_officer_a, grid_supervisor
):
    """The PDF is drawn from the page's document: its title, the notable cadres and the by-grid rows read
    back from the file."""
    from pypdf import PdfReader

    client = as_user(township_officer_a)
    with on(2026, 11, 2):
        document = client.get(report_url()).context["document"]
        response = client.get(report_url("report_pdf"))
        assert as_user(grid_supervisor).get(report_url("report_pdf")).status_code == 403
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "广顺镇" in text and "张伟" in text and "王芳" in text
    by_grid = next(s for s in document["sections"] if s["heading"] == zh("By grid"))
    for row in by_grid["rows"]:
        assert " ".join(str(v) for v in row[1:]) in text
    assert AuditEvent.objects.filter(action="monthly.export", changes__format="pdf").count() == 1


def test_the_pdf_says_so_when_no_chinese_font_is_installed(as_user, township_officer_a, township_a, settings):
    settings.GRIDWATCH_PDF_FONT = "/nonexistent/font.ttf"
    client = as_user(township_officer_a)
    with on(2026, 11, 2):
        response = client.get(report_url("report_pdf"))
    assert response.status_code == 302 and response["Location"] == report_url()


def test_the_overview_starts_at_the_first_month_in_use(as_user, county_officer, township_a):
    """Before any report, the last two ended months; once a report exists, the months back to its month
    (at most six): months before the county used the monthly report are not flagged missing."""
    with on(2026, 11, 20):
        client = as_user(county_officer)
        page = client.get(reverse("monthly:overview")).content.decode()
        assert report_url(month="2026-10") in page and report_url(month="2026-09") in page
        assert report_url(month="2026-08") not in page
        MonthlyReport.objects.create(township=township_a, month=datetime.date(2026, 7, 1))
        page = client.get(reverse("monthly:overview")).content.decode()
        assert report_url(month="2026-07") in page and report_url(month="2026-06") not in page

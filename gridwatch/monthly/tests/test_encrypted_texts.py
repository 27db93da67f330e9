"""A monthly report's remarks and a return's reason (on the report and on its workflow step) name cadres and
matters: they are encrypted at rest (SECURITY.md item 4), like an urgent matter's details. The services run
for real with a sentinel in each text, then every column of every table is read as text and searched: no
sentinel lies there readable. The report's page and its Excel file show the texts to their readers as
before; the overview, the township's months and the month summary do not decrypt them. The migration
encrypts the texts recorded before and decrypts them back when reversed."""

import importlib
import io
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.conftest import plain_copies
from gridwatch.monthly import services
from gridwatch.monthly.models import MonthlyReport, ReportStatus, ReportTransition

from .conftest import OCTOBER, on

# Each text carries an ASCII mark that survives any encoding but encryption (a JSON column on SQLite
# escapes the Chinese).
REMARKS = "和平社区反映张伟同志周末在棋牌室打牌至深夜，已提醒所在单位 CANARY-REMARKS-4f0c"
REASON = "张伟同志的监督卡未计入，请核对第1网格后重报 CANARY-REASON-9d31"
SECRETS = (REMARKS, REASON)


@pytest.fixture
def returned(township_a, township_officer_a, county_officer):
    """October's report of township A: remarks saved, submitted, returned by the county with a reason."""
    with on(2026, 11, 3):
        services.report_remarks_save(
            actor=township_officer_a, township=township_a, month=OCTOBER, remarks=REMARKS
        )
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
        return services.report_return(actor=county_officer, report=report, reason=REASON)


# ------------------------------------------------------------------------------------- the database


def test_no_text_lies_readable_anywhere_in_the_database(returned):
    assert plain_copies(SECRETS) == []
    stored = raw("SELECT remarks, return_reason FROM monthly_monthlyreport") + raw(
        "SELECT reason FROM monthly_reporttransition WHERE reason <> ''"
    )
    assert stored.count("gAAAAA") == 3  # the remarks, the reason on the report and on its step


def test_the_texts_are_read_as_written(returned):
    report = MonthlyReport.objects.get()
    assert (report.status, report.remarks, report.return_reason) == (ReportStatus.RETURNED, REMARKS, REASON)
    steps = list(ReportTransition.objects.filter(report=report).order_by("at", "id"))
    assert [(s.action, s.reason) for s in steps] == [("submit", ""), ("return", REASON)]


def test_sending_again_clears_the_reason_and_keeps_it_on_the_step(returned, township_a, township_officer_a):
    with on(2026, 11, 4):
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert raw("SELECT return_reason FROM monthly_monthlyreport") == json.dumps([[""]])
    assert ReportTransition.objects.get(action="return").reason == REASON
    assert plain_copies(SECRETS) == []


# ----------------------------------------------------------------------------------------- the readers


def report_url(name="report_detail"):
    return reverse(f"monthly:{name}", kwargs={"code": "522729101000", "month": "2026-10"})


@pytest.mark.parametrize("persona", ["township_officer_a", "county_officer", "office"])
def test_the_report_page_and_its_excel_file_show_the_texts_to_their_readers(
    request, as_user, returned, persona
):
    client = as_user(request.getfixturevalue(persona))
    with on(2026, 11, 4):
        response = client.get(report_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert REMARKS in page and REASON in page
        workbook = load_workbook(io.BytesIO(client.get(report_url("report_export")).content))
    cells = {cell for row in workbook.active.iter_rows(values_only=True) for cell in row if cell}
    assert REMARKS in cells and REASON in cells


# ------------------------------------------------------------------------- the lists decrypt nothing


def test_the_overview_the_months_and_the_summary_decrypt_nothing(
    returned, as_user, county_officer, township_officer_a, decrypted
):
    with on(2026, 11, 6):
        assert as_user(township_officer_a).get(reverse("monthly:index")).status_code == 200
        client = as_user(county_officer)
        assert client.get(reverse("monthly:overview")).status_code == 200
        assert client.get(reverse("monthly:summary_export", kwargs={"month": "2026-10"})).status_code == 200
    read = "\n".join(decrypted)
    assert "CANARY-REMARKS-" not in read and "CANARY-REASON-" not in read


# ----------------------------------------------------------------------------------------- the migration


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def _key(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


def _editor():
    return SimpleNamespace(connection=connection)


def test_the_migration_encrypts_the_texts_recorded_before_and_decrypts_them_back(
    returned, township_b, township_officer_b
):
    with on(2026, 11, 3):
        draft = services.report_remarks_save(
            actor=township_officer_b, township=township_b, month=OCTOBER, remarks="x"
        )
    step = ReportTransition.objects.get(action="return")
    # As they were recorded before: in plain.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monthly_monthlyreport SET remarks = %s, return_reason = %s WHERE id = %s",
            [REMARKS, REASON, _key(returned.pk)],
        )
        cursor.execute("UPDATE monthly_monthlyreport SET remarks = %s WHERE id = %s", ["", _key(draft.pk)])
        cursor.execute("UPDATE monthly_reporttransition SET reason = %s WHERE id = %s", [REASON, step.pk])
    assert set(plain_copies(SECRETS)) == {
        ("monthly_monthlyreport", "remarks", REMARKS),
        ("monthly_monthlyreport", "return_reason", REASON),
        ("monthly_reporttransition", "reason", REASON),
    }
    migration = importlib.import_module("gridwatch.monthly.migrations.0002_encrypted_texts")

    migration.encrypt(None, _editor())
    assert plain_copies(SECRETS) == []
    report = MonthlyReport.objects.get(pk=returned.pk)
    assert (report.remarks, report.return_reason) == (REMARKS, REASON)
    assert ReportTransition.objects.get(pk=step.pk).reason == REASON
    assert ReportTransition.objects.get(action="submit").reason == ""  # empty stays empty
    assert raw(
        "SELECT remarks, return_reason FROM monthly_monthlyreport WHERE id = %s", [_key(draft.pk)]
    ) == (json.dumps([["", ""]]))

    migration.decrypt(None, _editor())
    assert raw(
        "SELECT remarks, return_reason FROM monthly_monthlyreport WHERE id = %s", [_key(returned.pk)]
    ) == json.dumps([[REMARKS, REASON]], ensure_ascii=False)
    assert raw("SELECT reason FROM monthly_reporttransition WHERE id = %s", [step.pk]) == json.dumps(
        [[REASON]], ensure_ascii=False
    )

"""What a user of the case pages notices of their layout: a refused form lists its errors where it begins,
each linking to its field, and comes back scrolled there; every status has its colour; the receipt code
is shown in its groups of four."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from gridwatch.cases.models import Report, ReportStatus
from gridwatch.conftest import zh

from .test_public import code_of, form_data, post_report


def summary(body, summary_id):
    """The error summary with ``summary_id`` in ``body``, or None."""
    match = re.search(
        rf'<div class="error-summary" id="{summary_id}" role="alert"[^>]*>(.*?)</div>', body, re.S
    )
    return match.group(1) if match else None


# ----------------------------------------------------------------------------------- the public form


def test_a_refused_report_lists_its_errors_at_the_top_with_links_to_the_fields(client, county):
    response = post_report(client, subject_name="", circle="", what="")
    assert response.status_code == 200 and not Report.objects.exists()
    body = response.content.decode()
    errors = summary(body, "report-errors")
    assert errors is not None
    assert zh("The form has problems. Correct the following and send it again:") in errors
    for field in ("subject_name", "circle", "what"):
        assert f'href="#id_{field}"' in errors and f'id="id_{field}"' in body
    assert 'href="#id_when"' not in errors  # only the fields in error
    assert zh("Pick the cadre from the list or type their name.") in errors
    # The summary comes before the first field, and the form comes back scrolled to it.
    assert body.index('id="report-errors"') < body.index('id="id_subject_name"')
    assert f'action="{reverse("portal:report_form")}#report-errors"' in body


def test_a_named_reporters_missing_phone_links_to_the_phone_field(client, county):
    body = post_report(client, named="1", reporter_name="陈小明", reporter_phone="").content.decode()
    errors = summary(body, "report-errors")
    assert 'href="#id_reporter_phone"' in errors and 'href="#id_reporter_name"' not in errors
    # The name and phone are in the container the stylesheet hides while "anonymously" is chosen.
    identity = body[body.index('class="reporter-identity"') :]
    assert identity.index('id="id_reporter_name"') < identity.index('id="id_reporter_phone"')


def test_the_form_has_no_error_summary_until_it_is_refused(client, county):
    body = client.get(reverse("portal:report_form")).content.decode()
    assert "error-summary" not in body
    assert 'class="reporter-identity"' in body
    assert zh("Send the report") in body


def test_the_staff_intake_form_lists_its_errors_the_same_way(as_user, township_officer_a):
    client = as_user(township_officer_a)
    assert "error-summary" not in client.get(reverse("cases:case_intake")).content.decode()
    data = form_data(subject_name="", what="")
    del data["website"]
    body = client.post(reverse("cases:case_intake"), {**data, "channel": "hotline"}).content.decode()
    errors = summary(body, "report-errors")
    assert 'href="#id_subject_name"' in errors and 'href="#id_what"' in errors
    assert f'action="{reverse("cases:case_intake")}#report-errors"' in body


# --------------------------------------------------------------------------- the case page's sub-forms

TRIAGE_FORMS = {
    "case_triage": "triage-form",
    "case_duplicate": "triage-duplicate",
    "case_invalid": "triage-invalid",
    "case_transfer": "triage-transfer",
    "case_reroute": "triage-reroute",
}


def test_each_triage_form_comes_back_to_itself(as_user, county_officer, report_a):
    report = report_a[0]
    body = as_user(county_officer).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    for view, anchor in TRIAGE_FORMS.items():
        assert f'action="{reverse(f"cases:{view}", args=[report.pk])}#{anchor}"' in body, view
        assert f'id="{anchor}"' in body, anchor
    assert "error-summary" not in body


def test_the_two_ways_of_passing_a_report_on_say_which_they_are(as_user, county_officer, report_a):
    body = as_user(county_officer).get(reverse("cases:case_detail", args=[report_a[0].pk])).content.decode()
    to_body, to_level = zh("Pass the report to that body"), zh("Pass the report to that level")
    assert to_body != to_level
    assert body.index(to_body) < body.index('id="triage-reroute"') < body.index(to_level)
    # The level to pass it to starts on the same empty choice as the other selects.
    select = re.search(r'<select name="to_area"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert re.search(rf'<option value="" selected>{zh("Choose…")}</option>', select)


def test_a_refused_triage_form_shows_its_errors_at_its_top(as_user, county_officer, report_a):
    report = report_a[0]
    response = as_user(county_officer).post(reverse("cases:case_transfer", args=[report.pk]), {})
    assert response.status_code == 400
    body = response.content.decode()
    errors = summary(body, "triage-transfer-errors")
    assert 'href="#triage-transfer-to_body"' in errors and 'href="#triage-transfer-reason"' in errors
    form = body[body.index('id="triage-transfer"') :]
    assert form.index('id="triage-transfer-errors"') < form.index('id="triage-transfer-to_body"')
    assert summary(body, "triage-invalid-errors") is None


def test_a_refused_triage_error_without_a_field_is_in_the_summary(as_user, county_officer, report_a):
    response = as_user(county_officer).post(
        reverse("cases:case_duplicate", args=[report_a[0].pk]), {"original": "ABCDEF12", "reason": "同一事项"}
    )
    errors = summary(response.content.decode(), "triage-duplicate-errors")
    assert zh("No report you can see has this reference.") in errors


def test_each_handling_form_comes_back_to_itself(as_user, township_officer_a, report_a):
    report = report_a[0]
    client = as_user(township_officer_a)
    body = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    steps = re.findall(r'<details class="disclosure" id="handling-(\w+)"', body)
    assert {"assign", "dispose"} <= set(steps)
    for step in steps:
        assert f'action="{reverse(f"cases:case_{step}", args=[report.pk])}#handling-{step}"' in body
    response = client.post(reverse("cases:case_dispose", args=[report.pk]), {})
    assert response.status_code == 400
    errors = summary(response.content.decode(), "handling-dispose-errors")
    assert 'href="#id_dispose-disposal"' in errors and zh("Choose the disposal.") in errors


# ----------------------------------------------------------------------------------------- the badges


def badge(status):
    return Template("{% load case_tags %}{% status_badge report %}").render(
        Context({"report": Report(status=status)})
    )


def test_every_status_has_its_colour():
    assert 'class="badge amber"' in badge(ReportStatus.RECEIVED)
    assert 'class="badge blue"' in badge(ReportStatus.HANDLING)
    assert 'class="badge green"' in badge(ReportStatus.CONCLUDED)
    assert 'class="badge green"' in badge(ReportStatus.CLOSED)
    for ended in (ReportStatus.TRANSFERRED, ReportStatus.DUPLICATE, ReportStatus.INVALID):
        assert 'class="badge"' in badge(ended)
    assert zh("Being handled") in badge(ReportStatus.HANDLING)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_case_pages_colour_the_status(as_user, township_officer_a, report_a, page):
    report = report_a[0]
    url = reverse("cases:case_list") if page == "list" else reverse("cases:case_detail", args=[report.pk])
    body = as_user(township_officer_a).get(url).content.decode()
    assert '<span class="badge amber" data-status="received">' in body and "badge blue" not in body


def test_the_reporter_sees_the_status_coloured(client, county):
    code = code_of(post_report(client))
    body = client.post(reverse("portal:report_follow_up"), {"code": code}).content.decode()
    assert '<span class="badge amber" data-status="received">' in body


# ------------------------------------------------------------------------------------ the receipt code


def test_the_receipt_code_is_shown_in_its_groups_of_four(client, county):
    body = post_report(client).content.decode()
    code = re.search(r'data-code="([^"]+)"', body).group(1)
    shown = re.search(r'<p class="secret receipt-code"[^>]*>(.*?)</p>', body, re.S).group(1)
    groups = re.findall(r'<span class="code-group">([2-9A-Z]{4})</span>', shown)
    assert "-".join(groups) == code and len(groups) == 6
    # Two lines of three groups; the text, tags left out, is the whole code with its hyphens.
    assert shown.count('class="code-line"') == 2 and shown.count('class="code-break"') == 1
    assert re.sub(r"<[^>]+>", "", shown) == code

"""Revealing a named reporter (SECURITY.md item 3): county commission staff only, with a reason, audited
without the identity inside; everybody else sees only whether an identity was given."""

import pytest
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases.models import ReporterIdentity
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user, zh

NAME, PHONE = "陈小明", "13912345678"
REASON = "核实需要联系举报人补充证据"


@pytest.fixture
def named_report(cadre_a, grid_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a, reporter_name=NAME, reporter_phone=PHONE)
    return report


def reveal(client, report, reason=REASON):
    return client.post(reverse("cases:case_identity_reveal", args=[report.pk]), {"reason": reason})


def test_it_reveals_the_identity_to_county_staff_with_a_reason(as_user, county_officer, named_report):
    client = as_user(county_officer)
    response = reveal(client, named_report)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert NAME in body and PHONE in body
    assert (
        zh(
            "The reveal was recorded in the audit log. Do not copy the identity anywhere, and never tell it to the person reported or their unit."
        )
        in body
    )
    # The identity is in that response only: the case page shows the reveal, not the identity.
    body = client.get(reverse("cases:case_detail", args=[named_report.pk])).content.decode()
    assert NAME not in body and PHONE not in body
    assert REASON in body and county_officer.username in body


def test_it_audits_the_reveal_with_the_reason_and_without_the_identity(as_user, county_officer, named_report):
    reveal(as_user(county_officer), named_report)
    event = AuditEvent.objects.get(action="report.identity_reveal")
    assert event.actor_id == county_officer.pk and event.object_id == str(named_report.pk)
    assert event.changes == {"reason": REASON}
    stored = " ".join(
        str(v) for v in AuditEvent.objects.values_list("object_label", "changes", "actor_label")
    )
    assert NAME not in stored and PHONE not in stored


@pytest.mark.parametrize("reason", ["", "   ", "查 看"])
def test_it_requires_a_reason_and_reveals_nothing_without_one(as_user, county_officer, named_report, reason):
    response = reveal(as_user(county_officer), named_report, reason=reason)
    body = response.content.decode()
    assert response.status_code == 400
    assert zh("Give the reason for revealing the identity (at least 4 characters).") in body
    assert NAME not in body and PHONE not in body
    assert not AuditEvent.objects.filter(action="report.identity_reveal").exists()


@pytest.mark.parametrize("persona", ["township_officer_a", "grid_supervisor"])
def test_it_refuses_the_reveal_to_other_case_staff(request, as_user, named_report, persona):
    client = as_user(request.getfixturevalue(persona))
    response = reveal(client, named_report)
    assert response.status_code == 403
    body = client.get(reverse("cases:case_detail", args=[named_report.pk])).content.decode()
    assert zh("yes (kept encrypted)") in body
    assert NAME not in body and PHONE not in body
    assert zh("Reveal the identity") not in body and REASON not in body
    assert not AuditEvent.objects.filter(action="report.identity_reveal").exists()


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_refuses_the_reveal_to_other_roles(request, as_user, named_report, persona):
    response = reveal(as_user(request.getfixturevalue(persona)), named_report)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="report.identity_reveal").exists()


def test_it_sends_an_anonymous_visitor_to_the_sign_in_page(client, named_report):
    response = reveal(client, named_report)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_405_to_a_get(as_user, county_officer, named_report):
    url = reverse("cases:case_identity_reveal", args=[named_report.pk])
    assert as_user(county_officer).get(url).status_code == 405


def test_it_answers_404_to_county_staff_who_are_the_subject(as_user, county, named_report, cadre_a):
    user = make_user("subject_officer", role=Role.COUNTY_STAFF, area=county)
    cadre_a.user = user
    cadre_a.save(update_fields=["user"])
    response = reveal(as_user(user), named_report)
    assert response.status_code == 404 and NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.identity_reveal").exists()


def test_it_answers_404_for_an_anonymous_report(as_user, county_officer, report_a):
    report, _code = report_a
    assert not ReporterIdentity.objects.exists()
    assert reveal(as_user(county_officer), report).status_code == 404
    body = as_user(county_officer).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert zh("no, anonymous") in body and zh("Reveal the identity") not in body


def test_it_lists_each_reveal_to_county_staff(as_user, county_officer, county, named_report):
    other = make_user("county2", role=Role.COUNTY_STAFF, area=county)
    reveal(as_user(county_officer), named_report, reason="第一次联系举报人")
    reveal(as_user(other), named_report, reason="第二次补充核实")
    body = as_user(county_officer).get(reverse("cases:case_detail", args=[named_report.pk])).content.decode()
    assert "第一次联系举报人" in body and "第二次补充核实" in body
    assert county_officer.username in body and other.username in body
    assert AuditEvent.objects.filter(action="report.identity_reveal").count() == 2

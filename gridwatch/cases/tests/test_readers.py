"""The leading-group office (county-wide) and the commission liaisons (their townships and grid) read the
cases of their areas: the list and the case pages, without any form to handle a case or write to the
reporter, and every POST they try is refused. The office never sees the reporter's identity."""

import re

import pytest
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases.models import CaseEntry, Clarification, Report, ReportAttachment, ReportMessage
from gridwatch.cases.tests.conftest import file_report
from gridwatch.cases.tests.test_recusal_paths import report_routes
from gridwatch.conftest import make_user, zh
from gridwatch.geography import services as geo

NAME, PHONE = "陈小明", "13912345678"


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def liaison(grid_a2, township_b):
    """A commission leader linked to grid A2 and to township B (not to grid A1)."""
    user = make_user("liaison_leader")
    geo.liaison_create(actor=None, user=user, area=grid_a2, townships=[township_b])
    return user


@pytest.fixture
def reports(report_a, report_b, grid_a2, county):
    """One report in each of grid A1, township B, grid A2 and at the county (no grid)."""
    in_a2, _code = file_report(subject_name="王五", grid=grid_a2)
    at_county, _code = file_report(
        subject_name="赵六", fallback_path=county.path, reporter_name=NAME, reporter_phone=PHONE
    )
    return {"a1": report_a[0], "b": report_b[0], "a2": in_a2, "county": at_county}


def listed(client):
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    return {r.pk for r in response.context["rows"]}


def case_forms(body):
    """The forms of a page that post to a case route (the language and sign-out forms are not), without the
    fragment a form's address may end with (the section its answer opens at)."""
    return [url.split("#")[0] for url in re.findall(r'<form[^>]*action="(/cases/[^"]*)"', body)]


@pytest.mark.parametrize(
    ("persona", "seen"),
    [("office", {"a1", "b", "a2", "county"}), ("liaison", {"b", "a2"})],
)
def test_it_shows_the_reader_the_cases_of_their_areas(request, as_user, reports, persona, seen):
    client = as_user(request.getfixturevalue(persona))
    assert listed(client) == {reports[key].pk for key in seen}
    for key, report in reports.items():
        response = client.get(reverse("cases:case_detail", args=[report.pk]))
        assert response.status_code == (200 if key in seen else 404), key


@pytest.mark.parametrize("persona", ["office", "liaison"])
def test_it_shows_the_reader_no_form_to_handle_or_to_write(request, as_user, reports, persona):
    client = as_user(request.getfixturevalue(persona))
    report = reports["b"]
    body = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert zh("What happened") in body and report.what in body
    assert case_forms(body) == []
    assert zh("Send to the reporter") not in body
    assert zh("You read this case; its handlers write to the reporter.") in body
    page = client.get(reverse("cases:case_list")).content.decode()
    assert reverse("cases:case_intake") not in page
    assert 'name="mine"' not in page


def test_it_keeps_the_message_form_for_case_staff(as_user, township_officer_b, reports):
    body = as_user(township_officer_b).get(reverse("cases:case_detail", args=[reports["b"].pk]))
    assert reverse("cases:case_message", args=[reports["b"].pk]) in case_forms(body.content.decode())


def _state():
    return (
        list(Report.objects.order_by("id").values()),
        ReportMessage.objects.count(),
        CaseEntry.objects.count(),
        Clarification.objects.count(),
        ReportAttachment.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("persona", ["office", "liaison"])
def test_it_refuses_every_post_of_a_reader_and_changes_nothing(request, as_user, reports, persona):
    """Every route of a case that takes its id, present and future (the URLconf is walked), refuses the
    reader's POST (403 or 404; 405 where the route takes no POST) and leaves the case as it was."""
    client = as_user(request.getfixturevalue(persona))
    report = reports["b"]
    before = _state()
    routes = report_routes(report)
    assert len(routes) >= 2
    data = {"body": "我来回复", "reason": "核实需要", "note": "x", "scope": "unit"}
    answers = [(name, client.post(url, data).status_code) for name, url in routes]
    assert {status for _name, status in answers} <= {403, 404, 405}, answers
    by_name = {}
    for name, status in answers:
        by_name.setdefault(name, status)  # the route called with the report's own id comes first
    assert by_name["case_message"] == by_name["case_identity_reveal"] == 403
    assert _state() == before


def test_it_never_shows_the_reporters_identity_to_the_office(as_user, office, reports):
    client = as_user(office)
    report = reports["county"]
    body = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert zh("yes (kept encrypted)") in body
    assert NAME not in body and PHONE not in body
    response = client.post(
        reverse("cases:case_identity_reveal", args=[report.pk]), {"reason": "核实需要联系"}
    )
    assert response.status_code == 403
    assert NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.identity_reveal").exists()


@pytest.mark.parametrize("persona", ["office", "liaison"])
def test_it_gives_the_reader_the_cases_entry_in_the_navigation(request, as_user, persona):
    body = as_user(request.getfixturevalue(persona)).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("cases:case_list")}"' in body


def test_it_keeps_the_case_pages_from_a_liaison_outside_their_areas(as_user, liaison, reports):
    client = as_user(liaison)
    assert client.get(reverse("cases:case_detail", args=[reports["a1"].pk])).status_code == 404
    assert client.post(reverse("cases:case_message", args=[reports["a1"].pk]), {"body": "x"}).status_code in (
        403,
        404,
    )


@pytest.mark.parametrize("persona", ["office", "liaison"])
def test_it_refuses_the_reader_without_two_factor(request, as_user, reports, persona):
    client = as_user(request.getfixturevalue(persona), verified=False)
    response = client.get(reverse("cases:case_detail", args=[reports["b"].pk]))
    assert response.status_code in (302, 403)
    assert reports["b"].what not in response.content.decode()

"""Opening a report is a read of sensitive data (SECURITY.md item 8): the case page and the API detail each
write one audit event naming the reader and the report, and none for a reader who is refused."""

from django.urls import reverse

from gridwatch.audit.models import AuditEvent


def views_of(report):
    return AuditEvent.objects.filter(action="report.view", object_id=str(report.pk))


def test_opening_the_case_page_is_audited_once(as_user, county_officer, report_a):
    report, _code = report_a
    response = as_user(county_officer).get(reverse("cases:case_detail", args=[report.pk]))
    assert response.status_code == 200
    events = list(views_of(report))
    assert len(events) == 1 and events[0].actor_id == county_officer.pk


def test_reading_a_case_through_the_api_is_audited_once(as_user, county_officer, report_a):
    report, _code = report_a
    response = as_user(county_officer).get(reverse("api:case-detail", args=[report.pk]))
    assert response.status_code == 200 and response.json()["id"] == str(report.pk)
    events = list(views_of(report))
    assert len(events) == 1 and events[0].changes == {"via": "api"}


def test_a_refused_reader_leaves_no_view_event(as_user, township_officer_b, report_a):
    report, _code = report_a
    client = as_user(township_officer_b)
    assert client.get(reverse("cases:case_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("api:case-detail", args=[report.pk])).status_code == 404
    assert not views_of(report).exists()

"""Staff intake and messages: channel recorded, a receipt code handed out, every write audited."""

import re

from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.cases import receipts
from gridwatch.cases.models import Channel, Report, ReportMessage
from gridwatch.conftest import zh

CODE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")


def intake(client, **extra):
    data = {
        "channel": "hotline",
        "subject_name": "赵六",
        "subject_unit_text": "县林业局",
        "circle": "family",
        "what": "家属经营的商铺借其职务揽客",
        "named": "0",
        "submission": receipts.submission_token_new(),
    }
    data.update(extra)
    return client.post(reverse("cases:case_intake"), data)


def test_it_records_a_hotline_report_and_hands_out_a_code(as_user, township_officer_a, township_a):
    response = intake(as_user(township_officer_a))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = CODE.search(response.content.decode()).group(0)
    report = Report.objects.get()
    assert report.channel == Channel.HOTLINE
    assert report.supervising_path == township_a.path  # the officer's own township: they can handle it
    assert report.receipt_hash == receipts.receipt_hash(code)
    event = AuditEvent.objects.get(action="report.intake")
    assert event.object_id == str(report.pk) and event.actor_id == township_officer_a.pk
    assert code not in str(event.changes)


def test_it_records_a_grid_supervisors_report_about_a_cadre_of_the_grid(
    as_user, grid_supervisor, cadre_a, grid_a
):
    response = intake(
        as_user(grid_supervisor), channel="supervisor", subject_cadre=cadre_a.pk, grid=grid_a.code
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.subject_cadre == cadre_a and report.channel == Channel.SUPERVISOR
    assert as_user(grid_supervisor).get(reverse("cases:case_detail", args=[report.pk])).status_code == 200


def test_it_refuses_the_web_channel_on_the_staff_form(as_user, county_officer):
    response = intake(as_user(county_officer), channel="web")
    assert response.status_code == 200 and not Report.objects.exists()


def test_it_shows_identity_given_but_never_the_identity(as_user, county_officer, county):
    intake(as_user(county_officer), named="1", reporter_name="陈小明", reporter_phone="13912345678")
    report = Report.objects.get()
    body = as_user(county_officer).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert zh("yes (kept encrypted)") in body
    assert "陈小明" not in body and "13912345678" not in body


def test_it_sends_an_audited_message(as_user, county_officer, county):
    client = as_user(county_officer)
    intake(client)
    report = Report.objects.get()
    response = client.post(reverse("cases:case_message", args=[report.pk]), {"body": "已受理"})
    assert response.status_code == 302
    message = ReportMessage.objects.get()
    assert not message.from_reporter and message.author == county_officer
    assert AuditEvent.objects.filter(action="report.message_send", object_id=str(report.pk)).count() == 1
    body = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert "已受理" in body
    assert zh("The message was sent. The reporter reads it with the receipt code.") in body


def test_it_refuses_an_empty_message(as_user, county_officer, county):
    client = as_user(county_officer)
    intake(client)
    report = Report.objects.get()
    response = client.post(reverse("cases:case_message", args=[report.pk]), {"body": ""})
    assert response.status_code == 400 and not ReportMessage.objects.exists()

"""Staff intake and messages: channel recorded, a receipt code handed out, every write audited."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.cases import receipts, triage
from gridwatch.cases.models import Channel, Report, ReportMessage
from gridwatch.cases.tests.test_triage import relation
from gridwatch.conftest import make_cadre, zh
from gridwatch.people.models import Cadre, CadreStatus

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


# ------------------------------------------------------------------------------- the intake's cadre search


def find(client, **extra):
    return intake(client, find_cadre="1", **extra)


def test_it_finds_a_cadre_by_name_or_pinyin_and_keeps_what_was_typed(
    as_user, county_officer, cadre_a, cadre_b
):
    client = as_user(county_officer)
    token = receipts.submission_token_new()
    for q in ("张伟", "zhangwei", "zw"):
        response = find(client, cadre_q=q, what="在村委会门口收受红包", when="上周五", submission=token)
        assert response.status_code == 200
        body = response.content.decode()
        assert f'type="radio" name="subject_cadre" value="{cadre_a.pk}"' in body
        assert "张伟 · 县财政局 · 副局长" in body and "李娜" not in body
        assert "在村委会门口收受红包" in body and 'value="上周五"' in body and f'value="{q}"' in body
        assert "errorlist" not in body and "error-summary" not in body
    assert not Report.objects.exists()
    # The search claimed nothing: the same token files the report.
    response = intake(client, subject_cadre=cadre_a.pk, submission=token)
    assert CODE.search(response.content.decode())
    assert Report.objects.get().subject_cadre == cadre_a


def test_it_keeps_the_picked_cadre_through_a_search_and_a_refusal(as_user, county_officer, cadre_a, cadre_b):
    client = as_user(county_officer)
    body = find(client, subject_cadre=cadre_a.pk, cadre_q="李娜").content.decode()
    assert f'name="subject_cadre" value="{cadre_a.pk}" id="id_subject_cadre_1" checked' in body
    assert f'value="{cadre_b.pk}"' in body
    response = intake(client, subject_cadre=cadre_a.pk, cadre_q="李娜", what="")
    body = response.content.decode()
    assert "error-summary" in body and not Report.objects.exists()
    assert f'name="subject_cadre" value="{cadre_a.pk}" id="id_subject_cadre_1" checked' in body
    assert f'value="{cadre_b.pk}"' in body


def test_it_never_offers_nor_files_a_cadre_out_of_scope_or_conflicted(
    as_user, township_officer_a, cadre_a, cadre_b, unit_a, grid_a
):
    other = make_cadre("张强", unit_a, grid_a)
    relation(township_officer_a, other)
    retired = make_cadre("张三", unit_a, grid_a)
    retired.status = CadreStatus.RETIRED
    retired.save(update_fields=["status"])
    client = as_user(township_officer_a)
    body = find(client, cadre_q="张").content.decode()
    assert f'value="{cadre_a.pk}"' in body
    assert all(f'value="{c.pk}"' not in body for c in (other, retired))
    assert f'value="{cadre_b.pk}"' not in find(client, cadre_q="李娜").content.decode()
    for cadre in (cadre_b, other, retired):
        response = intake(client, subject_cadre=cadre.pk)
        assert response.status_code == 200 and not Report.objects.exists()
        assert "errorlist" in response.content.decode()
        # Nor kept as picked through a search.
        assert f'value="{cadre.pk}"' not in find(client, subject_cadre=cadre.pk).content.decode()


@pytest.mark.parametrize("find_cadre", [False, True])
def test_it_costs_the_same_whatever_the_registry_size(as_user, county_officer, unit_a, grid_a, find_cadre):
    """The page offers only the search results and the picked cadre: never the whole registry."""
    client = as_user(county_officer)
    url = reverse("cases:case_intake")
    picked = make_cadre("张伟", unit_a, grid_a)

    def load():
        if find_cadre:
            return find(client, cadre_q="zhang", subject_cadre=picked.pk)
        return client.get(url)

    counts = []
    for size in (5, 50):
        for i in range(size - Cadre.objects.count()):
            make_cadre(f"张{i}", unit_a, grid_a)
        load()  # caches warmed
        with CaptureQueriesContext(connection) as queries:
            body = load().content.decode()
        counts.append(len(queries))
        # The results, the picked cadre when not among them, and "not in the list"; nothing on a GET.
        offered = body.count('name="subject_cadre"')
        assert (
            offered in ((6,) if size == 5 else (triage.SEARCH_LIMIT + 1, triage.SEARCH_LIMIT + 2))
            if find_cadre
            else offered == 0
        )
    assert counts[0] == counts[1]

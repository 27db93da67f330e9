"""Integrity analysis meetings (廉情分析会, R15): recorded by the office and county staff with the pack's
figures frozen, read by township staff for their township and the county, never edited but corrected
beneath."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from gridwatch.audit.models import AuditEvent
from gridwatch.cases import receipts
from gridwatch.conftest import zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.dashboard import services
from gridwatch.dashboard.models import AnalysisMeeting, MeetingCorrection

from .conftest import period, report, today

pytestmark = pytest.mark.django_db

NEW = reverse("dashboard:meeting_create")
LIST = reverse("dashboard:meeting_list")


def record(actor, area, **extra):
    values = dict(
        actor=actor,
        area=area,
        held_on=today(),
        period=period(),
        attendees="县纪委书记、各乡镇纪委书记",
        problems="部分网格监督卡填报不及时",
        decisions="各乡镇本月底前补齐监督卡",
    )
    values.update(extra)
    return services.meeting_record(**values)


def correction_data(text):
    return {"text": text, "submission": receipts.submission_token_new()}


def form_data(area, **extra):
    data = {
        "area": area.code,
        "held_on": today().isoformat(),
        "period": period().key,
        "attendees": "县纪委书记、各乡镇纪委书记",
        "problems": "部分网格监督卡填报不及时",
        "decisions": "各乡镇本月底前补齐监督卡",
        "submission": receipts.submission_token_new(),
    }
    data.update(extra)
    return data


def test_it_records_a_meeting_with_the_figures_frozen_in_one_audited_event(as_user, office, county, cadre_a):
    report(cadre_a)
    client = as_user(office)
    before = AuditEvent.objects.count()
    response = client.post(NEW, form_data(county))
    meeting = AnalysisMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:meeting_detail", args=[meeting.pk])
    assert meeting.snapshot["cases"]["received"] == 1
    assert meeting.snapshot["period"] == period().key
    assert (meeting.period_start, meeting.period_end) == (period().start, period().last_day)
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["analysis_meeting.record"]
    assert events[0].changes == {
        "area": county.code,
        "period": period().key,
        "held_on": today().isoformat(),
    }
    assert "网格" not in str(events[0].changes)


def test_it_records_a_form_sent_twice_once(as_user, office, county):
    client = as_user(office)
    data = form_data(county)
    assert client.post(NEW, data).status_code == 302
    response = client.post(NEW, data)
    assert response.status_code == 302 and response["Location"] == LIST
    assert AnalysisMeeting.objects.count() == 1


def test_it_keeps_the_snapshot_as_it_was_when_the_cases_move_on(as_user, office, county, cadre_a):
    first = report(cadre_a)
    meeting = record(office, county)
    report(cadre_a)
    report(cadre_a, status="closed", result_replied_on=today())
    first.status = "invalid"
    first.save(update_fields=["status"])
    meeting.refresh_from_db()
    assert meeting.snapshot["cases"]["received"] == 1
    assert meeting.snapshot["cases"]["by_status"]["received"] == 1
    body = as_user(office).get(reverse("dashboard:meeting_detail", args=[meeting.pk])).content.decode()
    assert '<div class="n">1</div><div class="l">' + zh("Reports received in the period") in body
    live = as_user(office).get(reverse("dashboard:pack")).content.decode()
    assert '<div class="n">3</div><div class="l">' + zh("Reports received in the period") in live


def test_it_freezes_no_cadre_name(office, county, cadre_a):
    from .conftest import notice

    for _i in range(3):
        notice(cadre_a)
    meeting = record(office, county)
    assert meeting.snapshot["warnings"]["cadres_at_3"] == 1
    assert cadre_a.name not in str(meeting.snapshot)


def test_it_records_a_township_meeting_with_that_townships_figures(office, township_a, cadre_a, cadre_b):
    report(cadre_a)
    report(cadre_b)
    meeting = record(office, township_a)
    assert meeting.snapshot["cases"]["received"] == 1
    assert meeting.snapshot["scope"]["code"] == township_a.code


def test_it_prefills_the_last_full_month_and_today(as_user, county_officer, county):
    body = as_user(county_officer).get(NEW).content.decode()
    assert f'<option value="{period().key}" selected>' in body
    assert f'value="{today().isoformat()}"' in body


def test_it_shows_the_form_again_with_the_problems_in_chinese_and_what_was_typed(as_user, office, county):
    response = as_user(office).post(NEW, form_data(county, attendees="", held_on="明天"))
    body = response.content.decode()
    assert response.status_code == 400
    assert zh("The form has problems. Correct the following and send it again:") in body
    assert zh("Give the date as year-month-day, e.g. 2026-05-20.") in body
    assert "部分网格监督卡填报不及时" in body
    assert not AnalysisMeeting.objects.exists()
    # The corrected form can be sent with a fresh token.
    assert as_user(office).post(NEW, form_data(county)).status_code == 302


def test_it_refuses_a_meeting_held_in_the_future(office, county):
    with pytest.raises(ValidationFailed):
        record(office, county, held_on=today() + datetime.timedelta(days=1))


def test_it_refuses_a_scope_outside_the_recorders_county(as_user, office, county):
    from gridwatch.geography import services as geo
    from gridwatch.geography.models import Kind, Level

    other = geo.area_create(
        actor=None, code="522730000000", name="惠水县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    with pytest.raises(NotPermitted):
        record(office, other)
    response = as_user(office).post(NEW, form_data(other))
    assert response.status_code == 400
    assert not AnalysisMeeting.objects.exists()


@pytest.fixture
def meetings(office, county, township_a, township_b):
    return {
        "county": record(office, county),
        "a": record(office, township_a),
        "b": record(office, township_b),
    }


def test_it_lists_only_their_townships_meetings_to_township_staff(as_user, township_officer_a, meetings):
    """The county's meeting counts every township: it is for county-wide readers only."""
    body = as_user(township_officer_a).get(LIST).content.decode()
    assert reverse("dashboard:meeting_detail", args=[meetings["county"].pk]) not in body
    assert reverse("dashboard:meeting_detail", args=[meetings["a"].pk]) in body
    assert reverse("dashboard:meeting_detail", args=[meetings["b"].pk]) not in body


def test_it_lists_every_meeting_of_the_county_to_county_wide_roles(as_user, county_officer, meetings):
    body = as_user(county_officer).get(LIST).content.decode()
    assert all(reverse("dashboard:meeting_detail", args=[m.pk]) in body for m in meetings.values())


def test_it_answers_404_for_another_townships_meeting(as_user, township_officer_a, meetings):
    client = as_user(township_officer_a)
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["a"].pk])).status_code == 200
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["county"].pk])).status_code == 404
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["b"].pk])).status_code == 404


def test_it_lets_a_liaison_read_the_meetings_of_their_township(as_user, liaison_a, meetings):
    client = as_user(liaison_a)
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["a"].pk])).status_code == 200
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["b"].pk])).status_code == 404
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["county"].pk])).status_code == 404


@pytest.mark.parametrize("persona", ["township_officer_a", "liaison_a"])
def test_it_lets_only_the_office_and_county_staff_record_or_correct(request, as_user, persona, meetings):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {}).status_code == 403
    url = reverse("dashboard:meeting_correct", args=[meetings["a"].pk])
    assert client.post(url, {"text": "更正"}).status_code == 403
    assert not MeetingCorrection.objects.exists()


@pytest.mark.parametrize("persona", ["grid_supervisor", "unit_liaison", "cadre_user", "system_admin"])
def test_it_refuses_the_meeting_pages_to_other_roles(request, as_user, persona, meetings):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("dashboard:meeting_detail", args=[meetings["a"].pk])).status_code == 403


def test_it_sends_anonymous_visitors_of_the_meeting_pages_to_sign_in(client, meetings):
    for url in (LIST, NEW, reverse("dashboard:meeting_detail", args=[meetings["a"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_adds_a_correction_beneath_the_unchanged_record_in_one_audited_event(
    as_user, county_officer, meetings
):
    meeting = meetings["county"]
    client = as_user(county_officer)
    before = AuditEvent.objects.count()
    url = reverse("dashboard:meeting_correct", args=[meeting.pk])
    response = client.post(url, correction_data("补充：摆所镇已于次日补报"))
    assert response.status_code == 302
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["analysis_meeting.correct"]
    assert "补报" not in str(events[0].changes)
    meeting.refresh_from_db()
    assert meeting.problems == "部分网格监督卡填报不及时"
    body = client.get(reverse("dashboard:meeting_detail", args=[meeting.pk])).content.decode()
    assert "补充：摆所镇已于次日补报" in body and "部分网格监督卡填报不及时" in body


def test_it_refuses_an_empty_correction_with_a_message(as_user, office, meetings):
    url = reverse("dashboard:meeting_correct", args=[meetings["a"].pk])
    response = as_user(office).post(url, correction_data("  "))
    assert response.status_code == 400
    assert not MeetingCorrection.objects.exists()


def test_it_refuses_to_correct_by_get(as_user, office, meetings):
    url = reverse("dashboard:meeting_correct", args=[meetings["a"].pk])
    assert as_user(office).get(url).status_code == 405


def test_it_shows_the_frozen_figures_without_links(as_user, office, meetings):
    body = as_user(office).get(reverse("dashboard:meeting_detail", args=[meetings["a"].pk])).content.decode()
    assert 'id="cases"' in body
    assert reverse("cases:case_list") + "?" not in body
    assert '<a class="stat"' not in body


def test_it_refuses_a_meeting_held_before_the_period_it_discusses(as_user, office, county):
    """Minutes of a meeting that discussed a month not yet begun are a typing mistake: refused, in
    Chinese, with what was typed kept."""
    before = period().start - datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        record(office, county, held_on=before)
    assert refused.value.field == "held_on"
    response = as_user(office).post(NEW, form_data(county, held_on=before.isoformat(), problems="我打的字"))
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        zh("The meeting was held before the period it discusses began: check the day or the period.") in body
    )
    assert "我打的字" in body and f'value="{before.isoformat()}"' in body
    assert not AnalysisMeeting.objects.exists()


def test_it_adds_a_correction_sent_twice_once(as_user, office, meetings):
    client = as_user(office)
    url = reverse("dashboard:meeting_correct", args=[meetings["a"].pk])
    data = correction_data("补充说明")
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert MeetingCorrection.objects.count() == 1
    assert AuditEvent.objects.filter(action="analysis_meeting.correct").count() == 1
    body = client.get(second["Location"]).content.decode()
    assert zh("This correction was already added: the form was sent twice.") in body


def test_it_refuses_a_correction_without_its_token(as_user, office, meetings):
    url = reverse("dashboard:meeting_correct", args=[meetings["a"].pk])
    response = as_user(office).post(url, {"text": "补充说明", "submission": "forged"})
    assert response.status_code == 400
    assert "补充说明" in response.content.decode()
    assert not MeetingCorrection.objects.exists()


def test_it_lists_a_meetings_period_by_its_label(as_user, office, county):
    from gridwatch.dashboard.periods import quarter_period

    quarter = quarter_period(period().start)
    record(office, county, period=quarter)
    with translation.override("zh-hans"):
        label = quarter.label
    body = as_user(office).get(LIST).content.decode()
    assert label in body
    assert quarter.key not in body

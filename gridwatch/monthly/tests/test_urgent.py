"""Urgent matters: township staff and grid leaders send them any day; the county commission staff are told
at once (without the details), read them (audited) and acknowledge them; recusal and jurisdiction hold."""

import pytest
from django.core import mail
from django.urls import reverse

from gridwatch.accounts.models import Notification
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.monthly import services
from gridwatch.monthly.models import UrgentMatter
from gridwatch.people.models import DeclaredRelation

DETAILS = "该干部周六在婚宴上醉酒与群众发生冲突，现场有人拍摄视频"


@pytest.fixture
def matter(township_officer_a, township_a, cadre_a, county_officer):
    return services.urgent_matter_create(
        actor=township_officer_a,
        area=township_a,
        circle="social",
        title="干部醉酒冲突",
        details=DETAILS,
        cadre=cadre_a,
    )


def test_it_tells_the_county_at_once_without_the_details(matter, county_officer, township_officer_b):
    note = Notification.objects.get(user=county_officer)
    assert "广顺镇" in note.subject
    assert note.link == reverse("monthly:urgent_detail", args=[matter.pk])
    assert DETAILS not in note.subject + note.body
    assert not Notification.objects.filter(user=township_officer_b).exists()
    event = AuditEvent.objects.get(action="urgent.create")
    assert DETAILS not in str(event.changes) and "醉酒" not in event.object_label


def test_it_sends_the_county_an_email_and_sms_when_they_have_them(
    township_officer_a, township_a, county, django_capture_on_commit_callbacks
):
    county_staff = make_user("county_mail", role="county_staff", area=county)
    county_staff.email, county_staff.phone = "jw@example.cn", "13900000000"
    county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.urgent_matter_create(
            actor=township_officer_a, area=township_a, circle="life", title="紧急情况", details="详情"
        )
    assert len(mail.outbox) == 1
    assert "详情" not in mail.outbox[0].body


def test_a_grid_leader_reports_from_their_grid_only(grid_leader_a, grid_a, grid_b):
    services.urgent_matter_create(
        actor=grid_leader_a, area=grid_a, circle="life", title="紧急情况", details="详情"
    )
    with pytest.raises(NotPermitted):
        services.urgent_matter_create(
            actor=grid_leader_a, area=grid_b, circle="life", title="紧急情况", details="详情"
        )


def test_it_refuses_an_empty_title_or_a_cadre_from_elsewhere(township_officer_a, township_a, cadre_b):
    with pytest.raises(ValidationFailed):
        services.urgent_matter_create(
            actor=township_officer_a, area=township_a, circle="life", title=" ", details="详情"
        )
    with pytest.raises(ValidationFailed):
        services.urgent_matter_create(
            actor=township_officer_a,
            area=township_a,
            circle="life",
            title="标题",
            details="详情",
            cadre=cadre_b,
        )
    assert not UrgentMatter.objects.exists()


def test_the_county_reads_and_acknowledges_once(as_user, matter, county_officer):
    client = as_user(county_officer)
    assert "干部醉酒冲突" in client.get(reverse("monthly:urgent_list")).content.decode()
    page = client.get(reverse("monthly:urgent_detail", args=[matter.pk])).content.decode()
    assert DETAILS in page
    assert AuditEvent.objects.filter(action="urgent.view", object_id=str(matter.pk)).count() == 1
    url = reverse("monthly:urgent_acknowledge", args=[matter.pk])
    assert client.post(url).status_code == 302
    matter.refresh_from_db()
    assert matter.acknowledged_by == county_officer
    with pytest.raises(ValidationFailed):
        services.urgent_matter_acknowledge(actor=county_officer, matter=matter)


def test_it_answers_each_persona_as_its_policy_says(
    as_user,
    matter,
    township_officer_a,
    township_officer_b,
    grid_supervisor,
    office,
    grid_leader_a,
    county_officer,
):
    detail = reverse("monthly:urgent_detail", args=[matter.pk])
    ack = reverse("monthly:urgent_acknowledge", args=[matter.pk])
    new = reverse("monthly:urgent_create")
    listing = reverse("monthly:urgent_list")
    client = as_user(township_officer_a)
    assert client.get(detail).status_code == 200
    assert client.get(new).status_code == 200
    assert client.post(ack).status_code == 403
    client = as_user(township_officer_b)
    assert client.get(detail).status_code == 404
    assert (
        client.get(listing).status_code == 200 and "干部醉酒冲突" not in client.get(listing).content.decode()
    )
    client = as_user(grid_leader_a)
    assert client.get(new).status_code == 200
    assert client.get(detail).status_code == 404  # a township-wide matter is not a grid's
    client = as_user(grid_supervisor)
    assert client.get(listing).status_code == 403
    assert client.get(detail).status_code == 403
    assert client.get(new).status_code == 403
    client = as_user(office)  # reads, neither reports nor acknowledges
    assert client.get(detail).status_code == 200
    assert client.get(new).status_code == 403
    assert client.post(ack).status_code == 403
    client = as_user(county_officer)
    assert client.get(new).status_code == 403
    assert client.get(ack).status_code == 405
    assert client.post(detail).status_code == 405
    client.logout()
    assert client.get(detail).status_code == 302


def test_it_hides_a_matter_about_a_cadre_the_reader_is_conflicted_with(
    as_user, matter, county_officer, cadre_a
):
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind="kin")
    client = as_user(county_officer)
    assert client.get(reverse("monthly:urgent_detail", args=[matter.pk])).status_code == 404
    assert "干部醉酒冲突" not in client.get(reverse("monthly:urgent_list")).content.decode()


def test_the_form_sends_a_matter(as_user, township_officer_a, township_a, grid_a, cadre_a, county_officer):
    client = as_user(township_officer_a)
    response = client.post(
        reverse("monthly:urgent_create"),
        {
            "area": grid_a.code,
            "title": "网格内突发情况",
            "circle": "family",
            "cadre": cadre_a.pk,
            "details": "详细经过",
        },
    )
    matter = UrgentMatter.objects.get()
    assert response["Location"] == reverse("monthly:urgent_detail", args=[matter.pk])
    assert (matter.area, matter.cadre, matter.details) == (grid_a, cadre_a, "详细经过")
    assert Notification.objects.filter(user=county_officer).count() == 1
    response = client.post(
        reverse("monthly:urgent_create"),
        {"area": grid_a.code, "title": "", "circle": "family", "details": ""},
    )
    assert response.status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(
    as_user, township_officer_a, township_a, grid_a, county_officer, django_assert_max_num_queries
):
    for i in range(12):
        services.urgent_matter_create(
            actor=township_officer_a,
            area=grid_a if i % 2 else township_a,
            circle="life",
            title=f"事项{i}",
            details="详情",
        )
    client = as_user(county_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("monthly:urgent_list")).status_code == 200

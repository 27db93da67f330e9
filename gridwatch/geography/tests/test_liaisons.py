"""Linking a commission leader to their grid and townships (R4): ``services.liaison_create``."""

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.core.errors import ValidationFailed
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level, Liaison


def refusal(**kwargs):
    with pytest.raises(ValidationFailed) as info:
        geo.liaison_create(actor=None, **kwargs)
    return str(info.value.message)


def test_it_links_a_leader_to_a_grid_and_townships_and_audits_it_once(
    county_officer, grid_a, township_a, township_b
):
    user = make_user("leader_wang")
    before = AuditEvent.objects.count()
    liaison = geo.liaison_create(
        actor=county_officer, user=user, area=grid_a, townships=[township_b, township_a]
    )
    assert liaison.grid == grid_a and set(liaison.townships.all()) == {township_a, township_b}
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["liaison.create"]
    assert events[0].actor_label == str(county_officer)
    assert events[0].changes == {"grid": grid_a.code, "townships": [township_a.code, township_b.code]}


def test_it_gives_the_leader_the_liaisons_pages_and_jurisdiction(as_user, grid_a, grid_b, township_b, unit_a):
    make_cadre("张伟", unit_a, grid_a)
    make_cadre("李娜", unit_a, grid_b)
    user = make_user("leader_wang")
    client = as_user(user)  # signed in before the link: the next request sees it
    assert client.get(reverse("geography:liaison_list")).status_code == 403
    geo.liaison_create(actor=None, user=user, area=grid_a, townships=[township_b])
    page = client.get(reverse("geography:liaison_list")).content.decode()
    assert "南场社区第1网格" in page and "摆所镇" in page
    response = client.get(reverse("people:cadre_list"))
    assert sorted(c.name for c in response.context["page"]) == ["张伟", "李娜"]


def test_it_refuses_an_area_that_is_not_a_grid(community_a):
    message = refusal(user=make_user("leader_wang"), area=community_a)
    assert message == zh("%(area)s is not a grid.", area="南场社区")
    assert not Liaison.objects.exists()


def test_it_refuses_a_township_that_is_not_one(grid_a, community_a):
    message = refusal(user=make_user("leader_wang"), area=grid_a, townships=[community_a])
    assert message == zh("%(area)s is not a township.", area="南场社区")
    assert not Liaison.objects.exists()


def test_it_refuses_a_township_of_another_county(grid_a):
    other = geo.area_create(
        actor=None, code="522730000000", name="龙里县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    township = geo.area_create(
        actor=None, code="522730100000", name="龙山镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=other
    )
    message = refusal(user=make_user("leader_wang"), area=grid_a, townships=[township])
    assert message == zh(
        "%(township)s is not in the county of the grid %(grid)s.", township="龙山镇", grid="南场社区第1网格"
    )
    assert not Liaison.objects.exists()


def test_it_refuses_a_second_link_for_the_same_leader(grid_a, grid_a2):
    user = make_user("leader_wang")
    geo.liaison_create(actor=None, user=user, area=grid_a)
    message = refusal(user=user, area=grid_a2)
    assert message == zh("%(user)s is already a commission liaison.", user="leader_wang")
    assert list(Liaison.objects.values_list("grid", flat=True)) == [grid_a.pk]


def test_it_leaves_no_half_link_when_the_audit_fails(monkeypatch, grid_a, township_a):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(geo, "audit_log", broken)
    with pytest.raises(RuntimeError):
        geo.liaison_create(actor=None, user=make_user("leader_wang"), area=grid_a, townships=[township_a])
    assert not Liaison.objects.exists()

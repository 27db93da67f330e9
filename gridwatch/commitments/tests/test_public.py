"""The public page of a grid's commitments: published rows only, the cadre's name, unit and position and
nothing else of the registry, no sign-in needed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gridwatch.commitments import services
from gridwatch.conftest import zh
from gridwatch.people.models import CadreStatus

from .conftest import cadre_with_user, returned, submitted, write


def public(grid):
    return reverse("commitments:public_grid", args=[grid.code])


def test_it_shows_published_commitments_to_anyone(client, published_a, grid_a, cadre_a):
    response = client.get(public(grid_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert cadre_a.name in page and cadre_a.unit.name in page and cadre_a.position in page
    assert "每季度参加社区志愿服务不少于2次" in page
    assert "/report/grid/" + grid_a.code in page


def test_it_shows_nothing_unpublished(client, cadre_user, cadre_a, community_org_a, unit_a, grid_a):
    write(cadre_a)
    others = [cadre_with_user(f"干部{i}", unit_a, grid_a, f"c{i}") for i in range(2)]
    submitted(others[0])
    returned(others[1], community_org_a)
    page = client.get(public(grid_a)).content.decode()
    for cadre in (cadre_a, *others):
        assert cadre.name not in page
    assert "志愿服务" not in page
    assert zh("No published commitments in this grid yet.") in page


def test_it_shows_no_private_field_of_the_cadre(client, published_a, grid_a, cadre_a):
    cadre_a.phone = "13912345678"
    cadre_a.save(update_fields=["phone"])
    page = client.get(public(grid_a)).content.decode()
    for private in ("13912345678", str(cadre_a.birth_year), cadre_a.get_rank_display(), str(cadre_a.pk)):
        assert private not in page
    # Nor the reviewer, nor a link into the staff pages.
    assert reverse("commitments:detail", args=[published_a.pk]) not in page
    assert published_a.reviewed_by.username not in page


def test_it_leaves_out_cadres_who_left(client, published_a, grid_a, cadre_a):
    cadre_a.status = CadreStatus.TRANSFERRED
    cadre_a.save(update_fields=["status"])
    assert cadre_a.name not in client.get(public(grid_a)).content.decode()


def test_it_shows_the_meeting_and_the_rating_once_recorded(client, published_a, grid_a, community_org_a):
    items = list(published_a.items.all())
    today = timezone.localdate()
    services.fulfilment_record(
        actor=community_org_a,
        commitment=published_a,
        held_on=today,
        attendees="社区党委书记",
        progress={i.pk: (70, "上半年参加志愿服务5次") for i in items},
    )
    services.rating_record(
        actor=community_org_a,
        commitment=published_a,
        rated_on=today,
        contribution="协调解决路灯维修1件",
        counts={(i.pk, "representatives"): [3, 1, 0] for i in items},
    )
    page = client.get(public(grid_a)).content.decode()
    assert "上半年参加志愿服务5次" in page and "协调解决路灯维修1件" in page and "70%" in page


def test_it_answers_404_for_an_unknown_grid_or_a_community(client, community_a, db):
    assert client.get(reverse("commitments:public_grid", args=["999999999999999"])).status_code == 404
    assert client.get(reverse("commitments:public_grid", args=[community_a.code])).status_code == 404


@pytest.mark.usefixtures("published_a")
def test_it_keeps_other_grids_apart(client, grid_b, cadre_a):
    assert cadre_a.name not in client.get(public(grid_b)).content.decode()

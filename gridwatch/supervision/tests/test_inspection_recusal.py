"""Recusal (回避) for inspections: an inspection naming a cadre the reader is conflicted with (themselves, a
cadre of their unit, a declared relation) is hidden from that reader, as a diary entry or a register entry
about that cadre is: absent from the list, 404 on its page and its follow-up, whatever role they hold, its
inspector included. Inspections naming no cadre, or other cadres, stay visible; readers who are not
conflicted see it."""

import pytest
from django.urls import reverse

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user
from gridwatch.core.errors import NotPermitted
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import DeclaredRelation, RelationKind
from gridwatch.supervision import inspections
from gridwatch.supervision.models import Inspection, InspectionStatus

from .test_inspections import detail, follow_up, record

LIST = reverse("supervision:inspection_list")


@pytest.fixture
def named(office, grid_a, cadre_a):
    """An open inspection of grid A1 naming cadre A (and no one else)."""
    return record(office, grid_a, cadres=[cadre_a], findings="张伟负责的公开栏未更新")


@pytest.fixture
def unnamed(office, grid_a):
    """An inspection of the same grid naming no cadre."""
    return record(office, grid_a, findings="网格监督卡未按时提交")


def _hidden(client, hidden, visible):
    assert client.get(detail(hidden)).status_code == 404
    assert client.post(follow_up(hidden), {"follow_up": "已整改"}).status_code == 404
    body = client.get(LIST).content.decode()
    assert detail(hidden) not in body
    assert detail(visible) in body
    assert client.get(detail(visible)).status_code == 200


def test_it_hides_an_inspection_from_a_reader_with_a_declared_relation(
    as_user, county_officer, named, unnamed, cadre_a
):
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(county_officer)
    _hidden(client, named, unnamed)
    assert "张伟负责的公开栏未更新" not in client.get(LIST).content.decode()
    named.refresh_from_db()
    assert named.status == InspectionStatus.OPEN


def test_it_still_shows_the_inspection_to_an_unrelated_reader_of_the_same_area(
    as_user, county_officer, township_officer_a, grid_leader_a, named, cadre_a
):
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    for reader in (township_officer_a, grid_leader_a):
        client = as_user(reader)
        assert detail(named) in client.get(LIST).content.decode()
        body = client.get(detail(named)).content.decode()
        assert "张伟负责的公开栏未更新" in body and cadre_a.name in body


def test_it_hides_an_inspection_naming_several_cadres_when_one_is_conflicted(
    as_user, township_officer_a, office, grid_a, cadre_a, unit_b, unnamed
):
    other = make_cadre("赵敏", unit_b, grid_a)
    both = record(office, grid_a, cadres=[other, cadre_a])
    only_other = record(office, grid_a, cadres=[other])
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.ASSOCIATE)
    _hidden(as_user(township_officer_a), both, only_other)
    listed = list(inspections.inspection_list(user=township_officer_a))
    assert {i.pk for i in listed} == {only_other.pk, unnamed.pk}


def test_it_hides_an_inspection_from_its_own_inspector_after_a_declared_relation(
    as_user, office, named, unnamed, cadre_a
):
    """As the diary hides an entry from its author who declares a relation later."""
    DeclaredRelation.objects.create(user=office, cadre=cadre_a, kind=RelationKind.SPOUSE)
    _hidden(as_user(office), named, unnamed)
    with pytest.raises(NotPermitted):
        inspections.inspection_follow_up(actor=office, inspection=named, follow_up="已整改")
    with pytest.raises(Inspection.DoesNotExist):
        inspections.inspection_for(office, named.pk)


def test_it_hides_an_inspection_from_the_cadre_it_names_even_in_the_grid_team(
    as_user, cadre_user, grid_a, named, unnamed
):
    GridTeamMember.objects.create(grid=grid_a, user=cadre_user, role="deputy")
    _hidden(as_user(cadre_user), named, unnamed)


def test_it_hides_an_inspection_from_a_colleague_in_the_cadres_unit(
    as_user, township_a, unit_a, grid_a, named, unnamed
):
    user = make_user("colleague", role=Role.TOWNSHIP_STAFF, area=township_a)
    colleague = make_cadre("王强", unit_a, grid_a)
    colleague.user = user
    colleague.save(update_fields=["user"])
    _hidden(as_user(user), named, unnamed)


def test_it_hides_an_inspection_from_the_unit_liaison_even_with_a_county_role(
    as_user, county, unit_liaison, named, unnamed
):
    RoleAssignment.objects.create(user=unit_liaison, role=Role.COUNTY_STAFF, area=county)
    _hidden(as_user(unit_liaison), named, unnamed)


def test_it_lists_with_recusal_in_a_fixed_number_of_queries(
    as_user, county_officer, office, grid_a, grid_b, cadre_a, cadre_b, django_assert_max_num_queries
):
    """The recusal is one subquery of the list's query: no query per inspection or per cadre."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(county_officer)
    record(office, grid_a, cadres=[cadre_a])
    record(office, grid_b, cadres=[cadre_b])
    with django_assert_max_num_queries(16) as small:
        assert client.get(LIST).status_code == 200
    for i in range(9):
        record(office, grid_a, days_ago=i + 3, cadres=[cadre_a])
        record(office, grid_b, days_ago=i + 3, cadres=[cadre_b])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 10

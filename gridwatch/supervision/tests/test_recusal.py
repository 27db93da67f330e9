"""Recusal (回避): an entry about a cadre the reader is conflicted with (themselves, a cadre of their unit,
a declared relation) is hidden from that reader in the list and on its page, whatever role they hold;
entries about no cadre, or about other cadres, stay visible to them."""

import pytest
from django.urls import reverse

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user
from gridwatch.core.errors import ValidationFailed
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import DeclaredRelation, RelationKind

from .conftest import write_entry


def detail(entry):
    return reverse("supervision:diary_detail", args=[entry.pk])


def _hidden(client, hidden, visible):
    assert client.get(detail(hidden)).status_code == 404
    assert client.get(reverse("supervision:diary_update", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("supervision:diary_to_case", args=[hidden.pk])).status_code == 404
    body = client.get(reverse("supervision:diary_list")).content.decode()
    assert detail(hidden) not in body
    assert detail(visible) in body
    assert client.get(detail(visible)).status_code == 200


@pytest.fixture
def entry_no_cadre(grid_supervisor, grid_a):
    return write_entry(grid_supervisor, grid_a, heard="居民反映路灯坏了很久")


def test_it_hides_an_entry_from_a_reader_with_a_declared_relation(
    as_user, grid_leader_a, entry_a, entry_no_cadre, cadre_a
):
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind=RelationKind.KIN)
    _hidden(as_user(grid_leader_a), entry_a, entry_no_cadre)


def test_it_hides_an_entry_from_its_own_author_after_a_declared_relation(
    as_user, grid_supervisor, entry_a, entry_no_cadre, cadre_a
):
    DeclaredRelation.objects.create(user=grid_supervisor, cadre=cadre_a, kind=RelationKind.SPOUSE)
    _hidden(as_user(grid_supervisor), entry_a, entry_no_cadre)


def test_it_hides_an_entry_from_the_cadre_it_is_about_even_in_the_grid_team(
    as_user, cadre_user, grid_a, entry_a, entry_no_cadre
):
    """The cadre sits in the grid team of their own grid: the entry about them is still not theirs."""
    GridTeamMember.objects.create(grid=grid_a, user=cadre_user, role="deputy")
    _hidden(as_user(cadre_user), entry_a, entry_no_cadre)


def test_it_hides_an_entry_from_a_colleague_in_the_cadres_unit(
    as_user, township_a, unit_a, grid_a, entry_a, entry_no_cadre
):
    user = make_user("colleague", role=Role.TOWNSHIP_STAFF, area=township_a)
    colleague = make_cadre("王强", unit_a, grid_a)
    colleague.user = user
    colleague.save(update_fields=["user"])
    _hidden(as_user(user), entry_a, entry_no_cadre)


def test_it_hides_an_entry_from_the_unit_liaison_even_with_a_county_role(
    as_user, county, unit_liaison, entry_a, entry_no_cadre
):
    RoleAssignment.objects.create(user=unit_liaison, role=Role.COUNTY_STAFF, area=county)
    _hidden(as_user(unit_liaison), entry_a, entry_no_cadre)


def test_it_keeps_conflicted_cadres_out_of_the_form_and_the_filter(
    as_user, grid_leader_a, entry_a, cadre_a, unit_b, grid_a
):
    other = make_cadre("赵敏", unit_b, grid_a)
    write_entry(grid_leader_a, grid_a, cadre=other)
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(grid_leader_a)
    form = client.get(reverse("supervision:diary_create")).content.decode()
    assert str(other.pk) in form and str(cadre_a.pk) not in form
    listing = client.get(reverse("supervision:diary_list")).content.decode()
    assert str(other.pk) in listing and str(cadre_a.pk) not in listing


def test_it_refuses_an_entry_about_a_conflicted_cadre(grid_leader_a, grid_a, cadre_a):
    """Even past the form (a forged choice), the service refuses to write about a relation."""
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind=RelationKind.KIN)
    with pytest.raises(ValidationFailed) as refused:
        write_entry(grid_leader_a, grid_a, cadre=cadre_a)
    assert refused.value.field == "cadre"


def test_it_hides_an_entry_whose_case_was_later_linked_to_a_conflicted_cadre(
    as_user, grid_leader_a, grid_supervisor, grid_a, cadre_a, county_officer
):
    """An entry about nobody in particular becomes a case; triage then links the case to cadre A. A reader
    with a declared relation to A, who may not see the case, may not read the entry either."""
    from gridwatch.cases import triage
    from gridwatch.supervision.services import diary_entry_to_case

    became_case = write_entry(grid_supervisor, grid_a, heard="听说有干部常在夜市喝酒到深夜")
    unrelated = write_entry(grid_supervisor, grid_a, heard="居民反映路灯坏了很久")
    report = diary_entry_to_case(actor=grid_leader_a, entry=became_case, subject_name="某干部")
    DeclaredRelation.objects.create(user=grid_leader_a, cadre=cadre_a, kind=RelationKind.KIN)
    triage.report_triage(actor=county_officer, report=report, subject_cadre=cadre_a)
    _hidden(as_user(grid_leader_a), became_case, unrelated)

"""Inspections of grids (督促检查, R22): who records and closes them, who reads them, the overdue flag, the
cadres' file lines, and the list's cost."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import FOLD_CONTEXT, filter_fold, make_cadre, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography.models import Liaison
from gridwatch.people.models import CadreFileEntry, FileEntryKind
from gridwatch.supervision import inspections
from gridwatch.supervision.models import Inspection, InspectionKind, InspectionStatus

from .conftest import team_member

NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 5, 20)


@pytest.fixture
def commission_liaison(township_a, grid_b):
    """A liaison of township A whose linked grid is B1 (in township B)."""
    user = make_user("commission_liaison")
    Liaison.objects.create(user=user, grid=grid_b).townships.add(township_a)
    return user


def record(actor, grid, *, days_ago=10, correct_in=5, corrections="补交监督卡", **extra):
    values = dict(
        actor=actor,
        grid=grid,
        kind=InspectionKind.REGULAR,
        inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        findings="监督卡有两张未按时提交",
        corrections=corrections,
        correct_by=(
            timezone.localdate() - datetime.timedelta(days=days_ago - correct_in) if corrections else None
        ),
    )
    values.update(extra)
    return inspections.inspection_record(**values)


@pytest.fixture
def inspection_a(office, grid_a):
    return record(office, grid_a)


@pytest.fixture
def inspection_b(office, grid_b):
    return record(office, grid_b)


def detail(inspection):
    return reverse("supervision:inspection_detail", args=[inspection.pk])


def follow_up(inspection):
    return reverse("supervision:inspection_follow_up", args=[inspection.pk])


# ------------------------------------------------------------------------------------------- services


def test_it_lets_the_office_and_a_liaison_record_in_their_areas(office, commission_liaison, grid_a, grid_b):
    """The office inspects any grid of the county; a liaison the grids of their townships and their
    linked grid."""
    assert record(office, grid_b).status == InspectionStatus.OPEN
    assert record(commission_liaison, grid_a).inspector == commission_liaison
    assert record(commission_liaison, grid_b).grid == grid_b
    assert AuditEvent.objects.filter(action="inspection.record").count() == 3


def test_it_refuses_a_liaison_outside_their_area_and_other_roles(
    county, commission_liaison, township_officer_a, grid_a
):
    from gridwatch.geography import services as geo
    from gridwatch.geography.models import Kind, Level

    township_c = geo.area_create(
        actor=None, code="522729104000", name="代化镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county
    )
    community_c = geo.area_create(
        actor=None,
        code="522729104001",
        name="代化社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township_c,
    )
    grid_c = geo.area_create(
        actor=None,
        code="522729104001001",
        name="代化社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community_c,
    )
    with pytest.raises(NotPermitted):
        record(commission_liaison, grid_c)
    with pytest.raises(NotPermitted):
        record(township_officer_a, grid_a)
    assert not Inspection.objects.exists()


def test_it_closes_at_once_an_inspection_without_corrections(office, grid_a):
    inspection = record(office, grid_a, corrections="")
    assert inspection.status == InspectionStatus.CLOSED and inspection.correct_by is None


def test_it_asks_for_the_date_of_corrections_and_refuses_a_future_inspection(office, grid_a):
    with pytest.raises(ValidationFailed) as exc:
        record(office, grid_a, correct_by=None)
    assert exc.value.field == "correct_by"
    with pytest.raises(ValidationFailed) as exc:
        record(office, grid_a, days_ago=-1)
    assert exc.value.field == "inspected_on"
    with pytest.raises(ValidationFailed) as exc:
        record(office, grid_a, correct_in=-1)
    assert exc.value.field == "correct_by"


def test_it_writes_the_kind_and_date_to_the_files_of_the_cadres_it_names(office, grid_a, cadre_a, unit_b):
    """Only the cadres named get a line; it holds the kind and date, not the findings."""
    other = make_cadre("赵敏", unit_b, grid_a)
    inspection = record(office, grid_a, cadres=[cadre_a], kind=InspectionKind.RANDOM)
    line = CadreFileEntry.objects.get(kind=FileEntryKind.OBSERVATION)
    assert line.cadre == cadre_a
    assert line.details["inspection_kind"] == InspectionKind.RANDOM
    assert line.details["date"] == inspection.inspected_on.isoformat()
    assert "监督卡" not in str(line.details) and "监督卡" not in line.title
    assert not CadreFileEntry.objects.filter(cadre=other, kind=FileEntryKind.OBSERVATION).exists()


def test_it_refuses_to_name_a_cadre_of_another_grid(office, grid_a, cadre_b):
    with pytest.raises(ValidationFailed) as exc:
        record(office, grid_a, cadres=[cadre_b])
    assert exc.value.field == "cadres"


def test_it_lets_the_inspector_or_county_staff_follow_up_and_close(
    office, county_officer, township_officer_a, grid_leader_a, inspection_a, grid_a
):
    """The grid team makes the corrections but does not close; township staff neither."""
    for actor in (grid_leader_a, township_officer_a):
        with pytest.raises(NotPermitted):
            inspections.inspection_follow_up(actor=actor, inspection=inspection_a, follow_up="已整改")
    closed = inspections.inspection_follow_up(
        actor=county_officer, inspection=inspection_a, follow_up="已整改"
    )
    assert closed.status == InspectionStatus.CLOSED
    assert closed.followed_up_by == county_officer and closed.followed_up_at is not None
    with pytest.raises(ValidationFailed):
        inspections.inspection_follow_up(actor=office, inspection=closed, follow_up="再次")
    event = AuditEvent.objects.get(action="inspection.follow_up")
    assert event.changes["status"] == {"before": "open", "after": "closed"}


def test_it_flags_an_open_inspection_past_its_date_as_overdue(office, grid_a, as_user, county_officer):
    with time_machine.travel(NOW, tick=False):
        due_soon = record(office, grid_a, days_ago=2, correct_in=5)
        late = record(office, grid_a, days_ago=10, correct_in=3)
        done = record(office, grid_a, days_ago=10, correct_in=3)
        inspections.inspection_follow_up(actor=office, inspection=done, follow_up="已整改")
        flags = {i.pk: i.is_overdue for i in inspections.inspection_list(user=county_officer)}
        assert flags == {due_soon.pk: False, late.pk: True, done.pk: False}
        overdue = inspections.inspection_list(user=county_officer, status=inspections.OVERDUE)
        assert [i.pk for i in overdue] == [late.pk]
        body = as_user(county_officer).get(reverse("supervision:inspection_list")).content.decode()
        assert zh("Overdue since %(day)s", day="2026-05-13") in body
    with time_machine.travel(NOW + datetime.timedelta(days=6), tick=False):
        flags = {i.pk: i.is_overdue for i in inspections.inspection_list(user=county_officer)}
        assert flags[due_soon.pk] is True


# ------------------------------------------------------------------------------------------- views


READERS_OF_A = [
    "office",
    "commission_liaison",
    "county_officer",
    "township_officer_a",
    "grid_supervisor",
    "grid_leader_a",
]


@pytest.mark.parametrize("persona", READERS_OF_A)
def test_it_shows_an_inspection_to_the_readers_of_its_grid(request, as_user, inspection_a, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(reverse("supervision:inspection_list"))
    assert response.status_code == 200 and detail(inspection_a) in response.content.decode()
    response = client.get(detail(inspection_a))
    assert response.status_code == 200 and "补交监督卡" in response.content.decode()


def test_it_answers_404_to_another_township_and_grid(
    as_user, township_officer_b, grid_a2, inspection_a, inspection_b
):
    client = as_user(township_officer_b)
    assert client.get(detail(inspection_a)).status_code == 404
    assert client.post(follow_up(inspection_a), {"follow_up": "x"}).status_code == 404
    assert client.get(detail(inspection_b)).status_code == 200
    body = client.get(reverse("supervision:inspection_list")).content.decode()
    assert detail(inspection_b) in body and detail(inspection_a) not in body
    other_team = as_user(team_member("supervisor_a2", grid_a2))
    assert other_team.get(detail(inspection_a)).status_code == 404


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "community_org_a"])
def test_it_answers_403_to_roles_that_do_not_read_inspections(request, as_user, inspection_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("supervision:inspection_list")).status_code == 403
    assert client.get(detail(inspection_a)).status_code == 403
    assert client.get(reverse("supervision:inspection_create")).status_code == 403


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a", "grid_leader_a"])
def test_it_answers_403_to_readers_who_do_not_inspect(request, as_user, inspection_a, persona):
    assert (
        as_user(request.getfixturevalue(persona)).get(reverse("supervision:inspection_create")).status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["township_officer_a", "grid_leader_a"])
def test_it_answers_403_to_a_follow_up_by_the_inspected(request, as_user, inspection_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.post(follow_up(inspection_a), {"follow_up": "已整改"}).status_code == 403
    assert follow_up(inspection_a) not in client.get(detail(inspection_a)).content.decode()
    inspection_a.refresh_from_db()
    assert inspection_a.status == InspectionStatus.OPEN


def test_it_answers_405_to_the_wrong_method(as_user, office, inspection_a):
    client = as_user(office)
    assert client.post(reverse("supervision:inspection_list")).status_code == 405
    assert client.post(detail(inspection_a)).status_code == 405
    assert client.get(follow_up(inspection_a)).status_code == 405
    assert client.delete(reverse("supervision:inspection_create")).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, inspection_a):
    for url in (
        reverse("supervision:inspection_list"),
        reverse("supervision:inspection_create"),
        detail(inspection_a),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_it_records_an_inspection_in_two_steps_and_once(as_user, office, grid_a, cadre_a):
    client = as_user(office)
    assert client.get(reverse("supervision:inspection_create")).status_code == 200
    step = client.get(reverse("supervision:inspection_create"), {"grid": grid_a.code})
    assert step.status_code == 200 and cadre_a.name in step.content.decode()
    data = {
        "grid": grid_a.code,
        "kind": InspectionKind.RANDOM,
        "inspected_on": timezone.localdate().isoformat(),
        "findings": "公开栏未更新",
        "corrections": "一周内更新",
        "correct_by": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "cadres": [str(cadre_a.pk)],
        "submission": step.context["submission"],
    }
    response = client.post(reverse("supervision:inspection_create"), data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == detail(inspection)
    assert list(inspection.cadres.all()) == [cadre_a]
    client.post(reverse("supervision:inspection_create"), data)
    assert Inspection.objects.count() == 1


def test_it_closes_from_the_follow_up_form(as_user, office, inspection_a):
    client = as_user(office)
    assert client.post(follow_up(inspection_a), {"follow_up": ""}).status_code == 400
    response = client.post(follow_up(inspection_a), {"follow_up": "经复查已整改到位"})
    assert response.status_code == 302
    inspection_a.refresh_from_db()
    assert inspection_a.status == InspectionStatus.CLOSED
    assert "经复查已整改到位" in client.get(detail(inspection_a)).content.decode()


def test_it_does_not_show_inspection_lines_to_the_cadre(
    as_user, office, grid_a, cadre_a, cadre_user, county_officer
):
    record(office, grid_a, cadres=[cadre_a])
    assert CadreFileEntry.objects.filter(cadre=cadre_a, kind=FileEntryKind.OBSERVATION).exists()
    mine = as_user(cadre_user).get(reverse("people:my_file")).content.decode()
    assert zh("Regular inspection") not in mine
    staff = as_user(county_officer).get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert zh("Regular inspection") in staff


def test_it_lists_inspections_in_a_fixed_number_of_queries(
    as_user, county_officer, office, grid_a, grid_b, django_assert_max_num_queries
):
    client = as_user(county_officer)
    record(office, grid_a)
    record(office, grid_b, corrections="")
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("supervision:inspection_list")).status_code == 200
    for i in range(9):
        record(office, grid_a, days_ago=i + 3)
        record(office, grid_b, days_ago=i + 3, corrections="")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("supervision:inspection_list"))
    assert zh("%(n)s inspections", n="20") in response.content.decode()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert (
            client.get(
                reverse("supervision:inspection_list"), {"status": "overdue", "kind": "regular"}
            ).status_code
            == 200
        )


def test_it_answers_a_second_follow_up_with_a_message(as_user, office, inspection_a):
    client = as_user(office)
    client.post(follow_up(inspection_a), {"follow_up": "已整改"})
    response = client.post(follow_up(inspection_a), {"follow_up": "再次复查"}, follow=True)
    assert response.status_code == 200
    assert zh("This inspection is already closed.") in response.content.decode()
    inspection_a.refresh_from_db()
    assert inspection_a.follow_up == "已整改"


def test_it_folds_its_filters_on_phones_and_counts_only_those_it_offers(
    as_user, county_officer, township_officer_a, township_a, inspection_a
):
    """The inspections' selects wait behind the "Filters" button on a phone, closed while none is set and
    open with their number when some are. A township officer has no township select, so a township in
    the address is no filter for them to count."""
    county = as_user(county_officer)
    is_open, label, inside = filter_fold(county.get(reverse("supervision:inspection_list")).content.decode())
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)
    assert 'id="f-kind"' in inside and 'id="f-status"' in inside
    params = {"kind": InspectionKind.values[0], "status": inspections.OVERDUE}
    body = county.get(reverse("supervision:inspection_list"), params).content.decode()
    is_open, label, _inside = filter_fold(body)
    assert is_open and label == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=2)
    township = as_user(township_officer_a)
    body = township.get(
        reverse("supervision:inspection_list"), {"township": township_a.code}
    ).content.decode()
    is_open, label, inside = filter_fold(body)
    assert 'id="f-township"' not in inside
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)

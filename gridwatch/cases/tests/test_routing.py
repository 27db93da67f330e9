"""Routing (R16): the grid that supervises the cadre, one level up when a whole level is conflicted, and who
then sees the report. The table of situations is the golden file ``routing_golden.txt``."""

from pathlib import Path

import pytest
from django.urls import reverse

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases import selectors
from gridwatch.cases.models import RoutedBecause
from gridwatch.cases.routing import CONFLICTED, OFFICER, TEAM, level_conflicts, level_users, route
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_cadre, make_user
from gridwatch.geography.models import GridTeamMember
from gridwatch.people import services as people
from gridwatch.people.models import DeclaredRelation, RelationKind, UnitKind

GOLDEN = Path(__file__).with_name("routing_golden.txt")
PERSONAS = ("county", "township_a", "township_b", "grid_a", "unit_liaison")


def golden_rows():
    rows = {}
    lines = [line for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    header = [cell.strip() for cell in lines[0].split("|")]
    assert header[3:] == list(PERSONAS)
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.split("|")]
        rows[cells[0]] = cells[1:]
    return rows


GOLDEN_ROWS = golden_rows()


@pytest.fixture
def personas(county_officer, township_officer_a, township_officer_b, grid_supervisor, unit_liaison, county):
    RoleAssignment.objects.create(user=unit_liaison, role=Role.COUNTY_STAFF, area=county)
    return {
        "county": county_officer,
        "township_a": township_officer_a,
        "township_b": township_officer_b,
        "grid_a": grid_supervisor,
        "unit_liaison": unit_liaison,
    }


def relation(user, cadre):
    DeclaredRelation.objects.create(user=user, cadre=cadre, kind=RelationKind.KIN)


def situation(name, *, personas, cadre_a, grid_a, township_a, county):
    """Set the situation up and file its report."""
    if name == "ordinary cadre":
        return file_report(subject_cadre=cadre_a, grid=grid_a)
    if name == "one grid member conflicted":
        GridTeamMember.objects.create(grid=grid_a, user=make_user("leader_a1"), role="leader")
        relation(personas["grid_a"], cadre_a)
        return file_report(subject_cadre=cadre_a, grid=grid_a)
    if name == "all grid members conflicted":
        relation(personas["grid_a"], cadre_a)
        return file_report(subject_cadre=cadre_a, grid=grid_a)
    if name == "township leader":
        unit = people.unit_create(
            actor=None, name="广顺镇党委、政府", kind=UnitKind.TOWNSHIP, area=township_a
        )
        secretary = make_cadre("王书记", unit, grid_a, position="党委书记")
        return file_report(subject_cadre=secretary, grid=grid_a)
    if name == "all township staff conflicted":
        relation(personas["township_a"], cadre_a)
        return file_report(subject_cadre=cadre_a, grid=grid_a)
    if name == "unknown person from a grid":
        return file_report(subject_name="赵六", grid=grid_a, fallback_path=county.path)
    if name == "county form":
        return file_report(subject_name="赵六", fallback_path=county.path)
    raise AssertionError(name)


def seen_by(as_user, user, report):
    client = as_user(user)
    listed = report.reference in client.get(reverse("cases:case_list")).content.decode()
    status = client.get(reverse("cases:case_detail", args=[report.pk])).status_code
    if listed and status == 200:
        return "sees"
    if not listed and status == 404:
        return "404"
    return f"listed={listed} page={status}"


@pytest.mark.parametrize("name", list(GOLDEN_ROWS))
def test_it_routes_and_shows_each_situation_as_the_golden_table_says(
    as_user, personas, cadre_a, grid_a, township_a, county, name
):
    report, _code = situation(
        name, personas=personas, cadre_a=cadre_a, grid_a=grid_a, township_a=township_a, county=county
    )
    level = {grid_a.path: "grid", township_a.path: "township", county.path: "county"}.get(
        report.supervising_path, report.supervising_path
    )
    actual = [level, report.routed_because] + [seen_by(as_user, personas[p], report) for p in PERSONAS]
    assert actual == GOLDEN_ROWS[name]


def test_the_golden_table_covers_every_situation_the_brief_names():
    assert {
        "ordinary cadre",
        "all grid members conflicted",
        "township leader",
        "all township staff conflicted",
        "unknown person from a grid",
        "county form",
    } <= set(GOLDEN_ROWS)


# ------------------------------------------------------------------------------------------ the rules


def test_it_keeps_a_report_in_a_grid_without_a_team(cadre_a, grid_a):
    """A level with nobody is not conflicted: the report stays, and the township and county see it."""
    assert route(subject_cadre=cadre_a, grid=None, fallback_path="", fallback_because="") == (
        grid_a.path,
        RoutedBecause.SUBJECT_GRID,
    )


def test_it_counts_a_grid_member_of_the_subjects_unit_as_conflicted(cadre_a, grid_a, unit_a, township_a):
    user = make_user("colleague")
    colleague = make_cadre("王强", unit_a, grid_a)
    people.cadre_link_user(actor=None, cadre=colleague, user=user)
    GridTeamMember.objects.create(grid=grid_a, user=user, role="supervisor")
    assert route(subject_cadre=cadre_a, grid=grid_a, fallback_path="", fallback_because="") == (
        township_a.path,
        RoutedBecause.GRID_CONFLICTED,
    )


def test_it_counts_the_unit_liaison_and_the_subject_as_conflicted(cadre_a, grid_a, unit_a, township_a):
    liaison = make_user("liaison", role=Role.UNIT_LIAISON, unit=unit_a)
    subject_user = make_user("subject")
    people.cadre_link_user(actor=None, cadre=cadre_a, user=subject_user)
    GridTeamMember.objects.create(grid=grid_a, user=liaison, role="supervisor")
    GridTeamMember.objects.create(grid=grid_a, user=subject_user, role="deputy")
    conflicts = level_conflicts(cadre_a, township=township_a.path, grid_id=grid_a.pk)
    assert conflicts.grid and not conflicts.township


def test_it_leaves_out_disabled_members(cadre_a, grid_a, grid_supervisor, township_a):
    """A disabled account cannot handle the report: the conflicted active member decides."""
    relation(grid_supervisor, cadre_a)
    idle = make_user("idle")
    idle.is_active = False
    idle.save(update_fields=["is_active"])
    GridTeamMember.objects.create(grid=grid_a, user=idle, role="leader")
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    assert report.supervising_path == township_a.path


def test_it_keeps_a_report_in_the_township_while_one_officer_there_is_free(
    cadre_a, grid_a, township_a, township_officer_a
):
    """Only a wholly conflicted township passes the report up: one free officer keeps it (the conflicted one
    is recused by ``reports_for``)."""
    relation(township_officer_a, cadre_a)
    make_user("township_a2", role=Role.TOWNSHIP_STAFF, area=township_a)
    conflicts = level_conflicts(cadre_a, township=township_a.path, grid_id=grid_a.pk)
    assert not conflicts.township_staff and not conflicts.township
    assert route(subject_cadre=cadre_a, grid=grid_a, fallback_path="", fallback_because="") == (
        grid_a.path,
        RoutedBecause.SUBJECT_GRID,
    )


def test_it_does_not_count_a_disabled_officer_as_free(
    cadre_a, grid_a, township_a, township_officer_a, county
):
    relation(township_officer_a, cadre_a)
    idle = make_user("township_a_idle", role=Role.TOWNSHIP_STAFF, area=township_a)
    idle.is_active = False
    idle.save(update_fields=["is_active"])
    assert level_conflicts(cadre_a, township=township_a.path, grid_id=grid_a.pk).township_staff
    assert route(subject_cadre=cadre_a, grid=grid_a, fallback_path="", fallback_because="") == (
        county.path,
        RoutedBecause.TOWNSHIP_CONFLICTED,
    )


def test_it_routes_a_township_cadre_living_in_another_township_to_their_grid(
    county, township_b, grid_b, township_a
):
    """Only the cadre's own township is conflicted: supervised in township B, a 广顺镇 cadre stays there."""
    unit = people.unit_create(actor=None, name="广顺镇党委、政府", kind=UnitKind.TOWNSHIP, area=township_a)
    cadre = make_cadre("陈镇长", unit, grid_b, position="镇长")
    people.cadre_update(actor=None, cadre=cadre, supervising_grid=grid_b)
    cadre.refresh_from_db()
    assert route(subject_cadre=cadre, grid=None, fallback_path="", fallback_because="") == (
        grid_b.path,
        RoutedBecause.SUBJECT_GRID,
    )


def test_conflicted_users_mirrors_conflicted_cadres(county, unit_a, unit_b, grid_a, grid_b, cadre_a, cadre_b):
    """``conflicted_users(cadre)`` holds a user exactly when ``conflicted_cadres(user)`` holds the cadre."""
    colleague = make_user("colleague")
    people.cadre_link_user(actor=None, cadre=make_cadre("王强", unit_a, grid_a), user=colleague)
    liaison = make_user("liaison_b", role=Role.UNIT_LIAISON, unit=unit_b)
    kin = make_user("kin", role=Role.COUNTY_STAFF, area=county)
    relation(kin, cadre_b)
    subject = make_user("subject")
    people.cadre_link_user(actor=None, cadre=cadre_a, user=subject)
    bystander = make_user("bystander", role=Role.COUNTY_STAFF, area=county)
    users = [colleague, liaison, kin, subject, bystander]
    for cadre in (cadre_a, cadre_b):
        by_cadre = set(selectors.conflicted_users(cadre).values_list("pk", flat=True))
        by_user = {
            u.pk
            for u in users
            if cadre.pk in set(selectors.conflicted_cadres(u).values_list("id", flat=True))
        }
        assert by_cadre == by_user
    assert set(selectors.conflicted_users(cadre_a).values_list("pk", flat=True)) == {colleague.pk, subject.pk}
    assert set(selectors.conflicted_users(cadre_b).values_list("pk", flat=True)) == {liaison.pk, kin.pk}


def test_the_routing_statement_names_the_users_conflicted_users_names(
    county, unit_a, unit_b, grid_a, township_a, cadre_a, cadre_b, township_officer_a, grid_supervisor
):
    """``routing.level_users`` writes the three sources of ``selectors.conflicted_user_sources`` by hand: for
    a cadre with every kind of conflict, both name the same users, and the team and the officers are the
    active ones."""
    colleague = make_user("colleague")
    people.cadre_link_user(actor=None, cadre=make_cadre("王强", unit_a, grid_a), user=colleague)
    subject = make_user("subject")
    people.cadre_link_user(actor=None, cadre=cadre_a, user=subject)
    liaison = make_user("liaison_a", role=Role.UNIT_LIAISON, unit=unit_a)
    make_user("liaison_b", role=Role.UNIT_LIAISON, unit=unit_b)  # another unit's liaison: not conflicted
    kin = make_user("kin", role=Role.COUNTY_STAFF, area=county)
    relation(kin, cadre_a)
    relation(make_user("kin_b"), cadre_b)  # a relation of another cadre: not conflicted
    idle = make_user("idle", role=Role.TOWNSHIP_STAFF, area=township_a)
    idle.is_active = False
    idle.save(update_fields=["is_active"])
    GridTeamMember.objects.create(grid=grid_a, user=idle, role="deputy")
    for cadre in (cadre_a, cadre_b):
        users = level_users(cadre, township=township_a.path, grid_id=grid_a.pk)
        assert users[CONFLICTED] == set(selectors.conflicted_users(cadre).values_list("pk", flat=True))
    users = level_users(cadre_a, township=township_a.path, grid_id=grid_a.pk)
    assert users[CONFLICTED] == {colleague.pk, subject.pk, liaison.pk, kin.pk}
    assert users[TEAM] == {grid_supervisor.pk}
    assert users[OFFICER] == {township_officer_a.pk}
    assert level_users(cadre_a, township=township_a.path)[TEAM] == set()


# ------------------------------------------------------------------------------------------ the cost


def _team(grid, n, cadre):
    for i in range(n):
        user = make_user(f"member{grid.pk}_{i}")
        GridTeamMember.objects.create(grid=grid, user=user, role="supervisor")
        relation(user, cadre)


def test_it_routes_in_one_query_whatever_the_size_of_the_team(
    cadre_a, grid_a, django_assert_num_queries, township_officer_a
):
    with django_assert_num_queries(1):
        route(subject_cadre=cadre_a, grid=grid_a, fallback_path="", fallback_because="")
    _team(grid_a, 5, cadre_a)
    for i in range(5):
        make_user(
            f"officer{i}", role=Role.TOWNSHIP_STAFF, area=township_officer_a.role_assignments.get().area
        )
    with django_assert_num_queries(1):
        assert route(subject_cadre=cadre_a, grid=grid_a, fallback_path="", fallback_because="")[1] == (
            RoutedBecause.GRID_CONFLICTED
        )
    with django_assert_num_queries(0):
        route(subject_cadre=None, grid=grid_a, fallback_path="", fallback_because="")


def test_it_files_a_public_report_in_a_fixed_number_of_queries(
    client, county, cadre_a, grid_a, django_assert_num_queries, django_assert_max_num_queries
):
    """The public mailbox's POST costs the same with a large, wholly conflicted team as with none."""
    from gridwatch.cases import receipts

    def post():
        data = {
            "subject_cadre": cadre_a.pk,
            "circle": "social",
            "what": "周末在农家乐接受宴请",
            "named": "0",
            "submission": receipts.submission_token_new(),
        }
        return client.post(reverse("portal:report_grid", args=[grid_a.code]), data)

    post()  # warm
    with django_assert_max_num_queries(30) as small:
        assert post().status_code == 200
    _team(grid_a, 5, cadre_a)
    with django_assert_num_queries(len(small.captured_queries)):
        assert post().status_code == 200

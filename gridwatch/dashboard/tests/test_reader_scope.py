"""What a reader's pack and the meetings they read may count: the areas of their pack-reader roles only
(not a grid post, a community role or a unit-liaison unit held besides), each figure only for readers of
its list, and a meeting's frozen figures never what the reader's own lists hide from them (recusal)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases.models import Clarification
from gridwatch.conftest import make_user, zh
from gridwatch.dashboard import selectors
from gridwatch.geography import services as geo
from gridwatch.geography.models import GridTeamMember, Kind, Level
from gridwatch.people.models import DeclaredRelation

from .conftest import diary, in_period, inspection, notice, period, report, today, urgent_matter
from .test_meetings import record

pytestmark = pytest.mark.django_db

PACK = reverse("dashboard:pack")


def pack_of(user, township=None, **extra):
    return selectors.analysis_pack(
        user=user,
        period=period(),
        township=township,
        townships=selectors.pack_townships(user),
        today=today(),
        **extra,
    )


def _label(text):
    """A figure's label as the page writes it (the same words may be a menu entry)."""
    return f'<div class="l">{text}</div>'


def _detail(meeting):
    return reverse("dashboard:meeting_detail", args=[meeting.pk])


# ------------------------------------------------------------------------------------ the pack scope


@pytest.mark.parametrize("post", ["deputy", "supervisor", "leader"])
def test_it_counts_nothing_of_a_grid_post_held_in_another_township(
    township_officer_a, grid_b, cadre_b, office, post
):
    """A township officer of A who also sits on a grid team of B: B's rows are not in their pack (their
    grid-team lists show them, as a grid-team member, not as township staff)."""
    GridTeamMember.objects.create(grid=grid_b, user=township_officer_a, role=post)
    report(cadre_b)
    diary(office, grid_b)
    inspection(office, grid_b)
    for _i in range(3):
        notice(cadre_b)
    pack = pack_of(township_officer_a, with_names=True)
    assert pack["cases"]["received"] == 0 and pack["cases"]["elsewhere"] == 0
    assert pack["supervision"]["diary"] == 0
    assert pack["supervision"]["inspections_total"] == 0
    assert pack["warnings"]["issued"] == 0 and pack["warnings"]["ladder_cadres"] == []
    assert pack["townships"] == {township_officer_a.role_assignments.get().area.code: "广顺镇"}


def test_it_counts_nothing_of_a_unit_liaison_post(township_officer_a, unit_b, cadre_b):
    """A unit liaison reads their unit's notices in the notices' list, not in the pack of the township
    they are staff of."""
    RoleAssignment.objects.create(user=township_officer_a, role=Role.UNIT_LIAISON, unit=unit_b)
    for _i in range(3):
        notice(cadre_b)
    warnings = pack_of(township_officer_a, with_names=True)["warnings"]
    assert warnings["issued"] == 0 and warnings["cadres_at_3"] == 0 and warnings["ladder_cadres"] == []


def test_it_counts_a_liaisons_townships_and_grid(liaison_a, township_a, cadre_a, cadre_b):
    report(cadre_a)
    report(cadre_b)
    assert pack_of(liaison_a)["cases"]["received"] == 1
    assert selectors.pack_scope(liaison_a).township_paths == (township_a.path,)


# -------------------------------------------------------------------------------- who reads meetings


@pytest.fixture
def other_county():
    county = geo.area_create(
        actor=None, code="522731000000", name="惠水县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    township = geo.area_create(
        actor=None, code="522731101000", name="和平镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county
    )
    community = geo.area_create(
        actor=None,
        code="522731101001",
        name="和平社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township,
    )
    grid = geo.area_create(
        actor=None,
        code="522731101001001",
        name="和平社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community,
    )
    return {"county": county, "township": township, "grid": grid}


def test_it_gives_no_meeting_of_another_county_for_a_grid_post_there(
    as_user, township_officer_a, other_county
):
    office2 = make_user("office2", role=Role.OFFICE, area=other_county["county"])
    meetings = [record(office2, other_county["county"]), record(office2, other_county["township"])]
    GridTeamMember.objects.create(grid=other_county["grid"], user=township_officer_a, role="supervisor")
    client = as_user(township_officer_a)
    body = client.get(reverse("dashboard:meeting_list")).content.decode()
    for meeting in meetings:
        assert client.get(_detail(meeting)).status_code == 404
        assert _detail(meeting) not in body


def test_it_keeps_the_county_meeting_from_township_staff_and_liaisons(
    as_user, office, county, township_officer_a, liaison_a, cadre_b, township_b
):
    """The county's meeting counts the other townships by name and number: county-wide readers only."""
    report(cadre_b)
    meeting = record(office, county)
    assert meeting.snapshot["cases"]["by_township"][-1]["n"] == 1
    for reader in (township_officer_a, liaison_a):
        assert as_user(reader).get(_detail(meeting)).status_code == 404
    assert township_b.name in as_user(office).get(_detail(meeting)).content.decode()


# -------------------------------------------------------------------------------- snapshot recusal


def test_it_hides_the_figures_counting_a_cadre_the_reader_is_recused_from(
    as_user, office, county, county_officer, cadre_a
):
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a)
    report(cadre_a)
    meeting = record(office, county)
    assert meeting.snapshot["cases"]["received"] == 1
    assert str(cadre_a.pk) in meeting.snapshot["counted"]["cases"]
    # The reader's own pack leaves the report out; the meeting must not show it to them either.
    assert pack_of(county_officer)["cases"]["received"] == 0
    body = as_user(county_officer).get(_detail(meeting)).content.decode()
    note = zh("Some figures of this record are not shown to you: you are recused from a matter they count.")
    assert note in body
    # Only the section that counted the cadre goes: the reports; the notices, cards and diary (none about
    # them) stay, as in the reader's live pack.
    assert 'id="cases"' not in body and 'id="warnings"' in body
    assert _label(zh("Supervision cards of the period")) in body
    assert _label(zh("Sentiment diary entries")) in body
    assert 'id="monthly"' in body and _label(zh("Inspections in the period")) in body
    assert str(cadre_a.pk) not in body
    other = as_user(office).get(_detail(meeting)).content.decode()
    assert note not in other and 'id="cases"' in other and str(cadre_a.pk) not in other


def test_it_hides_a_township_meetings_notices_from_a_township_officer_related_to_their_cadre(
    as_user, office, township_a, township_officer_a, cadre_a
):
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a)
    notice(cadre_a)
    meeting = record(office, township_a)
    assert meeting.snapshot["warnings"]["issued"] == 1
    body = as_user(township_officer_a).get(_detail(meeting)).content.decode()
    assert 'id="warnings"' not in body and 'id="cases"' in body
    assert (
        zh("Some figures of this record are not shown to you: you are recused from a matter they count.")
        in body
    )


def test_it_checks_a_snapshots_recusal_in_one_query(
    office,
    county,
    county_officer,
    cadre_a,
    cadre_b,
    grid_a,
    checklist,
    grid_supervisor,
):
    from gridwatch.monthly.tests.conftest import make_card

    report(cadre_a)
    notice(cadre_b)
    diary(office, grid_a, cadre=cadre_a)
    make_card(checklist, cadre_a, grid_a, month=period().start, author=grid_supervisor)
    inspection(office, grid_a, cadres=[cadre_a])
    snapshot = record(office, county).snapshot
    assert set(snapshot["counted"]) == {"cases", "cards", "diary", "warnings", "urgent", "inspections"}
    assert str(cadre_a.pk) in snapshot["counted"]["diary"] and str(cadre_a.pk) in snapshot["counted"]["cards"]
    assert snapshot["counted"]["inspections"] == [str(cadre_a.pk)]
    selectors.pack_roles(county_officer)  # the roles, read once per request by the view's permission check
    with CaptureQueriesContext(connection) as captured:
        shown = selectors.snapshot_for_reader(county_officer, snapshot)
    assert len(captured) == 1
    assert "counted" not in shown and "recused" not in shown and shown["cases"]["received"] == 2


def test_it_hides_an_urgent_matter_about_a_cadre_the_reader_is_recused_from(
    as_user, office, county, county_officer, township_a, township_officer_a, cadre_a
):
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a)
    urgent_matter(township_a, cadre_a, township_officer_a)
    meeting = record(office, county)
    assert meeting.snapshot["monthly"]["urgent"] == 1
    body = as_user(county_officer).get(_detail(meeting)).content.decode()
    assert _label(zh("Urgent matters reported in the period")) not in body
    assert _label(zh("Inspections in the period")) in body


# --------------------------------------------------------------------- each figure for its readers


def test_it_leaves_urgent_matters_out_of_a_liaisons_pack_and_export(
    as_user, liaison_a, township_a, township_officer_a, cadre_a
):
    """Liaisons do not read urgent matters (monthly.roles.URGENT_READERS): no figure counts them."""
    urgent_matter(township_a, cadre_a, township_officer_a)
    assert "urgent" not in pack_of(liaison_a)["monthly"]
    assert pack_of(township_officer_a)["monthly"]["urgent"] == 1
    response = as_user(liaison_a).get(reverse("dashboard:pack_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    assert zh("Urgent matters reported in the period") not in labels
    assert zh("Reports received in the period") in labels


def test_it_computes_no_part_the_reader_may_not_list(township_officer_a, monkeypatch):
    """Each part of the pack is asked of the reader's roles; a reader without the readers' roles of a list
    (here: none of them) gets no figure of it."""
    from gridwatch.dashboard import selectors as module

    monkeypatch.setattr(module, "user_roles", lambda user: {Role.TOWNSHIP_STAFF} - {Role.TOWNSHIP_STAFF})
    pack = pack_of(township_officer_a)
    assert "cases" not in pack and "warnings" not in pack
    assert pack["monthly"] == {} and pack["supervision"] == {}


# -------------------------------------------------------------------------------- clarifications


def test_it_counts_the_clarifications_through_the_reports_path_not_a_list_of_reports(
    county_officer, office, cadre_a, cadre_b
):
    """The count joins the report and ranges over its path (with the recusal subquery): it never selects
    the reader's whole report scope as an ``IN`` list."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_b)
    for cadre in (cadre_a, cadre_b):
        basis = report(cadre, status="concluded", finding="unsubstantiated", finding_on=in_period())
        Clarification.objects.create(
            report=basis, cadre=cadre, status="approved", scope="unit", decided_on=in_period(12)
        )
    with CaptureQueriesContext(connection) as captured:
        figures = pack_of(county_officer)["cases"]
    assert figures["clarifications"] == 1
    (sql,) = [q["sql"] for q in captured if 'FROM "cases_clarification"' in q["sql"]]
    assert '"cases_clarification"."report_id" IN (SELECT' not in sql
    assert 'INNER JOIN "cases_report"' in sql


def test_it_has_indexes_for_the_columns_the_pack_filters_by_period():
    with connection.cursor() as cursor:
        clarification = connection.introspection.get_constraints(cursor, "cases_clarification")
        report_ = connection.introspection.get_constraints(cursor, "cases_report")
    assert any(c["index"] and c["columns"][:2] == ["status", "decided_on"] for c in clarification.values())
    assert any(c["index"] and c["columns"][:1] == ["finding_on"] for c in report_.values())


def test_it_hides_only_the_sections_that_count_the_cadre_the_reader_is_recused_from(
    as_user, office, county, county_officer, cadre_a, cadre_b, grid_a
):
    """A county officer related to one cadre keeps every section of a meeting that does not count that
    cadre: a diary entry about them hides the diary figure, not the reports about someone else."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a)
    report(cadre_b)
    diary(office, grid_a, cadre=cadre_a)
    meeting = record(office, county)
    shown = selectors.snapshot_for_reader(county_officer, meeting.snapshot)
    assert shown["cases"]["received"] == 1
    assert "diary" not in shown["supervision"] and shown["recused"]
    assert "recused" not in selectors.snapshot_for_reader(office, meeting.snapshot)


def test_a_meeting_shows_a_reader_only_the_sections_of_the_lists_they_read(
    as_user, office, township_a, township_officer_a, cadre_a, liaison_a
):
    """The office's township meeting counts urgent matters; a commission liaison of that township, who
    may not open the urgent matters, does not read that figure in the meeting either."""
    liaison = liaison_a
    urgent_matter(township_a, cadre_a, township_officer_a)
    meeting = record(office, township_a)
    assert meeting.snapshot["monthly"]["urgent"] == 1
    shown = selectors.snapshot_for_reader(liaison, meeting.snapshot)
    assert "urgent" not in shown["monthly"] and "recused" not in shown
    body = as_user(liaison).get(_detail(meeting)).content.decode()
    assert _label(zh("Urgent matters reported in the period")) not in body


def test_a_grid_post_beside_the_liaison_link_adds_no_section(
    township_a, township_officer_a, cadre_a, liaison_a, grid_b
):
    """Grid leaders read urgent matters, commission liaisons do not: a liaison who also leads a grid gets no
    urgent figure in the pack, as the grid post adds no area to it either."""
    GridTeamMember.objects.create(grid=grid_b, user=liaison_a, role="leader")
    urgent_matter(township_a, cadre_a, township_officer_a)
    assert "urgent" not in pack_of(liaison_a)["monthly"]


# ------------------------------------------------------------------------------ inspections' recusal


def test_it_hides_a_meetings_inspections_from_a_reader_related_to_a_cadre_they_name(
    as_user, office, county, county_officer, grid_a, grid_b, cadre_a, cadre_b
):
    """A meeting recorded by the office counts an inspection naming cadre A: a county officer related to A
    reads the meeting without the inspections' figures (and with the note), as their own list and pack
    leave that inspection out; another county officer reads them."""
    unrelated = make_user("county_2", role=Role.COUNTY_STAFF, area=county)
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a)
    inspection(office, grid_a, cadres=[cadre_a], correct_by=today())
    inspection(office, grid_b, kind="random", cadres=[cadre_b])
    report(cadre_b)
    meeting = record(office, county)
    assert meeting.snapshot["supervision"]["inspections_total"] == 2
    assert sorted(meeting.snapshot["counted"]["inspections"]) == sorted([str(cadre_a.pk), str(cadre_b.pk)])
    note = zh("Some figures of this record are not shown to you: you are recused from a matter they count.")
    body = as_user(county_officer).get(_detail(meeting)).content.decode()
    assert _label(zh("Inspections in the period")) not in body
    assert _label(zh("Corrections overdue now")) not in body
    assert note in body
    # The other sections stay: none of them counts cadre A.
    assert 'id="cases"' in body and _label(zh("Sentiment diary entries")) in body
    assert str(cadre_a.pk) not in body
    shown = selectors.snapshot_for_reader(county_officer, meeting.snapshot)
    assert not any(key.startswith("inspections") for key in shown["supervision"]) and shown["recused"]
    other = as_user(unrelated).get(_detail(meeting)).content.decode()
    assert _label(zh("Inspections in the period")) in other and note not in other
    assert "recused" not in selectors.snapshot_for_reader(unrelated, meeting.snapshot)


def test_it_hides_a_township_meetings_inspections_from_a_township_officer_related_to_a_cadre_named(
    as_user, office, township_a, township_officer_a, liaison_a, grid_a, cadre_a
):
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a)
    inspection(office, grid_a, cadres=[cadre_a])
    meeting = record(office, township_a)
    assert meeting.snapshot["supervision"]["inspections_total"] == 1
    body = as_user(township_officer_a).get(_detail(meeting)).content.decode()
    assert _label(zh("Inspections in the period")) not in body
    assert (
        _label(zh("Inspections in the period")) in as_user(liaison_a).get(_detail(meeting)).content.decode()
    )


def test_it_keeps_a_meetings_inspections_for_a_reader_related_to_no_cadre_they_name(
    office, county, county_officer, grid_a, cadre_a, cadre_b
):
    """An inspection naming no cadre, or another cadre, hides nothing."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_b)
    inspection(office, grid_a)
    inspection(office, grid_a, cadres=[cadre_a])
    shown = selectors.snapshot_for_reader(county_officer, record(office, county).snapshot)
    assert shown["supervision"]["inspections_total"] == 2 and "recused" not in shown


def test_it_hides_the_inspections_of_a_snapshot_that_did_not_keep_their_cadres(
    office, county, county_officer, grid_a, cadre_b
):
    """A meeting recorded before the inspections' cadres were kept cannot be checked: its inspections'
    figures stay hidden (fail closed); its other sections, checked, are shown."""
    inspection(office, grid_a)
    report(cadre_b)
    snapshot = record(office, county).snapshot
    del snapshot["counted"]["inspections"]
    shown = selectors.snapshot_for_reader(county_officer, snapshot)
    assert "inspections_total" not in shown["supervision"]
    assert shown.get("unchecked") and not shown.get("recused")  # not said to be recused: nobody can tell
    assert shown["cases"]["received"] == 1 and "diary" in shown["supervision"]

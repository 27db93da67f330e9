"""The analysis pack's figures (R15): each counts the rows the list it summarises shows the reader, in the
period and the scope asked for, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridwatch.cases import selectors as case_selectors
from gridwatch.cases.models import Clarification
from gridwatch.dashboard import selectors
from gridwatch.formal_warnings import selectors as warning_selectors
from gridwatch.monthly.models import MonthlyReport, UrgentMatter
from gridwatch.monthly.tests.conftest import make_card
from gridwatch.people.models import DeclaredRelation
from gridwatch.supervision import inspections as inspection_selectors

from .conftest import before_period, diary, in_period, inspection, notice, period, report, today, yesterday

pytestmark = pytest.mark.django_db


def pack_of(user, township=None, *, with_names=False):
    townships = selectors.pack_townships(user)
    return selectors.analysis_pack(
        user=user,
        period=period(),
        township=township,
        townships=townships,
        today=today(),
        with_names=with_names,
    )


@pytest.fixture
def cases_in_both_townships(cadre_a, cadre_b):
    report(cadre_a, circle="social", channel="web")
    report(cadre_a, circle="life", channel="hotline", status="handling")
    report(cadre_b, circle="family", channel="web", status="invalid")
    report(cadre_a, received_on=before_period(), overdue=True)


def test_it_counts_the_reports_received_in_the_period_by_township_circle_channel_and_status(
    office, township_a, township_b, cases_in_both_townships
):
    cases = pack_of(office)["cases"]
    assert cases["received"] == 3
    assert cases["by_township"] == [
        {"code": township_a.code, "n": 2},
        {"code": township_b.code, "n": 1},
    ]
    assert cases["elsewhere"] == 0
    assert (cases["by_circle"]["social"], cases["by_circle"]["life"], cases["by_circle"]["family"]) == (
        1,
        1,
        1,
    )
    assert (cases["by_channel"]["web"], cases["by_channel"]["hotline"]) == (2, 1)
    assert (
        cases["by_status"]["received"],
        cases["by_status"]["handling"],
        cases["by_status"]["invalid"],
    ) == (
        1,
        1,
        1,
    )


def test_it_counts_open_and_overdue_reports_as_the_case_list_filters_them(office, cadre_a, cadre_b):
    report(cadre_a, overdue=True)
    report(cadre_b, received_on=before_period(), overdue=True)
    report(cadre_b, status="handling", verify_due=yesterday())
    report(cadre_b, status="handling", verify_due=today())  # due today: not overdue yet
    report(cadre_a, status="closed", result_replied_on=in_period(20))
    cases = pack_of(office)["cases"]
    listed_overdue = case_selectors.report_list(user=office, status="open", overdue=True).count()
    assert cases["overdue_now"] == listed_overdue == 3
    assert cases["open_now"] == case_selectors.report_list(user=office, status="open").count() == 4
    assert cases["received_overdue"] == 2


def test_it_counts_the_findings_concluded_and_the_clarifications_approved_in_the_period(
    office, cadre_a, cadre_b
):
    report(cadre_a, status="concluded", finding="substantiated", finding_on=in_period())
    report(cadre_a, received_on=before_period(), status="concluded", finding="partly", finding_on=in_period())
    cleared = report(cadre_b, status="concluded", finding="not_substantiated", finding_on=in_period())
    report(cadre_b, status="concluded", finding="unverifiable", finding_on=before_period())
    Clarification.objects.create(
        report=cleared, cadre=cadre_b, status="approved", scope="unit", decided_on=in_period(20)
    )
    cases = pack_of(office)["cases"]
    assert cases["findings"]["substantiated"] == 1
    assert cases["findings"]["partly"] == 1
    assert cases["findings"]["not_substantiated"] == 1
    assert cases["findings"]["unverifiable"] == 0
    assert cases["concluded"] == 3
    assert cases["clarifications"] == 1


def test_it_counts_only_their_township_for_a_township_officer(
    township_officer_a, township_a, cases_in_both_townships
):
    pack = pack_of(township_officer_a)
    assert pack["cases"]["received"] == 2
    assert pack["cases"]["by_township"] == [{"code": township_a.code, "n": 2}]
    assert pack["townships"] == {township_a.code: township_a.name}


def test_it_narrows_to_the_township_chosen(office, township_b, cases_in_both_townships):
    pack = pack_of(office, township_b)
    assert pack["cases"]["received"] == 1
    assert pack["scope"] == {
        "code": township_b.code,
        "name": township_b.name,
        "level": "township",
        "partial": True,
    }


def test_it_leaves_out_the_cases_the_reader_is_recused_from(county_officer, cadre_a, cadre_b):
    """Compared with what their case list shows: a declared relation hides the cadre's reports from both."""
    report(cadre_a, overdue=True)
    report(cadre_b, overdue=True)
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind="kin")
    cases = pack_of(county_officer)["cases"]
    assert cases["received"] == 1
    assert cases["overdue_now"] == 1
    assert case_selectors.report_list(user=county_officer).count() == 1


def test_it_counts_the_monthly_reports_on_time_late_and_missing(
    office, township_officer_a, township_a, township_b, county
):
    month = period().start
    MonthlyReport.objects.create(
        township=township_a, month=month, status="received", late=False, submitted_by=township_officer_a
    )
    MonthlyReport.objects.create(township=township_b, month=month, status="submitted", late=True)
    monthly = pack_of(office)["monthly"]
    assert monthly["townships"] == 2
    [row] = monthly["months"]
    assert (row["month"], row["on_time"], row["late"], row["returned"], row["not_sent"]) == (
        f"{month:%Y-%m}",
        1,
        1,
        0,
        0,
    )
    township_pack = pack_of(township_officer_a)["monthly"]
    assert township_pack["townships"] == 1
    assert township_pack["months"][0]["late"] == 0


def test_it_counts_the_urgent_matters_reported_in_the_period(office, township_officer_a, township_a):
    from django.utils import timezone

    def matter(day):
        return UrgentMatter.objects.create(
            area=township_a,
            circle="social",
            title="紧急",
            details="细节",
            reported_by=township_officer_a,
            reported_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        )

    matter(in_period())
    matter(before_period())
    assert pack_of(office)["monthly"]["urgent"] == 1


def test_it_counts_cards_diary_entries_and_inspections(
    office, grid_supervisor, grid_a, grid_b, cadre_a, cadre_b, checklist
):
    month = period().start
    card = make_card(checklist, cadre_a, grid_a, month=month, author=grid_supervisor, concerns=("social",))
    card.concern_count = 1
    card.save(update_fields=["concern_count"])
    make_card(checklist, cadre_b, grid_b, month=month, status="draft", author=grid_supervisor)
    make_card(checklist, cadre_b, grid_b, month=before_period().replace(day=1), author=grid_supervisor)
    diary(grid_supervisor, grid_a)
    diary(grid_supervisor, grid_b, visited_on=before_period())
    inspection(office, grid_a, correct_by=yesterday())
    inspection(office, grid_b, kind="random")
    inspection(office, grid_b, inspected_on=before_period(), correct_by=yesterday())
    s = pack_of(office)["supervision"]
    assert s["cards_total"] == 2
    assert (s["cards"]["submitted"], s["cards"]["draft"]) == (1, 1)
    assert s["concerns"] == 1
    assert s["diary"] == 1
    assert s["inspections_total"] == 2
    assert s["inspections"] == {"regular": 1, "random": 1}
    assert s["inspections_open_now"] == 2
    listed = inspection_selectors.inspection_list(user=office, status="overdue").count()
    assert s["inspections_overdue_now"] == listed == 2


def test_it_leaves_out_the_inspections_naming_a_cadre_the_reader_is_recused_from(
    office, county_officer, township_officer_a, grid_a, grid_b, cadre_a, cadre_b
):
    """As the inspections' list does: an inspection naming a cadre the reader declared a relation to is not
    counted for them, in the period or now; an unrelated reader of the same area counts it."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a)
    inspection(office, grid_a, correct_by=yesterday(), cadres=[cadre_a])
    inspection(office, grid_b, kind="random", cadres=[cadre_b])
    inspection(
        office, grid_a, inspected_on=before_period(), correct_by=yesterday(), cadres=[cadre_b, cadre_a]
    )
    related = pack_of(county_officer)["supervision"]
    assert related["inspections_total"] == 1
    assert related["inspections"] == {"regular": 0, "random": 1}
    assert related["inspections_open_now"] == related["inspections_overdue_now"] == 0
    listed = inspection_selectors.inspection_list(user=county_officer).count()
    assert listed == 1
    unrelated = pack_of(township_officer_a)["supervision"]
    assert unrelated["inspections_total"] == 1 and unrelated["inspections"]["regular"] == 1
    assert unrelated["inspections_open_now"] == unrelated["inspections_overdue_now"] == 2
    assert pack_of(office)["supervision"]["inspections_total"] == 2


def test_it_counts_notices_follow_ups_and_the_cadres_at_the_ladders_thresholds(office, cadre_a, cadre_b):
    for _i in range(3):
        notice(cadre_a)
    notice(cadre_a, status="withdrawn")
    notice(cadre_b, status="appealed", overdue_follow_up=True)
    notice(cadre_b, issued_on=before_period())
    w = pack_of(office, with_names=True)["warnings"]
    assert w["issued"] == 5
    assert w["issued_by_status"] == {"in_force": 3, "appealed": 1, "withdrawn": 1}
    assert w["in_force_now"] == 4
    assert w["appealed_now"] == 1
    assert w["follow_ups_overdue_now"]["education"] == 1
    listed = warning_selectors.notice_list(user=office, overdue=True).count()
    assert w["notices_overdue_now"] == listed == 1
    assert (w["cadres_at_3"], w["cadres_at_5"]) == (1, 0)
    assert w["ladder_cadres"] == [{"name": cadre_a.name, "n": 3}]


def test_it_names_no_cadre_unless_asked_for_a_reader_of_notices(office, cadre_a):
    for _i in range(3):
        notice(cadre_a)
    assert "ladder_cadres" not in pack_of(office)["warnings"]
    assert selectors.may_see_names(office)


def test_it_holds_counts_only(office, county, cadre_a):
    """Nothing of a report's text, its reporter or a cadre's name is in the pack, nor in a meeting's
    snapshot, even for a cadre at the ladder's threshold (whom the page names to readers of notices)."""
    import json

    from gridwatch.dashboard import services

    report(cadre_a)
    for _i in range(3):
        notice(cadre_a)
    assert [row["name"] for row in pack_of(office, with_names=True)["warnings"]["ladder_cadres"]] == [
        cadre_a.name
    ]
    meeting = services.meeting_record(
        actor=office,
        area=county,
        held_on=today(),
        period=period(),
        attendees="a",
        problems="b",
        decisions="c",
    )
    for pack in (pack_of(office), meeting.snapshot):
        assert pack["warnings"]["cadres_at_3"] == 1
        text = json.dumps(pack, ensure_ascii=False)
        assert "周末在农家乐" not in text
        assert cadre_a.name not in text


def _queries(user, *, record=False):
    with CaptureQueriesContext(connection) as captured:
        if record:
            selectors.analysis_pack(
                user=user,
                period=period(),
                township=None,
                townships=selectors.pack_townships(user),
                today=today(),
                record=True,
            )
        else:
            pack_of(user, with_names=True)
    return len(captured)


def _more_rows(cadre, grid, author, n):
    for i in range(n):
        report(cadre, overdue=bool(i % 2), circle=["social", "life"][i % 2])
        notice(cadre, overdue_follow_up=bool(i % 2))
        diary(author, grid)
        inspection(author, grid, correct_by=yesterday(), cadres=[cadre])


def test_it_costs_the_same_number_of_queries_with_few_and_many_rows(office, cadre_a, cadre_b, grid_a, grid_b):
    _more_rows(cadre_a, grid_a, office, 1)
    _queries(office)  # the reader's scope is resolved once per request
    few = _queries(office)
    _more_rows(cadre_a, grid_a, office, 6)
    _more_rows(cadre_b, grid_b, office, 6)
    assert _queries(office) == few
    assert few <= 20


def test_it_keeps_a_snapshots_cadres_in_the_same_number_of_queries_with_few_and_many_rows(
    office, county_officer, cadre_a, cadre_b, grid_a, grid_b
):
    """A meeting's snapshot keeps the cadres of every section counted, the inspections' included, each in
    one query whatever the number of rows; recusal costs the pack no query either."""
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_b)
    _more_rows(cadre_a, grid_a, office, 1)
    _queries(office, record=True)
    _queries(county_officer)
    few, few_recorded, few_recused = _queries(office), _queries(office, record=True), _queries(county_officer)
    _more_rows(cadre_a, grid_a, office, 6)
    _more_rows(cadre_b, grid_b, office, 6)
    assert _queries(office, record=True) == few_recorded
    assert _queries(county_officer) == few_recused
    # One query more per section whose cadres it keeps (cases, cards, diary, inspections, notices, urgent).
    assert few_recorded <= few + 6

"""Triage (R13, R16): linking the subject re-routes the report; urgent tells the county once; duplicates,
refusals, transfers and passing on, each by deciders only, each audited without report text; the panel
and its forms, with the cadre search and the duplicate suggestions."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from gridwatch.accounts.models import Notification, RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases import triage
from gridwatch.cases.models import CaseEntry, CaseEntryKind, Report, ReportStatus, RoutedBecause
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people import services as people
from gridwatch.people.models import DeclaredRelation, RelationKind, UnitKind

WHAT = "周末在农家乐接受宴请"


def events(action, report=None):
    qs = AuditEvent.objects.filter(action=action)
    if report is not None:
        qs = qs.filter(object_id=str(report.pk))
    return list(qs)


def assert_no_report_text(event, *texts):
    for text in (WHAT, *texts):
        assert text not in str(event.changes)


@pytest.fixture
def unlinked(grid_a, county):
    """A report naming 张伟 without linking them, filed on grid A1's mailbox."""
    return file_report(subject_name="张伟", grid=grid_a, fallback_path=county.path)[0]


@pytest.fixture
def township_unit(township_a):
    return people.unit_create(actor=None, name="广顺镇党委、政府", kind=UnitKind.TOWNSHIP, area=township_a)


@pytest.fixture
def secretary(township_unit, grid_a):
    """广顺镇's party secretary, living (and supervised) in grid A1."""
    return make_cadre("王书记", township_unit, grid_a, position="党委书记")


def relation(user, cadre):
    DeclaredRelation.objects.create(user=user, cadre=cadre, kind=RelationKind.KIN)


# ------------------------------------------------------------------------------------- report_triage


def test_it_links_the_subject_and_records_why_it_sits_where_it_does(township_officer_a, unlinked, cadre_a):
    report = triage.report_triage(actor=township_officer_a, report=unlinked, subject_cadre=cadre_a)
    report.refresh_from_db()
    assert report.subject_cadre == cadre_a
    # Same grid, a new reason: no move in the history, the reason in the one triage event.
    assert report.routed_because == RoutedBecause.SUBJECT_GRID
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.TRIAGE)
    assert entry.actor == township_officer_a and entry.details["changes"]["subject_cadre"]["after"] == "张伟"
    assert not CaseEntry.objects.filter(report=report, kind=CaseEntryKind.ROUTING).exists()
    (event,) = events("report.triage", report)
    assert event.changes == {
        "subject_cadre": {"before": None, "after": str(cadre_a.pk)},
        "routed_because": {"before": RoutedBecause.FILED_GRID, "after": RoutedBecause.SUBJECT_GRID},
    }
    assert not events("report.route", report)


def test_it_reroutes_to_the_grid_of_a_newly_linked_cadre(county_officer, unlinked, cadre_b, grid_b, grid_a):
    report = triage.report_triage(actor=county_officer, report=unlinked, subject_cadre=cadre_b)
    report.refresh_from_db()
    assert report.supervising_path == grid_b.path
    routing = CaseEntry.objects.get(report=report, kind=CaseEntryKind.ROUTING)
    assert (routing.details["from"], routing.details["to"]) == (grid_a.path, grid_b.path)
    # One event for the triage, the move inside it.
    (event,) = events("report.triage", report)
    assert event.changes["supervising_path"] == {"before": grid_a.path, "after": grid_b.path}
    assert not events("report.route", report)


def test_it_passes_a_report_on_the_township_leader_to_the_county(
    township_officer_a, unlinked, secretary, county
):
    report = triage.report_triage(actor=township_officer_a, report=unlinked, subject_cadre=secretary)
    report.refresh_from_db()
    assert report.supervising_path == county.path
    assert report.routed_because == RoutedBecause.TOWNSHIP_CONFLICTED
    assert not triage.reports_for(township_officer_a).filter(pk=report.pk).exists()


def test_it_sets_the_circle_without_routing(county_officer, report_a):
    report = triage.report_triage(actor=county_officer, report=report_a[0], circle="family")
    assert Report.objects.get(pk=report.pk).circle == "family"
    assert not CaseEntry.objects.filter(report=report, kind=CaseEntryKind.ROUTING).exists()
    assert events("report.triage", report)[0].changes == {"circle": {"before": "social", "after": "family"}}


def test_it_refuses_a_triage_that_changes_nothing(county_officer, report_a, cadre_a):
    with pytest.raises(ValidationFailed):
        triage.report_triage(actor=county_officer, report=report_a[0], subject_cadre=cadre_a, circle="social")
    assert not events("report.triage")


def test_it_refuses_a_cadre_outside_the_jurisdiction_or_conflicted(
    township_officer_a, unlinked, cadre_b, cadre_a
):
    with pytest.raises(ValidationFailed) as refused:
        triage.report_triage(actor=township_officer_a, report=unlinked, subject_cadre=cadre_b)
    assert refused.value.field == "subject_cadre"
    relation(township_officer_a, cadre_a)
    with pytest.raises(ValidationFailed):
        triage.report_triage(actor=township_officer_a, report=unlinked, subject_cadre=cadre_a)
    assert Report.objects.get(pk=unlinked.pk).subject_cadre_id is None


@pytest.mark.parametrize("persona", ["grid_supervisor", "township_officer_b", "unit_liaison", "cadre_user"])
def test_it_lets_only_deciders_who_see_the_report_triage(request, report_a, persona):
    with pytest.raises(NotPermitted):
        triage.report_triage(actor=request.getfixturevalue(persona), report=report_a[0], urgent=True)
    assert not Report.objects.get(pk=report_a[0].pk).urgent


def test_it_lets_a_recused_decider_do_nothing(township_officer_a, report_a, cadre_a):
    relation(township_officer_a, cadre_a)
    with pytest.raises(NotPermitted):
        triage.report_triage(actor=township_officer_a, report=report_a[0], urgent=True)


def test_it_changes_only_urgency_once_a_disposal_is_chosen(county_officer, report_a, cadre_b):
    report = report_a[0]
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.HANDLING)
    with pytest.raises(ValidationFailed):
        triage.report_triage(actor=county_officer, report=report, circle="family")
    triage.report_triage(actor=county_officer, report=report, urgent=True)
    assert Report.objects.get(pk=report.pk).urgent


# ------------------------------------------------------------------------------------- urgent


def test_it_tells_the_county_staff_at_once_and_only_once(
    township_officer_a, county_officer, county, report_a, cadre_a, django_capture_on_commit_callbacks
):
    county_officer.email = "county@example.org"
    county_officer.save(update_fields=["email"])
    colleague = make_user("county2", role=Role.COUNTY_STAFF, area=county)
    colleague.email = "county2@example.org"
    colleague.save(update_fields=["email"])
    kin = make_user("county_kin", role=Role.COUNTY_STAFF, area=county)
    relation(kin, cadre_a)
    report = report_a[0]
    with django_capture_on_commit_callbacks(execute=True):
        triage.report_triage(actor=township_officer_a, report=report, urgent=True)
    told = Notification.objects.order_by("user__username")
    assert [n.user for n in told] == [county_officer, colleague]  # never the conflicted officer
    assert report.reference in told[0].subject and WHAT not in told[0].body and "张伟" not in told[0].body
    assert sorted(m.to[0] for m in mail.outbox) == ["county2@example.org", "county@example.org"]
    assert CaseEntry.objects.get(report=report, kind=CaseEntryKind.TRIAGE).details["county_told"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        triage.report_triage(actor=township_officer_a, report=report, urgent=False)
        triage.report_triage(actor=township_officer_a, report=report, urgent=True)
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2
    assert Report.objects.get(pk=report.pk).urgent


def test_it_does_not_tell_the_officer_who_marked_it(county_officer, report_a):
    triage.report_triage(actor=county_officer, report=report_a[0], urgent=True)
    assert not Notification.objects.filter(user=county_officer).exists()


# ------------------------------------------------------------------------------------- duplicates


def test_it_marks_a_duplicate_of_a_report_the_user_sees(township_officer_a, cadre_a, grid_a):
    original, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    report, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.report_mark_duplicate(
        actor=township_officer_a, report=report, original=original, reason="同一事项"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DUPLICATE and report.duplicate_of == original
    assert report.status_reason == "同一事项"
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.DUPLICATE)
    assert entry.body == "同一事项" and entry.details["original"] == original.reference
    (event,) = events("report.duplicate", report)
    assert event.changes["duplicate_of"] == str(original.pk)
    assert_no_report_text(event, "同一事项")


def test_it_refuses_a_duplicate_of_itself_of_a_duplicate_or_with_duplicates(
    township_officer_a, cadre_a, grid_a
):
    first, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    second, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    third, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    actor = township_officer_a
    with pytest.raises(ValidationFailed):
        triage.report_mark_duplicate(actor=actor, report=first, original=first, reason="x")
    triage.report_mark_duplicate(actor=actor, report=second, original=first, reason="同一事项")
    with pytest.raises(ValidationFailed):  # a chain: third → second → first
        triage.report_mark_duplicate(actor=actor, report=third, original=second, reason="同一事项")
    with pytest.raises(ValidationFailed):  # first has duplicates: it cannot become one
        triage.report_mark_duplicate(actor=actor, report=first, original=third, reason="同一事项")
    with pytest.raises(ValidationFailed) as refused:
        triage.report_mark_duplicate(actor=actor, report=third, original=first, reason=" ")
    assert refused.value.field == "reason"
    assert Report.objects.filter(status=ReportStatus.DUPLICATE).count() == 1


def test_it_refuses_a_duplicate_of_a_report_the_user_does_not_see(township_officer_a, report_a, report_b):
    with pytest.raises(ValidationFailed) as refused:
        triage.report_mark_duplicate(
            actor=township_officer_a, report=report_a[0], original=report_b[0], reason="同一事项"
        )
    assert refused.value.field == "original"


# ------------------------------------------------------------------------------------- not accepted, transfer


def test_it_does_not_accept_a_report_with_a_reason(county_officer, report_a):
    report = triage.report_mark_invalid(
        actor=county_officer, report=report_a[0], reason_kind=triage.InvalidReason.NO_CONTENT
    )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.INVALID
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.INVALID)
    assert entry.details == {"reason": "no_content"}
    (event,) = events("report.invalid", report)
    assert event.changes == {"status": {"before": "received", "after": "invalid"}, "reason": "no_content"}


def test_it_wants_a_text_with_other_and_a_known_reason(county_officer, report_a):
    with pytest.raises(ValidationFailed) as refused:
        triage.report_mark_invalid(actor=county_officer, report=report_a[0], reason_kind="other", reason="")
    assert refused.value.field == "reason"
    with pytest.raises(ValidationFailed):
        triage.report_mark_invalid(actor=county_officer, report=report_a[0], reason_kind="boring")
    triage.report_mark_invalid(
        actor=county_officer, report=report_a[0], reason_kind="other", reason="反映内容系网上转载"
    )
    assert Report.objects.get(pk=report_a[0].pk).status_reason == "反映内容系网上转载"


def test_it_passes_a_report_to_another_body(county_officer, county):
    report, _c = file_report(subject_name="外县干部", fallback_path=county.path)
    triage.report_transfer(actor=county_officer, report=report, to_body="惠水县纪委监委", reason="非本县干部")
    report.refresh_from_db()
    assert report.status == ReportStatus.TRANSFERRED and report.status_reason == "非本县干部"
    assert CaseEntry.objects.get(report=report, kind=CaseEntryKind.TRANSFER).details == {
        "to": "惠水县纪委监委"
    }
    (event,) = events("report.transfer", report)
    assert event.changes["to"] == "惠水县纪委监委"
    assert_no_report_text(event, "非本县干部", "外县干部")


def test_it_closes_triage_only_once(county_officer, report_a):
    report = report_a[0]
    triage.report_mark_invalid(actor=county_officer, report=report, reason_kind="abusive")
    with pytest.raises(ValidationFailed):
        triage.report_transfer(actor=county_officer, report=report, to_body="某单位", reason="x")
    with pytest.raises(ValidationFailed):
        triage.report_triage(actor=county_officer, report=report, urgent=True)
    assert len(events("report.invalid")) == 1 and not events("report.transfer")


# ------------------------------------------------------------------------------------- reroute


def test_county_staff_pass_a_report_down_to_a_township(county_officer, county, township_b):
    report, _c = file_report(subject_name="赵六", fallback_path=county.path)
    triage.report_reroute(actor=county_officer, report=report, to_area=township_b, reason="属地办理")
    report.refresh_from_db()
    assert report.supervising_path == township_b.path and report.routed_because == RoutedBecause.STAFF
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.ROUTING)
    assert entry.body == "属地办理" and entry.details["to_level"] == "township"
    (event,) = events("report.reroute", report)
    assert event.changes["supervising_path"] == {"before": county.path, "after": township_b.path}
    assert_no_report_text(event, "属地办理", "赵六")


def test_township_staff_pass_a_report_up_to_the_county_only(township_officer_a, report_a, county, township_b):
    report = report_a[0]
    with pytest.raises(ValidationFailed):
        triage.report_reroute(actor=township_officer_a, report=report, to_area=township_b, reason="x")
    triage.report_reroute(actor=township_officer_a, report=report, to_area=county, reason="案情重大")
    assert Report.objects.get(pk=report.pk).supervising_path == county.path


def test_it_never_passes_a_report_to_a_conflicted_level(
    county_officer, township_a, grid_a, secretary, county
):
    report, _c = file_report(subject_cadre=secretary, grid=grid_a)
    assert report.supervising_path == county.path
    for area in (township_a, grid_a):
        with pytest.raises(ValidationFailed) as refused:
            triage.report_reroute(actor=county_officer, report=report, to_area=area, reason="属地办理")
        assert refused.value.field == "to_area"
    with pytest.raises(ValidationFailed):
        triage.report_reroute(actor=county_officer, report=report, to_area=county, reason="原地")
    assert not events("report.reroute")


def test_it_passes_on_a_report_being_handled(county_officer, report_a, township_a):
    report = report_a[0]
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.HANDLING)
    triage.report_reroute(actor=county_officer, report=report, to_area=township_a, reason="由乡镇核实")
    assert Report.objects.get(pk=report.pk).supervising_path == township_a.path


# ------------------------------------------------------------------------------------- cadre search


def test_it_finds_cadres_by_name_pinyin_initials_and_unit(county_officer, cadre_a, cadre_b):
    find = lambda q: [c.name for c in triage.cadre_search(user=county_officer, q=q)]  # noqa: E731
    assert find("张伟") == ["张伟"]
    assert find("伟") == ["张伟"]
    assert find("zhangwei") == ["张伟"]
    assert find("ZW") == ["张伟"]
    assert find("教育") == ["李娜"]
    assert find("财政 zw") == ["张伟"]
    assert find("财政 李") == []


def test_it_searches_within_the_jurisdiction_without_conflicted_cadres(
    township_officer_a, cadre_a, cadre_b, unit_a, grid_a
):
    other = make_cadre("张强", unit_a, grid_a)
    relation(township_officer_a, other)
    assert [c.name for c in triage.cadre_search(user=township_officer_a, q="张")] == ["张伟"]
    assert triage.cadre_search(user=township_officer_a, q="李娜") == []


def test_it_searches_in_one_query(county_officer, unit_a, grid_a, django_assert_num_queries):
    make_cadre("张伟", unit_a, grid_a)
    triage.cadre_search(user=county_officer, q="z")  # the scope is computed once per request
    with django_assert_num_queries(1):
        assert len(triage.cadre_search(user=county_officer, q="z")) == 1
    for i in range(30):
        make_cadre(f"张{i}", unit_a, grid_a)
    with django_assert_num_queries(1):
        assert len(triage.cadre_search(user=county_officer, q="z")) == triage.SEARCH_LIMIT


# ------------------------------------------------------------------------------------- duplicate suggestions


def test_it_suggests_a_similar_report_and_not_a_different_one(county_officer, cadre_a, grid_a):
    earlier, _c = file_report(
        subject_cadre=cadre_a, grid=grid_a, what="上周末在城郊农家乐接受老板宴请，饮酒到深夜"
    )
    different, _c = file_report(subject_cadre=cadre_a, grid=grid_a, what="子女结婚大操大办，宴请八十余桌")
    unlinked, _c = file_report(
        subject_name="张伟", grid=grid_a, what="周末在城郊农家乐接受老板宴请，饮酒到深夜"
    )
    report, _c = file_report(
        subject_cadre=cadre_a, grid=grid_a, what="周末在城郊农家乐接受老板宴请，喝酒到深夜"
    )
    found = triage.duplicate_suggestions(user=county_officer, report=report)
    assert {s.report.pk for s in found} == {earlier.pk, unlinked.pk}
    assert all(s.similarity >= 80 for s in found)
    assert different.pk not in {s.report.pk for s in found}


def test_it_suggests_neither_old_reports_nor_ones_the_user_does_not_see(township_officer_a, cadre_a, grid_a):
    text = "周末在城郊农家乐接受老板宴请，饮酒到深夜"
    old, _c = file_report(subject_cadre=cadre_a, grid=grid_a, what=text)
    Report.objects.filter(pk=old.pk).update(received_on=datetime.date.today() - datetime.timedelta(days=91))
    hidden, _c = file_report(subject_name="张伟", grid=grid_a, what=text)
    Report.objects.filter(pk=hidden.pk).update(supervising_path="522729103000/")
    report, _c = file_report(subject_cadre=cadre_a, grid=grid_a, what=text)
    assert triage.duplicate_suggestions(user=township_officer_a, report=report) == []


def test_it_compares_a_bounded_number_of_reports_in_one_query(
    county_officer, cadre_a, grid_a, django_assert_num_queries
):
    report, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    for _i in range(triage.DUPLICATE_CANDIDATES + 5):
        file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.duplicate_suggestions(user=county_officer, report=report)
    with django_assert_num_queries(1):
        found = triage.duplicate_suggestions(user=county_officer, report=report)
    assert len(found) == triage.DUPLICATE_CANDIDATES


# ------------------------------------------------------------------------------------- views: permissions

POSTS = {
    "case_triage": {"urgent": "on", "circle": "social"},
    "case_duplicate": {"original": "00000000", "reason": "同一事项"},
    "case_invalid": {"reason_kind": "no_content"},
    "case_transfer": {"to_body": "惠水县纪委监委", "reason": "非本县干部"},
    "case_reroute": {"to_area": "", "reason": "属地办理"},
}


def url(name, report):
    return reverse(f"cases:{name}", args=[report.pk])


@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize("persona", ["grid_supervisor", "unit_liaison", "cadre_user"])
def test_it_refuses_the_triage_views_to_non_deciders(request, as_user, report_a, name, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.post(url(name, report_a[0]), POSTS[name]).status_code == 403


@pytest.mark.parametrize("name", list(POSTS))
def test_it_answers_404_to_another_township(as_user, township_officer_b, report_a, name):
    assert as_user(township_officer_b).post(url(name, report_a[0]), POSTS[name]).status_code == 404


@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize("kind", ["relation", "colleague", "unit_liaison", "subject"])
def test_it_answers_404_to_every_recused_decider(
    as_user, county, report_a, cadre_a, unit_a, grid_a, name, kind
):
    user = make_user(f"recused_{kind}", role=Role.COUNTY_STAFF, area=county)
    if kind == "relation":
        relation(user, cadre_a)
    elif kind == "colleague":
        people.cadre_link_user(actor=None, cadre=make_cadre("王强", unit_a, grid_a), user=user)
    elif kind == "unit_liaison":
        RoleAssignment.objects.create(user=user, role=Role.UNIT_LIAISON, unit=unit_a)
    else:
        people.cadre_link_user(actor=None, cadre=cadre_a, user=user)
    assert as_user(user).post(url(name, report_a[0]), POSTS[name]).status_code == 404
    assert Report.objects.get(pk=report_a[0].pk).status == ReportStatus.RECEIVED


@pytest.mark.parametrize("name", list(POSTS))
def test_it_sends_anonymous_visitors_to_sign_in(client, report_a, name):
    response = client.post(url(name, report_a[0]), POSTS[name])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", list(POSTS))
def test_it_answers_405_to_a_get(as_user, county_officer, report_a, name):
    assert as_user(county_officer).get(url(name, report_a[0])).status_code == 405


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a"])
def test_deciders_triage_through_the_view(request, as_user, report_a, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.post(url("case_triage", report_a[0]), POSTS["case_triage"])
    assert response.status_code == 302 and response["Location"].endswith("#triage")
    assert Report.objects.get(pk=report_a[0].pk).urgent
    body = client.get(response["Location"]).content.decode()
    assert zh("The triage was saved.") in body and zh("Urgent: important matter") in body


# ------------------------------------------------------------------------------------- views: the panel


def detail(client, report, **params):
    return client.get(reverse("cases:case_detail", args=[report.pk]), params)


def test_the_panel_says_where_the_report_is_and_why(as_user, township_officer_a, report_a, grid_a):
    body = detail(as_user(township_officer_a), report_a[0]).content.decode()
    assert zh("The grid that supervises the cadre") in body
    assert grid_a.name in body
    assert zh("Save the triage") in body and zh("Do not accept the report") in body


def test_a_grid_supervisor_reads_the_panel_without_its_forms(as_user, grid_supervisor, report_a):
    body = detail(as_user(grid_supervisor), report_a[0]).content.decode()
    assert zh("The grid that supervises the cadre") in body
    assert zh("Save the triage") not in body and url("case_invalid", report_a[0]) not in body


def test_it_links_a_cadre_found_with_the_search_form(
    as_user, county_officer, unlinked, cadre_a, cadre_b, grid_b
):
    client = as_user(county_officer)
    body = detail(client, unlinked, cadre_q="ln").content.decode()
    assert f'value="{cadre_b.pk}"' in body and f'value="{cadre_a.pk}"' not in body
    response = client.post(
        url("case_triage", unlinked), {"cadre_q": "ln", "subject_cadre": cadre_b.pk, "circle": "social"}
    )
    assert response.status_code == 302
    unlinked.refresh_from_db()
    assert unlinked.subject_cadre == cadre_b and unlinked.supervising_path == grid_b.path
    body = client.get(response["Location"]).content.decode()
    assert zh("Passed on by commission staff") not in body
    assert grid_b.name in body  # the routing history names where it went


def test_it_says_so_when_a_report_leaves_the_users_sight(as_user, township_officer_a, unlinked, secretary):
    client = as_user(township_officer_a)
    response = client.post(url("case_triage", unlinked), {"subject_cadre": secretary.pk, "circle": "social"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_list")
    assert zh("The triage was saved.") in client.get(response["Location"]).content.decode()
    assert detail(client, unlinked).status_code == 404


def test_it_shows_suggestions_and_prefills_the_duplicate_form(as_user, county_officer, cadre_a, grid_a):
    earlier, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    report, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    client = as_user(county_officer)
    body = detail(client, report).content.decode()
    assert zh("Possible duplicates") in body and earlier.reference in body
    body = detail(client, report, duplicate_of=earlier.reference).content.decode()
    assert f'value="{earlier.reference}"' in body
    response = client.post(
        url("case_duplicate", report), {"original": earlier.reference, "reason": "同一事项"}
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).duplicate_of == earlier
    body = client.get(response["Location"]).content.decode()
    assert zh("Duplicate of") in body and earlier.reference in body


def test_it_shows_a_refusal_beside_its_field_and_keeps_the_rest(as_user, county_officer, report_a):
    client = as_user(county_officer)
    response = client.post(url("case_transfer", report_a[0]), {"to_body": "惠水县纪委监委", "reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="惠水县纪委监委"' in body and 'id="triage-transfer" open' in body
    assert Report.objects.get(pk=report_a[0].pk).status == ReportStatus.RECEIVED
    response = client.post(url("case_duplicate", report_a[0]), {"original": "ABCDEF12", "reason": "同一事项"})
    assert response.status_code == 400
    body = response.content.decode()
    assert zh("No report you can see has this reference.") in body and "同一事项" in body


def test_it_refuses_a_reason_missing_with_other(as_user, township_officer_a, report_a):
    response = as_user(township_officer_a).post(url("case_invalid", report_a[0]), {"reason_kind": "other"})
    assert response.status_code == 400
    assert zh("Give the reason.") in response.content.decode()


def test_it_passes_on_through_the_view(as_user, county_officer, report_a, township_a, county):
    client = as_user(county_officer)
    body = detail(client, report_a[0]).content.decode()
    assert f'value="{township_a.code}"' in body and f'value="{county.code}"' in body
    response = client.post(
        url("case_reroute", report_a[0]), {"to_area": township_a.code, "reason": "乡镇核实"}
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=report_a[0].pk)
    assert report.supervising_path == township_a.path
    body = client.get(response["Location"]).content.decode()
    assert zh("Passed on by commission staff") in body and "乡镇核实" in body


def test_township_staff_are_offered_only_the_county(
    as_user, township_officer_a, report_a, township_b, county
):
    body = detail(as_user(township_officer_a), report_a[0]).content.decode()
    assert f'value="{county.code}"' in body and f'value="{township_b.code}"' not in body


def test_the_panel_costs_a_fixed_number_of_queries(
    as_user, county_officer, cadre_a, grid_a, unit_a, django_assert_max_num_queries, django_assert_num_queries
):
    report, _c = file_report(subject_cadre=cadre_a, grid=grid_a)
    client = as_user(county_officer)
    detail(client, report, cadre_q="z")
    with django_assert_max_num_queries(60) as small:
        assert detail(client, report, cadre_q="z").status_code == 200
    for i in range(25):
        make_cadre(f"张{i}", unit_a, grid_a)
        file_report(subject_cadre=cadre_a, grid=grid_a)
    with django_assert_num_queries(len(small.captured_queries)):
        assert detail(client, report, cadre_q="z").status_code == 200

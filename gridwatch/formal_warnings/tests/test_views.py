"""Every warning page: the right persona gets it; another township, another unit and a conflicted issuer get
404; the wrong role 403; the wrong method 405. The cadre and the unit never read the report behind a notice
or anything about the reporter. Refused forms come back with the error in Chinese and what was typed. The
list costs the same queries whatever the number of notices."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.forms import IssueForm
from gridwatch.formal_warnings.models import FollowUpKind, FollowUpStatus, NoticeStatus, WarningNotice
from gridwatch.people.models import DeclaredRelation, RelationKind

from .conftest import PROBLEM, SENTINEL, SUMMARY, issue, proposed


def url(name, *args):
    return reverse(f"formal_warnings:{name}", args=[getattr(a, "pk", a) for a in args])


def body(response):
    return response.content.decode()


@pytest.fixture
def related_officer(county, cadre_a):
    """County staff who declared a relation to cadre A."""
    user = make_user("related_officer", role=Role.COUNTY_STAFF, area=county)
    DeclaredRelation.objects.create(user=user, cadre=cadre_a, kind=RelationKind.choices[0][0])
    return user


# ----------------------------------------------------------------------------------------------- list


def test_it_lists_the_notices_of_each_readers_jurisdiction(
    as_user,
    office,
    county_officer,
    township_officer_a,
    township_officer_b,
    liaison_a,
    unit_liaison,
    unit_liaison_b,
    cadre_a,
):
    notice = issue(office, cadre_a)
    for user in (office, county_officer, township_officer_a, liaison_a, unit_liaison):
        response = as_user(user).get(url("list"))
        assert response.status_code == 200 and notice.reference in body(response), user
    for user in (township_officer_b, unit_liaison_b):
        response = as_user(user).get(url("list"))
        assert response.status_code == 200 and notice.reference not in body(response), user


def test_it_refuses_the_list_to_other_roles(
    as_user, grid_supervisor, community_org_a, cadre_user, system_admin
):
    for user in (grid_supervisor, community_org_a, cadre_user, system_admin):
        assert as_user(user).get(url("list")).status_code == 403, user


def test_it_filters_the_list_by_status_and_overdue_follow_up(
    as_user, office, county_officer, cadre_a, cadre_b
):
    import time_machine

    with time_machine.travel(datetime.datetime(2025, 9, 26, 10, 0, tzinfo=datetime.UTC), tick=False):
        late = issue(office, cadre_a)
    fresh = issue(office, cadre_b)
    client = as_user(county_officer)
    page = body(client.get(url("list") + "?overdue=1"))
    assert late.reference in page and fresh.reference not in page
    page = body(client.get(url("list") + "?status=appealed"))
    assert late.reference not in page and fresh.reference not in page
    page = body(client.get(url("list") + "?status=in_force"))
    assert late.reference in page and fresh.reference in page


def test_it_lists_the_notices_in_a_fixed_number_of_queries(
    as_user, office, county_officer, unit_a, grid_a, django_assert_num_queries
):
    cadres = [make_cadre(f"干部{i}", unit_a, grid_a) for i in range(10)]
    for i in range(3):
        issue(office, cadres[i])
    client = as_user(county_officer)
    client.get(url("list"))  # the session and the translations are read once
    with CaptureQueriesContext(connection) as three:
        assert client.get(url("list")).status_code == 200
    for i in range(27):
        issue(office, cadres[i % len(cadres)])
    assert WarningNotice.objects.count() == 30
    with django_assert_num_queries(len(three)):
        response = client.get(url("list"))
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------- proposals


def test_it_shows_the_issuers_their_queue(as_user, office, county_officer, related_officer, proposal_a):
    for user in (office, county_officer):
        page = body(as_user(user).get(url("proposals")))
        assert proposal_a.subject_cadre.name in page and url("issue", proposal_a) in page
    # The conflicted issuer does not see the proposal, nor reach its forms.
    client = as_user(related_officer)
    assert url("issue", proposal_a) not in body(client.get(url("proposals")))
    assert client.get(url("issue", proposal_a)).status_code == 404
    assert client.get(url("decline", proposal_a)).status_code == 404
    assert client.post(url("issue", proposal_a), {"problem": PROBLEM}).status_code == 404
    assert not WarningNotice.objects.exists()


def test_it_refuses_the_queue_and_forms_to_other_roles(
    as_user, township_officer_a, liaison_a, unit_liaison, grid_supervisor, cadre_user, proposal_a
):
    for user in (township_officer_a, liaison_a, unit_liaison, grid_supervisor, cadre_user):
        client = as_user(user)
        assert client.get(url("proposals")).status_code == 403, user
        assert client.get(url("issue", proposal_a)).status_code == 403, user
        assert client.post(url("decline", proposal_a), {"reason": "x"}).status_code == 403, user


def test_it_issues_a_notice_from_the_form_with_the_ladder_shown(as_user, office, cadre_a, proposal_a):
    issue(office, cadre_a)
    issue(office, cadre_a)
    client = as_user(office)
    response = client.get(url("issue", proposal_a))
    page = body(response)
    assert response.status_code == 200
    assert SUMMARY in page  # the problem starts from the finding's summary, written for the cadre
    assert SENTINEL not in page
    assert zh("This will be the cadre's notice no. %(ordinal)s in force.", ordinal=3) in page
    assert (
        zh("The unit's number one (一把手) must write an explanation to the county commission (书面说明).")
        in page
    )
    response = client.post(url("issue", proposal_a), {"problem": PROBLEM})
    notice = WarningNotice.objects.get(report=proposal_a)
    assert response.status_code == 302 and response["Location"] == url("detail", notice)
    assert notice.ordinal == 3 and notice.problem == PROBLEM
    # Issued: the proposal left the queue and its form.
    assert client.get(url("issue", proposal_a)).status_code == 404
    assert url("issue", proposal_a) not in body(client.get(url("proposals")))


def test_it_keeps_what_was_typed_and_says_what_is_wrong_in_chinese(as_user, office, proposal_a):
    too_long = "超" * 2001
    response = as_user(office).post(url("issue", proposal_a), {"problem": too_long})
    assert response.status_code == 400
    with translation.override("zh-hans"):
        error = IssueForm({"problem": too_long}).errors["problem"][0]
    assert "确保" in error  # Django's own message, in Chinese
    page = body(response)
    assert error in page and too_long in page
    assert not WarningNotice.objects.exists()


def test_it_declines_a_proposal(as_user, county_officer, proposal_a):
    client = as_user(county_officer)
    assert client.get(url("decline", proposal_a)).status_code == 200
    response = client.post(url("decline", proposal_a), {"reason": ""})
    assert response.status_code == 400 and zh("Say why no warning notice is issued.") in body(response)
    response = client.post(url("decline", proposal_a), {"reason": "情节轻微"})
    assert response.status_code == 302 and response["Location"] == url("proposals")
    assert proposal_a.subject_cadre.name not in body(client.get(url("proposals")))


# ---------------------------------------------------------------------------------------------- detail


def test_it_opens_a_notice_to_its_readers(
    as_user, office, county_officer, township_officer_a, liaison_a, unit_liaison, cadre_a
):
    notice = issue(office, cadre_a)
    for user in (office, county_officer, township_officer_a, liaison_a, unit_liaison):
        response = as_user(user).get(url("detail", notice))
        assert response.status_code == 200 and PROBLEM in body(response), user


def test_it_answers_404_outside_the_jurisdiction_and_for_conflicts(
    as_user, office, township_officer_b, unit_liaison_b, related_officer, cadre_a, unit_a, grid_a, county
):
    notice = issue(office, cadre_a)
    colleague_officer = make_user(
        "colleague_officer", role=Role.TOWNSHIP_STAFF, area=cadre_a.supervising_grid.parent.parent
    )
    colleague = make_cadre("王强", unit_a, grid_a)
    colleague.user = colleague_officer
    colleague.save(update_fields=["user"])
    for user in (township_officer_b, unit_liaison_b, related_officer, colleague_officer):
        client = as_user(user)
        assert client.get(url("detail", notice)).status_code == 404, user
        assert notice.reference not in body(client.get(url("list"))), user
    assert as_user(office).get(url("detail", "00000000-0000-0000-0000-000000000000")).status_code == 404


def test_it_refuses_a_notice_to_other_roles(
    as_user, office, grid_supervisor, community_org_a, cadre_user, cadre_a
):
    notice = issue(office, cadre_a)
    for user in (grid_supervisor, community_org_a, cadre_user):
        assert as_user(user).get(url("detail", notice)).status_code == 403, user


def test_it_lets_the_unit_record_the_education(
    as_user, office, unit_liaison, unit_liaison_b, township_officer_a, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    education = notice.follow_ups.get(kind=FollowUpKind.EDUCATION)
    action = url("follow_up", notice, education.pk)
    assert action in body(as_user(unit_liaison).get(url("detail", notice)))
    assert action in body(as_user(office).get(url("detail", notice)))  # the issuers may record it too
    assert action not in body(as_user(township_officer_a).get(url("detail", notice)))
    data = {
        f"fu{education.pk}-done_on": notice.issued_on.isoformat(),
        f"fu{education.pk}-record": "已谈话教育",
    }
    assert as_user(unit_liaison_b).post(action, data).status_code == 404
    assert as_user(township_officer_a).post(action, data).status_code == 403
    # A date in the future: the form comes back with the error and the record typed.
    client = as_user(unit_liaison)
    future = (notice.issued_on + datetime.timedelta(days=3)).isoformat()
    response = client.post(action, {**data, f"fu{education.pk}-done_on": future})
    assert response.status_code == 400
    page = body(response)
    assert zh("The date cannot be in the future.") in page and "已谈话教育" in page
    response = client.post(action, data)
    assert response.status_code == 302
    education.refresh_from_db()
    assert education.status == FollowUpStatus.DONE and education.recorded_by == unit_liaison
    # Sent again (a double tap): back to the notice with a note, the record unchanged.
    again = client.post(action, {**data, f"fu{education.pk}-record": "再次提交"})
    assert again.status_code == 302 and again["Location"] == url("detail", notice)
    education.refresh_from_db()
    assert education.record == "已谈话教育"
    assert client.get(action).status_code == 405
    # The cadre reads that it was done, not the unit's record of it.
    cadre_page = body(as_user(cadre_user).get(url("my_notice", notice)))
    assert zh("Warning education by the unit (警告教育)") in cadre_page and "已谈话教育" not in cadre_page


def test_it_lets_an_issuer_decide_an_appeal(
    as_user, office, county_officer, township_officer_a, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    assert (
        as_user(county_officer)
        .post(url("decide", notice), {"decision": "granted", "reason": "x"})
        .status_code
        == 403
    )
    services.notice_appeal(actor=cadre_user, notice=notice, statement="我有异议")
    page = body(as_user(county_officer).get(url("detail", notice)))
    assert "我有异议" in page and url("decide", notice) in page
    assert url("decide", notice) not in body(as_user(township_officer_a).get(url("detail", notice)))
    assert (
        as_user(township_officer_a)
        .post(url("decide", notice), {"decision": "granted", "reason": "x"})
        .status_code
        == 403
    )
    client = as_user(county_officer)
    response = client.post(url("decide", notice), {"decision": "granted", "reason": ""})
    assert response.status_code == 400 and zh("Give the reason for the decision.") in body(response)
    response = client.post(url("decide", notice), {"decision": "granted", "reason": "证据不足"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.WITHDRAWN


# ----------------------------------------------------------------------------------------------- cadre


def test_it_shows_the_cadre_only_their_own_notices(as_user, office, cadre_a, cadre_b, cadre_user):
    own = issue(office, cadre_a)
    other = issue(office, cadre_b)
    client = as_user(cadre_user)
    page = body(client.get(url("mine")))
    assert own.reference in page and other.reference not in page
    own_page = body(client.get(url("my_notice", own)))
    assert PROBLEM in own_page and zh("Warning education by the unit (警告教育)") in own_page
    assert client.get(url("my_notice", other)).status_code == 404
    assert client.post(url("acknowledge", other)).status_code == 404
    assert as_user(office).get(url("mine")).status_code == 403
    assert as_user(office).get(url("my_notice", own)).status_code == 403


def test_it_lets_the_cadre_acknowledge_and_appeal_once(as_user, office, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    client = as_user(cadre_user)
    assert client.get(url("acknowledge", notice)).status_code == 405
    assert client.post(url("acknowledge", notice)).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    response = client.post(url("appeal", notice), {"statement": ""})
    assert response.status_code == 400 and zh("Say why you appeal against the notice.") in body(response)
    assert client.post(url("appeal", notice), {"statement": "认定事实有误"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPEALED and notice.appeal_text == "认定事实有误"
    # Sent again (a double tap): back to the notice with a note, the first statement kept.
    again = client.post(url("appeal", notice), {"statement": "再次申诉"})
    assert again.status_code == 302 and again["Location"] == url("my_notice", notice)
    notice.refresh_from_db()
    assert notice.appeal_text == "认定事实有误"


def test_it_never_shows_the_cadre_or_the_unit_the_report_or_the_reporter(
    as_user, office, county_officer, unit_liaison, cadre_a, cadre_user
):
    """The sentinel is in the report's wording, time, place and the reporter's name: no page the cadre or
    the unit liaison can open shows it, nor the reporter's phone, nor a link to the case."""
    first = issue(office, cadre_a)
    second = issue(office, cadre_a)
    services.notice_appeal(actor=cadre_user, notice=second, statement="申诉")
    services.appeal_decide(actor=county_officer, notice=second, decision="dismissed", reason="维持")
    cadre_pages = [url("mine"), url("my_notice", first), url("my_notice", second)]
    unit_pages = [url("list"), url("detail", first), url("detail", second), url("list") + "?overdue=1"]
    for user, pages in ((cadre_user, cadre_pages), (unit_liaison, unit_pages)):
        client = as_user(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            text = body(response)
            assert SENTINEL not in text and "13912345678" not in text, page
            for notice in (first, second):
                assert str(notice.report_id) not in text, page
                assert notice.report.reference not in text, page


# ------------------------------------------------------------------------------------------ navigation


def test_it_puts_the_pages_in_the_menu_of_the_roles_concerned(
    as_user, office, unit_liaison, cadre_user, grid_supervisor
):
    for user, present, absent in (
        (office, [url("list")], [url("mine")]),
        (unit_liaison, [url("list")], [url("mine")]),
        (cadre_user, [url("mine")], [url("list")]),
        (grid_supervisor, [], [url("list"), url("mine")]),
    ):
        page = body(as_user(user).get(reverse("core:home")))
        for link in present:
            assert f'href="{link}"' in page, (user, link)
        for link in absent:
            assert f'href="{link}"' not in page, (user, link)


@pytest.mark.parametrize(
    "persona",
    ["office", "county_officer", "township_officer_a", "liaison_a", "unit_liaison", "cadre_user"],
)
def test_it_shows_each_reader_only_links_they_may_follow(
    request, as_user, persona, office, county_officer, cadre_a, cadre_b, cadre_user
):
    """From the warning pages, every link of ours answers: no 403 or 404 behind a link a page showed."""
    import re

    first = issue(office, cadre_a)
    issue(office, cadre_b)
    proposed(cadre_a)
    services.notice_appeal(actor=cadre_user, notice=first, statement="申诉")
    client = as_user(request.getfixturevalue(persona))
    queue = [url("mine") if persona == "cadre_user" else url("list")]
    seen, dead = set(), []
    while queue and len(seen) < 40:
        link = queue.pop(0)
        if link in seen:
            continue
        seen.add(link)
        response = client.get(link)
        if response.status_code != 200:
            dead.append((link, response.status_code))
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        for href in re.findall(r'href="(/(?:warnings|cases)/[^"#]*)"', body(response)):
            queue.append(href.replace("&amp;", "&"))
    assert len(seen) > 1 and dead == [], (seen, dead)

"""The cadre's side of cases: "Findings about me" shows the verified findings about the signed-in cadre
and nothing else (no report still being handled, nothing of the report's wording, channel, grid, dates,
messages or handler, nothing about the reporter); the cadre asks for their name to be cleared there."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from gridwatch.accounts.models import Notification
from gridwatch.cases import clarifications as svc
from gridwatch.cases import services
from gridwatch.cases.models import Channel, Clarification, ClarificationStatus, Finding, ReportStatus
from gridwatch.cases.tests.conftest import file_report
from gridwatch.cases.tests.test_clarification import FINDING_ON, SUMMARY, conclude
from gridwatch.conftest import make_user, zh

RECEIVED_ON = datetime.datetime(2025, 2, 10, 10, 0, tzinfo=datetime.UTC)
WHAT = "在金沙农家乐接受老板宴请并收受购物卡"
WHEN = "二月八日晚七点"
WHERE = "金沙农家乐二楼包间"
REPORTER = "王举报人"
REPORTER_PHONE = "13912345678"
STAFF_MESSAGE = "您反映的问题已受理，正在核实"
REPORTER_MESSAGE = "补充：当晚还有另一位干部在场"
HIDDEN = ["草稿：拟认定属实", "重复件摘要", "不予受理摘要", "转办摘要"]


def cadre_account(cadre, username):
    user = make_user(username)
    cadre.user = user
    cadre.save(update_fields=["user"])
    return user


@pytest.fixture
def scene(cadre_a, cadre_b, grid_a, grid_b, township_officer_a):
    """Reports about cadre A in every state, filed on 2025-02-10; one concluded as not substantiated
    (a named report, with messages and a handler), the others not for the cadre's eyes."""
    with time_machine.travel(RECEIVED_ON, tick=False):
        verified, _code = file_report(
            subject_cadre=cadre_a,
            grid=grid_a,
            what=WHAT,
            when=WHEN,
            where=WHERE,
            reporter_name=REPORTER,
            reporter_phone=REPORTER_PHONE,
        )
        received, _code = file_report(subject_cadre=cadre_a, grid=grid_a, what="尚未受理的反映")
        handling, _code = file_report(subject_cadre=cadre_a, grid=grid_a, channel=Channel.HOTLINE)
        others = [file_report(subject_cadre=cadre_a, grid=grid_a)[0] for _status in range(3)]
        about_b, _code = file_report(subject_cadre=cadre_b, grid=grid_b)
    services.report_message_send(actor=township_officer_a, report=verified, body=STAFF_MESSAGE)
    services.report_message_from_reporter(report=verified, body=REPORTER_MESSAGE)
    verified.handler = township_officer_a
    verified.save(update_fields=["handler"])
    conclude(verified)
    # A finding being drafted on a report still handled, and findings on reports that never reach a
    # verdict about the cadre: none is for the cadre's eyes.
    conclude(handling, Finding.SUBSTANTIATED, status=ReportStatus.HANDLING, summary=HIDDEN[0])
    for report, status, summary in zip(
        others,
        (ReportStatus.DUPLICATE, ReportStatus.INVALID, ReportStatus.TRANSFERRED),
        HIDDEN[1:],
        strict=True,
    ):
        conclude(report, Finding.SUBSTANTIATED, status=status, summary=summary)
    conclude(about_b, summary="李娜同志的核实结论")
    return {"verified": verified, "received": received, "handling": handling, "others": others, "b": about_b}


def mine(report):
    return reverse("cases:my_finding", args=[report.pk])


def test_it_shows_the_cadre_the_verified_finding_and_nothing_unverified(as_user, cadre_user, scene):
    client = as_user(cadre_user)
    body = client.get(reverse("cases:my_findings")).content.decode()
    assert zh("Not substantiated") in body and SUMMARY in body and FINDING_ON.isoformat() in body
    assert mine(scene["verified"]) in body
    for key in ("received", "handling", "b"):
        assert mine(scene[key]) not in body
        assert client.get(mine(scene[key])).status_code == 404
    for report in scene["others"]:
        assert mine(report) not in body
        assert client.get(mine(report)).status_code == 404
    for text in [*HIDDEN, "李娜同志的核实结论"]:
        assert text not in body
    page = client.get(mine(scene["verified"])).content.decode()
    assert SUMMARY in page and zh("Not substantiated") in page and FINDING_ON.isoformat() in page


def test_it_counts_only_verified_findings_on_the_cadres_home(as_user, cadre_user, scene):
    body = as_user(cadre_user).get(reverse("core:home")).content.decode()
    assert reverse("cases:my_findings") in body
    assert '<span class="badge">1</span>' in body


def _pages(client, scene):
    urls = [
        reverse("core:home"),
        reverse("people:my_file"),
        reverse("accounts:inbox"),
        reverse("cases:my_findings"),
        mine(scene["verified"]),
    ]
    return {url: client.get(url) for url in urls}


def _assert_nothing_of_the_report(pages, scene, grid_a, township_officer_a):
    leaks = [
        WHAT,
        WHEN,
        WHERE,
        REPORTER,
        REPORTER_PHONE,
        STAFF_MESSAGE,
        REPORTER_MESSAGE,
        "2025-02-10",
        township_officer_a.username,
        *HIDDEN,
        "尚未受理的反映",
    ]
    for url, response in pages.items():
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in leaks:
            assert text not in body, (url, text)
        if url.startswith("/cases/"):
            # The cadre's file names their own grids; the findings pages name no grid and no channel.
            assert grid_a.name not in body, url
            for label in (zh("Supervision mailbox (web)"), zh("Supervision phone")):
                assert escape(label) not in body, (url, label)


def test_it_shows_nothing_of_the_report_or_the_reporter_on_any_page_of_the_cadre(
    as_user, cadre_user, county_officer, scene, grid_a, township_officer_a
):
    client = as_user(cadre_user)
    _assert_nothing_of_the_report(_pages(client, scene), scene, grid_a, township_officer_a)
    # Through the whole clarification, notification and file entry included.
    response = client.post(
        reverse("cases:my_clarification_request", args=[scene["verified"].pk]), {"reason": "请求澄清"}
    )
    assert response.status_code == 302
    clarification = Clarification.objects.get(report=scene["verified"])
    svc.clarification_approve(
        actor=county_officer,
        clarification=clarification,
        scope="public",
        clarified_on=datetime.date(2025, 3, 9),
    )
    assert Notification.objects.filter(user=cadre_user).count() == 1
    client = as_user(cadre_user)
    pages = _pages(client, scene)
    _assert_nothing_of_the_report(pages, scene, grid_a, township_officer_a)
    assert "2025-03-09" in pages[reverse("people:my_file")].content.decode()


def test_it_lets_the_cadre_ask_for_a_clarification(as_user, cadre_user, scene):
    client = as_user(cadre_user)
    report = scene["verified"]
    page = client.get(mine(report)).content.decode()
    url = reverse("cases:my_clarification_request", args=[report.pk])
    assert url in page
    response = client.post(url, {"reason": "反映不实，请予澄清"})
    assert response.status_code == 302 and response["Location"] == mine(report)
    clarification = Clarification.objects.get(report=report)
    assert clarification.status == ClarificationStatus.REQUESTED and clarification.requested_by == cadre_user
    page = client.get(mine(report)).content.decode()
    assert escape(zh("Clarification asked for, awaiting a decision")) in page
    assert "反映不实，请予澄清" in page and url not in page
    listing = client.get(reverse("cases:my_findings")).content.decode()
    assert escape(zh("Clarification asked for, awaiting a decision")) in listing


def test_it_refuses_a_second_request_with_a_message(as_user, cadre_user, scene):
    client = as_user(cadre_user)
    report = scene["verified"]
    url = reverse("cases:my_clarification_request", args=[report.pk])
    assert client.post(url, {"reason": "第一次"}).status_code == 302
    response = client.post(url, {"reason": "第二次"})
    assert response.status_code == 400
    assert escape(zh("A clarification of this finding is already waiting for the county's decision.")) in (
        response.content.decode()
    )
    assert Clarification.objects.filter(report=report).count() == 1


def test_it_keeps_an_empty_request_on_the_page_with_its_error(as_user, cadre_user, scene):
    client = as_user(cadre_user)
    response = client.post(
        reverse("cases:my_clarification_request", args=[scene["verified"].pk]), {"reason": ""}
    )
    assert response.status_code == 400 and zh("This field is required.") in response.content.decode()
    assert not Clarification.objects.exists()


def test_it_offers_no_clarification_after_an_adverse_finding(as_user, cadre_user, cadre_a, grid_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    conclude(report, Finding.SUBSTANTIATED, summary="经核实，反映问题属实。")
    client = as_user(cadre_user)
    page = client.get(mine(report)).content.decode()
    url = reverse("cases:my_clarification_request", args=[report.pk])
    assert "经核实，反映问题属实。" in page and zh("Substantiated") in page and url not in page
    response = client.post(url, {"reason": "请求澄清"})
    assert response.status_code == 400
    assert (
        zh(
            "A clarification follows only a finding of not substantiated, a mistaken report or a suspected "
            "false accusation."
        )
        in response.content.decode()
    )
    assert not Clarification.objects.exists()


def test_it_shows_the_cadre_the_decision_but_not_the_handlers_reasons(
    as_user, cadre_user, township_officer_a, county_officer, scene
):
    report = scene["verified"]
    proposal = svc.clarification_propose(
        actor=township_officer_a, report=report, reason="核查人员内部意见：举报人系报复", scope="unit"
    )
    client = as_user(cadre_user)
    page = client.get(mine(report)).content.decode()
    assert escape(zh("Clarification proposed, awaiting a decision")) in page
    assert "核查人员内部意见" not in page
    svc.clarification_approve(
        actor=county_officer, clarification=proposal, scope="meeting", clarified_on=datetime.date(2025, 3, 15)
    )
    page = client.get(mine(report)).content.decode()
    assert zh("Name cleared") in page and zh("At a meeting") in page and "2025-03-15" in page
    assert "核查人员内部意见" not in page and county_officer.username not in page
    inbox = client.get(reverse("accounts:inbox")).content.decode()
    assert zh("Your name is cleared (澄清正名)") in inbox and "2025-03-15" in inbox


def test_it_tells_the_cadre_why_a_request_was_declined(as_user, cadre_user, county_officer, scene):
    report = scene["verified"]
    clarification = svc.clarification_request(actor=cadre_user, report=report, reason="请求澄清")
    svc.clarification_decline(actor=county_officer, clarification=clarification, note="已在单位会议上说明")
    page = as_user(cadre_user).get(mine(report)).content.decode()
    assert zh("Clarification declined") in page and "已在单位会议上说明" in page
    # A declined request may be made again.
    assert reverse("cases:my_clarification_request", args=[report.pk]) in page


def test_it_lists_the_findings_in_a_fixed_number_of_queries(
    as_user, cadre_user, cadre_a, grid_a, django_assert_max_num_queries
):
    def fill(n):
        for _i in range(n):
            report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
            conclude(report)
            svc.clarification_request(actor=cadre_user, report=report, reason="请求澄清")

    client = as_user(cadre_user)
    fill(2)
    with django_assert_max_num_queries(14) as small:
        response = client.get(reverse("cases:my_findings"))
    assert response.content.decode().count(SUMMARY) == 2
    fill(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cases:my_findings"))
    assert response.content.decode().count(SUMMARY) == 12


def test_it_puts_the_cadres_pages_in_the_cadres_navigation_only(
    as_user, cadre_user, unit_liaison, county_officer
):
    link = f'href="{reverse("cases:my_findings")}"'
    assert link in as_user(cadre_user).get(reverse("core:home")).content.decode()
    assert link not in as_user(unit_liaison).get(reverse("core:home")).content.decode()
    body = as_user(county_officer).get(reverse("core:home")).content.decode()
    assert link not in body and f'href="{reverse("cases:clarification_list")}"' in body


# ---------------------------------------------------------------------------------------- permissions


@pytest.fixture
def cleared(cadre_a, grid_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    return conclude(report)


def _login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_opens_the_cadres_pages_to_the_cadre_reported_only(
    as_user, cadre_user, cadre_b, unit_liaison, township_officer_b, county_officer, cleared
):
    pages = [reverse("cases:my_findings"), mine(cleared)]
    client = as_user(cadre_user)
    for url in pages:
        assert client.get(url).status_code == 200, url
    other_cadre = cadre_account(cadre_b, "cadre_lina")
    for user in (other_cadre, unit_liaison, township_officer_b, county_officer):
        client = as_user(user)
        assert client.get(mine(cleared)).status_code == 404, user
        response = client.post(
            reverse("cases:my_clarification_request", args=[cleared.pk]), {"reason": "请求澄清"}
        )
        assert response.status_code == 404, user
    # The other cadre has a findings page of their own, empty; the rest have none.
    assert as_user(other_cadre).get(reverse("cases:my_findings")).status_code == 200
    assert "张伟" not in as_user(other_cadre).get(reverse("cases:my_findings")).content.decode()
    for user in (unit_liaison, township_officer_b, county_officer):
        assert as_user(user).get(reverse("cases:my_findings")).status_code == 404, user
    assert not Clarification.objects.exists()


def test_it_sends_anonymous_visitors_of_the_cadres_pages_to_sign_in(client, cleared):
    assert _login_redirect(client.get(reverse("cases:my_findings")))
    assert _login_redirect(client.get(mine(cleared)))
    assert _login_redirect(
        client.post(reverse("cases:my_clarification_request", args=[cleared.pk]), {"reason": "x"})
    )


def test_it_answers_405_to_a_get_of_the_request_view(as_user, cadre_user, cleared):
    response = as_user(cadre_user).get(reverse("cases:my_clarification_request", args=[cleared.pk]))
    assert response.status_code == 405


def test_it_lets_the_township_propose_but_not_decide(
    as_user, township_officer_a, township_officer_b, county_officer, cleared
):
    propose = reverse("cases:clarification_propose", args=[cleared.pk])
    approve = reverse("cases:clarification_approve", args=[cleared.pk])
    decline = reverse("cases:clarification_decline", args=[cleared.pk])
    data = {"propose-scope": "unit", "propose-reason": "建议澄清"}
    assert as_user(township_officer_b).post(propose, data).status_code == 404
    assert as_user(township_officer_a).post(propose, data).status_code == 302
    decision = {"approve-scope": "unit", "approve-clarified_on": "2025-03-20", "decline-note": "无需"}
    for user in (township_officer_a, township_officer_b):
        client = as_user(user)
        assert client.post(approve, decision).status_code == 403
        assert client.post(decline, decision).status_code == 403
        assert client.get(reverse("cases:clarification_list")).status_code == 403
    assert Clarification.objects.get(report=cleared).status == ClarificationStatus.PROPOSED
    client = as_user(county_officer)
    assert client.get(reverse("cases:clarification_list")).status_code == 200
    assert client.post(approve, decision).status_code == 302
    assert Clarification.objects.get(report=cleared).status == ClarificationStatus.APPROVED


@pytest.mark.parametrize("persona", ["cadre_user", "unit_liaison", "grid_supervisor"])
def test_it_refuses_the_staff_clarification_views_to_other_roles(request, as_user, cleared, persona):
    client = as_user(request.getfixturevalue(persona))
    for name in ("clarification_propose", "clarification_approve", "clarification_decline"):
        response = client.post(
            reverse(f"cases:{name}", args=[cleared.pk]),
            {"propose-scope": "unit", "propose-reason": "x", "approve-scope": "unit", "decline-note": "x"},
        )
        assert response.status_code == 403, name
    assert client.get(reverse("cases:clarification_list")).status_code == 403
    assert not Clarification.objects.exists()


def test_it_answers_404_to_a_county_officer_with_a_declared_relation(
    as_user, county_officer, cadre_a, cleared
):
    from gridwatch.people.models import DeclaredRelation, RelationKind

    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(county_officer)
    for name in ("clarification_propose", "clarification_approve", "clarification_decline"):
        assert client.post(reverse(f"cases:{name}", args=[cleared.pk]), {}).status_code == 404, name


def test_it_sends_anonymous_visitors_of_the_staff_views_to_sign_in(client, cleared):
    for name in ("clarification_propose", "clarification_approve", "clarification_decline"):
        assert _login_redirect(client.post(reverse(f"cases:{name}", args=[cleared.pk]), {}))
    assert _login_redirect(client.get(reverse("cases:clarification_list")))


def test_it_answers_404_to_the_staff_views_of_another_county(as_user, cadre_user, cleared):
    from gridwatch.accounts.roles import Role
    from gridwatch.geography import services as geo
    from gridwatch.geography.models import Kind, Level

    other = geo.area_create(
        actor=None, code="522730000000", name="惠水县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    officer = make_user("other_county", role=Role.COUNTY_STAFF, area=other)
    svc.clarification_request(actor=cadre_user, report=cleared, reason="请求澄清")
    client = as_user(officer)
    for name in ("clarification_propose", "clarification_approve", "clarification_decline"):
        assert client.post(reverse(f"cases:{name}", args=[cleared.pk]), {}).status_code == 404, name
    assert "张伟" not in client.get(reverse("cases:clarification_list")).content.decode()

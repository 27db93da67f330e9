"""A form sent twice (a double tap on a slow phone) is not a failure (SECURITY.md item 10): when what it asks
is already done, the second post leads to the page that shows it with a note, and the first post's data
stand. Sent one after the other, or at once (the second waits on the first's lock and finds it done). The
note is given only to those who may read that page: to the others the answers stay 404 and 403."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.models import (
    AppealDecision,
    FollowUpStatus,
    NoticeStatus,
    ProposalDecline,
    WarningNotice,
)
from gridwatch.people.models import DeclaredRelation, RelationKind

from .conftest import PROBLEM, actions_since, issue, last_seq


def url(name, *args):
    return reverse(f"formal_warnings:{name}", args=[getattr(a, "pk", a) for a in args])


def noted(response, to):
    """The response leads to ``to`` with a note, and no error (the first post's message may wait beside
    it: both posts were sent before a page was shown)."""
    assert response.status_code == 302 and response["Location"] == to, response.status_code
    notes = list(get_messages(response.wsgi_request))
    assert notes and notes[-1].level == messages.INFO, notes
    assert all(m.level < messages.WARNING for m in notes), notes
    return str(notes[-1])


def racing(monkeypatch, name):
    """Make the service ``name`` find its work done by a post that got there first: the first call runs it
    twice, as two posts at once would (the second after the first's commit)."""
    real = getattr(services, name)

    def twice(**kwargs):
        real(**kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, name, twice)


@pytest.fixture
def related_officer(county, cadre_a):
    user = make_user("related_officer", role=Role.COUNTY_STAFF, area=county)
    DeclaredRelation.objects.create(user=user, cadre=cadre_a, kind=RelationKind.choices[0][0])
    return user


# --------------------------------------------------------------------------------------------- issue


def test_it_leads_a_second_issue_to_the_notice(as_user, office, county_officer, related_officer, proposal_a):
    action = url("issue", proposal_a)
    client = as_user(office)
    assert client.post(action, {"problem": PROBLEM}).status_code == 302
    notice = WarningNotice.objects.get(report=proposal_a)
    seq = last_seq()
    noted(client.post(action, {"problem": "再次提交"}), url("detail", notice))
    assert actions_since(seq) == []
    # Another issuer who sent the same form a moment later lands on the same notice.
    noted(as_user(county_officer).post(action, {"problem": PROBLEM}), url("detail", notice))
    notice.refresh_from_db()
    assert notice.problem == PROBLEM and WarningNotice.objects.count() == 1
    # An issuer who may not read the notice learns nothing of it; a page asked for again stays 404.
    assert as_user(related_officer).post(action, {"problem": PROBLEM}).status_code == 404
    assert client.get(action).status_code == 404


def test_it_leads_an_issue_sent_at_once_to_the_notice(monkeypatch, as_user, office, proposal_a):
    racing(monkeypatch, "notice_issue")
    response = as_user(office).post(url("issue", proposal_a), {"problem": PROBLEM})
    noted(response, url("detail", WarningNotice.objects.get(report=proposal_a)))


def test_it_leads_a_second_decline_to_the_queue(as_user, office, related_officer, proposal_a):
    action = url("decline", proposal_a)
    client = as_user(office)
    assert client.post(action, {"reason": "证据不足"}).status_code == 302
    noted(client.post(action, {"reason": "再次提交"}), url("proposals"))
    assert ProposalDecline.objects.get().reason == "证据不足"
    assert as_user(related_officer).post(action, {"reason": "证据不足"}).status_code == 404


# ----------------------------------------------------------------------------------------- follow-ups


def test_it_leads_a_second_record_to_the_notice(
    as_user, office, unit_liaison, unit_liaison_b, township_officer_a, cadre_a
):
    notice = issue(office, cadre_a)
    education = notice.follow_ups.get()
    action = url("follow_up", notice, education.pk)
    data = {f"fu{education.pk}-done_on": notice.issued_on.isoformat(), f"fu{education.pk}-record": "已教育"}
    client = as_user(unit_liaison)
    assert client.post(action, data).status_code == 302
    seq = last_seq()
    noted(client.post(action, {**data, f"fu{education.pk}-record": "再次提交"}), url("detail", notice))
    assert actions_since(seq) == []
    education.refresh_from_db()
    assert education.status == FollowUpStatus.DONE and education.record == "已教育"
    # Those who may not record it, or not read the notice, get the answers they got before.
    assert as_user(township_officer_a).post(action, data).status_code == 403
    assert as_user(unit_liaison_b).post(action, data).status_code == 404


def test_it_leads_a_record_sent_at_once_to_the_notice(monkeypatch, as_user, office, unit_liaison, cadre_a):
    notice = issue(office, cadre_a)
    education = notice.follow_ups.get()
    data = {f"fu{education.pk}-done_on": notice.issued_on.isoformat(), f"fu{education.pk}-record": "已教育"}
    racing(monkeypatch, "followup_record")
    response = as_user(unit_liaison).post(url("follow_up", notice, education.pk), data)
    noted(response, url("detail", notice))


def test_it_still_refuses_to_record_a_cancelled_follow_up(as_user, office, unit_liaison, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    services.notice_appeal(actor=cadre_user, notice=notice, statement="认定事实有误")
    services.appeal_decide(actor=office, notice=notice, decision=AppealDecision.GRANTED, reason="证据不足")
    education = notice.follow_ups.get()
    data = {f"fu{education.pk}-done_on": notice.issued_on.isoformat(), f"fu{education.pk}-record": "已教育"}
    assert as_user(unit_liaison).post(url("follow_up", notice, education.pk), data).status_code == 403


# ------------------------------------------------------------------------------------- appeal, decision


def test_it_leads_a_second_appeal_to_the_cadres_page(as_user, office, cadre_a, cadre_b, cadre_user):
    notice = issue(office, cadre_a)
    client = as_user(cadre_user)
    assert client.post(url("appeal", notice), {"statement": "认定事实有误"}).status_code == 302
    seq = last_seq()
    noted(client.post(url("appeal", notice), {"statement": "再次提交"}), url("my_notice", notice))
    assert actions_since(seq) == []
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPEALED and notice.appeal_text == "认定事实有误"
    # Another cadre's notice stays out of reach.
    other = issue(office, cadre_b)
    assert client.post(url("appeal", other), {"statement": "认定事实有误"}).status_code == 404


def test_it_leads_an_appeal_sent_at_once_to_the_cadres_page(
    monkeypatch, as_user, office, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    racing(monkeypatch, "notice_appeal")
    response = as_user(cadre_user).post(url("appeal", notice), {"statement": "认定事实有误"})
    noted(response, url("my_notice", notice))


def test_it_leads_a_second_acknowledgement_to_the_cadres_page(as_user, office, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    client = as_user(cadre_user)
    assert client.post(url("acknowledge", notice)).status_code == 302
    noted(client.post(url("acknowledge", notice)), url("my_notice", notice))


def test_it_leads_a_second_decision_to_the_notice(
    as_user, office, county_officer, related_officer, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    services.notice_appeal(actor=cadre_user, notice=notice, statement="认定事实有误")
    data = {"decision": AppealDecision.DISMISSED, "reason": "事实清楚"}
    client = as_user(office)
    assert client.post(url("decide", notice), data).status_code == 302
    noted(client.post(url("decide", notice), {**data, "reason": "再次提交"}), url("detail", notice))
    notice.refresh_from_db()
    assert notice.decision_reason == "事实清楚" and notice.status == NoticeStatus.IN_FORCE
    assert as_user(related_officer).post(url("decide", notice), data).status_code == 404

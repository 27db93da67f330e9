"""The free texts of the warning notices are encrypted at rest (SECURITY.md item 4) like the case's texts
they come from or speak of: the problem (it starts from the finding's encrypted summary), the cadre's
appeal, the reason for the decision, the record of a follow-up and the reason a proposal was declined. The
database holds none of them readable; the pages show them as before."""

import json

from django.db import connection
from django.urls import reverse

from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.models import AppealDecision, ProposalDecline

from .conftest import SUMMARY, proposed

STATEMENT = "申诉：举报人应是隔壁老王"
REASON = "经核实群众反映属实"
RECORD = "已由局长谈话教育"
DECLINED = "举报人系其前妻，动机存疑"


def raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def test_it_keeps_the_texts_unreadable_in_the_database_and_readable_on_the_pages(
    as_user, office, unit_liaison, cadre_a, cadre_user
):
    # The issuer kept the form's prefill: the finding's summary, word for word.
    notice = services.notice_issue(actor=office, report=proposed(cadre_a), problem=SUMMARY)
    services.notice_appeal(actor=cadre_user, notice=notice, statement=STATEMENT)
    services.appeal_decide(actor=office, notice=notice, decision=AppealDecision.DISMISSED, reason=REASON)
    services.followup_record(
        actor=unit_liaison, follow_up=notice.follow_ups.get(), done_on=notice.issued_on, record=RECORD
    )
    services.proposal_decline(actor=office, report=proposed(cadre_a), reason=DECLINED)

    stored = " ".join(
        [
            raw("SELECT problem, appeal_text, decision_reason FROM formal_warnings_warningnotice"),
            raw("SELECT record FROM formal_warnings_followup"),
            raw("SELECT reason FROM formal_warnings_proposaldecline"),
        ]
    )
    for text in ("午间饮酒", "隔壁老王", "群众反映属实", "谈话教育", "动机存疑"):
        assert text not in stored, text
    assert stored.count("gAAAAA") == 5  # five Fernet tokens, one per text
    # Nor do the notifications (a plain table) carry them: they point to the notice's page instead.
    told = raw("SELECT subject, body FROM accounts_notification")
    assert "预警书" in told
    for text in ("午间饮酒", "隔壁老王", "群众反映属实", "谈话教育", "动机存疑"):
        assert text not in told, text

    page = as_user(office).get(reverse("formal_warnings:detail", args=[notice.pk])).content.decode()
    for text in (SUMMARY, STATEMENT, REASON, RECORD):
        assert text in page, text
    mine = as_user(cadre_user).get(reverse("formal_warnings:my_notice", args=[notice.pk])).content.decode()
    for text in (SUMMARY, STATEMENT, REASON):
        assert text in mine, text
    assert ProposalDecline.objects.get().reason == DECLINED
